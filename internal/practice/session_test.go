package practice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// sessionWorld is client A of storetest's practice with an active course,
// an IM order of 0.50 mg/kg (at most 60 mg), and a medicine appointment
// whose record is dosed: 40 mg given at dose.
type sessionWorld struct {
	st      *store.Store
	counter *store.QueryCounter
	app     *practice.Service
	p       *storetest.Practice
	appt    store.Appointment
	session store.MedicineSession
	dose    time.Time
	now     time.Time
}

func newSessionWorld(t *testing.T) *sessionWorld {
	t.Helper()
	ctx := context.Background()
	w := &sessionWorld{counter: &store.QueryCounter{Keep: true}}
	cfg := storetest.Engines(t)[0].Config(t)
	cfg.Counter = w.counter
	w.st = storetest.OpenConfig(t, cfg)
	start := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
	w.p = storetest.NewPractice(t, w.st, start)
	w.dose, w.now = start.Add(30*time.Minute), start.Add(30*time.Minute)
	w.app = practice.New(practice.Config{Store: w.st, Now: func() time.Time { return w.now }})
	a, presc, therapist := w.p.Clients["A"], w.user("prescriber"), w.user("assigned")
	err := w.st.Write(ctx, func(tx *store.Tx) error {
		course := store.Course{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: start.AddDate(0, -1, 0), CreatedAt: start}
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		order := store.DosingOrder{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, WrittenBy: presc,
			WrittenAt: start.Add(-24 * time.Hour), Order: session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}}
		if err := tx.WriteDosingOrder(ctx, &order, session.DefaultSettings()); err != nil {
			return err
		}
		w.appt = store.Appointment{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
			CreatedBy: therapist, CreatedAt: start.Add(-48 * time.Hour), Staff: []string{therapist},
			Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: course.ID}}}
		if err := tx.BookAppointment(ctx, &w.appt); err != nil {
			return err
		}
		w.session = store.MedicineSession{ClinicID: w.p.Clinic.ID, AppointmentID: w.appt.ID, ClientID: a.ID, StartedBy: therapist, StartedAt: start}
		if err := tx.StartMedicineSession(ctx, &w.session); err != nil {
			return err
		}
		checked := start.Add(10 * time.Minute)
		if err := tx.SaveSessionChecklist(ctx, w.p.Clinic.ID, w.session.ID, store.PreDoseChecklist{Intention: "To meet the grief with kindness.",
			By: therapist, At: &checked}); err != nil {
			return err
		}
		if err := tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: w.p.Clinic.ID, SessionID: w.session.ID, PreDose: true, TakenAt: checked,
			Vitals: session.Vitals{Systolic: 128, Diastolic: 82, HeartRate: 72, SpO2: 98}, EnteredBy: therapist, EnteredAt: checked}); err != nil {
			return err
		}
		return tx.RecordSessionDose(ctx, w.p.Clinic.ID, w.session.ID, store.SessionDose{Route: session.IM, Weight: session.KgOf(80), Mg: session.MgOf(40),
			Lot: "KX-2291", GivenBy: therapist, GivenAt: w.dose, OrderID: order.ID}, false)
	})
	if err != nil {
		t.Fatalf("session world: %v", err)
	}
	return w
}

func (w *sessionWorld) user(k string) string { return w.p.Users[k].ID }

// actor is a principal of the practice at a browser.
func (w *sessionWorld) actor(k string) practice.Actor {
	u := w.p.Users[k]
	return practice.NewActor(u.Principal(""), u.Name, w.p.Clinic, "req-"+k, "192.0.2.1", practice.Pages)
}

func (w *sessionWorld) target() practice.SessionTarget {
	return practice.SessionTarget{ClientID: w.p.Clients["A"].ID, AppointmentID: w.appt.ID}
}

