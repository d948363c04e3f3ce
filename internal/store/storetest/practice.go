package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/store"
)

// Marker is planted in client A's record; it must never appear in a response
// to someone who may not see that record.
const Marker = "Zephyrine-Marker-7731"

// Password is every Practice user's password.
const Password = "correct horse battery"

// Principals are the people of SECURITY.md's access matrix. "anonymous" has no
// user; "expired" and "disabled" have users whose sessions or accounts no
// longer count.
var Principals = []string{"anonymous", "clientA", "clientB", "assigned", "unassigned", "prescriber", "admin", "foreignAdmin", "disabled", "expired"}

// Practice is a small clinic with one of every principal and a second clinic,
// for access tests of pages and the API alike.
type Practice struct {
	Now     time.Time
	Clinic  store.Clinic
	Other   store.Clinic
	Users   map[string]store.User   // principal -> user
	Clients map[string]store.Client // "A" (Marker in the name), "B", "other" (second clinic)
}

var passwordHash = func() string {
	h, err := auth.NewHasher(1).Hash(context.Background(), Password)
	if err != nil {
		panic(err)
	}
	return h
}()

// NewPractice writes the practice into s: client A's care team is the
// assigned therapist, the prescriber and the (to be) disabled and expired
// therapists; client B's is the unassigned therapist. The "disabled" user is
// disabled.
func NewPractice(t testing.TB, s *store.Store, now time.Time) *Practice {
	t.Helper()
	ctx := context.Background()
	p := &Practice{Now: now, Users: map[string]store.User{}, Clients: map[string]store.Client{}}
	p.Clinic = store.Clinic{ID: auth.NewID(), ShortName: "main", Name: "Main Clinic", TimeZone: "America/Los_Angeles", CreatedAt: now}
	p.Other = store.Clinic{ID: auth.NewID(), ShortName: "other", Name: "Other Clinic", TimeZone: "UTC", CreatedAt: now.Add(time.Second)}
	staff := func(name, clinicID string, roles ...store.Role) store.User {
		return store.User{ID: auth.NewID(), ClinicID: clinicID, Email: name + "@example.org", Name: "Staff " + name, Kind: "staff",
			PasswordHash: passwordHash, Roles: roles, CreatedAt: now}
	}
	p.Users["assigned"] = staff("assigned", p.Clinic.ID, store.RoleTherapist)
	p.Users["unassigned"] = staff("unassigned", p.Clinic.ID, store.RoleTherapist)
	p.Users["prescriber"] = staff("prescriber", p.Clinic.ID, store.RolePrescriber)
	p.Users["admin"] = staff("admin", p.Clinic.ID, store.RoleAdmin)
	p.Users["disabled"] = staff("disabled", p.Clinic.ID, store.RoleTherapist)
	p.Users["expired"] = staff("expired", p.Clinic.ID, store.RoleTherapist)
	p.Users["foreignAdmin"] = staff("foreign", p.Other.ID, store.RoleAdmin)
	for _, k := range []string{"clientA", "clientB"} {
		p.Users[k] = store.User{ID: auth.NewID(), ClinicID: p.Clinic.ID, Email: strings.ToLower(k) + "@example.org", Name: k, Kind: "client",
			PasswordHash: passwordHash, CreatedAt: now}
	}
	p.Clients["A"] = store.Client{ID: auth.NewID(), ClinicID: p.Clinic.ID, UserID: p.Users["clientA"].ID, GivenName: "Avery", FamilyName: Marker,
		Email: "clienta@example.org", DateOfBirth: "1985-02-03", Phone: "555-0100", CreatedAt: now}
	p.Clients["B"] = store.Client{ID: auth.NewID(), ClinicID: p.Clinic.ID, UserID: p.Users["clientB"].ID, GivenName: "Blake", FamilyName: "Other",
		Email: "clientb@example.org", DateOfBirth: "1975-04-12", CreatedAt: now}
	p.Clients["other"] = store.Client{ID: auth.NewID(), ClinicID: p.Other.ID, GivenName: "Olive", FamilyName: "Elsewhere", CreatedAt: now}
	err := s.Write(ctx, func(tx *store.Tx) error {
		for _, c := range []*store.Clinic{&p.Clinic, &p.Other} {
			if err := tx.CreateClinic(ctx, c); err != nil {
				return err
			}
		}
		for _, name := range Principals {
			if u, ok := p.Users[name]; ok {
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
			}
		}
		for _, k := range []string{"A", "B", "other"} {
			c := p.Clients[k]
			if err := tx.CreateClient(ctx, &c); err != nil {
				return err
			}
		}
		for _, name := range []string{"assigned", "prescriber", "disabled", "expired"} {
			if err := tx.AddToCareTeam(ctx, p.Clients["A"].ID, p.Users[name].ID, now); err != nil {
				return err
			}
		}
		if err := tx.AddToCareTeam(ctx, p.Clients["B"].ID, p.Users["unassigned"].ID, now); err != nil {
			return err
		}
		disabledAt := now.Add(-time.Minute)
		return tx.SetDisabled(ctx, p.Users["disabled"].ID, &disabledAt)
	})
	if err != nil {
		t.Fatalf("practice: %v", err)
	}
	return p
}
