package synth_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/measures"
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

// TestSeedIsTheSameWhateverTheBatches seeds the same practice twice, seven
// clients to a transaction and all of them in one, and reads both back as
// the pages do: the same clients with the same courses, scores, sessions,
// readings and journal entries. Only the ids, which are random, differ, so
// what is compared leaves them out.
func TestSeedIsTheSameWhateverTheBatches(t *testing.T) {
	ctx := context.Background()
	practice := func(batch int) string {
		s := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir()})
		res, err := synth.Seed(ctx, s, synth.Config{Clients: 30, Seed: 11, Now: storetest.Now, PasswordHash: "x", Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		return mustDescribe(t, s, res.Clinic.ID)
	}
	inSevens, inOne := practice(7), practice(30)
	if inSevens != inOne {
		t.Errorf("seven clients to a transaction:\n%s\nall in one:\n%s", inSevens, inOne)
	}
	if !strings.Contains(inOne, ", signed ") || !strings.Contains(inOne, "reading at") || !strings.Contains(inOne, "journal") {
		t.Errorf("the description leaves out the histories:\n%s", inOne)
	}
}

// mustDescribe writes down a clinic's clients and their histories, without
// ids, in an order that does not depend on them.
func mustDescribe(t *testing.T, s *store.Store, clinicID string) string {
	t.Helper()
	ctx := context.Background()
	var out []string
	err := s.Read(ctx, func(tx *store.Tx) error {
		clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: clinicID, Limit: 500})
		if err != nil {
			return err
		}
		for _, c := range clients {
			lines := []string{fmt.Sprintf("client %s %s %s %s %s %s", c.Email, c.GivenName, c.FamilyName, c.DateOfBirth, c.Phone, c.CreatedAt.UTC())}
			courses, err := tx.ClientCourses(ctx, clinicID, c.ID)
			if err != nil {
				return err
			}
			for _, co := range courses {
				lines = append(lines, fmt.Sprintf("  course %s from %s to %v", co.State, co.StartedAt.UTC(), co.EndedAt))
			}
			for _, id := range []string{measures.PHQ9, measures.GAD7} {
				rs, err := tx.Responses(ctx, clinicID, c.ID, id)
				if err != nil {
					return err
				}
				for _, r := range rs {
					lines = append(lines, fmt.Sprintf("  %s %d on %s", id, r.Total, r.CompletedAt.UTC()))
				}
			}
			sessions, err := tx.ClientMedicineSessions(ctx, clinicID, c.ID)
			if err != nil {
				return err
			}
			for _, m := range sessions {
				line := fmt.Sprintf("  session %s from %s", m.State, m.StartedAt.UTC())
				if m.Dose != nil {
					line += fmt.Sprintf(", %v at %v, lot %s", m.Dose.Mg, m.Dose.Weight, m.Dose.Lot)
				}
				if m.SignedAt != nil {
					line += fmt.Sprintf(", signed %s", m.SignedAt.UTC())
				}
				lines = append(lines, line)
				vitals, err := tx.SessionVitals(ctx, clinicID, m.ID)
				if err != nil {
					return err
				}
				for _, v := range vitals {
					lines = append(lines, fmt.Sprintf("    reading at %s: %+v", v.TakenAt.UTC(), v.Vitals))
				}
			}
			entries, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: clinicID, ClientID: c.ID})
			if err != nil {
				return err
			}
			for _, e := range entries {
				lines = append(lines, fmt.Sprintf("  journal %q on %s, shared %v", e.Body, e.CreatedAt.UTC(), e.SharedAt))
			}
			out = append(out, strings.Join(lines, "\n"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The client list is in the order of names; two clients may share one.
	sort.Strings(out)
	return strings.Join(out, "\n")
}
