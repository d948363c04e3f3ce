package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// sessionWorld is client A with an active course, an IM order of 0.50 mg/kg
// (at most 60 mg), and a medicine appointment with the assigned therapist.
type sessionWorld struct {
	p      *storetest.Practice
	course store.Course
	order  store.DosingOrder
	appt   store.Appointment
	dose   time.Time // when the dose is given in these tests
}

func newSessionWorld(t *testing.T, s *store.Store) *sessionWorld {
	t.Helper()
	now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
	w := &sessionWorld{p: storetest.NewPractice(t, s, now), dose: now.Add(30 * time.Minute)}
	w.course = mustCourse(t, s, w.p, "A")
	w.order = store.DosingOrder{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, ClientID: w.p.Clients["A"].ID, CourseID: w.course.ID,
		WrittenBy: w.p.Users["prescriber"].ID, WrittenAt: now.Add(-24 * time.Hour),
		Order: session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}}
	if err := writeOrder(s, &w.order); err != nil {
		t.Fatal(err)
	}
	w.appt = store.Appointment{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, Kind: store.KindMedicine, StartsAt: now, EndsAt: now.Add(3 * time.Hour),
		CreatedBy: w.p.Users["assigned"].ID, CreatedAt: now.Add(-48 * time.Hour), Staff: []string{w.p.Users["assigned"].ID},
		Clients: []store.AppointmentClient{{ClientID: w.p.Clients["A"].ID, CourseID: w.course.ID}}}
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.BookAppointment(ctx, &w.appt) })
	return w
}

func (w *sessionWorld) user(k string) string { return w.p.Users[k].ID }

// start opens A's record and saves a complete checklist and a pre-dose
// reading of 128/82, 72, 98%.
func (w *sessionWorld) start(t *testing.T, s *store.Store) store.MedicineSession {
	t.Helper()
	m := store.MedicineSession{ClinicID: w.p.Clinic.ID, AppointmentID: w.appt.ID, ClientID: w.p.Clients["A"].ID,
		StartedBy: w.user("assigned"), StartedAt: w.p.Now}
	yes := true
	ate := w.p.Now.Add(-5 * time.Hour)
	at := w.p.Now.Add(10 * time.Minute)
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.StartMedicineSession(ctx, &m); err != nil {
			return err
		}
		if err := tx.SaveSessionChecklist(ctx, m.ClinicID, m.ID, store.PreDoseChecklist{CompanionName: "Jo Rivera", CompanionPhone: "(541) 555-0100",
			RideConfirmed: true, LastFoodAt: &ate, NoSubstances: &yes, StimulantsPaused: &yes, MedicationsReviewed: true,
			Intention: "To meet the grief with kindness.", By: w.user("assigned"), At: &at}); err != nil {
			return err
		}
		return tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: m.ClinicID, SessionID: m.ID, PreDose: true,
			TakenAt: w.p.Now.Add(15 * time.Minute), Vitals: session.Vitals{Systolic: 128, Diastolic: 82, HeartRate: 72, SpO2: 98},
			EnteredBy: w.user("assigned"), EnteredAt: at})
	})
	return m
}

// doseOf is a dose under the world's order, weighing 80.0 kg.
func (w *sessionWorld) doseOf(mg session.Mg) store.SessionDose {
	return store.SessionDose{Route: session.IM, Weight: session.KgOf(80), Mg: mg, Lot: "KX-2291", GivenBy: w.user("assigned"),
		GivenAt: w.dose, OrderID: w.order.ID}
}

// reading is a post-dose reading minutes after the dose.
func (w *sessionWorld) reading(m store.MedicineSession, minutes, sys, dia, hr, spo2 int) *store.SessionVitals {
	return &store.SessionVitals{ClinicID: m.ClinicID, SessionID: m.ID, TakenAt: w.dose.Add(time.Duration(minutes) * time.Minute),
		Vitals:    session.Vitals{Systolic: sys, Diastolic: dia, HeartRate: hr, SpO2: spo2},
		EnteredBy: w.user("assigned"), EnteredAt: w.dose.Add(time.Duration(minutes) * time.Minute)}
}

