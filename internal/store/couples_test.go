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

// TestCouplesLinkEndAndShareASealedSpace links two clients on both
// engines: one live couple per client, found from either side; the shared
// space takes reflections from the two partners only, sealed at rest, and
// becomes read-only once the couple ends; the two may then be linked anew.
func TestCouplesLinkEndAndShareASealedSpace(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			a, b, other := p.Clients["A"], p.Clients["B"], p.Clients["other"]
			ctx := context.Background()
			c := store.Couple{ClinicID: p.Clinic.ID, ClientA: b.ID, ClientB: a.ID, CreatedBy: p.Users["admin"].ID, CreatedAt: now}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCouple(ctx, &c) })
			if c.ClientA > c.ClientB || !c.Has(a.ID) || c.Partner(a.ID) != b.ID {
				t.Errorf("the couple as stored: %+v", c)
			}
			// The same pair again, or one of them with someone else, is refused.
			for _, again := range []store.Couple{{ClinicID: p.Clinic.ID, ClientA: a.ID, ClientB: b.ID, CreatedAt: now}, {ClinicID: p.Clinic.ID, ClientA: a.ID, ClientB: a.ID, CreatedAt: now}} {
				err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateCouple(ctx, &again) })
				if problem.CodeOf(err) != problem.Invalid {
					t.Errorf("a second couple %+v: %v", again, err)
				}
			}
			const secret = "Sealed-Reflection-Marker"
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				for _, r := range []store.CoupleReflection{
					{ClinicID: p.Clinic.ID, CoupleID: c.ID, AuthorID: a.ID, Body: secret + " from A", CreatedAt: now},
					{ClinicID: p.Clinic.ID, CoupleID: c.ID, AuthorID: b.ID, PromptKey: "ch9.p1", Body: "From B", CreatedAt: now.Add(time.Minute)},
				} {
					if err := tx.AddCoupleReflection(ctx, &r); err != nil {
						return err
					}
				}
				return nil
			})
			// Someone outside the couple cannot write in its space.
			err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.AddCoupleReflection(ctx, &store.CoupleReflection{ClinicID: p.Clinic.ID, CoupleID: c.ID, AuthorID: other.ID, Body: "x", CreatedAt: now})
			})
			if err == nil {
				t.Error("a stranger wrote in the couple's space")
			}
			err = s.Read(ctx, func(tx *store.Tx) error {
				for _, id := range []string{a.ID, b.ID} {
					live, ok, err := tx.LiveCoupleOf(ctx, p.Clinic.ID, id)
					if err != nil || !ok || live.ID != c.ID {
						t.Errorf("the live couple of %s: %+v %v %v", id, live, ok, err)
					}
				}
				if _, err := tx.Couple(ctx, p.Other.ID, c.ID); problem.CodeOf(err) != problem.NotFound {
					t.Errorf("the couple read from another clinic: %v", err)
				}
				rs, err := tx.CoupleReflections(ctx, p.Clinic.ID, c.ID)
				if err != nil || len(rs) != 2 || rs[0].Body != secret+" from A" || rs[1].AuthorID != b.ID || rs[1].PromptKey != "ch9.p1" {
					t.Errorf("the reflections: %+v %v", rs, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.EndCouple(ctx, p.Clinic.ID, c.ID, a.UserID, now.Add(time.Hour))
			})
			err = s.Write(ctx, func(tx *store.Tx) error { return tx.EndCouple(ctx, p.Clinic.ID, c.ID, a.UserID, now.Add(time.Hour)) })
			if problem.CodeOf(err) != problem.NotFound {
				t.Errorf("ending twice: %v", err)
			}
			err = s.Write(ctx, func(tx *store.Tx) error {
				return tx.AddCoupleReflection(ctx, &store.CoupleReflection{ClinicID: p.Clinic.ID, CoupleID: c.ID, AuthorID: b.ID, Body: "after", CreatedAt: now.Add(2 * time.Hour)})
			})
			if problem.CodeOf(err) != problem.Conflict {
				t.Errorf("a reflection after the end: %v", err)
			}
			// Ended, the two may be linked anew; the history keeps both.
			again := store.Couple{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientA: a.ID, ClientB: b.ID, CreatedAt: now.Add(3 * time.Hour)}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCouple(ctx, &again) })
			err = s.Read(ctx, func(tx *store.Tx) error {
				cs, err := tx.CouplesOf(ctx, p.Clinic.ID, b.ID)
				if err != nil || len(cs) != 2 || cs[0].ID != again.ID || !cs[1].Ended() || cs[1].EndedBy != a.UserID {
					t.Errorf("b's couples: %+v %v", cs, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			db := rawDB(t, e, cfg)
			var raw string
			if err := db.QueryRow("SELECT body FROM couple_reflections WHERE author_id = '" + a.ID + "'").Scan(&raw); err != nil || raw == "" || strings.Contains(raw, "Marker") {
				t.Errorf("the raw reflection: %q %v", raw, err)
			}
		})
	}
}
