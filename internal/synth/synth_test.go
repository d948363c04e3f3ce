package synth_test

import (
	"context"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/synth"
)

// TestSeedIsDeterministicAndWhole seeds the same small practice twice on
// each engine: the same seed gives the same mix of phases and sessions, the
// records are readable through the store as the pages read them, and the
// audit chain verifies.
func TestSeedIsDeterministicAndWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := storetest.Now
		res, err := synth.Seed(ctx, s, synth.Config{Clients: 60, Seed: 7, Now: now, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Clients != 60 || res.Sessions == 0 || res.Staff < 3 {
			t.Fatalf("seeded %+v", res)
		}
		// The same seed makes the same practice again in another database:
		// the same sessions, the same logins.
		again, err := synth.Seed(ctx, storetest.OpenConfig(t, store.Config{DataDir: t.TempDir()}), synth.Config{Clients: 60, Seed: 7, Now: now, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if again.Sessions != res.Sessions || again.Therapist != res.Therapist || again.Client != res.Client {
			t.Errorf("the same seed made %+v, then %+v", res, again)
		}
		if res.ClientID == "" || res.SessionAppointment == "" || res.Admin == "" {
			t.Errorf("the logins to measure with: %+v", res)
		}
		err = s.Read(ctx, func(tx *store.Tx) error {
			clients, total, err := tx.Clients(ctx, store.ClientFilter{ClinicID: res.Clinic.ID, Limit: 500})
			if err != nil {
				return err
			}
			if total != 60 {
				t.Errorf("%d clients, want 60", total)
			}
			withSessions := 0
			for _, c := range clients {
				ms, err := tx.ClientMedicineSessions(ctx, res.Clinic.ID, c.ID)
				if err != nil {
					return err
				}
				for _, m := range ms {
					if m.AppointmentID == res.SessionAppointment {
						if m.State != store.SessionDosed {
							t.Errorf("the session under way is %s", m.State)
						}
						continue
					}
					if !m.Locked() || m.Dose == nil || m.Discharge == nil {
						t.Errorf("session %s is not a whole, signed record: %+v", m.ID, m)
					}
				}
				if len(ms) > 0 {
					withSessions++
				}
			}
			if withSessions == 0 {
				t.Error("no client has a medicine session")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		v, n := audit.NewVerifier(), 0
		err = s.EachAudit(ctx, 1, func(e audit.Entry) error { n++; return v.Add(e) })
		if err != nil || n == 0 {
			t.Errorf("the audit chain after seeding (%d entries): %v", n, err)
		}
	})
}