func record(t *testing.T, s *store.Store, clinicID, id string) store.SessionRecord {
	t.Helper()
	var r store.SessionRecord
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { r, err = tx.SessionRecordOf(ctx, clinicID, id); return err }); err != nil {
		t.Fatal(err)
	}
	return r
}

func wantCode(t *testing.T, what string, err error, code problem.Code) {
	t.Helper()
	if problem.CodeOf(err) != code {
		t.Errorf("%s: got %v (%s), want %s", what, err, problem.CodeOf(err), code)
	}
}

func TestMedicineSessionFromChecklistToLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		m := w.start(t, s)
		clinic := m.ClinicID
		write := func(fn func(tx *store.Tx) error) error { return s.Write(ctx, fn) }

		// Starting the same client's record twice is refused, and so is a
		// record for someone not in the session.
		err := write(func(tx *store.Tx) error {
			return tx.StartMedicineSession(ctx, &store.MedicineSession{ClinicID: clinic, AppointmentID: w.appt.ID, ClientID: w.p.Clients["A"].ID,
				StartedBy: w.user("assigned"), StartedAt: w.p.Now})
		})
		wantCode(t, "second start", err, problem.Conflict)
		err = write(func(tx *store.Tx) error {
			return tx.StartMedicineSession(ctx, &store.MedicineSession{ClinicID: clinic, AppointmentID: w.appt.ID, ClientID: w.p.Clients["B"].ID,
				StartedBy: w.user("assigned"), StartedAt: w.p.Now})
		})
		wantCode(t, "client not in the session", err, problem.NotFound)

		// Before the dose, a post-dose reading has nowhere to go.
		wantCode(t, "reading before the dose", write(func(tx *store.Tx) error { return tx.AddSessionVitals(ctx, w.reading(m, 15, 130, 80, 70, 98)) }), problem.Conflict)

		// 61 mg is above the order's 60 mg maximum: refused, nothing changes.
		err = write(func(tx *store.Tx) error {
			return tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(61)), false)
		})
		if problem.FieldOf(err) != "mg" || !strings.Contains(problem.MessageOf(err), "above this order's maximum of 60 mg") {
			t.Errorf("over the maximum: %v", err)
		}
		if r := record(t, s, clinic, m.ID); r.Session.State != store.SessionChecklist || r.Session.Dose != nil {
			t.Errorf("after a refused dose: state %s, dose %+v", r.Session.State, r.Session.Dose)
		}

		// 36 mg at 80.0 kg is 0.45 mg/kg, under IM's usual 0.50–0.75: the
		// session package asks for a prescriber's confirmation.
		check, err := session.CheckDose(w.order.Order, session.IM, session.MgOf(36), session.KgOf(80), session.DefaultSettings())
		if err != nil || !check.NeedsConfirmation() {
			t.Fatalf("CheckDose(36 mg at 80 kg) = %+v, %v; want a confirmation", check, err)
		}
		err = write(func(tx *store.Tx) error {
			return tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(36)), true)
		})
		if problem.FieldOf(err) != "mg" || !strings.Contains(problem.MessageOf(err), "needs a prescriber's confirmation") {
			t.Errorf("unconfirmed dose: %v", err)
		}
		confirm := store.DoseConfirmation{Mg: session.MgOf(36), Reason: "First IM session; start low.", By: w.user("assigned"), At: w.dose.Add(-time.Minute)}
		err = write(func(tx *store.Tx) error { return tx.ConfirmSessionDose(ctx, clinic, m.ID, confirm) })
		if problem.FieldOf(err) != "by" {
			t.Errorf("a therapist confirming a dose: %v, want refused on by", err)
		}
		confirm.By = w.user("prescriber")
		if err := write(func(tx *store.Tx) error { return tx.ConfirmSessionDose(ctx, clinic, m.ID, confirm) }); err != nil {
			t.Fatal(err)
		}
		// The confirmation covers 36 mg, not 35.
		err = write(func(tx *store.Tx) error {
			return tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(35)), true)
		})
		if problem.FieldOf(err) != "mg" {
			t.Errorf("a different dose than confirmed: %v", err)
		}
		if err := write(func(tx *store.Tx) error {
			return tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(36)), true)
		}); err != nil {
			t.Fatal(err)
		}
		if err := write(func(tx *store.Tx) error {
			return tx.SaveSessionSetting(ctx, clinic, m.ID, store.SessionSetting{Music: true, EyeMask: true, Other: "Weighted blanket"},
				[]string{w.user("assigned"), w.user("prescriber"), w.user("assigned")})
		}); err != nil {
			t.Fatal(err)
		}
		err = write(func(tx *store.Tx) error {
			return tx.SaveSessionSetting(ctx, clinic, m.ID, store.SessionSetting{}, []string{w.user("foreignAdmin")})
		})
		if problem.FieldOf(err) != "staff" {
			t.Errorf("staff of another clinic present: %v", err)
		}

		// Readings at 15, 40 and 45 minutes: 40 and 45 are 5 minutes apart
		// and both at or above 180/110, which raises the sustained alert.
		for _, v := range []*store.SessionVitals{w.reading(m, 15, 150, 95, 88, 97), w.reading(m, 40, 182, 112, 96, 97), w.reading(m, 45, 184, 110, 94, 97)} {
			if err := write(func(tx *store.Tx) error { return tx.AddSessionVitals(ctx, v) }); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, "impossible reading", write(func(tx *store.Tx) error { return tx.AddSessionVitals(ctx, w.reading(m, 50, 1400, 90, 80, 97)) }), problem.Invalid)
		r := record(t, s, clinic, m.ID)
		alerts := r.Alerts(session.DefaultAlertLimits())
		if len(alerts) != 1 || alerts[0].Kind != session.AlertBPSustained || !alerts[0].Open() {
			t.Fatalf("alerts = %+v, want one open sustained-BP alert", alerts)
		}
		ack := store.SessionAlertAck{ClinicID: clinic, SessionID: m.ID, AlertKey: alerts[0].Key, Message: alerts[0].Message,
			Note: "Client calm; recheck in 10 min.", By: w.user("assigned"), At: w.dose.Add(46 * time.Minute)}
		if err := write(func(tx *store.Tx) error { return tx.AckSessionAlert(ctx, &ack) }); err != nil {
			t.Fatal(err)
		}
		again := ack
		again.ID = ""
		wantCode(t, "second acknowledgement", write(func(tx *store.Tx) error { return tx.AckSessionAlert(ctx, &again) }), problem.Conflict)

		// A reading entered in error is struck through, kept, and no longer
		// counts: the 15-minute one here.
		struck := r.Vitals[1].ID
		if err := write(func(tx *store.Tx) error {
			return tx.StrikeSessionVitals(ctx, clinic, m.ID, struck, w.user("assigned"), "Entered for the wrong client.", w.dose.Add(47*time.Minute))
		}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "striking twice", write(func(tx *store.Tx) error {
			return tx.StrikeSessionVitals(ctx, clinic, m.ID, struck, w.user("assigned"), "Again.", w.dose.Add(48*time.Minute))
		}), problem.Conflict)

		sed := session.Sedation(4)
		obs := store.SessionObservation{ClinicID: clinic, SessionID: m.ID, EnteredBy: w.user("assigned"), EnteredAt: w.dose.Add(50 * time.Minute),
			Observation: session.Observation{At: w.dose.Add(50 * time.Minute), Sedation: &sed, Dissociation: "Floating, calm."}}
		ae := store.SessionAdverseEvent{ClinicID: clinic, SessionID: m.ID, EnteredBy: w.user("assigned"), EnteredAt: w.dose.Add(55 * time.Minute),
			AdverseEvent: session.AdverseEvent{At: w.dose.Add(52 * time.Minute), Kind: session.Nausea, Severity: session.Mild, Description: "Brief."}}
		if err := write(func(tx *store.Tx) error {
			if err := tx.AddSessionObservation(ctx, &obs); err != nil {
				return err
			}
			if err := tx.AddSessionAdverseEvent(ctx, &ae); err != nil {
				return err
			}
			return tx.SetAdverseEventOutcome(ctx, clinic, m.ID, ae.ID, session.Resolved)
		}); err != nil {
			t.Fatal(err)
		}

		// Signing before the session has ended is refused.
		wantCode(t, "sign while dosed", write(func(tx *store.Tx) error {
			return tx.SignMedicineSession(ctx, clinic, m.ID, w.user("prescriber"), w.dose.Add(2*time.Hour))
		}), problem.Conflict)
		dis := store.SessionDischarge{At: w.dose.Add(125 * time.Minute), ReleasedTo: "Jo Rivera", AlertOriented: true, By: w.user("assigned")}
		if err := write(func(tx *store.Tx) error { return tx.DischargeMedicineSession(ctx, clinic, m.ID, dis) }); err != nil {
			t.Fatal(err)
		}
		err = write(func(tx *store.Tx) error {
			return tx.SignMedicineSession(ctx, clinic, m.ID, w.user("assigned"), w.dose.Add(130*time.Minute))
		})
		if problem.FieldOf(err) != "by" {
			t.Errorf("a therapist signing: %v", err)
		}
		signedAt := w.dose.Add(131 * time.Minute)
		if err := write(func(tx *store.Tx) error {
			return tx.SignMedicineSession(ctx, clinic, m.ID, w.user("prescriber"), signedAt)
		}); err != nil {
			t.Fatal(err)
		}

		r = record(t, s, clinic, m.ID)
		sm := r.Session
		if sm.State != store.SessionDischarged || !sm.Locked() || !sm.SignedAt.Equal(signedAt) || sm.SignedBy != w.user("prescriber") {
			t.Errorf("signed record: state %s locked %v signed %v by %s", sm.State, sm.Locked(), sm.SignedAt, sm.SignedBy)
		}
		d := sm.Dose
		// 36 mg ÷ 80.0 kg = 0.45 mg/kg exactly.
		if d == nil || d.Mg != session.MgOf(36) || d.PerKg != 45 || d.Weight != session.KgOf(80) || d.OrderVersion != 1 || d.Lot != "KX-2291" {
			t.Errorf("dose = %+v", d)
		}
		if sm.DoseConfirm == nil || sm.DoseConfirm.Mg != session.MgOf(36) || sm.DoseConfirm.Reason != confirm.Reason || sm.DoseConfirm.By != w.user("prescriber") {
			t.Errorf("confirmation = %+v", sm.DoseConfirm)
		}
		if sm.Checklist.Intention != "To meet the grief with kindness." || sm.Checklist.CompanionName != "Jo Rivera" || !*sm.Checklist.NoSubstances {
			t.Errorf("checklist = %+v", sm.Checklist)
		}
		if len(sm.Staff) != 2 || !sm.Setting.Music || sm.Setting.Other != "Weighted blanket" {
			t.Errorf("setting %+v, staff %v", sm.Setting, sm.Staff)
		}
		if sm.Discharge == nil || sm.Discharge.ReleasedTo != "Jo Rivera" || !sm.Discharge.AlertOriented {
			t.Errorf("discharge = %+v", sm.Discharge)
		}
		if len(r.Vitals) != 4 || !r.Vitals[1].Struck() || r.Vitals[1].StruckReason != "Entered for the wrong client." || len(store.Readings(r.Vitals)) != 3 {
			t.Errorf("vitals = %+v", r.Vitals)
		}
		if pre := store.LatestPreDose(r.Vitals); pre == nil || pre.Systolic != 128 {
			t.Errorf("pre-dose reading = %+v", pre)
		}
		if last := store.LatestReading(r.Vitals); last.Systolic != 184 {
			t.Errorf("latest reading = %+v", last)
		}
		if len(r.Acks) != 1 || r.Acks[0].Note != ack.Note || r.Acks[0].ByName != "Staff assigned" {
			t.Errorf("acks = %+v", r.Acks)
		}
		if len(r.Observations) != 1 || r.Observations[0].Dissociation != "Floating, calm." || *r.Observations[0].Sedation != 4 {
			t.Errorf("observations = %+v", r.Observations)
		}
		if len(r.AdverseEvents) != 1 || r.AdverseEvents[0].Outcome != session.Resolved || r.AdverseEvents[0].Description != "Brief." {
			t.Errorf("adverse events = %+v", r.AdverseEvents)
		}

		// After the lock the store refuses every change, and says why.
		later := w.dose.Add(3 * time.Hour)
		refusals := map[string]func(tx *store.Tx) error{
			"checklist": func(tx *store.Tx) error {
				return tx.SaveSessionChecklist(ctx, clinic, m.ID, store.PreDoseChecklist{By: "x", At: &later})
			},
			"reading": func(tx *store.Tx) error { return tx.AddSessionVitals(ctx, w.reading(m, 170, 120, 80, 70, 98)) },
			"strike": func(tx *store.Tx) error {
				return tx.StrikeSessionVitals(ctx, clinic, m.ID, r.Vitals[2].ID, w.user("assigned"), "late", later)
			},
			"setting": func(tx *store.Tx) error { return tx.SaveSessionSetting(ctx, clinic, m.ID, store.SessionSetting{}, nil) },
			"outcome": func(tx *store.Tx) error {
				return tx.SetAdverseEventOutcome(ctx, clinic, m.ID, ae.ID, session.Improving)
			},
			"sign": func(tx *store.Tx) error {
				return tx.SignMedicineSession(ctx, clinic, m.ID, w.user("prescriber"), later)
			},
			"adverse": func(tx *store.Tx) error {
				e := ae
				e.ID = ""
				return tx.AddSessionAdverseEvent(ctx, &e)
			},
		}
		for name, fn := range refusals {
			err := write(fn)
			if problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "signed and locked") {
				t.Errorf("%s after the lock: %v", name, err)
			}
		}
		// Corrections are addenda, which only a signed record takes.
		add := store.SessionAddendum{ClinicID: clinic, SessionID: m.ID, Body: "Lot number confirmed against the log.", By: w.user("assigned"), At: later}
		if err := write(func(tx *store.Tx) error { return tx.AddSessionAddendum(ctx, &add) }); err != nil {
			t.Fatal(err)
		}
		if r := record(t, s, clinic, m.ID); len(r.Addenda) != 1 || r.Addenda[0].Body != add.Body || r.Addenda[0].ByName != "Staff assigned" {
			t.Errorf("addenda = %+v", r.Addenda)
		}
	})
}

