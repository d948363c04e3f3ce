package store_test

import (
	"context"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The dose keeps an IV infusion's time and, once recorded, the end of
// administration; an unusual reading keeps who confirmed it; the alerts'
// loader reads the readings and the observations' sedation scores in one
// statement.
func TestSessionAdministrationAndConfirmedReadings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		m := w.start(t, s)
		clinic := m.ClinicID
		// An IM dose has no infusion time.
		bad := w.doseOf(session.MgOf(40))
		bad.InfusionMinutes = 40
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.RecordSessionDose(ctx, clinic, m.ID, bad, false) })
		if problem.FieldOf(err) != "infusion_minutes" {
			t.Errorf("an IM dose with an infusion time: %v", err)
		}
		ended := w.dose.Add(3 * time.Minute)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(40)), false); err != nil {
				return err
			}
			claim, _, err := tx.ClaimMedicineSessionFor(ctx, clinic, m.AppointmentID, m.ClientID)
			if err != nil {
				return err
			}
			if err := claim.RecordAdministrationEnd(ctx, ended, w.user("assigned")); err != nil {
				return err
			}
			low := w.reading(m, 15, 55, 35, 44, 97)
			if err := tx.AddSessionVitals(ctx, low); !isUnusual(err) {
				t.Errorf("an unconfirmed unusual reading: %v", err)
			}
			low.Confirmed = true
			if err := tx.AddSessionVitals(ctx, low); err != nil {
				return err
			}
			one := session.Sedation(1)
			if err := tx.AddSessionObservation(ctx, &store.SessionObservation{ClinicID: clinic, SessionID: m.ID,
				Observation: session.Observation{At: w.dose.Add(20 * time.Minute), Sedation: &one, Note: "Responds to pain only."},
				EnteredBy:   w.user("assigned"), EnteredAt: w.dose.Add(20 * time.Minute)}); err != nil {
				return err
			}
			return tx.AddSessionObservation(ctx, &store.SessionObservation{ClinicID: clinic, SessionID: m.ID,
				Observation: session.Observation{At: w.dose.Add(25 * time.Minute), Note: "Calm."},
				EnteredBy:   w.user("assigned"), EnteredAt: w.dose.Add(25 * time.Minute)})
		})
		r := record(t, s, clinic, m.ID)
		if d := r.Session.Dose; d.EndedAt == nil || !d.EndedAt.Equal(ended) || d.EndedBy != w.user("assigned") || d.InfusionMinutes != 0 {
			t.Errorf("the dose: %+v", d)
		}
		if last := r.Vitals[len(r.Vitals)-1]; last.ConfirmedBy != w.user("assigned") || !last.Confirmed {
			t.Errorf("the confirmed reading: %+v", last)
		}
		if pre := r.Vitals[0]; pre.ConfirmedBy != "" || pre.Confirmed {
			t.Errorf("a usual reading says it was confirmed: %+v", pre)
		}
		var vs []store.SessionVitals
		var obs []store.SessionObservation
		if err := s.Read(ctx, func(tx *store.Tx) (err error) {
			vs, obs, err = tx.SessionAlertReadings(ctx, clinic, m.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || len(obs) != 1 || obs[0].Sedation == nil || *obs[0].Sedation != 1 || !obs[0].At.Equal(w.dose.Add(20*time.Minute)) || obs[0].Note != "" {
			t.Errorf("alert readings: %d readings, observations %+v", len(vs), obs)
		}
		if !vs[1].Confirmed || vs[1].Systolic != 55 {
			t.Errorf("alert readings: %+v", vs[1])
		}
		kinds := map[session.AlertKind]bool{}
		r.Observations = obs
		for _, a := range r.Alerts(session.DefaultAlertLimits()) {
			kinds[a.Kind] = true
		}
		if !kinds[session.AlertSedation] || !kinds[session.AlertHRLow] || !kinds[session.AlertSystolicLow] {
			t.Errorf("alerts: %v", kinds)
		}
		// Once discharged or stopped, the end can no longer be recorded.
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.StopMedicineSession(ctx, clinic, m.ID, "Transferred to the emergency department.")
		})
		err = s.Write(ctx, func(tx *store.Tx) error {
			claim, _, err := tx.ClaimMedicineSessionFor(ctx, clinic, m.AppointmentID, m.ClientID)
			if err != nil {
				return err
			}
			return claim.RecordAdministrationEnd(ctx, ended, w.user("assigned"))
		})
		if problem.CodeOf(err) != problem.Conflict {
			t.Errorf("the end recorded after the session stopped: %v", err)
		}
	})
}

func isUnusual(err error) bool { _, ok := session.AsUnusual(err); return ok }
