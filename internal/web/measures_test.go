package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"doorway/internal/calendar"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// phq9Items are the PHQ-9 item keys, questions 1 to 9.
var phq9Items = []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"}

// phq9Form answers the PHQ-9 with the given scores for questions 1..9.
func phq9Form(scores ...int) url.Values {
	v := url.Values{}
	for i, s := range scores {
		v.Set("a."+phq9Items[i], string(rune('0'+s)))
	}
	return v
}

var dueField = regexp.MustCompile(`name="due" value="([0-9]+)"`)

// openForm opens a due questionnaire as a client and returns the form's
// hidden "due" key.
func (f *fixture) openForm(principal, instrument string) string {
	f.t.Helper()
	rec := f.do(principal, "GET", "/portal/measures/"+instrument, nil)
	if rec.Code != http.StatusOK {
		f.t.Fatalf("open %s as %s: %d", instrument, principal, rec.Code)
	}
	m := dueField.FindStringSubmatch(rec.Body.String())
	if m == nil {
		f.t.Fatalf("the %s form has no due key", instrument)
	}
	return m[1]
}

func (f *fixture) responses(clientKey, instrument string) []store.Response {
	f.t.Helper()
	ctx := context.Background()
	var rs []store.Response
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		rs, err = tx.Responses(ctx, f.clinic.ID, f.clients[clientKey].ID, instrument)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return rs
}

func (f *fixture) openFlags() []store.SafetyFlag {
	f.t.Helper()
	ctx := context.Background()
	var fs []store.SafetyFlag
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { fs, err = tx.OpenFlags(ctx, f.clinic.ID); return err }); err != nil {
		f.t.Fatal(err)
	}
	return fs
}

func TestPortalListsDueQuestionnaires(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	body := f.do("clientA", "GET", "/portal", nil).Body.String()
	// The fixture's last PHQ-9 was 10 days ago (weekly: due) and no GAD-7
	// has been done in the course (baseline: overdue). Each is named
	// plainly first, and the overdue one asks kindly, never "overdue
	// baseline".
	for _, want := range []string{`href="/portal/measures/phq9"`, `href="/portal/measures/gad7"`, "Mood check (PHQ-9)", "Worry and anxiety check (GAD-7)",
		"to see where you are starting", "please fill it in when you can"} {
		if !strings.Contains(body, want) {
			t.Errorf("the portal does not show %q", want)
		}
	}
	if strings.Contains(body, "overdue") || strings.Contains(body, "baseline") {
		t.Error("the portal speaks to the client of \"overdue\" or \"baseline\"")
	}
	// Opening the portal is a read: nothing was created.
	var open []store.Assignment
	ctx := context.Background()
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		open, err = tx.OpenAssignments(ctx, f.clinic.ID, f.clients["A"].ID)
		return err
	})
	if len(open) != 0 {
		t.Errorf("GET /portal created assignments: %+v", open)
	}
	if b := f.do("clientB", "GET", "/portal", nil).Body.String(); strings.Contains(b, "/portal/measures/") {
		t.Error("client B, with no course, is shown questionnaires")
	}
}

func TestSubmitMissingItemsNamesEachAndStoresNothing(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	due := f.openForm("clientA", measures.PHQ9)
	form := phq9Form(1, 1, 1, 1, 1, 1, 1) // questions 8 and 9 unanswered
	form.Set("due", due)
	rec := f.do("clientA", "POST", "/portal/measures/phq9", form)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("incomplete PHQ-9: %d, want 400", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{"Please answer 2 more questions", `href="#q-a-44253-3"`, `href="#q-a-44260-8"`, "Please choose an answer to question 8", "Please choose an answer to question 9"} {
		if !strings.Contains(body, want) {
			t.Errorf("the re-rendered form lacks %q", want)
		}
	}
	// The given answers are kept.
	if n := len(regexp.MustCompile(`value="[0-9]" checked`).FindAllString(body, -1)); n != 7 {
		t.Errorf("%d answers kept on the form, want 7", n)
	}
	if rs := f.responses("A", measures.PHQ9); len(rs) != 2 {
		t.Errorf("an incomplete form stored something: %d responses", len(rs))
	}
	// An answer that is not one of the options is refused, naming the question.
	form = phq9Form(1, 1, 1, 1, 1, 1, 1, 1, 1)
	form.Set("due", due)
	form.Set("a.44250-9", "7")
	if rec := f.do("clientA", "POST", "/portal/measures/phq9", form); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Question 1 of the PHQ-9 has no answer scored 7") {
		t.Errorf("out-of-range answer: %d", rec.Code)
	}
}