// TestSignedSessionIsImmutableInTheDatabase goes around the store, as someone
// with the database would, and finds every change to a signed record refused
// by the database itself.
func TestSignedSessionIsImmutableInTheDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			w := newSessionWorld(t, s)
			m := w.start(t, s)
			clinic := m.ClinicID
			var vitalsID string
			ae := store.SessionAdverseEvent{ClinicID: clinic, SessionID: m.ID, EnteredBy: w.user("assigned"), EnteredAt: w.dose,
				AdverseEvent: session.AdverseEvent{At: w.dose, Kind: session.Headache, Severity: session.Mild}}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(40)), false); err != nil {
					return err
				}
				v := w.reading(m, 15, 130, 80, 70, 98)
				if err := tx.AddSessionVitals(ctx, v); err != nil {
					return err
				}
				vitalsID = v.ID
				if err := tx.AddSessionAdverseEvent(ctx, &ae); err != nil {
					return err
				}
				if err := tx.SaveSessionSetting(ctx, clinic, m.ID, store.SessionSetting{Music: true}, []string{w.user("assigned")}); err != nil {
					return err
				}
				return tx.StopMedicineSession(ctx, clinic, m.ID, "Client asked to stop; transferred home with companion.")
			})
			db := rawDB(t, e, cfg)
			// Before the lock, the strike-through is the only change a
			// reading allows.
			if _, err := db.Exec("UPDATE medicine_session_vitals SET systolic = 120 WHERE id = '" + vitalsID + "'"); err == nil {
				t.Error("editing a reading's number was allowed")
			}
			if _, err := db.Exec("DELETE FROM medicine_session_vitals WHERE id = '" + vitalsID + "'"); err == nil {
				t.Error("deleting a reading was allowed")
			}
			if _, err := db.Exec("UPDATE medicine_session_vitals SET confirmed_by = 'someone' WHERE id = '" + vitalsID + "'"); err == nil {
				t.Error("changing who confirmed a reading was allowed")
			}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.SignMedicineSession(ctx, clinic, m.ID, w.user("prescriber"), w.dose.Add(time.Hour))
			})
			add := store.SessionAddendum{ClinicID: clinic, SessionID: m.ID, Body: "Addendum.", By: w.user("assigned"), At: w.dose.Add(2 * time.Hour)}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.AddSessionAddendum(ctx, &add) })
			ts := "'2026-03-03 20:00:00.000000+00:00'"
			for _, q := range []string{
				"UPDATE medicine_sessions SET lot_number = 'forged' WHERE id = '" + m.ID + "'",
				"UPDATE medicine_sessions SET locked_at = NULL, signed_at = NULL WHERE id = '" + m.ID + "'",
				"DELETE FROM medicine_sessions WHERE id = '" + m.ID + "'",
				"UPDATE medicine_session_vitals SET struck_at = " + ts + ", struck_reason = 'x' WHERE id = '" + vitalsID + "'",
				"INSERT INTO medicine_session_vitals (id, session_id, clinic_id, taken_at, systolic, diastolic, entered_by, entered_at) VALUES ('v-forged', '" +
					m.ID + "', '" + clinic + "', " + ts + ", 120, 80, '" + w.user("assigned") + "', " + ts + ")",
				"INSERT INTO medicine_session_observations (id, session_id, clinic_id, observed_at, note, entered_by, entered_at) VALUES ('o-forged', '" +
					m.ID + "', '" + clinic + "', " + ts + ", 'x', '" + w.user("assigned") + "', " + ts + ")",
				"INSERT INTO medicine_session_alert_acks (id, session_id, clinic_id, alert_key, message, note, by_user, at) VALUES ('k-forged', '" +
					m.ID + "', '" + clinic + "', 'k', 'm', 'n', '" + w.user("assigned") + "', " + ts + ")",
				"UPDATE medicine_session_adverse_events SET outcome = 'resolved' WHERE id = '" + ae.ID + "'",
				"DELETE FROM medicine_session_staff WHERE session_id = '" + m.ID + "'",
				"INSERT INTO medicine_session_staff (session_id, user_id) VALUES ('" + m.ID + "', '" + w.user("prescriber") + "')",
				"INSERT INTO gate_overrides (id, clinic_id, client_id, course_id, session_id, gate_id, reason, by_user, at) VALUES ('g-forged', '" +
					clinic + "', '" + w.p.Clients["A"].ID + "', '" + w.course.ID + "', '" + m.ID + "', 'predose.bp', 'x', '" + w.user("prescriber") + "', " + ts + ")",
				"UPDATE medicine_session_addenda SET body = 'edited' WHERE id = '" + add.ID + "'",
				"DELETE FROM medicine_session_addenda WHERE id = '" + add.ID + "'",
			} {
				if _, err := db.Exec(q); err == nil {
					t.Errorf("allowed on a signed record: %s", q)
				} else if msg := err.Error(); !strings.Contains(msg, "cannot be") && !strings.Contains(msg, "can only") &&
					!strings.Contains(msg, "before the record is signed") && !strings.Contains(msg, "keeps every entry") {
					t.Errorf("%s: refused for the wrong reason: %v", q, err)
				}
			}
			r := record(t, s, clinic, m.ID)
			if r.Session.State != store.SessionStopped || r.Session.Dose.Lot != "KX-2291" || len(r.Vitals) != 2 || r.Vitals[1].Struck() || len(r.Addenda) != 1 {
				t.Errorf("record after refused tampering: %+v", r)
			}
			if r.Session.StateReason != "Client asked to stop; transferred home with companion." {
				t.Errorf("stop reason = %q", r.Session.StateReason)
			}
		})
	}
}

