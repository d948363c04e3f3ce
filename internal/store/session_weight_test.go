package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// weighAudited records the day's weight and its audit entry in one
// transaction, as the callers do.
func weighAudited(s *store.Store, m store.MedicineSession, w session.Kg, by string, at time.Time) error {
	return s.Write(ctx, func(tx *store.Tx) error {
		e := audit.Entry{Time: at, ActorKind: audit.ActorStaff, ActorID: by, ClinicID: m.ClinicID, Action: "test.weight",
			ResourceType: "Observation", ResourceID: "vs-weight-" + m.ID, ClientID: m.ClientID, Outcome: audit.OK, Severity: audit.Info,
			Detail: "Body weight " + w.String()}
		if err := tx.RecordSessionWeight(ctx, m.ClinicID, m.ID, w, by, at); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &e)
	})
}

func weightAudits(t *testing.T, s *store.Store, clinicID string) []audit.Entry {
	t.Helper()
	var es []audit.Entry
	if err := s.Read(ctx, func(tx *store.Tx) (err error) {
		es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: clinicID, Action: "test.weight", Limit: 100})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

// TestSessionWeightBeforeTheDose: the day's weight is recorded during the
// pre-dose checks, may be taken again then, is kept apart from the weight
// the dose was worked out from, and cannot change once the dose is given
// or the record is signed, in the store or in the database.
func TestSessionWeightBeforeTheDose(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			w := newSessionWorld(t, s)
			m := w.start(t, s)
			clinic := m.ClinicID
			weighed := w.p.Now.Add(12 * time.Minute)

			if m := record(t, s, clinic, m.ID).Session; m.Weight != nil {
				t.Fatalf("weight before any weighing: %+v", m.Weight)
			}
			// 81.4 kg, by the therapist.
			if err := weighAudited(s, m, session.Kg(814), w.user("assigned"), weighed); err != nil {
				t.Fatal(err)
			}
			got := record(t, s, clinic, m.ID).Session
			if got.Weight == nil || got.Weight.Kg != 814 || got.Weight.By != w.user("assigned") || !got.Weight.At.Equal(weighed) ||
				got.Dose != nil || got.State != store.SessionChecklist {
				t.Fatalf("after the weighing: weight %+v, dose %+v, state %s", got.Weight, got.Dose, got.State)
			}

			// 0.5 kg and 700 kg cannot be real: nothing changes and nothing
			// is audited as recorded.
			for _, bad := range []session.Kg{5, 7000} {
				err := weighAudited(s, m, bad, w.user("assigned"), weighed.Add(time.Minute))
				if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "weight_kg" ||
					!strings.Contains(problem.MessageOf(err), "A weight of "+bad.String()+" is outside 25 kg–350 kg") {
					t.Errorf("weight %s: %v", bad, err)
				}
			}
			err := weighAudited(s, m, session.Kg(800), "", weighed)
			wantCode(t, "a weighing by nobody", err, problem.Invalid)
			if got := record(t, s, clinic, m.ID).Session; got.Weight == nil || got.Weight.Kg != 814 {
				t.Errorf("after refused weighings: %+v", got.Weight)
			}
			if es := weightAudits(t, s, clinic); len(es) != 1 || es[0].Detail != "Body weight 81.4 kg" {
				t.Errorf("audit after one weighing and three refusals: %+v", es)
			}

			// Weighed again before the dose (shoes off), by the prescriber:
			// 81.0 kg replaces 81.4 kg.
			again := weighed.Add(3 * time.Minute)
			if err := weighAudited(s, m, session.Kg(810), w.user("prescriber"), again); err != nil {
				t.Fatal(err)
			}
			if got := record(t, s, clinic, m.ID).Session; got.Weight == nil || got.Weight.Kg != 810 || got.Weight.By != w.user("prescriber") ||
				!got.Weight.At.Equal(again) {
				t.Errorf("after the second weighing: %+v", got.Weight)
			}

			// The dose is worked out from 80.0 kg, changed on the dose form:
			// the dose keeps 80.0 kg, and the day's weighing is kept too.
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(40)), false)
			})
			got = record(t, s, clinic, m.ID).Session
			if got.Dose == nil || got.Dose.Weight != session.KgOf(80) || got.Weight == nil || got.Weight.Kg != 810 {
				t.Errorf("after the dose: dose %+v, weight %+v", got.Dose, got.Weight)
			}
			err = weighAudited(s, m, session.Kg(820), w.user("assigned"), w.dose.Add(time.Minute))
			if problem.CodeOf(err) != problem.Conflict ||
				problem.MessageOf(err) != "The dose was worked out from 80 kg; the day's weight cannot change after the dose." {
				t.Errorf("weight after the dose: %v", err)
			}
			if got := record(t, s, clinic, m.ID).Session; got.Weight.Kg != 810 || got.Dose.Weight != session.KgOf(80) {
				t.Errorf("a refused weighing after the dose changed the record: %+v %+v", got.Weight, got.Dose)
			}

			// Signed: the store refuses, and so does the database.
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.StopMedicineSession(ctx, clinic, m.ID, "Client asked to go home."); err != nil {
					return err
				}
				return tx.SignMedicineSession(ctx, clinic, m.ID, w.user("prescriber"), w.dose.Add(time.Hour))
			})
			err = weighAudited(s, m, session.Kg(820), w.user("assigned"), w.dose.Add(2*time.Hour))
			if problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "signed and locked") {
				t.Errorf("weight after the lock: %v", err)
			}
			db := rawDB(t, e, cfg)
			for _, q := range []string{
				"UPDATE medicine_sessions SET weight_taken_tenths_kg = 900 WHERE id = '" + m.ID + "'",
				"UPDATE medicine_sessions SET weight_taken_by = '' WHERE id = '" + m.ID + "'",
			} {
				if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "cannot be changed") {
					t.Errorf("%s on a signed record: %v", q, err)
				}
			}
			if got := record(t, s, clinic, m.ID).Session; got.Weight == nil || got.Weight.Kg != 810 || got.Weight.By != w.user("prescriber") {
				t.Errorf("weight after refused tampering: %+v", got.Weight)
			}
			if es := weightAudits(t, s, clinic); len(es) != 2 {
				t.Errorf("audit entries: %d, want the 2 weighings that were recorded", len(es))
			}
		})
	}
}

// TestSessionWeightNotAfterAHold: a session held for blood pressure has no
// dose, and takes no weight for one.
func TestSessionWeightNotAfterAHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		m := w.start(t, s)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.HoldMedicineSession(ctx, m.ClinicID, m.ID, "Blood pressure 186/104 is above 180/100: no dose today.")
		})
		err := weighAudited(s, m, session.Kg(800), w.user("assigned"), w.p.Now.Add(20*time.Minute))
		if problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "The day's weight can no longer be recorded") {
			t.Errorf("weight after a hold: %v", err)
		}
		if got := record(t, s, m.ClinicID, m.ID).Session; got.Weight != nil {
			t.Errorf("weight after a refused weighing: %+v", got.Weight)
		}
	})
}
