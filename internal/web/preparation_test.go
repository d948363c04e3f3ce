package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/store"
)

func (f *fixture) auditActions(prefix string) []audit.Entry {
	f.t.Helper()
	ctx := context.Background()
	var out []audit.Entry
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.clinic.ID, Action: prefix, Limit: 100})
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fixture) signatures(clientKey string) []store.ConsentSignature {
	f.t.Helper()
	ctx := context.Background()
	var out []store.ConsentSignature
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ConsentSignatures(ctx, f.clinic.ID, f.clients[clientKey].ID)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
}

func TestClientSignsAndWithdrawsConsent(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	// Client B has a course so the gates can be read; they have signed nothing.
	rec := f.do("clientB", "GET", "/portal/consent", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "not signed") {
		t.Fatalf("consent list: %d\n%s", rec.Code, rec.Body)
	}
	// Bad input: no name, box not ticked. Nothing is stored, what was typed is kept.
	rec = f.do("clientB", "POST", "/portal/consent/kap", url.Values{"version": {"1"}, "typed_name": {"  "}, "agreed": {"1"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Type your full name to sign.") || !strings.Contains(rec.Body.String(), `checked`) {
		t.Errorf("no name: %d", rec.Code)
	}
	rec = f.do("clientB", "POST", "/portal/consent/kap", url.Values{"version": {"1"}, "typed_name": {"Blake Other"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Tick the box") || !strings.Contains(rec.Body.String(), `value="Blake Other"`) {
		t.Errorf("not agreed: %d", rec.Code)
	}
	if n := len(f.signatures("B")); n != 0 {
		t.Fatalf("%d signatures after refused forms", n)
	}
	rec = f.do("clientB", "POST", "/portal/consent/kap", url.Values{"version": {"1"}, "typed_name": {"Blake Other"}, "agreed": {"1"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Your signature is recorded") {
		t.Fatalf("sign: %d\n%s", rec.Code, rec.Body)
	}
	sigs := f.signatures("B")
	if len(sigs) != 1 || sigs[0].TypedName != "Blake Other" || sigs[0].IP == "" || sigs[0].Version != 1 {
		t.Errorf("signature: %+v", sigs)
	}
	if e := f.auditActions("consent.sign"); len(e) != 1 || e[0].Severity != audit.High || e[0].ClientID != f.clients["B"].ID {
		t.Errorf("audit of signing: %+v", e)
	}
	// An admin publishes version 2: client B must sign again; signing the
	// version they read before is refused with a clear message.
	doc := f.do("admin", "GET", "/admin/consents", nil)
	if doc.Code != 200 {
		t.Fatalf("admin consents: %d", doc.Code)
	}
	rec = f.do("admin", "POST", "/admin/consents", url.Values{"kind": {"kap"}, "title": {"Informed consent, revised"}, "body": {"## Revised\n\nA whole new text for everyone to read."}, "required": {"1"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Version 2 of Informed consent, revised is published.") {
		t.Fatalf("publish: %d\n%s", rec.Code, rec.Body)
	}
	rec = f.do("admin", "POST", "/admin/consents", url.Values{"kind": {"kap"}, "title": {""}, "body": {"short"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "The document needs a title.") {
		t.Errorf("bad publish: %d", rec.Code)
	}
	rec = f.do("clientB", "POST", "/portal/consent/kap", url.Values{"version": {"1"}, "typed_name": {"Blake Other"}, "agreed": {"1"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "please read version 2") {
		t.Errorf("signing a stale version: %d", rec.Code)
	}
	rec = f.do("clientB", "GET", "/portal/consent/kap", nil)
	if !strings.Contains(rec.Body.String(), "must be signed again") {
		t.Errorf("the document page does not say a new version needs signing")
	}
	// Withdraw, with a reason; a second withdrawal finds nothing to withdraw.
	rec = f.do("clientB", "POST", "/portal/consent/kap/withdraw", url.Values{"reason": {"Need a pause"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Your consent is withdrawn") {
		t.Fatalf("withdraw: %d", rec.Code)
	}
	if sigs := f.signatures("B"); sigs[0].WithdrawnAt == nil || sigs[0].WithdrawnReason != "Need a pause" {
		t.Errorf("after withdrawal: %+v", sigs)
	}
	if rec = f.do("clientB", "POST", "/portal/consent/kap/withdraw", nil); rec.Code != http.StatusConflict {
		t.Errorf("second withdrawal: %d", rec.Code)
	}
	if rec = f.do("clientB", "GET", "/portal/consent/nonesuch", nil); rec.Code != 404 {
		t.Errorf("unknown document: %d", rec.Code)
	}
}

func TestCoursePageGatesAndOverrides(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/clients/" + f.clients["A"].ID + "/course"
	rec := f.do("assigned", "GET", path, nil)
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("course page: %d", rec.Code)
	}
	mustContain(t, "course page", body,
		"Screening approved", "No prescriber has reviewed the screening yet.", // no decision in the fixture
		"Informed consent for ketamine-assisted psychotherapy&#39; version 1 signed", // A signed in the fixture
		"Baseline measures", "GAD-7 has not been done",
		"1 preparation session documented.",
		"Checked on the day of each medicine session: ride home or companion",
		"Explored fears about losing control.", // the sealed note, opened for the care team
		"PHQ-9 below 10")
	if strings.Contains(body, "Record override") {
		t.Error("a therapist is offered the override form")
	}
	if e := f.auditActions("course.read"); len(e) != 1 {
		t.Errorf("course.read audited %d times", len(e))
	}

	// A therapist cannot override: the route answers as if absent.
	form := url.Values{"gate": {care.GateBaseline}, "reason": {"Done on paper"}}
	if rec := f.do("assigned", "POST", path+"/overrides", form); rec.Code != 404 {
		t.Errorf("therapist override: %d", rec.Code)
	}
	// Consent cannot be overridden, even by a prescriber; a missing reason is refused.
	rec = f.do("prescriber", "POST", path+"/overrides", url.Values{"gate": {care.GateScreening}, "reason": {"Talked it over"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Screening approved cannot be overridden") {
		t.Errorf("override of a non-overridable gate: %d\n%s", rec.Code, rec.Body)
	}
	rec = f.do("prescriber", "POST", path+"/overrides", url.Values{"gate": {care.GateBaseline}, "reason": {"  "}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Write the reason for overriding Baseline measures") {
		t.Errorf("override without a reason: %d", rec.Code)
	}
	if e := f.auditActions("gate.override"); len(e) != 0 {
		t.Fatalf("a refused override was recorded: %+v", e)
	}
	rec = f.do("prescriber", "POST", path+"/overrides", url.Values{"gate": {care.GateBaseline}, "reason": {"GAD-7 done on paper this morning"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Staff prescriber") || !strings.Contains(rec.Body.String(), "GAD-7 done on paper this morning") {
		t.Fatalf("override: %d\n%s", rec.Code, rec.Body)
	}
	if e := f.auditActions("gate.override"); len(e) != 1 || e[0].Severity != audit.High || e[0].Detail != care.GateBaseline {
		t.Errorf("override audit: %+v", e)
	}
}

func TestCourseGoalsNotesAndState(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/clients/" + f.clients["A"].ID + "/course"
	// A target that is not a target, or names no questionnaire with a total.
	for measure, want := range map[string]string{"phq9 less than 10": "Write a target as", "cssrs_screen<1": "no questionnaire"} {
		rec := f.do("assigned", "POST", path+"/goals", url.Values{"text": {"Sleep through"}, "measure": {measure}})
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) || !strings.Contains(rec.Body.String(), `value="Sleep through"`) {
			t.Errorf("target %q: %d", measure, rec.Code)
		}
	}
	rec := f.do("assigned", "POST", path+"/goals", url.Values{"text": {"Anxiety down"}, "measure": {"GAD7 <= 4"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "GAD-7 at or below 4") {
		t.Errorf("goal: %d", rec.Code)
	}
	// The note must be more than the empty template, and for a real date.
	rec = f.do("assigned", "POST", path+"/notes", url.Values{"occurred_on": {"2026-02-30"}, "body": {"Went well"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Give the date of the session") {
		t.Errorf("bad date: %d", rec.Code)
	}
	rec = f.do("assigned", "POST", path+"/notes", url.Values{"occurred_on": {f.now.Format("2006-01-02")}, "body": {prepNoteTemplate}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "still the empty template") {
		t.Errorf("empty template: %d", rec.Code)
	}
	rec = f.do("assigned", "POST", path+"/notes", url.Values{"occurred_on": {f.now.Add(-24 * 3600e9).Format("2006-01-02")}, "body": {"Second session: music chosen."}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "2 preparation sessions documented.") {
		t.Errorf("note: %d", rec.Code)
	}
	rec = f.do("assigned", "POST", path+"/notes", url.Values{"addendum_to": {f.prep.noteID}, "body": {"Addendum: the client called back."}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Addendum: the client called back.") || !strings.Contains(rec.Body.String(), "2 preparation sessions documented.") {
		t.Errorf("addendum: %d", rec.Code)
	}
	// State: a move care.Transition refuses, then one it allows.
	rec = f.do("assigned", "POST", path+"/state", url.Values{"to": {"intake"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "can move to Completed, Paused or Maintenance, not to Intake") {
		t.Errorf("bad move: %d", rec.Code)
	}
	rec = f.do("assigned", "POST", path+"/state", url.Values{"to": {"paused"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "The course is now in Paused.") {
		t.Errorf("pause: %d", rec.Code)
	}
	if e := f.auditActions("course.state"); len(e) != 1 || e[0].Detail != "active -> paused" {
		t.Errorf("state audit: %+v", e)
	}
	// The caseload board groups by phase.
	rec = f.do("assigned", "GET", "/caseload", nil)
	if !strings.Contains(rec.Body.String(), `scope="colgroup"`) || !strings.Contains(rec.Body.String(), "Paused") {
		t.Errorf("caseload is not grouped by phase")
	}
}

func TestPortalIntentionsAndChecklist(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("clientA", "GET", "/portal/intentions", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "To rest in "+marker) || !strings.Contains(rec.Body.String(), "Lift the low mood") {
		t.Fatalf("intentions: %d", rec.Code)
	}
	if rec = f.do("clientA", "POST", "/portal/intentions", url.Values{"text": {" "}}); rec.Code != http.StatusBadRequest {
		t.Errorf("empty intention: %d", rec.Code)
	}
	rec = f.do("clientA", "POST", "/portal/intentions", url.Values{"text": {"To listen to my body"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "To listen to my body") {
		t.Errorf("intention: %d", rec.Code)
	}
	rec = f.do("clientA", "POST", "/portal/goals/"+f.prep.goalID+"/agree", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "You agreed on") {
		t.Errorf("agree: %d", rec.Code)
	}
	// Client B cannot agree to A's goal, nor see A's intentions.
	if rec = f.do("clientB", "POST", "/portal/goals/"+f.prep.goalID+"/agree", nil); rec.Code == 200 {
		t.Errorf("client B agreed to A's goal")
	}
	if strings.Contains(f.do("clientB", "GET", "/portal/intentions", nil).Body.String(), marker) {
		t.Error("client B sees A's intention")
	}
	// Checklist: a companion without a phone is refused with the ticks kept.
	rec = f.do("clientA", "POST", "/portal/preparation", url.Values{"fasting": {"1"}, "companion_name": {"Jo"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Add a phone number for your companion") || !strings.Contains(rec.Body.String(), `value="Jo"`) {
		t.Errorf("companion without phone: %d", rec.Code)
	}
	rec = f.do("clientA", "POST", "/portal/preparation", url.Values{"fasting": {"1"}, "substances": {"1"}, "companion_name": {"Jo"}, "companion_phone": {"555 010 0199"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "3 items of 5 done.") {
		t.Errorf("checklist: %d\n%s", rec.Code, rec.Body)
	}
	staff := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/course", nil).Body.String()
	if !strings.Contains(staff, "Jo, 555 010 0199") || !strings.Contains(staff, "To listen to my body") {
		t.Error("the care team does not see the checklist or the new intention")
	}
}