// TestSessionTransitionsAreConcurrencySafe presses the same button five
// times at once: exactly one dose is recorded and one signature made, and
// the others are told the session changed.
func TestSessionTransitionsAreConcurrencySafe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		m := w.start(t, s)
		race := func(fn func(i int, tx *store.Tx) error) (ok int, conflicts int) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range 5 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := s.Write(ctx, func(tx *store.Tx) error { return fn(i, tx) })
					mu.Lock()
					defer mu.Unlock()
					switch problem.CodeOf(err) {
					case "":
						if err == nil {
							ok++
							return
						}
						t.Errorf("unexpected: %v", err)
					case problem.Conflict:
						conflicts++
					default:
						t.Errorf("unexpected: %v", err)
					}
				}()
			}
			wg.Wait()
			return ok, conflicts
		}
		ok, conflicts := race(func(i int, tx *store.Tx) error {
			d := w.doseOf(session.MgOf(40))
			d.Lot = "LOT-" + string(rune('A'+i))
			return tx.RecordSessionDose(ctx, m.ClinicID, m.ID, d, false)
		})
		if ok != 1 || conflicts != 4 {
			t.Errorf("dose race: %d recorded, %d conflicts; want 1 and 4", ok, conflicts)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.StopMedicineSession(ctx, m.ClinicID, m.ID, "Ended early at the client's wish.")
		})
		ok, conflicts = race(func(i int, tx *store.Tx) error {
			return tx.SignMedicineSession(ctx, m.ClinicID, m.ID, w.user("prescriber"), w.dose.Add(time.Duration(i+60)*time.Minute))
		})
		if ok != 1 || conflicts != 4 {
			t.Errorf("sign race: %d signed, %d conflicts; want 1 and 4", ok, conflicts)
		}
	})
}

