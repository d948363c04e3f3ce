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
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// approvedB takes client B through intake (lorazepam 1 mg twice a day: a
// review-tier rule) and the prescriber's approval, so B's course is in
// preparation with nothing else done.
func (f *fixture) approvedB() {
	f.t.Helper()
	f.intakeForB()
	f.completeIntake(cleanIntake(nil))
	rec := f.do("prescriber", "POST", "/clients/"+f.clients["B"].ID+"/screening", url.Values{"kind": {"approve"}, "note": {"Taper agreed with the GP."}})
	if rec.Code != http.StatusOK {
		f.t.Fatalf("approval: %d %s", rec.Code, rec.Body)
	}
	if c := f.courseOfB(); c.State != care.Preparation {
		f.t.Fatalf("after approval the course is %s", c.State)
	}
}

// The move to active is refused while a course gate fails, the page names
// each gate and why, nothing changes, and once every gate is passed or
// overridden the same move goes through and is audited.
// The preparation note is written "for today", so the test runs at each of
// the clocks around the day's edges and its noon, on both engines.
func TestMoveToActiveNeedsEveryCourseGate(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			storetest.EachClock(t, func(t *testing.T, now time.Time) {
				moveToActiveNeedsEveryCourseGate(t, newFixtureAt(t, e.Config(t), now))
			})
		})
	}
}