func TestSubmitIgnoresPostedTotalAndAnswersOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Config(t))
			due := f.openForm("clientA", measures.PHQ9)
			form := phq9Form(3, 3, 2, 2, 1, 1, 1, 0, 0) // 13: moderate
			form.Set("due", due)
			form.Set("total", "0")
			form.Set("band_key", "minimal")
			rec := f.do("clientA", "POST", "/portal/measures/phq9", form)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Thank you") {
				t.Fatalf("submit: %d", rec.Code)
			}
			if strings.Contains(rec.Body.String(), "Help is available") {
				t.Error("crisis resources shown without a flag")
			}
			rs := f.responses("A", measures.PHQ9)
			if len(rs) != 3 {
				t.Fatalf("%d responses, want 3", len(rs))
			}
			last := rs[2]
			if last.Total != 13 || last.BandKey != "moderate" || last.OnPaper || last.EnteredBy != f.users["clientA"].ID {
				t.Errorf("stored %+v, want total 13 (moderate) from the answers, by the client", last)
			}
			// The same form again: the occasion is answered, so it is refused
			// and nothing more is stored.
			rec = f.do("clientA", "POST", "/portal/measures/phq9", form)
			if rec.Code != http.StatusConflict {
				t.Errorf("second submit: %d, want 409", rec.Code)
			}
			if rs := f.responses("A", measures.PHQ9); len(rs) != 3 {
				t.Errorf("second submit stored a response: %d", len(rs))
			}
		})
	}
}

func TestItem9RaisesFlagUntilAcknowledgedWithNote(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	// Start from a clinic with no open flags, and clinic-written crisis
	// text and crisis line (a button shows only a number the clinic set).
	ctx := context.Background()
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AcknowledgeFlag(ctx, f.clinic.ID, f.clients["A"].ID, f.measures.flagID, f.users["assigned"].ID, "old", f.now); err != nil {
			return err
		}
		if err := tx.SetClinicSetting(ctx, f.clinic.ID, store.SettingCrisisCall, "988", "", f.now); err != nil {
			return err
		}
		return tx.SetClinicSetting(ctx, f.clinic.ID, store.SettingCrisisText, "Call the Main Clinic crisis line.", "", f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
	due := f.openForm("clientA", measures.PHQ9)
	form := phq9Form(0, 1, 0, 0, 0, 0, 0, 0, 1)
	form.Set("due", due)
	rec := f.do("clientA", "POST", "/portal/measures/phq9", form)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Help is available right now") || !strings.Contains(body, "Call the Main Clinic crisis line.") ||
		!strings.Contains(body, `href="tel:988"`) {
		t.Fatalf("after item 9 = 1 the client sees no crisis resources: %d\n%s", rec.Code, body)
	}
	flags := f.openFlags()
	if len(flags) != 1 || flags[0].Severity != "high" || flags[0].ClientID != f.clients["A"].ID {
		t.Fatalf("open flags: %+v", flags)
	}
	flagID := flags[0].ID
	for _, page := range []string{"/caseload", "/clients/" + f.clients["A"].ID} {
		b := f.do("assigned", "GET", page, nil).Body.String()
		if !strings.Contains(b, "1 safety flag") && !strings.Contains(b, "1 open safety flag") {
			t.Errorf("%s does not show the open flag", page)
		}
		if !strings.Contains(b, "PHQ-9 question 9") {
			t.Errorf("%s does not say why the flag was raised", page)
		}
	}
	// The chart shows the score and band too.
	chart := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID, nil).Body.String()
	if !strings.Contains(chart, "<strong>2</strong>") || !strings.Contains(chart, "Minimal") {
		t.Error("the chart does not show the latest PHQ-9 (2, Minimal)")
	}
	ack := "/clients/" + f.clients["A"].ID + "/flags/" + flagID + "/acknowledge"
	// An empty note is refused and the flag stays open.
	rec = f.do("assigned", "POST", ack, url.Values{"note": {"  "}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Please write a note") {
		t.Errorf("empty note: %d", rec.Code)
	}
	if len(f.openFlags()) != 1 {
		t.Fatal("an empty note closed the flag")
	}
	// An admin with no clinical role cannot acknowledge; nor can an unassigned therapist.
	for _, p := range []string{"admin", "unassigned", "clientA"} {
		if rec := f.do(p, "POST", ack, url.Values{"note": {"done"}}); rec.Code != http.StatusNotFound {
			t.Errorf("%s acknowledging: %d, want 404", p, rec.Code)
		}
	}
	rec = f.do("assigned", "POST", ack, url.Values{"note": {"Phoned Avery the same day; safety plan reviewed."}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Phoned Avery the same day") {
		t.Fatalf("acknowledge: %d", rec.Code)
	}
	if len(f.openFlags()) != 0 {
		t.Error("the flag is still open")
	}
	if b := f.do("assigned", "GET", "/caseload", nil).Body.String(); strings.Contains(b, "safety flag") {
		t.Error("the caseload still shows a flag after acknowledgement")
	}
}

func TestPaperEntryRecordedAsSuch(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/clients/" + f.clients["A"].ID + "/measures/gad7/paper"
	if rec := f.do("assigned", "GET", path, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "entered on paper by you") {
		t.Fatalf("paper form: %d", rec.Code)
	}
	form := url.Values{"completed_on": {f.now.In(f.clinic.Location()).AddDate(0, 0, -2).Format("2006-01-02")}}
	for i, k := range []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"} {
		form.Set("a."+k, string(rune('0'+i%3)))
	}
	form.Set("total", "21")
	// A date in the future is refused.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("completed_on", f.now.AddDate(0, 0, 3).Format("2006-01-02"))
	if rec := f.do("assigned", "POST", path, bad); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "cannot be in the future") {
		t.Errorf("future date: %d", rec.Code)
	}
	rec := f.do("assigned", "POST", path, form)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "The paper GAD-7 is saved") {
		t.Fatalf("paper submit: %d", rec.Code)
	}
	rs := f.responses("A", measures.GAD7)
	if len(rs) != 1 || !rs[0].OnPaper || rs[0].EnteredBy != f.users["assigned"].ID || rs[0].Total != 6 {
		t.Fatalf("paper response: %+v", rs)
	}
	if d := f.now.Sub(rs[0].CompletedAt); d < 36*time.Hour || d > 72*time.Hour {
		t.Errorf("completed %v before now, want about two days", d)
	}
	// The GAD-7 baseline is now done, so the portal no longer asks for it.
	if b := f.do("clientA", "GET", "/portal", nil).Body.String(); strings.Contains(b, "/portal/measures/gad7") {
		t.Error("the GAD-7 is still due after the paper form")
	}
}

