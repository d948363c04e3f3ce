package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/screening"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The gates learn whether a decider or an overrider prescribes from their
// roles as they are now, and the inputs of several courses read at once are
// each what GateInput reads for that course alone.
func TestGateInputKnowsPrescribers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC))
		course := mustCourse(t, s, p, "A")
		d := store.ScreeningDecision{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: course.ClientID, CourseID: course.ID, Kind: screening.Approve,
			Tier: screening.Review, DecidedBy: p.Users["prescriber"].ID, DecidedAt: p.Now}
		mine := store.GateOverride{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: course.ClientID, CourseID: course.ID, GateID: care.GateBaseline,
			Reason: "Done on paper this morning", By: p.Users["prescriber"].ID, At: p.Now}
		theirs := store.GateOverride{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: course.ClientID, CourseID: course.ID, GateID: care.GatePreparation,
			Reason: "Two long phone calls", By: p.Users["assigned"].ID, At: p.Now.Add(time.Minute)}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.RecordScreeningDecision(ctx, &d); err != nil {
				return err
			}
			if err := tx.AddGateOverride(ctx, &mine); err != nil {
				return err
			}
			return tx.AddGateOverride(ctx, &theirs)
		})
		// Client B has a course too, with a decision and an override of
		// its own, which must not reach A's input nor A's reach B's.
		other := mustCourse(t, s, p, "B")
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			od := store.ScreeningDecision{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: other.ClientID, CourseID: other.ID, Kind: screening.Decline,
				Tier: screening.Exclude, DecidedBy: p.Users["prescriber"].ID, DecidedAt: p.Now.Add(time.Hour)}
			if err := tx.RecordScreeningDecision(ctx, &od); err != nil {
				return err
			}
			return tx.AddGateOverride(ctx, &store.GateOverride{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: other.ClientID, CourseID: other.ID,
				GateID: care.GateConsent, Reason: "B's own", By: p.Users["prescriber"].ID, At: p.Now})
		})
		var in, alone care.GateInput
		var both map[string]care.GateInput
		err := s.Read(ctx, func(tx *store.Tx) (err error) {
			if in, err = tx.GateInput(ctx, course); err != nil {
				return err
			}
			if alone, err = tx.GateInput(ctx, other); err != nil {
				return err
			}
			gc, err := tx.LoadGateClinic(ctx, p.Clinic.ID)
			if err != nil {
				return err
			}
			both, err = tx.GateInputs(ctx, gc, []store.Course{course, other})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if in.Screening == nil || !in.Screening.ByPrescriber {
			t.Errorf("screening decision: %+v", in.Screening)
		}
		if len(in.Overrides) != 2 || !in.Overrides[0].ByPrescriber || in.Overrides[1].ByPrescriber {
			t.Errorf("overrides: %+v", in.Overrides)
		}
		if alone.Screening == nil || alone.Screening.Kind != screening.Decline || len(alone.Overrides) != 1 || alone.Overrides[0].Reason != "B's own" {
			t.Errorf("client B's input: %+v", alone)
		}
		if !reflect.DeepEqual(both[course.ID], in) {
			t.Errorf("read together, A's input differs from A's alone:\n%+v\n%+v", both[course.ID], in)
		}
		if !reflect.DeepEqual(both[other.ID], alone) {
			t.Errorf("read together, B's input differs from B's alone:\n%+v\n%+v", both[other.ID], alone)
		}
	})
}

func TestSessionsUnderWayAndStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		m := w.start(t, s)
		clinic := w.p.Clinic.ID
		key := store.SessionKey{AppointmentID: w.appt.ID, ClientID: w.p.Clients["A"].ID}
		read := func(since time.Time) ([]store.MedicineSession, map[store.SessionKey]store.SessionState) {
			t.Helper()
			var ms []store.MedicineSession
			var states map[store.SessionKey]store.SessionState
			err := s.Read(ctx, func(tx *store.Tx) (err error) {
				if ms, err = tx.SessionsUnderWay(ctx, clinic, since); err != nil {
					return err
				}
				states, err = tx.SessionStates(ctx, clinic, []string{w.appt.ID})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return ms, states
		}
		ms, states := read(w.p.Now.Add(-time.Hour))
		if len(ms) != 1 || ms[0].ID != m.ID || ms[0].State != store.SessionChecklist || ms[0].Checklist.Intention != "" {
			t.Errorf("under way: %+v", ms)
		}
		if states[key] != store.SessionChecklist || len(states) != 1 {
			t.Errorf("states: %v", states)
		}
		// Opened before the window: not under way any more.
		if ms, _ := read(w.p.Now.Add(time.Minute)); len(ms) != 0 {
			t.Errorf("a session opened before since is under way: %+v", ms)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.HoldMedicineSession(ctx, clinic, m.ID, "Blood pressure 186/104 is above 180/100: no dose today.")
		})
		ms, states = read(w.p.Now.Add(-time.Hour))
		if len(ms) != 0 || states[key] != store.SessionHeld {
			t.Errorf("after a hold: under way %+v, states %v", ms, states)
		}
	})
}