func moveToActiveNeedsEveryCourseGate(t *testing.T, f *fixture) {
	f.approvedB()
	b := f.clients["B"]
	path := "/clients/" + b.ID + "/course"

	page := f.do("prescriber", "GET", path, nil).Body.String()
	mustContain(t, "course page in preparation", page,
		`value="active" class="secondary" disabled aria-describedby="blocked-active"`,
		"Moving to Active (medicine sessions and integration) is blocked",
		"Baseline measures: Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: PHQ-9 and GAD-7 have not been done.",
		"Dosing order: There is no dosing order for this course.")

	rec := f.do("prescriber", "POST", path+"/state", url.Values{"to": {"active"}})
	want := "The course cannot move to Active (medicine sessions and integration): medicine sessions may begin only when every course gate is passed or overridden, and these 4 gates are not: " +
		"Consent: Informed consent for ketamine-assisted psychotherapy: Version 1 is not signed yet. " +
		"Baseline measures: Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: PHQ-9 and GAD-7 have not been done. " +
		"Dosing order: There is no dosing order for this course. " +
		"Preparation session: No preparation session is documented yet; the clinic asks for at least 1."
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("blocked move: %d\n%s", rec.Code, rec.Body)
	}
	if c := f.courseOfB(); c.State != care.Preparation {
		t.Fatalf("a refused move changed the course to %s", c.State)
	}
	if e := f.auditActions("course.state"); len(e) != 0 {
		t.Fatalf("a refused move was audited as a change: %+v", e)
	}

	// Clear the gates one by one: the client signs, the prescriber writes
	// the order and a preparation note, and overrides the baseline.
	if rec := f.do("clientB", "POST", "/portal/consent/kap", url.Values{"version": {"1"}, "typed_name": {"Blake Other"}, "agreed": {"1"}}); rec.Code != 200 {
		t.Fatalf("sign: %d", rec.Code)
	}
	if rec := f.do("prescriber", "POST", "/clients/"+b.ID+"/dosing-order", validOrderForm()); rec.Code != 200 && rec.Code != http.StatusSeeOther {
		t.Fatalf("dosing order: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do("prescriber", "POST", path+"/notes", url.Values{"occurred_on": {f.now.In(f.clinic.Location()).Format("2006-01-02")}, "body": {"First preparation session."}}); rec.Code != 200 {
		t.Fatalf("note: %d", rec.Code)
	}
	rec = f.do("prescriber", "POST", path+"/state", url.Values{"to": {"active"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "and this gate is not: Baseline measures:") {
		t.Fatalf("one gate left: %d\n%s", rec.Code, rec.Body)
	}
	if rec := f.do("prescriber", "POST", path+"/overrides", url.Values{"gate": {care.GateBaseline}, "reason": {"Scores done on paper at the first visit."}}); rec.Code != 200 {
		t.Fatalf("override: %d", rec.Code)
	}
	page = f.do("prescriber", "GET", path, nil).Body.String()
	if strings.Contains(page, "disabled") || strings.Contains(page, "is blocked") {
		t.Errorf("every gate is cleared but the move still shows as blocked")
	}
	rec = f.do("prescriber", "POST", path+"/state", url.Values{"to": {"active"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "The course is now in Active (medicine sessions and integration).") {
		t.Fatalf("cleared move: %d\n%s", rec.Code, rec.Body)
	}
	if e := f.auditActions("course.state"); len(e) != 1 || e[0].Detail != "preparation -> active" || e[0].ClientID != b.ID {
		t.Errorf("audit of the move: %+v", e)
	}
}

// Resuming a paused course opens medicine sessions again, so it is gated
// too; moves made by recording a decision are not offered as bare buttons
// and are refused if posted.
func TestCourseMovesThatNeedADecisionOrGates(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := "/clients/" + f.clients["A"].ID + "/course"
	if rec := f.do("assigned", "POST", a+"/state", url.Values{"to": {"paused"}}); rec.Code != 200 {
		t.Fatalf("pause: %d", rec.Code)
	}
	// Client A's course has no screening decision: it cannot resume.
	rec := f.do("assigned", "POST", a+"/state", url.Values{"to": {"active"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Screening approved: No prescriber has reviewed the screening yet.") ||
		!strings.Contains(rec.Body.String(), "Baseline measures: Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: GAD-7 has not been done.") {
		t.Fatalf("resume with failing gates: %d\n%s", rec.Code, rec.Body)
	}
	var state care.State
	ctx := context.Background()
	f.st.Read(ctx, func(tx *store.Tx) error {
		c, _, err := tx.CurrentCourse(ctx, f.clinic.ID, f.clients["A"].ID)
		state = c.State
		return err
	})
	if state != care.Paused {
		t.Fatalf("after a refused resume the course is %s", state)
	}

	f.intakeForB()
	bPath := "/clients/" + f.clients["B"].ID + "/course"
	if rec := f.do("prescriber", "POST", bPath+"/state", url.Values{"to": {"screening"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "The course moves to screening when the client finishes their intake in the portal.") {
		t.Errorf("intake -> screening by button: %d", rec.Code)
	}
	f.completeIntake(cleanIntake(nil))
	page := f.do("prescriber", "GET", bPath, nil).Body.String()
	if strings.Contains(page, `name="to" value="preparation"`) || strings.Contains(page, `name="to" value="declined"`) || strings.Contains(page, `name="to" value="intake"`) {
		t.Errorf("the course page offers a move that belongs to the screening decision")
	}
	mustContain(t, "course page in screening", page, `name="to" value="completed"`, "The prescriber's screening decision moves the course on")
	for to, want := range map[string]string{
		"preparation": "The prescriber&#39;s screening decision moves a course on to preparation or declines it",
		"declined":    "The prescriber&#39;s screening decision moves a course on to preparation or declines it",
		"intake":      "To send the course back to intake, use the intake page",
	} {
		if rec := f.do("prescriber", "POST", bPath+"/state", url.Values{"to": {to}}); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("screening -> %s by button: %d", to, rec.Code)
		}
	}
	if c := f.courseOfB(); c.State != care.Screening {
		t.Fatalf("refused moves changed the course to %s", c.State)
	}
	// A client who stops before any session: the course closes.
	if rec := f.do("prescriber", "POST", bPath+"/state", url.Values{"to": {"completed"}}); rec.Code != 200 {
		t.Errorf("screening -> completed: %d", rec.Code)
	}
	if c := f.courseOfB(); c.State != care.Completed || c.EndedAt == nil {
		t.Errorf("after closing: %+v", c)
	}
}

// The care team reads the whole intake, opened from its seal, with the
// figures screening reads; the prescriber sends it back with a note the
// client reads, and the client can change and finish it again.
func TestStaffIntakeAndSendBack(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	f.intakeForB()
	f.completeIntake(cleanIntake(map[string]string{"height_cm": "160", "weight_kg": "90"}))
	path := "/clients/" + f.clients["B"].ID + "/intake"
	rec := f.do("prescriber", "GET", path, nil)
	// 90 kg / (1.60 m)² = 90 / 2.56 = 35.156… → 35.2. Lorazepam 1 mg twice a
	// day = 2 mg/day; 1 mg lorazepam ≈ 10 mg diazepam → 20 mg a day.
	mustContain(t, "staff intake", rec.Body.String(), "Finished on", "BMI 35.2", "Benzodiazepines in total: 20 mg diazepam-equivalent a day",
		"lorazepam: 2 mg a day (benzodiazepine)", "= 20 mg diazepam-equivalent a day", "Hopes-Typed-Marker",
		"Emergency contact&#39;s name", "Sam", "Your address", "Not answered", "I do not have high blood pressure", "Send back to intake")
	read := false
	for _, e := range f.auditActions("intake.read") {
		read = read || (e.Detail == "care team" && e.ClientID == f.clients["B"].ID && e.ActorID == f.users["prescriber"].ID)
	}
	if !read {
		t.Errorf("the prescriber's reading of the intake was not audited")
	}
	if rec := f.do("admin", "GET", path, nil); rec.Code != 200 || strings.Contains(rec.Body.String(), "Send back to intake</button>") {
		t.Errorf("admin: %d (an admin reads, but sending back is a clinical act)", rec.Code)
	}
	// Client B's care team is the unassigned therapist and the prescriber.
	for _, p := range []string{"assigned", "clientB", "foreignAdmin"} {
		if rec := f.do(p, "GET", path, nil); rec.Code != http.StatusNotFound && rec.Code != http.StatusSeeOther {
			t.Errorf("%s read B's intake: %d", p, rec.Code)
		}
	}
	// The screening page and the course page link to it.
	mustContain(t, "screening page", f.do("prescriber", "GET", "/clients/"+f.clients["B"].ID+"/screening", nil).Body.String(), `href="`+path+`"`)
	mustContain(t, "course page", f.do("prescriber", "GET", "/clients/"+f.clients["B"].ID+"/course", nil).Body.String(), `href="`+path+`"`)

	// Sending back needs a note; without one nothing changes.
	rec = f.do("prescriber", "POST", path+"/return", url.Values{"note": {"  "}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Write a note for the client") {
		t.Fatalf("no note: %d", rec.Code)
	}
	if c := f.courseOfB(); c.State != care.Screening {
		t.Fatalf("a refused send-back changed the course to %s", c.State)
	}
	if rec := f.do("assigned", "POST", path+"/return", url.Values{"note": {"x"}}); rec.Code != http.StatusNotFound {
		t.Errorf("therapist off the team sent it back: %d", rec.Code)
	}
	note := "Please add the dose of your sleeping tablet; Return-Note-Marker."
	rec = f.do("prescriber", "POST", path+"/return", url.Values{"note": {note}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "The intake is sent back to Blake Other with your note.") {
		t.Fatalf("send back: %d\n%s", rec.Code, rec.Body)
	}
	if c := f.courseOfB(); c.State != care.Intake {
		t.Fatalf("after sending back the course is %s", c.State)
	}
	if e := f.auditActions("intake.return"); len(e) != 1 || e[0].Detail != "screening -> intake" || e[0].ClientID != f.clients["B"].ID {
		t.Errorf("audit: %+v", e)
	}
	// A second send-back finds nothing to send back.
	if rec := f.do("prescriber", "POST", path+"/return", url.Values{"note": {"again"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("second send-back: %d", rec.Code)
	}
	// The client sees the note on the portal and on the intake page, and
	// can change and finish their intake again.
	mustContain(t, "portal", f.do("clientB", "GET", "/portal", nil).Body.String(), "asked you to look at your intake again", "Return-Note-Marker")
	mustContain(t, "portal intake", f.do("clientB", "GET", "/portal/intake", nil).Body.String(), "Return-Note-Marker", "Finish intake")
	f.completeIntake(cleanIntake(nil))
	if c := f.courseOfB(); c.State != care.Screening {
		t.Fatalf("after finishing again the course is %s", c.State)
	}
	if strings.Contains(f.do("clientB", "GET", "/portal", nil).Body.String(), "Return-Note-Marker") {
		t.Errorf("the note stays on the portal after intake is finished again")
	}
}

// Goals are marked achieved or dropped once, with the date and who; the
// course page and the portal say so.
func TestGoalAchievedAndDropped(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := "/clients/" + f.clients["A"].ID + "/course"
	loc := f.clinic.Location()
	goalPath := a + "/goals/" + f.prep.goalID + "/status"
	if rec := f.do("assigned", "POST", a+"/goals/"+f.prep.intentionID+"/status", url.Values{"status": {"finished"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "Choose achieved or dropped.") {
		t.Errorf("unknown status: %d", rec.Code)
	}
	for _, p := range []string{"clientA", "unassigned", "admin"} {
		if rec := f.do(p, "POST", goalPath, url.Values{"status": {"achieved"}}); rec.Code != http.StatusNotFound {
			t.Errorf("%s marked a goal: %d", p, rec.Code)
		}
	}
	rec := f.do("assigned", "POST", goalPath, url.Values{"status": {"achieved"}})
	want := "Achieved on " + dateText(f.now, timefmt.New(loc, "")) + ", marked by Staff assigned."
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) || !strings.Contains(rec.Body.String(), `<span class="tag ok">achieved</span>`) {
		t.Fatalf("achieved: %d\n%s", rec.Code, rec.Body)
	}
	if rec := f.do("assigned", "POST", goalPath, url.Values{"status": {"dropped"}}); rec.Code != http.StatusConflict {
		t.Errorf("marking twice: %d", rec.Code)
	}
	rec = f.do("prescriber", "POST", a+"/goals/"+f.prep.intentionID+"/status", url.Values{"status": {"dropped"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Dropped on "+dateText(f.now, timefmt.New(loc, ""))+", marked by Staff prescriber.") {
		t.Fatalf("dropped: %d", rec.Code)
	}
	if e := f.auditActions("goal.status"); len(e) != 2 {
		t.Errorf("goal.status audited %d times", len(e))
	}
	mustContain(t, "portal goals", f.do("clientA", "GET", "/portal/intentions", nil).Body.String(), want, "dropped")
}

func (f *fixture) clinicSettings() map[string]string {
	f.t.Helper()
	ctx := context.Background()
	var m map[string]string
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { m, err = tx.ClinicSettings(ctx, f.clinic.ID); return err }); err != nil {
		f.t.Fatal(err)
	}
	return m
}

// The admin's thresholds page: bad input is refused with kind messages and
// saves nothing; saved values change what screening and the gates decide,
// worked out by hand below; each save is audited.
func TestScreeningAndGateSettings(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	for _, p := range []string{"assigned", "prescriber", "clientA", "foreignAdmin"} {
		if rec := f.do(p, "POST", "/admin/screening", url.Values{"form": {"screening"}, "bmi": {"24"}}); rec.Code != http.StatusNotFound && rec.Code != http.StatusSeeOther {
			t.Errorf("%s saved screening settings: %d", p, rec.Code)
		}
	}
	page := f.do("admin", "GET", "/admin/screening", nil).Body.String()
	mustContain(t, "settings page", page, "BMI limit", "Default 35.", "Now: the default.", "Field Trip KAP study NCT05604794",
		"Default 180.", "Swiss ketamine label", "Default 4.", "KAP consent form (jotform)", "Default PHQ-9 and GAD-7.",
		"above 140/90: a prescriber must confirm", "above 180/100: hold", "heart rate above 120 or SpO2 below 92%")

	// A post that is not the whole form changes nothing.
	if rec := f.do("admin", "POST", "/admin/screening", url.Values{"bmi": {"24"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("partial form: %d", rec.Code)
	}
	bad := url.Values{"form": {"screening"}, "bmi": {"heavy"}, "approval_days": {"0"}, "stop_bang": {"2.5"}, "fasting_hours": {"6"}, "baseline": {"phq9", "tarot"}}
	rec := f.do("admin", "POST", "/admin/screening", bad)
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("bad input: %d", rec.Code)
	}
	mustContain(t, "refused settings", body, "Nothing was saved.",
		"Enter a number from 15 to 100, or leave it empty for the default (35).",
		"Enter a whole number from 1 to 3650, or leave it empty for the default (180).",
		"Enter a whole number from 1 to 8, or leave it empty for the default (3).",
		"Choose the baseline questionnaires from the list.", `value="heavy"`, `value="6"`)
	if m := f.clinicSettings(); m[store.SettingFastingHours] != "" || m[store.SettingScreeningBMI] != "" {
		t.Fatalf("refused input saved something: %v", m)
	}
	if e := f.auditActions("clinic.settings"); len(e) != 0 {
		t.Fatalf("refused input was audited as a change: %+v", e)
	}

	// BMI limit 24, approvals for 30 days, two preparation sessions, only
	// the PHQ-9 at baseline, fasting 6 hours; the default typed back stays
	// a default.
	good := url.Values{"form": {"screening"}, "bmi": {"24"}, "approval_days": {"30"}, "min_prep": {"2"}, "baseline": {"phq9"}, "fasting_hours": {"6"}, "age_from": {"65"}}
	rec = f.do("admin", "POST", "/admin/screening", good)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/screening?saved=1" {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	m := f.clinicSettings()
	if m[store.SettingScreeningBMI] != "24" || m[store.SettingScreeningApproval] != "30" || m[store.SettingMinPrepSessions] != "2" ||
		m[store.SettingBaselineInstruments] != "phq9" || m[store.SettingFastingHours] != "6" || m[store.SettingScreeningAgeFrom] != "" {
		t.Fatalf("saved settings: %v", m)
	}
	e := f.auditActions("clinic.settings")
	if len(e) != 1 || !strings.Contains(e[0].Detail, "screening.bmi_limit=24") || !strings.Contains(e[0].Detail, "care.fasting_hours=6") {
		t.Fatalf("audit: %+v", e)
	}
	mustContain(t, "saved page", f.do("admin", "GET", "/admin/screening?saved=1", nil).Body.String(), "Screening and gate settings saved.", `value="24"`, "Now: the clinic's own value.")

	// Client A's course (fixture): one preparation note, PHQ-9 done within
	// 14 days and no GAD-7. With two sessions required and the PHQ-9 alone
	// at baseline, the preparation gate fails and the baseline gate passes.
	course := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/course", nil).Body.String()
	mustContain(t, "course page with clinic settings", course,
		"Only 1 preparation session documented; the clinic asks for at least 2.", "Done within 14 days: PHQ-9 on")
	// The client's checklist says the clinic's fasting time.
	mustContain(t, "checklist", f.do("clientA", "GET", "/portal/preparation", nil).Body.String(), "I understand I should not eat for 6 hours")

	// Client B: 170 cm and 70 kg is BMI 70 / 1.7² = 70 / 2.89 = 24.22, not
	// above the default 35 but above the clinic's 24: the BMI rule fires.
	f.intakeForB()
	f.completeIntake(cleanIntake(nil))
	scr := f.do("prescriber", "GET", "/clients/"+f.clients["B"].ID+"/screening", nil).Body.String()
	mustContain(t, "screening with the clinic's BMI limit", scr, "High BMI", "BMI 24.2 (70 kg, 170 cm) is above 24", "An approval lasts 30 days.")
	rec = f.do("prescriber", "POST", "/clients/"+f.clients["B"].ID+"/screening", url.Values{"kind": {"approve"}, "note": {"Weight discussed."}})
	if rec.Code != 200 {
		t.Fatalf("approval: %d", rec.Code)
	}
	ctx := context.Background()
	var d store.ScreeningDecision
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		d, _, err = tx.LatestScreeningDecision(ctx, f.clinic.ID, f.courseOfB().ID)
		return err
	})
	if d.ExpiresAt == nil || !d.ExpiresAt.Equal(f.now.AddDate(0, 0, 30)) {
		t.Errorf("approval expires %v, want 30 days after %v", d.ExpiresAt, f.now)
	}

	// Back to the defaults: empty fields remove the rows.
	rec = f.do("admin", "POST", "/admin/screening", url.Values{"form": {"screening"}, "baseline": {"phq9", "gad7"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d", rec.Code)
	}
	if m := f.clinicSettings(); m[store.SettingScreeningBMI] != "" || m[store.SettingBaselineInstruments] != "" || m[store.SettingFastingHours] != "" {
		t.Errorf("after reset: %v", m)
	}
	// None ticked means no baseline at all.
	f.do("admin", "POST", "/admin/screening", url.Values{"form": {"screening"}})
	if m := f.clinicSettings(); m[store.SettingBaselineInstruments] != store.BaselineNone {
		t.Errorf("no baseline ticked stored %q", m[store.SettingBaselineInstruments])
	}
	mustContain(t, "course page without baseline", f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/course", nil).Body.String(),
		"The clinic requires no baseline measures.")
}

// A lapsed approval is reviewed in preparation: the gate says when it
// lapsed, and the prescriber may decline, which closes the course.
func TestLapsedApprovalMayBeDeclined(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	f.intakeForB()
	f.completeIntake(cleanIntake(nil))
	// Approved 181 days ago for 180 days: it lapsed yesterday.
	ctx := context.Background()
	decided := f.now.AddDate(0, 0, -181)
	expires := decided.AddDate(0, 0, 180)
	course := f.courseOfB()
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		d := store.ScreeningDecision{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: f.clients["B"].ID, CourseID: course.ID,
			Kind: "approve", Tier: "review", Note: "Taper agreed.", DecidedBy: f.users["prescriber"].ID, DecidedAt: decided, ExpiresAt: &expires}
		if err := tx.RecordScreeningDecision(ctx, &d); err != nil {
			return err
		}
		return tx.SetCourseState(ctx, course, care.Preparation, decided)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := "/clients/" + f.clients["B"].ID
	mustContain(t, "course page", f.do("prescriber", "GET", b+"/course", nil).Body.String(), "(this one was given for 180 days, counted in calendar days of the clinic). Only a new screening decision renews it")
	if rec := f.do("prescriber", "POST", b+"/course/state", url.Values{"to": {"declined"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("declining by the bare button: %d", rec.Code)
	}
	rec := f.do("prescriber", "POST", b+"/screening", url.Values{"kind": {"decline"}, "note": {"New heart condition since the approval."}})
	if rec.Code != http.StatusOK {
		t.Fatalf("decline at renewal: %d %s", rec.Code, rec.Body)
	}
	if c := f.courseOfB(); c.State != care.Declined || c.EndedAt == nil {
		t.Errorf("after declining at renewal: %+v", c)
	}
}
