package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// marker is planted in client A's record; it must never appear in a response
// to someone who may not see that record.
const marker = "Zephyrine-Marker-7731"

// The principals of SECURITY.md's access matrix.
var principals = []string{"anonymous", "clientA", "clientB", "assigned", "unassigned", "prescriber", "admin", "foreignAdmin", "disabled", "expired"}

// fixture is a small clinic with one of every principal, and a second clinic.
type fixture struct {
	t       testing.TB
	st      *store.Store
	srv     *Server
	h       http.Handler
	now     time.Time
	clinic  store.Clinic
	users   map[string]store.User   // principal -> user
	cookies map[string]string       // principal -> session token
	clients map[string]store.Client // "A", "B", "other"
	tokenID string                  // an API token of the assigned therapist
}

var testHasher = auth.NewHasher(2)

// testPasswordHash is one argon2id hash shared by every fixture user, so the
// fixture costs one hash, not one per user.
var testPasswordHash = func() string {
	h, err := testHasher.Hash(context.Background(), "correct horse battery")
	if err != nil {
		panic(err)
	}
	return h
}()

func newFixture(t testing.TB, cfg store.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, st: storetest.OpenConfig(t, cfg), now: time.Now().UTC().Truncate(time.Second),
		users: map[string]store.User{}, cookies: map[string]string{}, clients: map[string]store.Client{}}
	f.clinic = store.Clinic{ID: auth.NewID(), ShortName: "main", Name: "Main Clinic", TimeZone: "America/Los_Angeles", CreatedAt: f.now}
	other := store.Clinic{ID: auth.NewID(), ShortName: "other", Name: "Other Clinic", TimeZone: "UTC", CreatedAt: f.now.Add(time.Second)}
	staff := func(name, clinicID string, roles ...store.Role) store.User {
		return store.User{ID: auth.NewID(), ClinicID: clinicID, Email: name + "@example.org", Name: "Staff " + name, Kind: "staff",
			PasswordHash: testPasswordHash, Roles: roles, CreatedAt: f.now}
	}
	f.users["assigned"] = staff("assigned", f.clinic.ID, store.RoleTherapist)
	f.users["unassigned"] = staff("unassigned", f.clinic.ID, store.RoleTherapist)
	f.users["prescriber"] = staff("prescriber", f.clinic.ID, store.RolePrescriber)
	f.users["admin"] = staff("admin", f.clinic.ID, store.RoleAdmin)
	f.users["disabled"] = staff("disabled", f.clinic.ID, store.RoleTherapist)
	f.users["expired"] = staff("expired", f.clinic.ID, store.RoleTherapist)
	f.users["foreignAdmin"] = staff("foreign", other.ID, store.RoleAdmin)
	for _, k := range []string{"clientA", "clientB"} {
		f.users[k] = store.User{ID: auth.NewID(), ClinicID: f.clinic.ID, Email: strings.ToLower(k) + "@example.org", Name: k, Kind: "client",
			PasswordHash: testPasswordHash, CreatedAt: f.now}
	}
	f.clients["A"] = store.Client{ID: auth.NewID(), ClinicID: f.clinic.ID, UserID: f.users["clientA"].ID, GivenName: "Avery", FamilyName: marker,
		Email: "clienta@example.org", DateOfBirth: "1985-02-03", CreatedAt: f.now}
	f.clients["B"] = store.Client{ID: auth.NewID(), ClinicID: f.clinic.ID, UserID: f.users["clientB"].ID, GivenName: "Blake", FamilyName: "Other",
		Email: "clientb@example.org", CreatedAt: f.now}
	f.clients["other"] = store.Client{ID: auth.NewID(), ClinicID: other.ID, GivenName: "Olive", FamilyName: "Elsewhere", CreatedAt: f.now}
	f.tokenID = auth.NewID()
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, c := range []*store.Clinic{&f.clinic, &other} {
			if err := tx.CreateClinic(ctx, c); err != nil {
				return err
			}
		}
		for _, p := range principals {
			if u, ok := f.users[p]; ok {
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
			}
		}
		for _, k := range []string{"A", "B", "other"} {
			c := f.clients[k]
			if err := tx.CreateClient(ctx, &c); err != nil {
				return err
			}
		}
		for _, p := range []string{"assigned", "prescriber", "disabled", "expired"} {
			if err := tx.AddToCareTeam(ctx, f.clients["A"].ID, f.users[p].ID, f.now); err != nil {
				return err
			}
		}
		if err := tx.AddToCareTeam(ctx, f.clients["B"].ID, f.users["unassigned"].ID, f.now); err != nil {
			return err
		}
		for _, p := range principals[1:] {
			token := auth.NewSecret()
			f.cookies[p] = token
			s := store.Session{TokenHash: auth.HashSecret(token), UserID: f.users[p].ID, CreatedAt: f.now, LastSeenAt: f.now,
				ExpiresAt: f.now.Add(sessionLifetime), MFADone: true}
			if p == "expired" {
				s.CreatedAt, s.LastSeenAt, s.ExpiresAt = f.now.Add(-13*time.Hour), f.now.Add(-13*time.Hour), f.now.Add(-time.Hour)
			}
			if err := tx.CreateSession(ctx, &s); err != nil {
				return err
			}
		}
		if err := tx.CreateAPIToken(ctx, &store.APIToken{ID: f.tokenID, UserID: f.users["assigned"].ID, Name: "lab", TokenHash: auth.HashSecret(auth.NewSecret()), CreatedAt: f.now}); err != nil {
			return err
		}
		disabledAt := f.now.Add(-time.Minute)
		// Disabling deletes sessions, so the disabled user gets a session
		// afterwards, as if one had survived: it must still be refused.
		if err := tx.SetDisabled(ctx, f.users["disabled"].ID, &disabledAt); err != nil {
			return err
		}
		return tx.CreateSession(ctx, &store.Session{TokenHash: auth.HashSecret(f.cookies["disabled"]), UserID: f.users["disabled"].ID,
			CreatedAt: f.now, LastSeenAt: f.now, ExpiresAt: f.now.Add(sessionLifetime), MFADone: true})
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	f.srv = New(Config{Store: f.st, Hasher: testHasher, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return f.now }})
	f.h = f.srv.Handler()
	return f
}

// do sends a request as a principal and returns the recorded response.
func (f *fixture) do(principal, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok := f.cookies[principal]; tok != "" {
		req.AddCookie(&http.Cookie{Name: "doorway", Value: tok})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func sqliteConfig(t testing.TB) store.Config { return store.Config{DataDir: t.TempDir()} }