func TestClientCannotReachAnotherClientsAssignment(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	// A clinician assigns a GAD-7 to client A.
	if rec := f.do("assigned", "POST", "/clients/"+f.clients["A"].ID+"/assignments", url.Values{"instrument": {"gad7"}}); rec.Code != http.StatusOK {
		t.Fatalf("assign: %d", rec.Code)
	}
	ctx := context.Background()
	var open []store.Assignment
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		open, err = tx.OpenAssignments(ctx, f.clinic.ID, f.clients["A"].ID)
		return err
	})
	if len(open) != 1 {
		t.Fatalf("open assignments: %+v", open)
	}
	if rec := f.do("clientB", "GET", "/portal/measures/gad7", nil); rec.Code != http.StatusNotFound {
		t.Errorf("client B opening a GAD-7: %d", rec.Code)
	}
	form := url.Values{"assignment": {open[0].ID}}
	for _, k := range []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"} {
		form.Set("a."+k, "1")
	}
	rec := f.do("clientB", "POST", "/portal/measures/gad7", form)
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
		t.Errorf("client B submitting A's assignment: %d", rec.Code)
	}
	if rs := f.responses("A", measures.GAD7); len(rs) != 0 {
		t.Errorf("B's submit stored a response for A: %+v", rs)
	}
	// A answers it through the portal, once.
	if rec := f.do("clientA", "POST", "/portal/measures/gad7", form); rec.Code != http.StatusOK {
		t.Fatalf("A submits: %d", rec.Code)
	}
	if rec := f.do("clientA", "POST", "/portal/measures/gad7", form); rec.Code != http.StatusConflict {
		t.Errorf("A submits the same assignment again: %d, want 409", rec.Code)
	}
}

