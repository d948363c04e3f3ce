package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/screening"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// readyFixture is the shared fixture with client A's course gates cleared,
// so a medicine session can go ahead once the day's checks are done:
// screening approved by the prescriber, the informed consent signed
// (preparation fixture), a preparation note (preparation fixture), the
// baseline overridden for the course by the prescriber (the fixture has a
// PHQ-9 but no GAD-7), and an IM order of 0.50 mg/kg, at most 60 mg.
func readyFixture(t *testing.T) *fixture {
	t.Helper()
	return readyFixtureOn(t, sqliteConfig(t))
}

// readyFixtureOn is readyFixture on the database cfg names.
func readyFixtureOn(t *testing.T, cfg store.Config) *fixture {
	t.Helper()
	return readyFixtureOnAt(t, cfg, storetest.Now)
}

// readyFixtureOnAt is readyFixtureOn with its clock standing at now.
func readyFixtureOnAt(t *testing.T, cfg store.Config, now time.Time) *fixture {
	t.Helper()
	f := newFixtureAt(t, cfg, now)
	ctx := context.Background()
	a := f.clients["A"]
	presc := f.users["prescriber"].ID
	expires := f.now.AddDate(0, 0, 150)
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		course, err := tx.Course(ctx, f.clinic.ID, f.measures.courseID)
		if err != nil {
			return err
		}
		if err := tx.RecordScreeningDecision(ctx, &store.ScreeningDecision{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: course.ID,
			Kind: screening.Approve, Tier: screening.Info, DecidedBy: presc, DecidedAt: f.now.AddDate(0, 0, -30), ExpiresAt: &expires}); err != nil {
			return err
		}
		if err := tx.AddGateOverride(ctx, &store.GateOverride{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: course.ID,
			GateID: care.GateBaseline, Reason: "GAD-7 done on paper last week.", By: presc, At: f.now.Add(-time.Hour)}); err != nil {
			return err
		}
		// Client A's PHQ-9 item-9 flag was followed up: an open flag
		// would hold every dose back (the safety gate).
		if err := tx.AcknowledgeFlag(ctx, f.clinic.ID, a.ID, f.measures.flagID, f.users["assigned"].ID,
			"Spoke with Jo; safety plan reviewed.", f.now.Add(-2*time.Hour)); err != nil {
			return err
		}
		o := store.DosingOrder{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: course.ID, WrittenBy: presc, WrittenAt: f.now.Add(-24 * time.Hour),
			Order: session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}}
		return tx.WriteDosingOrder(ctx, &o, session.DefaultSettings())
	})
	if err != nil {
		t.Fatalf("ready fixture: %v", err)
	}
	return f
}

func (f *fixture) sessionURL() string { return sessionPath(f.clients["A"].ID, f.schedule.apptA) }

// post sends a session form as a principal.
func (f *fixture) post(p, suffix string, form url.Values) *testResponse {
	f.t.Helper()
	rec := f.do(p, "POST", f.sessionURL()+suffix, form)
	return &testResponse{code: rec.Code, body: rec.Body.String(), location: rec.Header().Get("Location")}
}

type testResponse struct {
	code     int
	body     string
	location string
}

// clock is a time of day in the clinic's zone, minutes from the fixture's now.
func (f *fixture) clock(minutes int) string {
	return f.now.Add(time.Duration(minutes) * time.Minute).In(f.clinic.Location()).Format("15:04")
}

// checks is a complete checklist with a pre-dose reading.
func (f *fixture) checks(sys, dia string) url.Values {
	return url.Values{"companion_name": {"Jo Rivera"}, "companion_phone": {"(541) 555-0100"}, "ride_confirmed": {"1"},
		"last_food": {f.clock(-6 * 60)}, "no_substances": {"yes"}, "stimulants_paused": {"yes"}, "medications_reviewed": {"1"},
		"intention": {"To meet the grief with kindness."}, "systolic": {sys}, "diastolic": {dia}, "heart_rate": {"72"}, "spo2": {"98"}}
}

// wait moves the fixture's clock on by d, in steps short enough that the
// staff's sessions (15 minutes idle) stay alive, as they would for a team
// working through a session.
func (f *fixture) wait(d time.Duration) {
	f.t.Helper()
	end := f.now.Add(d)
	for f.now.Before(end) {
		step := min(10*time.Minute, end.Sub(f.now))
		f.now = f.now.Add(step)
		for _, p := range []string{"assigned", "prescriber", "admin"} {
			f.do(p, "GET", "/account", nil)
		}
	}
}

func (f *fixture) doseForm(weight, mg string) url.Values {
	return url.Values{"weight_kg": {weight}, "mg": {mg}, "lot": {"KX-2291"}, "given_by": {f.users["assigned"].ID},
		"music": {"1"}, "eye_mask": {"1"}, "staff": {f.users["assigned"].ID}}
}