// TestHeldSessionTakesNoDose: a session held for blood pressure cannot be
// dosed, and is signed as held.
func TestHeldSessionTakesNoDose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		m := w.start(t, s)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.HoldMedicineSession(ctx, m.ClinicID, m.ID, "Blood pressure 186/104 is above 180/100: no dose today.")
		})
		err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.RecordSessionDose(ctx, m.ClinicID, m.ID, w.doseOf(session.MgOf(40)), false)
		})
		wantCode(t, "dose after a hold", err, problem.Conflict)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SignMedicineSession(ctx, m.ClinicID, m.ID, w.user("prescriber"), w.dose)
		})
		r := record(t, s, m.ClinicID, m.ID)
		if r.Session.State != store.SessionHeld || r.Session.Dose != nil || !r.Session.Locked() || !strings.Contains(r.Session.StateReason, "186/104") {
			t.Errorf("held record: %+v", r.Session)
		}
	})
}

// TestMedicineSessionTextIsSealed reads the raw columns: every free-text
// part of the record is sealed at rest, on both engines.
func TestMedicineSessionTextIsSealed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			w := newSessionWorld(t, s)
			const secret = "Sealed-Session-Marker"
			m := w.start(t, s)
			clinic := m.ClinicID
			at := w.dose.Add(-5 * time.Minute)
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.SaveSessionChecklist(ctx, clinic, m.ID, store.PreDoseChecklist{Intention: secret, By: w.user("assigned"), At: &at}); err != nil {
					return err
				}
				if err := tx.ConfirmSessionDose(ctx, clinic, m.ID, store.DoseConfirmation{Mg: session.MgOf(36), Reason: secret, By: w.user("prescriber"), At: at}); err != nil {
					return err
				}
				o := store.GateOverride{GateID: "predose.ride", Reason: secret, By: w.user("prescriber"), At: at}
				if err := tx.AddSessionOverride(ctx, m, &o); err != nil {
					return err
				}
				if err := tx.RecordSessionDose(ctx, clinic, m.ID, w.doseOf(session.MgOf(40)), false); err != nil {
					return err
				}
				v := w.reading(m, 15, 130, 80, 70, 98)
				if err := tx.AddSessionVitals(ctx, v); err != nil {
					return err
				}
				if err := tx.StrikeSessionVitals(ctx, clinic, m.ID, v.ID, w.user("assigned"), secret, w.dose.Add(16*time.Minute)); err != nil {
					return err
				}
				if err := tx.AddSessionObservation(ctx, &store.SessionObservation{ClinicID: clinic, SessionID: m.ID, EnteredBy: w.user("assigned"),
					EnteredAt: w.dose, Observation: session.Observation{At: w.dose, Dissociation: secret, Note: secret}}); err != nil {
					return err
				}
				if err := tx.AckSessionAlert(ctx, &store.SessionAlertAck{ClinicID: clinic, SessionID: m.ID, AlertKey: "bp_severe@x", Message: "m",
					Note: secret, By: w.user("assigned"), At: w.dose}); err != nil {
					return err
				}
				if err := tx.AddSessionAdverseEvent(ctx, &store.SessionAdverseEvent{ClinicID: clinic, SessionID: m.ID, EnteredBy: w.user("assigned"),
					EnteredAt: w.dose, AdverseEvent: session.AdverseEvent{At: w.dose, Kind: session.OtherAdverse, Severity: session.Moderate,
						Description: secret, Action: secret}}); err != nil {
					return err
				}
				if err := tx.StopMedicineSession(ctx, clinic, m.ID, secret); err != nil {
					return err
				}
				if err := tx.SignMedicineSession(ctx, clinic, m.ID, w.user("prescriber"), w.dose.Add(time.Hour)); err != nil {
					return err
				}
				return tx.AddSessionAddendum(ctx, &store.SessionAddendum{ClinicID: clinic, SessionID: m.ID, Body: secret, By: w.user("assigned"), At: w.dose.Add(time.Hour)})
			})
			db := rawDB(t, e, cfg)
			for _, q := range []string{
				"SELECT intention FROM medicine_sessions",
				"SELECT dose_confirm_reason FROM medicine_sessions",
				"SELECT state_reason FROM medicine_sessions",
				"SELECT reason FROM gate_overrides",
				"SELECT struck_reason FROM medicine_session_vitals WHERE struck_at IS NOT NULL",
				"SELECT dissociation FROM medicine_session_observations",
				"SELECT note FROM medicine_session_observations",
				"SELECT note FROM medicine_session_alert_acks",
				"SELECT description FROM medicine_session_adverse_events",
				"SELECT action FROM medicine_session_adverse_events",
				"SELECT body FROM medicine_session_addenda",
			} {
				var v string
				if err := db.QueryRow(q).Scan(&v); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if strings.Contains(v, secret) || !strings.HasPrefix(v, "s1.") {
					t.Errorf("%s: stored as %q", q, v)
				}
			}
			r := record(t, s, clinic, m.ID)
			if r.Session.Checklist.Intention != secret || r.Vitals[1].StruckReason != secret || r.Observations[0].Note != secret ||
				r.Acks[0].Note != secret || r.AdverseEvents[0].Action != secret || r.Addenda[0].Body != secret || r.Overrides[0].Reason != secret {
				t.Errorf("read back: %+v", r)
			}
		})
	}
}