func TestOutcomesCSVIsDeidentified(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("admin", "GET", "/admin/outcomes.csv", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(body, "instrument,clients_with_two_scores,") {
		t.Fatalf("outcomes CSV: %d\n%s", rec.Code, body)
	}
	// Client A's two PHQ-9s: 13 then 12.
	if !strings.Contains(body, "PHQ-9,1,14.0,13.0,0,0,0") {
		t.Errorf("PHQ-9 row missing or wrong:\n%s", body)
	}
	for _, c := range f.clients {
		for _, leak := range []string{c.ID, c.GivenName, c.FamilyName} {
			if strings.Contains(body, leak) {
				t.Errorf("the outcomes CSV holds %q", leak)
			}
		}
	}
	page := f.do("admin", "GET", "/admin/outcomes", nil).Body.String()
	if strings.Contains(page, marker) || strings.Contains(page, f.clients["A"].ID) {
		t.Error("the outcomes page names a client")
	}
}

func TestMeasuresReportPDF(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/measures.pdf", nil)
	body := rec.Body.Bytes()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("report: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if n := bytes.Count(body, []byte("/Type /Page\n")) + bytes.Count(body, []byte("/Type /Page ")) + bytes.Count(body, []byte("/Type /Page>")); n < 1 {
		t.Errorf("the PDF has no pages")
	}
	if rec := f.do("unassigned", "GET", "/clients/"+f.clients["A"].ID+"/measures.pdf", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unassigned therapist: %d", rec.Code)
	}
}

func TestMeasureSettingsNeedLicenceForCSSRS(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := url.Values{"pcl5_cutoff": {"31"}, "cssrs": {"1"}}
	rec := f.do("admin", "POST", "/admin/measures", form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Confirm that the clinic holds a licence") {
		t.Fatalf("C-SSRS without licence: %d", rec.Code)
	}
	// Nothing was saved: the C-SSRS form is still unavailable to staff.
	if rec := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/measures/cssrs_screen/paper", nil); rec.Code != http.StatusNotFound {
		t.Errorf("C-SSRS paper form before switching on: %d", rec.Code)
	}
	form.Set("cssrs_confirm", "1")
	if rec := f.do("admin", "POST", "/admin/measures", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}
	if rec := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/measures/cssrs_screen/paper", nil); rec.Code != http.StatusOK {
		t.Errorf("C-SSRS paper form after switching on: %d", rec.Code)
	}
	if b := f.do("admin", "GET", "/admin/measures", nil).Body.String(); !strings.Contains(b, "confirmed by Staff admin") || !strings.Contains(b, `value="31"`) {
		t.Error("the settings page does not show the saved cut-off and licence confirmation")
	}
}

// TestMeasureSettingsCrisisTextTooLong: a crisis text longer than the
// clinic's settings can hold is refused beside the crisis text, so the admin
// sees why; nothing is saved.
func TestMeasureSettingsCrisisTextTooLong(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := url.Values{"pcl5_cutoff": {"33"}, "crisis_text": {strings.Repeat("Call us. ", 500)}}
	rec := f.do("admin", "POST", "/admin/measures", form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="crisis_text-error"`) ||
		!strings.Contains(rec.Body.String(), "That is too long") {
		t.Fatalf("a crisis text too long: %d, and no message beside it", rec.Code)
	}
	if b := f.do("admin", "GET", "/admin/measures", nil).Body.String(); strings.Contains(b, "Call us. Call us.") {
		t.Error("the crisis text too long was saved")
	}
}

// TestPaperFormDatedToday: a paper form dated today is saved on today and
// never in the future, at every hour of the clinic's day and across
// daylight-saving changes, on both engines; tomorrow is refused.
func TestPaperFormDatedToday(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			storetest.EachClock(t, func(t *testing.T, now time.Time) {
				f := newFixtureAt(t, e.Config(t), now)
				loc := f.clinic.Location()
				today := calendar.Of(now, loc)
				path := "/clients/" + f.clients["A"].ID + "/measures/gad7/paper"
				form := url.Values{}
				for _, k := range []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"} {
					form.Set("a."+k, "1")
				}
				form.Set("completed_on", today.AddDays(1).String())
				if rec := f.do("assigned", "POST", path, form); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "cannot be in the future") {
					t.Fatalf("tomorrow: %d", rec.Code)
				}
				form.Set("completed_on", today.String())
				if rec := f.do("assigned", "POST", path, form); rec.Code != http.StatusOK {
					t.Fatalf("today: %d", rec.Code)
				}
				rs := f.responses("A", measures.GAD7)
				if len(rs) != 1 || rs[0].CompletedAt.After(now) || calendar.Of(rs[0].CompletedAt, loc) != today {
					t.Fatalf("dated %s, stored %+v (now %s)", today, rs, now.In(loc))
				}
			})
		})
	}
}