func (f *fixture) sessionRecord() store.SessionRecord {
	f.t.Helper()
	ctx := context.Background()
	var r store.SessionRecord
	err := f.st.Read(ctx, func(tx *store.Tx) error {
		m, ok, err := tx.MedicineSessionFor(ctx, f.clinic.ID, f.schedule.apptA, f.clients["A"].ID)
		if err != nil || !ok {
			return err
		}
		r, err = tx.SessionRecordOf(ctx, f.clinic.ID, m.ID)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func mustSee(t *testing.T, what string, r *testResponse, code int, parts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: status %d, want %d (location %q)", what, r.code, code, r.location)
	}
	for _, p := range parts {
		if !strings.Contains(r.body, htmlEscape(p)) {
			t.Errorf("%s: the page does not say %q", what, p)
		}
	}
}

func (f *fixture) page(p string) *testResponse {
	rec := f.do(p, "GET", f.sessionURL(), nil)
	return &testResponse{code: rec.Code, body: rec.Body.String()}
}

// dosed takes the fixture through the checks and a 40 mg dose (0.50 mg/kg
// × 80.0 kg, left for the order to work out) given now.
func (f *fixture) dosed(t *testing.T) {
	t.Helper()
	if r := f.post("assigned", "/checklist", f.checks("128", "82")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d %s", r.code, r.body)
	}
	if r := f.post("assigned", "/dose", f.doseForm("80.0", "")); r.code != http.StatusSeeOther {
		t.Fatalf("dose: %d", r.code)
	}
}

func TestSessionChecksOpenTheGates(t *testing.T) {
	f := readyFixture(t)
	before := f.page("assigned")
	mustSee(t, "before the checks", before, http.StatusOK, "No ride home or companion is named.", "Pre-dose blood pressure has not been recorded.",
		"The dose cannot be given until every gate below is passed")
	if strings.Contains(before.body, `action="`+f.sessionURL()+`/dose"`) {
		t.Error("the dose form is offered before the gates are cleared")
	}
	// A reading that is not possible is refused plainly and saves nothing.
	bad := f.checks("1400", "82")
	r := f.post("assigned", "/checklist", bad)
	mustSee(t, "impossible reading", r, http.StatusBadRequest, "A systolic pressure of 1400 is not possible", "Jo Rivera")
	if rec := f.sessionRecord(); rec.Session.ID != "" {
		t.Fatalf("a refused checklist started the record: %+v", rec.Session)
	}
	r = f.post("assigned", "/checklist", f.checks("128", "82"))
	if r.code != http.StatusSeeOther || !strings.HasSuffix(r.location, "?ok=checklist#gates-h") {
		t.Fatalf("checklist: %d %s", r.code, r.location)
	}
	after := f.page("assigned")
	mustSee(t, "after the checks", after, http.StatusOK, "Every gate is cleared: the dose may be given.", "Blood pressure 128/82 (not above 140/90).",
		"Jo Rivera ((541) 555-0100) is confirmed to take the client home.")
	rec := f.sessionRecord()
	if rec.Session.State != store.SessionChecklist || rec.Session.Checklist.Intention != "To meet the grief with kindness." || len(rec.Vitals) != 1 || !rec.Vitals[0].PreDose {
		t.Errorf("record after the checks: %+v", rec)
	}
	// The record is reached from the session on the schedule and from the
	// client's course, each saying where it stands.
	for _, from := range []string{"/schedule/" + f.schedule.apptA, "/clients/" + f.clients["A"].ID + "/course"} {
		if p := f.do("assigned", "GET", from, nil); !strings.Contains(p.Body.String(), `href="`+f.sessionURL()+`"`) ||
			!strings.Contains(p.Body.String(), "pre-dose checks") {
			t.Errorf("%s does not lead to the record (%d)", from, p.Code)
		}
	}
	// Outside the care team the record does not exist; admins read it but
	// do not document.
	for _, p := range []string{"unassigned", "clientA", "foreignAdmin"} {
		if r := f.page(p); r.code != http.StatusNotFound || strings.Contains(r.body, marker) || strings.Contains(r.body, "grief") {
			t.Errorf("%s: %d", p, r.code)
		}
	}
	if r := f.post("admin", "/checklist", f.checks("120", "80")); r.code != http.StatusNotFound {
		t.Errorf("admin documenting: %d", r.code)
	}
	if admin := f.page("admin"); admin.code != http.StatusOK || strings.Contains(admin.body, `action="`+f.sessionURL()+`/checklist"`) {
		t.Errorf("admin's view: %d, or a form they may not use", admin.code)
	}
}

func TestSessionBloodPressureHold(t *testing.T) {
	f := readyFixture(t)
	// 186/104 is above the hold line of 180/100: no dose today.
	r := f.post("assigned", "/checklist", f.checks("186", "104"))
	if r.code != http.StatusSeeOther || !strings.HasSuffix(r.location, "?ok=held") {
		t.Fatalf("held checklist: %d %s", r.code, r.location)
	}
	mustSee(t, "held page", f.page("assigned"), http.StatusOK, "Held: no dose today", "Blood pressure 186/104 is above 180/100: hold, no dose today.")
	// No override and no dose.
	r = f.post("prescriber", "/overrides", url.Values{"gate": {care.GateBP}, "reason": {"I will watch closely."}})
	if r.code != http.StatusBadRequest && r.code != http.StatusConflict {
		t.Errorf("override of a hold: %d", r.code)
	}
	r = f.post("assigned", "/dose", f.doseForm("80.0", "40"))
	if r.code != http.StatusConflict && r.code != http.StatusBadRequest {
		t.Errorf("dose after a hold: %d", r.code)
	}
	rec := f.sessionRecord()
	if rec.Session.State != store.SessionHeld || rec.Session.Dose != nil || len(rec.Overrides) != 0 ||
		!strings.Contains(rec.Session.StateReason, "186/104") {
		t.Errorf("held record: %+v", rec.Session)
	}
	// The prescriber signs the held record.
	if r := f.post("prescriber", "/sign", url.Values{}); r.code != http.StatusSeeOther {
		t.Errorf("sign held: %d", r.code)
	}
}

func TestSessionBloodPressureNeedsPrescriberConfirmation(t *testing.T) {
	f := readyFixture(t)
	// 150/95 is above the confirm line of 140/90 but not the hold line.
	if r := f.post("assigned", "/checklist", f.checks("150", "95")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d", r.code)
	}
	mustSee(t, "confirm needed", f.page("assigned"), http.StatusOK, "Blood pressure 150/95 is above 140/90: a prescriber must confirm before dosing.")
	r := f.post("assigned", "/dose", f.doseForm("80.0", "40"))
	mustSee(t, "dose before confirmation", r, http.StatusBadRequest, "The dose is blocked until every gate is cleared. Not cleared: Pre-dose blood pressure.")
	// Only a prescriber on the care team confirms.
	if r := f.post("assigned", "/overrides", url.Values{"gate": {care.GateBP}, "reason": {"fine"}}); r.code != http.StatusNotFound {
		t.Errorf("a therapist confirming: %d", r.code)
	}
	r = f.post("prescriber", "/overrides", url.Values{"gate": {care.GateBP}, "reason": {"  "}})
	mustSee(t, "confirmation without a reason", r, http.StatusBadRequest, "Write the reason for overriding Pre-dose blood pressure")
	r = f.post("prescriber", "/overrides", url.Values{"gate": {care.GateBP}, "reason": {"Known white-coat rise; 138/88 at home this morning."}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("confirmation: %d %s", r.code, r.body)
	}
	mustSee(t, "confirmed", f.page("assigned"), http.StatusOK, "Every gate is cleared", "Known white-coat rise; 138/88 at home this morning.")
	if r := f.post("assigned", "/dose", f.doseForm("80.0", "40")); r.code != http.StatusSeeOther {
		t.Fatalf("dose after confirmation: %d", r.code)
	}
	rec := f.sessionRecord()
	if len(rec.Overrides) != 1 || rec.Overrides[0].GateID != care.GateBP || rec.Overrides[0].By != f.users["prescriber"].ID || rec.Session.State != store.SessionDosed {
		t.Errorf("record: overrides %+v, state %s", rec.Overrides, rec.Session.State)
	}
}

func TestSessionDoseRules(t *testing.T) {
	f := readyFixture(t)
	if r := f.post("assigned", "/checklist", f.checks("128", "82")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d", r.code)
	}
	// 61 mg is above the order's 60 mg maximum: refused, nothing recorded.
	r := f.post("assigned", "/dose", f.doseForm("80.0", "61"))
	mustSee(t, "over the maximum", r, http.StatusBadRequest, "61 mg is above this order's maximum of 60 mg per session. It cannot be recorded; the prescriber must change the order.", "KX-2291")
	if rec := f.sessionRecord(); rec.Session.Dose != nil || rec.Session.State != store.SessionChecklist {
		t.Fatalf("a refused dose changed the record: %+v", rec.Session)
	}
	// 36 mg at 80.0 kg is 0.45 mg/kg, below IM's usual 0.50–0.75.
	r = f.post("assigned", "/dose", f.doseForm("80.0", "36"))
	mustSee(t, "outside the usual range", r, http.StatusBadRequest, "36 mg needs a prescriber's confirmation before it is given",
		"36 mg at 80 kg is 0.45 mg/kg, outside the usual 0.50–0.75 mg/kg for Intramuscular.")
	if rec := f.sessionRecord(); rec.Session.Dose != nil || rec.Session.DoseConfirm != nil {
		t.Fatalf("an unconfirmed dose changed the record: %+v", rec.Session)
	}
	if r := f.post("assigned", "/confirm-dose", url.Values{"confirm_mg": {"36"}, "confirm_reason": {"x"}}); r.code != http.StatusNotFound {
		t.Errorf("a therapist confirming a dose: %d", r.code)
	}
	r = f.post("prescriber", "/confirm-dose", url.Values{"confirm_mg": {"36"}, "confirm_reason": {"First IM session: start low."}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.code, r.body)
	}
	// A bad weight is refused plainly.
	r = f.post("assigned", "/dose", f.doseForm("400", "36"))
	mustSee(t, "weight in pounds?", r, http.StatusBadRequest, "A weight of 400 kg is outside")
	r = f.post("assigned", "/dose", f.doseForm("80.0", "36"))
	if r.code != http.StatusSeeOther || !strings.HasSuffix(r.location, "?ok=dose#live-panel") {
		t.Fatalf("confirmed dose: %d %s", r.code, r.location)
	}
	rec := f.sessionRecord()
	d := rec.Session.Dose
	if d == nil || d.Mg != session.MgOf(36) || d.PerKg != 45 || d.Weight != session.KgOf(80) || d.Lot != "KX-2291" || d.GivenBy != f.users["assigned"].ID ||
		d.OrderVersion != 1 || !d.GivenAt.Equal(f.now) {
		t.Errorf("dose = %+v", d)
	}
	if !rec.Session.Setting.Music || !rec.Session.Setting.EyeMask || len(rec.Session.Staff) != 1 {
		t.Errorf("setting %+v, staff %v", rec.Session.Setting, rec.Session.Staff)
	}
	mustSee(t, "live view", f.page("assigned"), http.StatusOK, "Since the dose", "0 min", "36 mg", "0.45 mg/kg", "Dose of 36 mg confirmed by Staff prescriber")
}

func TestSessionDoseWorkedOutFromTheOrder(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	// 0.50 mg/kg × 80.0 kg = 40.0 mg, rounded down to IM's 1 mg step: 40 mg.
	if d := f.sessionRecord().Session.Dose; d == nil || d.Mg != session.MgOf(40) || d.PerKg != 50 {
		t.Errorf("dose = %+v, want 40 mg at 0.50 mg/kg", d)
	}
}

func TestSessionAlertRaisedAndAcknowledged(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	start := f.now
	reading := func(minutes int, sys, dia string) {
		t.Helper()
		f.wait(start.Add(time.Duration(minutes) * time.Minute).Sub(f.now))
		r := f.post("assigned", "/vitals", url.Values{"systolic": {sys}, "diastolic": {dia}, "heart_rate": {"96"}, "spo2": {"97"}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("reading at %d min: %d %s", minutes, r.code, r.body)
		}
	}
	reading(15, "150", "95")
	reading(40, "182", "112")
	// One high reading is not yet an alert.
	if p := f.page("assigned"); strings.Contains(p.body, `class="alert-banner"`) {
		t.Error("an alert after a single high reading")
	}
	// A second, 5 minutes later and still at or above 180/110, is.
	reading(45, "181", "110")
	at := func(m int) string {
		return start.Add(time.Duration(m) * time.Minute).In(f.clinic.Location()).Format("15:04")
	}
	want := "Blood pressure at or above 180/110 on readings 5 min apart: 182/112 at " + at(40) + ", 181/110 at " + at(45) + "."
	p := f.page("assigned")
	mustSee(t, "alert", p, http.StatusOK, want)
	if !strings.Contains(p.body, `class="alert-banner" role="alert"`) {
		t.Error("the alert is not announced")
	}
	live := f.do("assigned", "GET", f.sessionURL()+"/live", nil)
	if live.Code != http.StatusOK || live.Header().Get("X-Session-State") != "dosed" || !strings.Contains(live.Body.String(), htmlEscape(want)) ||
		strings.Contains(live.Body.String(), "<html") {
		t.Errorf("live panel: %d %q", live.Code, live.Header().Get("X-Session-State"))
	}
	rec := f.sessionRecord()
	alerts := rec.Alerts(session.DefaultAlertLimits())
	if len(alerts) != 1 || alerts[0].Kind != session.AlertBPSustained {
		t.Fatalf("alerts = %+v", alerts)
	}
	key := alerts[0].Key
	// The alert waits for a clinician with a note; it never clears itself.
	r := f.post("assigned", "/alerts", url.Values{"key": {key}, "note": {"  "}})
	mustSee(t, "ack without a note", r, http.StatusBadRequest, "Add a note: what was done, or why no action is needed.")
	if r := f.post("admin", "/alerts", url.Values{"key": {key}, "note": {"seen"}}); r.code != http.StatusNotFound {
		t.Errorf("an admin acknowledging: %d", r.code)
	}
	r = f.post("assigned", "/alerts", url.Values{"key": {key}, "note": {"Client calm, lights dimmed; recheck in 10 min."}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("ack: %d", r.code)
	}
	p = f.page("assigned")
	if strings.Contains(p.body, `class="alert-banner"`) {
		t.Error("the acknowledged alert is still shown as open")
	}
	mustSee(t, "acknowledged", p, http.StatusOK, "Acknowledged by Staff assigned", "Client calm, lights dimmed; recheck in 10 min.")
	if r := f.post("assigned", "/alerts", url.Values{"key": {key}, "note": {"again"}}); r.code != http.StatusConflict {
		t.Errorf("acknowledging twice: %d", r.code)
	}
}

func TestSessionDischargeRefusedThenAllowed(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	dose := f.now
	f.wait(60 * time.Minute)
	if r := f.post("assigned", "/vitals", url.Values{"systolic": {"132"}, "diastolic": {"84"}, "heart_rate": {"80"}, "spo2": {"98"}, "sedation": {"5"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reading: %d", r.code)
	}
	form := url.Values{"released_to": {"Jo Rivera"}, "alert_oriented": {"1"}}
	r := f.post("assigned", "/discharge", form)
	// The minimum observation counts from the end of administration: for
	// an injection, the moment it is given.
	mustSee(t, "too early", r, http.StatusBadRequest, "Not ready for discharge yet.", "60 minutes since the injection at 10:30; the minimum is 120, so 60 minutes remain.")
	// At 125 minutes, with a fresh full reading, but leaving with someone
	// other than the named companion.
	f.wait(65 * time.Minute)
	if r := f.post("assigned", "/vitals", url.Values{"systolic": {"128"}, "diastolic": {"80"}, "heart_rate": {"74"}, "spo2": {"98"}, "sedation": {"5"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reading: %d", r.code)
	}
	r = f.post("assigned", "/discharge", url.Values{"released_to": {"Sam Stranger"}, "alert_oriented": {"1"}})
	mustSee(t, "wrong companion", r, http.StatusBadRequest, "Released to Sam Stranger, but the named companion is Jo Rivera")
	r = f.post("assigned", "/discharge", url.Values{"released_to": {"Jo Rivera"}})
	mustSee(t, "not alert", r, http.StatusBadRequest, "Not yet recorded as alert and oriented.")
	if rec := f.sessionRecord(); rec.Session.State != store.SessionDosed {
		t.Fatalf("a refused discharge changed the state to %s", rec.Session.State)
	}
	r = f.post("assigned", "/discharge", url.Values{"released_to": {"jo  rivera"}, "alert_oriented": {"1"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("discharge: %d %s", r.code, r.body)
	}
	rec := f.sessionRecord()
	if rec.Session.State != store.SessionDischarged || rec.Session.Discharge == nil || !rec.Session.Discharge.At.Equal(dose.Add(125*time.Minute)) {
		t.Errorf("discharged record: %+v", rec.Session)
	}
	mustSee(t, "after discharge", f.page("assigned"), http.StatusOK, "The prescriber on the care team signs the record", session.NoDrivingInstruction)
}

func TestSessionLockAndAddendum(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	if r := f.post("assigned", "/stop", url.Values{"reason": {"Client asked to stop; went home with Jo."}}); r.code != http.StatusSeeOther {
		t.Fatalf("stop: %d", r.code)
	}
	// Only the prescriber on the care team signs.
	for _, p := range []string{"assigned", "admin", "unassigned"} {
		if r := f.post(p, "/sign", url.Values{}); r.code != http.StatusNotFound {
			t.Errorf("%s signing: %d", p, r.code)
		}
	}
	if r := f.post("prescriber", "/sign", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("sign: %d", r.code)
	}
	before := f.sessionRecord()
	// Every edit after the lock is refused and changes nothing.
	for suffix, form := range map[string]url.Values{
		"/vitals":         {"systolic": {"120"}, "diastolic": {"80"}},
		"/vitals/strike":  {"reading": {before.Vitals[0].ID}, "reason": {"late correction"}},
		"/adverse-events": {"kind": {"nausea"}, "severity": {"mild"}},
		"/observations":   {"note": {"late"}},
		"/stop":           {"reason": {"again"}},
		"/sign":           {},
	} {
		p := "assigned"
		if suffix == "/sign" {
			p = "prescriber"
		}
		r := f.post(p, suffix, form)
		if r.code != http.StatusConflict {
			t.Errorf("%s after the lock: %d", suffix, r.code)
		}
	}
	after := f.sessionRecord()
	if len(after.Vitals) != len(before.Vitals) || after.Vitals[0].Struck() || len(after.AdverseEvents) != 0 || len(after.Observations) != 0 {
		t.Errorf("the locked record changed: %+v", after)
	}
	page := f.page("assigned")
	mustSee(t, "locked", page, http.StatusOK, "This record is signed and locked", "Client asked to stop; went home with Jo.")
	if strings.Contains(page.body, `action="`+f.sessionURL()+`/vitals"`) {
		t.Error("a locked record still offers the vitals form")
	}
	r := f.post("assigned", "/addenda", url.Values{"body": {"  "}})
	mustSee(t, "empty addendum", r, http.StatusBadRequest, "Write the addendum.")
	if r := f.post("assigned", "/addenda", url.Values{"body": {"Lot number checked against the controlled-drug log."}}); r.code != http.StatusSeeOther {
		t.Fatalf("addendum: %d", r.code)
	}
	mustSee(t, "addendum", f.page("admin"), http.StatusOK, "Addendum by Staff assigned", "Lot number checked against the controlled-drug log.")
}

func TestSessionObservationsAndAdverseEvents(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	// A moderate event needs the action taken; refused, nothing stored.
	r := f.post("assigned", "/adverse-events", url.Values{"kind": {"nausea"}, "severity": {"moderate"}, "description": {"Queasy after 20 min."}})
	mustSee(t, "moderate without action", r, http.StatusBadRequest, "Record the action taken for a moderate event", "Queasy after 20 min.")
	r = f.post("assigned", "/adverse-events", url.Values{"kind": {"ghosts"}, "severity": {"mild"}})
	mustSee(t, "kind off the picklist", r, http.StatusBadRequest, "Choose the kind of event from the list, or Other.")
	if n := len(f.sessionRecord().AdverseEvents); n != 0 {
		t.Fatalf("%d adverse events stored from bad input", n)
	}
	if r := f.post("assigned", "/adverse-events", url.Values{"kind": {"nausea"}, "severity": {"moderate"}, "description": {"Queasy after 20 min."},
		"action": {"Ondansetron 4 mg ODT per standing order."}, "outcome": {"resolved"}}); r.code != http.StatusSeeOther {
		t.Fatalf("adverse event: %d", r.code)
	}
	r = f.post("assigned", "/observations", url.Values{"sedation": {"9"}})
	mustSee(t, "sedation off the scale", r, http.StatusBadRequest, "Choose a MOAA/S score from the list.")
	r = f.post("assigned", "/observations", url.Values{})
	mustSee(t, "empty observation", r, http.StatusBadRequest, "Record a sedation score, dissociation or a note.")
	if r := f.post("assigned", "/observations", url.Values{"sedation": {"3"}, "dissociation": {"Describes floating above the room; calm."}}); r.code != http.StatusSeeOther {
		t.Fatalf("observation: %d", r.code)
	}
	rec := f.sessionRecord()
	if len(rec.AdverseEvents) != 1 || rec.AdverseEvents[0].Kind != session.Nausea || rec.AdverseEvents[0].Outcome != session.Resolved ||
		rec.AdverseEvents[0].Action != "Ondansetron 4 mg ODT per standing order." {
		t.Errorf("adverse events = %+v", rec.AdverseEvents)
	}
	if len(rec.Observations) != 1 || *rec.Observations[0].Sedation != 3 || rec.Observations[0].Dissociation != "Describes floating above the room; calm." {
		t.Errorf("observations = %+v", rec.Observations)
	}
	mustSee(t, "record", f.page("prescriber"), http.StatusOK, "Nausea", "Ondansetron 4 mg ODT per standing order.", "Outcome: Resolved",
		"Dissociation: Describes floating above the room; calm.")
}

// TestCouplesHaveARecordEach: a joint medicine session gives each partner a
// record of their own; each is reached only by that partner's care team.
func TestCouplesHaveARecordEach(t *testing.T) {
	f := readyFixture(t)
	ctx := context.Background()
	b := f.clients["B"]
	start := f.schedule.startA.Add(48 * time.Hour)
	joint := store.Appointment{ID: auth.NewID(), ClinicID: f.clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		CreatedBy: f.users["assigned"].ID, CreatedAt: f.now, Staff: []string{f.users["assigned"].ID, f.users["unassigned"].ID},
		Clients: []store.AppointmentClient{{ClientID: f.clients["A"].ID, CourseID: f.measures.courseID}, {ClientID: b.ID}}}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		course := store.Course{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: b.ID, State: care.Active, StartedAt: f.now.AddDate(0, 0, -10), CreatedAt: f.now}
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		return tx.BookAppointment(ctx, &joint)
	})
	if err != nil {
		t.Fatal(err)
	}
	aPath, bPath := sessionPath(f.clients["A"].ID, joint.ID), sessionPath(b.ID, joint.ID)
	form := f.checks("128", "82")
	if rec := f.do("assigned", "POST", aPath+"/checklist", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("A's checks: %d", rec.Code)
	}
	form.Set("companion_name", "Robin Other")
	form.Set("systolic", "118")
	if rec := f.do("unassigned", "POST", bPath+"/checklist", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("B's checks: %d", rec.Code)
	}
	// Each partner's care team sees only their own partner's record.
	if rec := f.do("assigned", "GET", bPath, nil); rec.Code != http.StatusNotFound {
		t.Errorf("A's therapist reading B's record: %d", rec.Code)
	}
	if rec := f.do("unassigned", "GET", aPath, nil); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
		t.Errorf("B's therapist reading A's record: %d", rec.Code)
	}
	page := f.do("assigned", "GET", aPath, nil).Body.String()
	if !strings.Contains(page, "Joint session with") || !strings.Contains(page, "Blood pressure 128/82") || strings.Contains(page, "118/82") {
		t.Errorf("A's record does not stand alone")
	}
	var recs []store.MedicineSession
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		for _, c := range []string{f.clients["A"].ID, b.ID} {
			m, ok, err := tx.MedicineSessionFor(ctx, f.clinic.ID, joint.ID, c)
			if err != nil || !ok {
				t.Fatalf("record of %s: %v %v", c, ok, err)
			}
			recs = append(recs, m)
		}
		return nil
	})
	if recs[0].ID == recs[1].ID || recs[0].Checklist.CompanionName != "Jo Rivera" || recs[1].Checklist.CompanionName != "Robin Other" {
		t.Errorf("the partners' records: %+v", recs)
	}
}

func TestSessionLiveEndpoint(t *testing.T) {
	f := readyFixture(t)
	// Before the dose there is no live panel: the script is told to reload.
	rec := f.do("assigned", "GET", f.sessionURL()+"/live", nil)
	if rec.Code != http.StatusNoContent {
		t.Errorf("live before the dose: %d", rec.Code)
	}
	f.dosed(t)
	rec = f.do("assigned", "GET", f.sessionURL()+"/live", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("X-Session-State") != "dosed" || !strings.Contains(body, "Since the dose") ||
		strings.Contains(body, "<html") || strings.Contains(body, "<script") {
		t.Errorf("live panel: %d %q", rec.Code, rec.Header().Get("X-Session-State"))
	}
	// The page loads the panel's script from a file, never inline.
	page := f.page("assigned").body
	if !strings.Contains(page, `<script src="/static/medicine_session.`) || strings.Contains(page, "<script>") {
		t.Error("the live view's script is missing or inline")
	}
}

// TestAccessLogFoldsTheLiveView: a session's live panel refreshes itself,
// and each refresh is an audited read. The client's "who has looked" page
// says so in words, once, with how many times and since when, and the
// other looks at the record stay on the page.
func TestAccessLogFoldsTheLiveView(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	for range 12 {
		if r := f.do("assigned", "GET", f.sessionURL()+"/live", nil); r.Code != http.StatusOK {
			t.Fatalf("live panel: %d", r.Code)
		}
		f.wait(10 * time.Second)
	}
	body := f.do("clientA", "GET", "/portal/access", nil).Body.String()
	if n := strings.Count(body, "Watched your medicine session&#39;s vital signs"); n != 1 {
		t.Errorf("the live view's reads show as %d rows, want 1", n)
	}
	if !strings.Contains(body, "(12 times since ") {
		t.Errorf("the folded row does not say 12 times")
	}
	if !strings.Contains(body, "Recorded your dose") {
		t.Error("the dose, before the live view, fell off the page")
	}
	if strings.Contains(body, "medicine_session.") {
		t.Error("an audit action shows to the client as its code")
	}
}

// TestCaseloadShowsSessionsUnderWay: the board lists a session under way
// with the time since the dose and an alert nobody has acknowledged, to
// the care team only; acknowledged, the alert leaves the board; discharged,
// the session does.
func TestCaseloadShowsSessionsUnderWay(t *testing.T) {
	f := readyFixture(t)
	if strings.Contains(f.do("assigned", "GET", "/caseload", nil).Body.String(), "Medicine sessions under way") {
		t.Fatal("the board lists a session before it has begun")
	}
	f.dosed(t)
	f.wait(40 * time.Minute)
	for _, bp := range []string{"186", "184"} {
		if r := f.do("assigned", "POST", f.sessionURL()+"/vitals", url.Values{"systolic": {bp}, "diastolic": {"112"}, "heart_rate": {"90"}, "spo2": {"97"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("vitals: %d %s", r.Code, r.Body.String())
		}
		f.wait(5 * time.Minute)
	}
	board := f.do("assigned", "GET", "/caseload", nil).Body.String()
	for _, want := range []string{"Medicine sessions under way", `href="` + f.sessionURL() + `"`, "1 alert to acknowledge", "Dosed: monitoring", "dosed 50 min ago"} {
		if !strings.Contains(board, want) {
			t.Errorf("the board lacks %q", want)
		}
	}
	if strings.Contains(f.do("unassigned", "GET", "/caseload", nil).Body.String(), "Medicine sessions under way") {
		t.Error("a therapist outside the care team sees the session on their board")
	}
	key := f.sessionRecord().Alerts(session.DefaultAlertLimits())[0].Key
	if r := f.post("assigned", "/alerts", url.Values{"key": {key}, "note": {"Rechecked; calm."}}); r.code != http.StatusSeeOther {
		t.Fatalf("ack: %d", r.code)
	}
	board = f.do("assigned", "GET", "/caseload", nil).Body.String()
	if strings.Contains(board, "alert to acknowledge") || !strings.Contains(board, "Medicine sessions under way") {
		t.Error("after the acknowledgement the board should list the session without an alert")
	}
	if r := f.post("assigned", "/stop", url.Values{"reason": {"Client asked to stop."}}); r.code != http.StatusSeeOther {
		t.Fatalf("stop: %d", r.code)
	}
	if strings.Contains(f.do("assigned", "GET", "/caseload", nil).Body.String(), "Medicine sessions under way") {
		t.Error("a stopped session is still under way on the board")
	}
}

// TestSessionFormUnreadableIsRefusedAsTheFormWould: a form whose fields
// cannot be read never reaches its use case, and the page it comes back on
// is shown only to someone who may use the form. An admin, who reads the
// record but does not document it, sending a reading that is not a number
// was shown the page with the error; now they are refused as any vitals
// form of theirs is.
func TestSessionFormUnreadableIsRefusedAsTheFormWould(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	bogus := url.Values{"systolic": {"high"}, "diastolic": {"80"}}
	if r := f.post("admin", "/vitals", bogus); r.code != http.StatusNotFound {
		t.Errorf("an admin's unreadable reading: %d, want 404", r.code)
	}
	mustSee(t, "the therapist's unreadable reading", f.post("assigned", "/vitals", bogus), http.StatusBadRequest, `"high" is not a pressure`)
	if r := f.post("assigned", "/confirm-dose", url.Values{"confirm_mg": {"lots"}}); r.code != http.StatusNotFound {
		t.Errorf("a therapist's unreadable confirmation: %d, want 404", r.code)
	}
}

// TestSessionAlertOnTheClinicsClock: a clinic on the 12-hour clock reads an
// alert's message so, on the page and in the live panel. The dose is at
// 13:20; the readings 40 and 45 minutes later are at 2:00 PM and 2:05 PM.
func TestSessionAlertOnTheClinicsClock(t *testing.T) {
	f := readyFixtureOnAt(t, sqliteConfig(t), storetest.At("2026-06-17 13:20"))
	if err := f.st.Write(context.Background(), func(tx *store.Tx) error {
		return tx.SetClinicSetting(context.Background(), f.clinic.ID, store.SettingClock, timefmt.Clock12, f.users["admin"].ID, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	f.dosed(t)
	start := f.now
	for _, r := range []struct {
		minutes  int
		sys, dia string
	}{{40, "182", "112"}, {45, "181", "110"}} {
		f.wait(start.Add(time.Duration(r.minutes) * time.Minute).Sub(f.now))
		if res := f.post("assigned", "/vitals", url.Values{"systolic": {r.sys}, "diastolic": {r.dia}, "heart_rate": {"96"}, "spo2": {"97"}}); res.code != http.StatusSeeOther {
			t.Fatalf("reading at %d min: %d %s", r.minutes, res.code, res.body)
		}
	}
	want := "Blood pressure at or above 180/110 on readings 5 min apart: 182/112 at 2:00 PM, 181/110 at 2:05 PM."
	mustSee(t, "alert", f.page("assigned"), http.StatusOK, want)
	if live := f.do("assigned", "GET", f.sessionURL()+"/live", nil); !strings.Contains(live.Body.String(), htmlEscape(want)) {
		t.Errorf("the live panel does not say %q:\n%s", want, live.Body.String())
	}
}
