package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestBreakGlassGrants, on both engines: a grant needs a reason, which is
// sealed at rest; it is open until its end and not at it; it is the user's
// and the client's alone; it is reviewed once; and a client is found by
// exact names, in any case, and date of birth.
func TestBreakGlassGrants(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := storetest.Now
			p := storetest.NewPractice(t, s, now)
			a, robin := p.Clients["A"], p.Users["unassigned"].ID
			g := store.BreakGlass{ID: auth.NewID(), ClinicID: p.Clinic.ID, UserID: robin, ClientID: a.ID, OpenedAt: now, ExpiresAt: now.Add(time.Hour)}
			err := s.Write(ctx, func(tx *store.Tx) error { return tx.OpenBreakGlass(ctx, &g) })
			if problem.FieldOf(err) != "reason" {
				t.Fatalf("no reason: %v", err)
			}
			g.Reason = "Sealed-Glass-Reason on call"
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.OpenBreakGlass(ctx, &g) }); err != nil {
				t.Fatal(err)
			}
			var raw string
			if err := rawDB(t, e, cfg).QueryRow(`SELECT reason FROM break_glass`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "Sealed-Glass") || !strings.HasPrefix(raw, "s1.") {
				t.Errorf("reason stored as %q", raw)
			}
			err = s.Read(ctx, func(tx *store.Tx) error {
				for _, c := range []struct {
					user, client string
					at           time.Time
					want         int
				}{
					{robin, a.ID, now, 1}, {robin, a.ID, now.Add(59 * time.Minute), 1}, {robin, a.ID, now.Add(time.Hour), 0},
					{p.Users["assigned"].ID, a.ID, now, 0}, {robin, p.Clients["B"].ID, now, 0},
				} {
					until, err := tx.BreakGlassUntil(ctx, p.Clinic.ID, c.user, c.client, c.at)
					if err != nil {
						return err
					}
					if len(until) != c.want || (c.want == 1 && !until[0].Equal(g.ExpiresAt)) {
						t.Errorf("grants of %s on %s at %s: %v, want %d", c.user, c.client, c.at, until, c.want)
					}
				}
				found, err := tx.ClientsNamed(ctx, p.Clinic.ID, " AVERY ", strings.ToLower(a.FamilyName), a.DateOfBirth)
				if err != nil || len(found) != 1 || found[0].ID != a.ID {
					t.Errorf("by name: %+v %v", found, err)
				}
				if found, _ := tx.ClientsNamed(ctx, p.Clinic.ID, "Avery", a.FamilyName, "1985-02-04"); len(found) != 0 {
					t.Errorf("another birthday found %+v", found)
				}
				list, err := tx.ClientBreakGlass(ctx, p.Clinic.ID, a.ID)
				if err != nil || len(list) != 1 || list[0].Reason != g.Reason || list[0].ClientName != "Avery "+a.FamilyName {
					t.Errorf("the client's grants: %+v %v", list, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			admin := p.Users["admin"].ID
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.ReviewBreakGlass(ctx, p.Clinic.ID, g.ID, admin, now) }); err != nil {
				t.Fatal(err)
			}
			err = s.Write(ctx, func(tx *store.Tx) error { return tx.ReviewBreakGlass(ctx, p.Clinic.ID, g.ID, admin, now) })
			if problem.CodeOf(err) != problem.Conflict {
				t.Errorf("reviewed twice: %v", err)
			}
			err = s.Write(ctx, func(tx *store.Tx) error { return tx.ReviewBreakGlass(ctx, p.Other.ID, g.ID, admin, now) })
			if problem.CodeOf(err) != problem.NotFound {
				t.Errorf("reviewed from another clinic: %v", err)
			}
			s.Read(ctx, func(tx *store.Tx) error {
				open, reviewed, err := tx.BreakGlassToReview(ctx, p.Clinic.ID, 10)
				if err != nil || len(open) != 0 || len(reviewed) != 1 || reviewed[0].ReviewedAt == nil {
					t.Errorf("after review: %+v %+v %v", open, reviewed, err)
				}
				return nil
			})
		})
	}
}