// record is the record as stored.
func (w *sessionWorld) record(t *testing.T) store.SessionRecord {
	t.Helper()
	ctx := context.Background()
	var r store.SessionRecord
	if err := w.st.Read(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.SessionRecordOf(ctx, w.p.Clinic.ID, w.session.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

// reading records vital signs through the use case, minutes after the dose.
func (w *sessionWorld) reading(t *testing.T, minutes, sys, dia int) {
	t.Helper()
	w.now = w.dose.Add(time.Duration(minutes) * time.Minute)
	in := practice.VitalsInput{ClientID: w.p.Clients["A"].ID, AppointmentID: w.appt.ID, Vitals: session.Vitals{Systolic: sys, Diastolic: dia, HeartRate: 80, SpO2: 97}}
	if _, err := w.app.RecordVitals(context.Background(), w.actor("assigned"), in); err != nil {
		t.Fatalf("reading at %d min: %v", minutes, err)
	}
}

// TestSessionWritesReadOnlyWhatTheyCheck counts the statements each change
// to a session under way sends: the client and care team for access, the
// record read and claimed in one statement, what the change's own checks
// read, the clinic's key version where it seals text, the change, and the
// audit head and entry. None reads the whole record, the staff or the
// gates.
func TestSessionWritesReadOnlyWhatTheyCheck(t *testing.T) {
	w := newSessionWorld(t)
	ctx := context.Background()
	w.reading(t, 40, 182, 112)
	w.reading(t, 45, 184, 110)
	alerts := w.record(t).Alerts(session.DefaultAlertLimits())
	if len(alerts) != 1 {
		t.Fatalf("alerts = %+v, want the sustained blood pressure", alerts)
	}
	struck := w.record(t).Vitals[1].ID
	at := w.target()
	steps := []struct {
		name  string
		max   int64
		write func() error
	}{
		{"observation", 7, func() error {
			return w.app.RecordObservation(ctx, w.actor("assigned"), practice.ObservationInput{SessionTarget: at,
				Observation: session.Observation{At: w.now, Dissociation: "Floating, calm."}})
		}},
		{"adverse event", 7, func() error {
			return w.app.RecordAdverseEvent(ctx, w.actor("assigned"), practice.AdverseEventInput{SessionTarget: at,
				Event: session.AdverseEvent{At: w.now, Kind: session.Nausea, Severity: session.Mild}})
		}},
		// The alerts are evaluated again: the readings, the acknowledgements
		// and the clinic's settings.
		{"alert acknowledgement", 10, func() error {
			return w.app.AcknowledgeAlert(ctx, w.actor("assigned"), practice.AckInput{SessionTarget: at, Key: alerts[0].Key, Note: "Calm; rechecking."})
		}},
		{"strike", 7, func() error {
			return w.app.StrikeReading(ctx, w.actor("assigned"), practice.StrikeInput{SessionTarget: at, ReadingID: struck, Reason: "Wrong client."})
		}},
		{"stop", 7, func() error {
			return w.app.StopSession(ctx, w.actor("assigned"), practice.StopInput{SessionTarget: at, Reason: "Client asked to stop."})
		}},
		// The signature checks the signer's role in the store as well.
		{"sign", 8, func() error { return w.app.SignSession(ctx, w.actor("prescriber"), at) }},
	}
	for _, s := range steps {
		w.counter.Reset()
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if n := w.counter.Count(); n > s.max {
			t.Errorf("%s took %d statements, at most %d:\n%s", s.name, n, s.max, strings.Join(w.counter.Statements(), "\n"))
		}
	}
	rec := w.record(t)
	if !rec.Session.Locked() || rec.Session.State != session.Stopped || len(rec.Observations) != 1 || len(rec.AdverseEvents) != 1 ||
		len(rec.Acks) != 1 || !rec.Vitals[1].Struck() {
		t.Errorf("the record after the changes: %+v", rec)
	}
}

// TestSessionLivePanelIsALightRead counts what the live panel's refresh,
// every ten seconds, reads: the client and care team for access, the
// session, its readings and acknowledgements, the clinic's settings, and
// the audit head and entry of the look.
func TestSessionLivePanelIsALightRead(t *testing.T) {
	w := newSessionWorld(t)
	w.reading(t, 15, 132, 84)
	w.counter.Reset()
	l, err := w.app.SessionLivePanel(context.Background(), w.actor("assigned"), w.target())
	if err != nil || !l.Started || len(l.Record.Vitals) != 2 || !l.CanWrite {
		t.Fatalf("live panel: %+v, %v", l, err)
	}
	if n := w.counter.Count(); n > 8 {
		t.Errorf("the live panel took %d statements, at most 8:\n%s", n, strings.Join(w.counter.Statements(), "\n"))
	}
}

// TestSessionRefusalIsRecordedOnce: a therapist outside the care team is
// refused as if the session did not exist, the refusal is in the log once,
// and nothing changes.
func TestSessionRefusalIsRecordedOnce(t *testing.T) {
	w := newSessionWorld(t)
	ctx := context.Background()
	err := w.app.StopSession(ctx, w.actor("unassigned"), practice.StopInput{SessionTarget: w.target(), Reason: "x"})
	if problem.CodeOf(err) != problem.NotFound || !practice.Recorded(err) {
		t.Fatalf("stop by a therapist outside the care team: %v", err)
	}
	var denied int
	err = w.st.Read(ctx, func(tx *store.Tx) error {
		entries, err := tx.AuditEntries(ctx, store.AuditFilter{ClinicID: w.p.Clinic.ID, ActorID: w.user("unassigned")})
		for _, e := range entries {
			if e.Action == "access.denied" {
				denied++
			} else {
				t.Errorf("unexpected entry %s", e.Action)
			}
		}
		return err
	})
	if err != nil || denied != 1 {
		t.Errorf("%d denials recorded (%v), want 1", denied, err)
	}
	if m := w.record(t).Session; m.State != session.Dosed {
		t.Errorf("a refused stop changed the state to %s", m.State)
	}
}

// TestSessionStateIsJudgedBeforeInput: a change the record's state does not
// allow is refused as such, whatever was sent; what was sent is judged only
// for a change the state allows.
func TestSessionStateIsJudgedBeforeInput(t *testing.T) {
	w := newSessionWorld(t)
	ctx := context.Background()
	at := w.target()
	err := w.app.StopSession(ctx, w.actor("assigned"), practice.StopInput{SessionTarget: at, Reason: "  "})
	if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "reason" {
		t.Errorf("a stop without a reason: %v", err)
	}
	// A pre-dose change once the dose is given.
	_, err = w.app.SavePreDoseChecks(ctx, w.actor("assigned"), practice.ChecklistInput{SessionTarget: at})
	if problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "the session is now dosed: monitoring") {
		t.Errorf("the checks after the dose: %v", err)
	}
	if err := w.app.StopSession(ctx, w.actor("assigned"), practice.StopInput{SessionTarget: at, Reason: "Client asked to stop."}); err != nil {
		t.Fatal(err)
	}
	if err := w.app.SignSession(ctx, w.actor("prescriber"), at); err != nil {
		t.Fatal(err)
	}
	err = w.app.RecordObservation(ctx, w.actor("assigned"), practice.ObservationInput{SessionTarget: at})
	if problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "signed and locked") {
		t.Errorf("an empty observation on a signed record: %v", err)
	}
	err = w.app.AddAddendum(ctx, w.actor("assigned"), practice.AddendumInput{SessionTarget: at, Body: " "})
	if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "body" {
		t.Errorf("an empty addendum to a signed record: %v", err)
	}
}

// TestSessionPageForARefusedForm: the page comes back after a refused form
// only to someone who may use that form.
func TestSessionPageForARefusedForm(t *testing.T) {
	w := newSessionWorld(t)
	ctx := context.Background()
	p, err := w.app.SessionRecordPage(ctx, w.actor("assigned"), w.target(), practice.ForReading)
	if err != nil || !p.Started || !p.CanWrite || p.CanPrescribe || len(p.Gates) == 0 {
		t.Fatalf("the page for the therapist: %+v, %v", p, err)
	}
	if _, err := w.app.SessionRecordPage(ctx, w.actor("assigned"), w.target(), practice.ForPrescriberForm); !practice.Recorded(err) {
		t.Errorf("a prescriber's form refused to a therapist came back: %v", err)
	}
	if _, err := w.app.SessionRecordPage(ctx, w.actor("admin"), w.target(), practice.ForClinicianForm); !practice.Recorded(err) {
		t.Errorf("a clinician's form refused to an admin came back: %v", err)
	}
	if _, err := w.app.SessionRecordPage(ctx, w.actor("admin"), w.target(), practice.ForReading); err != nil {
		t.Errorf("an admin reading the record: %v", err)
	}
}
