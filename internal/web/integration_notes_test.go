package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/calendar"
	"doorway/internal/export/pdftest"
	"doorway/internal/store"
)

// signedSession takes the ready fixture's session of client A through the
// checks and the dose to a stop and the prescriber's signature, and
// returns the record's id: a signed medicine session to integrate.
func (f *fixture) signedSession(t *testing.T) string {
	t.Helper()
	f.dosed(t)
	if r := f.post("assigned", "/stop", url.Values{"reason": {"Asked to stop; home with Jo."}}); r.code != http.StatusSeeOther {
		t.Fatalf("stop: %d", r.code)
	}
	if r := f.post("prescriber", "/sign", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("sign: %d", r.code)
	}
	return f.sessionRecord().Session.ID
}

// TestIntegrationNotesFromTemplates: a therapist on the care team signs a
// DAP note integrating client A's signed session, then an addendum; bad
// notes are refused by the field at fault and save nothing; an admin
// reads the notes without a form, a therapist off the team is refused;
// the audit log names notes by id, never by their words.
func TestIntegrationNotesFromTemplates(t *testing.T) {
	f := readyFixture(t)
	sessionID := f.signedSession(t)
	a := f.clients["A"].ID
	path := "/clients/" + a + "/integration"
	today := calendar.Of(f.now, f.clinic.Location()).String()

	page := f.do("assigned", "GET", path+"?template=dap", nil)
	mustSee(t, "the page", &testResponse{code: page.Code, body: page.Body.String()}, http.StatusOK,
		"Document an integration session", "DAP note", "Medicine session it integrates", "Data", "Assessment", "Plan")
	if strings.Contains(page.Body.String(), `name="section.subjective"`) {
		t.Error("the DAP form offers a SOAP section")
	}

	post := func(p string, form url.Values) *testResponse {
		rec := f.do(p, "POST", path+"/notes", form)
		return &testResponse{code: rec.Code, body: rec.Body.String()}
	}
	note := func(over url.Values) url.Values {
		v := url.Values{"template": {"dap"}, "medicine_session": {sessionID}, "occurred_on": {today},
			"section.data": {"Words-D1 Slept well since; the image of the lake stays."}, "section.plan": {"Box breathing daily."}}
		for k, vs := range over {
			v[k] = vs
		}
		return v
	}
	for what, c := range map[string]struct {
		form url.Values
		says string
	}{
		"empty":          {note(url.Values{"section.data": {" "}, "section.plan": {""}}), "every section is empty"},
		"future":         {note(url.Values{"occurred_on": {"2099-01-01"}}), "cannot be for a session in the future"},
		"no session":     {note(url.Values{"medicine_session": {"not-a-session"}}), "Choose the medicine session"},
		"other template": {note(url.Values{"section.subjective": {"x"}}), "has no section"},
		"no template":    {note(url.Values{"template": {"narrative"}}), "Choose a SOAP or a DAP note."},
	} {
		mustSee(t, what, post("assigned", c.form), http.StatusBadRequest, c.says)
	}
	if n := len(f.auditActions("integration_note.sign")); n != 0 {
		t.Fatalf("%d notes signed by refused forms", n)
	}
	// Only a clinician on the care team signs.
	for _, p := range []string{"admin", "unassigned", "clientA"} {
		if r := post(p, note(nil)); r.code != http.StatusNotFound {
			t.Errorf("%s signing a note: %d", p, r.code)
		}
	}
	mustSee(t, "signed", post("assigned", note(nil)), http.StatusOK, "The integration session note is signed.", "Words-D1 Slept well", "Box breathing daily.")
	var noteID string
	f.st.Read(context.Background(), func(tx *store.Tx) error {
		ns, err := tx.ClientIntegrationNotes(context.Background(), f.clinic.ID, a)
		for _, n := range ns {
			if n.Sections["data"] != "" && strings.HasPrefix(n.Sections["data"], "Words-D1") {
				noteID = n.ID
				if n.MedicineSessionID != sessionID || n.Template != "dap" {
					t.Errorf("the note as stored: %+v", n)
				}
			}
		}
		return err
	})
	mustSee(t, "empty addendum", post("assigned", url.Values{"addendum_to": {noteID}, "section.addendum": {""}}), http.StatusBadRequest,
		"Write the addendum before signing it.")
	mustSee(t, "addendum", post("prescriber", url.Values{"addendum_to": {noteID}, "section.addendum": {"Words-A2 The lake was a river."}}), http.StatusOK,
		"The addendum is signed.", "Words-A2 The lake was a river.")

	admin := f.do("admin", "GET", path, nil).Body.String()
	if !strings.Contains(admin, "Words-D1") || strings.Contains(admin, `action="`+path+`/notes"`) {
		t.Error("an admin should read the notes without being offered a form")
	}
	if rec := f.do("unassigned", "GET", path, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a therapist off the team: %d", rec.Code)
	}
	for _, e := range append(f.auditActions("integration_note"), f.auditActions("access.denied")...) {
		if strings.Contains(e.Detail, "Words-") {
			t.Errorf("an audit entry holds a note's words: %+v", e)
		}
	}
	if got := len(f.auditActions("integration_note.sign")) + len(f.auditActions("integration_note.addendum")); got != 2 {
		t.Errorf("%d note entries, want the note and its addendum", got)
	}
}

// TestPsychotherapyNotesOnlyTheirAuthor: the assigned therapist writes a
// psychotherapy note and changes it; only they ever see its words. The
// prescriber on the same care team sees an empty list of their own and is
// refused the note; the admin and a therapist off the team are refused
// both; no page an admin can open, nor the audit log, nor the client's
// accounting of access holds its words.
func TestPsychotherapyNotesOnlyTheirAuthor(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := f.clients["A"].ID
	path := "/clients/" + a + "/psychotherapy-notes"
	const words = "Process-Words-P9 the rupture when we spoke of her father"
	mine := f.do("assigned", "GET", path, nil).Body.String()
	for _, want := range []string{"Only you can read these notes.", "45 CFR 164.501", "not the clinic's admins"} {
		if !strings.Contains(mine, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if rec := f.do("assigned", "POST", path, url.Values{"body": {"  "}}); rec.Code != http.StatusBadRequest {
		t.Errorf("an empty note: %d", rec.Code)
	}
	if rec := f.do("assigned", "POST", path, url.Values{"body": {words}}); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), words) {
		t.Fatalf("write: %d", rec.Code)
	}
	var noteID string
	for _, e := range f.auditActions("psychotherapy_note.write") {
		noteID = e.ResourceID
	}
	notePath := path + "/" + noteID
	f.now = f.now.Add(time.Minute)
	if rec := f.do("assigned", "POST", notePath, url.Values{"body": {words + ", revised"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", rec.Code)
	}
	if b := f.do("assigned", "GET", notePath, nil).Body.String(); !strings.Contains(b, words+", revised") || !strings.Contains(b, "Last changed") {
		t.Error("the author does not read their changed note")
	}
	for _, p := range []string{"prescriber", "admin", "unassigned", "clientA", "foreignAdmin"} {
		for _, req := range []struct{ method, path string }{{"GET", notePath}, {"POST", notePath}} {
			rec := f.do(p, req.method, req.path, url.Values{"body": {"overwritten"}})
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusSeeOther {
				t.Errorf("%s %s as %s: %d", req.method, req.path, p, rec.Code)
			}
			if strings.Contains(rec.Body.String(), "Process-Words") {
				t.Errorf("%s %s as %s shows the note", req.method, req.path, p)
			}
		}
	}
	if b := f.do("prescriber", "GET", path, nil).Body.String(); strings.Contains(b, "Process-Words") || !strings.Contains(b, "You have no psychotherapy notes") {
		t.Error("the prescriber on the team sees the therapist's note")
	}
	for _, p := range []string{"admin", "unassigned"} {
		if rec := f.do(p, "GET", path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s listing the notes: %d", p, rec.Code)
		}
	}
	if b := f.do("assigned", "GET", notePath, nil).Body.String(); strings.Contains(b, "overwritten") {
		t.Error("someone else changed the note")
	}
	for _, p := range []string{"/clients/" + a, "/clients/" + a + "/course", "/clients/" + a + "/integration", "/clients/" + a + "/course/review",
		"/caseload", "/admin/audit", "/admin/audit.csv"} {
		for _, who := range []string{"admin", "prescriber"} {
			if b := f.do(who, "GET", p, nil).Body.String(); strings.Contains(b, "Process-Words") {
				t.Errorf("%s as %s shows the note", p, who)
			}
		}
	}
	if b := f.do("clientA", "GET", "/portal/access", nil).Body.String(); strings.Contains(b, "Process-Words") || !strings.Contains(b, "kept apart from your record") {
		t.Error("the client's accounting of access should say a private note was written, without its words")
	}
	if b := f.do("prescriber", "GET", "/clients/"+a, nil).Body.String(); !strings.Contains(b, `href="`+path+`"`) {
		t.Error("the chart does not link a clinician's own psychotherapy notes")
	}
	if b := f.do("admin", "GET", "/clients/"+a, nil).Body.String(); strings.Contains(b, `href="`+path+`"`) {
		t.Error("the chart links psychotherapy notes for an admin, who keeps none")
	}
}

// TestCourseReviewAndSummary: the therapist reviews client A's goals, the
// client adds their words and chooses to include their shared
// reflections; the summary PDF, for either, holds the goals, the words and
// exactly the shared entry, never the private one; an admin's copy has no
// reflections; each download is an export in the log.
func TestCourseReviewAndSummary(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := f.clients["A"].ID
	goal := f.prep.goalID
	write := func(body string, share bool) {
		rec := f.do("clientA", "POST", "/portal/journal", url.Values{"body": {body}, "draft": {"new"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("write: %d", rec.Code)
		}
		id := strings.TrimPrefix(strings.TrimSuffix(rec.Header().Get("Location"), "?saved=1"), "/portal/journal/")
		if share {
			f.do("clientA", "POST", "/portal/journal/"+id+"/share", url.Values{"share": {"1"}})
		}
	}
	write("Shared-Reflection-S3 the music carried me", true)
	write("Private-Reflection-R8 my brother", false)

	if rec := f.do("assigned", "POST", "/clients/"+a+"/course/goals/"+goal+"/review", url.Values{"outcome": {"sideways"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("an unknown outcome: %d", rec.Code)
	}
	for _, p := range []string{"admin", "unassigned", "clientA"} {
		if rec := f.do(p, "POST", "/clients/"+a+"/course/goals/"+goal+"/review", url.Values{"outcome": {"partly"}}); rec.Code != http.StatusNotFound {
			t.Errorf("%s reviewing: %d", p, rec.Code)
		}
	}
	rec := f.do("assigned", "POST", "/clients/"+a+"/course/goals/"+goal+"/review", url.Values{"outcome": {"partly"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Partly achieved") {
		t.Fatalf("review: %d", rec.Code)
	}
	if rec := f.do("clientA", "POST", "/portal/summary/goals/"+goal, url.Values{"words": {"Client-Words-W5 closer than I hoped"}}); rec.Code != http.StatusOK {
		t.Fatalf("words: %d", rec.Code)
	}
	if rec := f.do("clientB", "POST", "/portal/summary/goals/"+goal, url.Values{"words": {"not mine"}}); rec.Code == http.StatusOK {
		t.Error("client B wrote words on client A's goal")
	}
	if b := f.do("assigned", "GET", "/clients/"+a+"/course/review", nil).Body.String(); !strings.Contains(b, "Client-Words-W5") {
		t.Error("the care team does not see the client's words")
	}

	summary := func(who, path string) string {
		rec := f.do(who, "GET", path, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s as %s: %d", path, who, rec.Code)
		}
		return strings.Join(pdftest.Pages(t, rec.Body.Bytes()), " ")
	}
	staffPDF := "/clients/" + a + "/course/summary.pdf"
	before := summary("assigned", staffPDF)
	if strings.Contains(before, "Reflection-") || !strings.Contains(before, "has not chosen to include") {
		t.Errorf("before the client agrees, the summary reads:\n%s", before)
	}
	if rec := f.do("clientA", "POST", "/portal/summary/reflections", url.Values{"include": {"1"}}); rec.Code != http.StatusOK {
		t.Fatalf("choice: %d", rec.Code)
	}
	for _, c := range []struct{ who, path string }{{"assigned", staffPDF}, {"clientA", "/portal/summary.pdf"}} {
		doc := summary(c.who, c.path)
		for _, want := range []string{"Course summary", "Partly achieved", "Client-Words-W5", "Shared-Reflection-S3", "Scores over the course"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s's summary lacks %q", c.who, want)
			}
		}
		if strings.Contains(doc, "Private-Reflection-R8") {
			t.Errorf("%s's summary holds the private entry", c.who)
		}
	}
	if doc := summary("admin", staffPDF); strings.Contains(doc, "Reflection-") || !strings.Contains(doc, "for the care team to read") {
		t.Errorf("an admin's summary reads:\n%s", doc)
	}
	if rec := f.do("unassigned", "GET", staffPDF, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a therapist off the team: %d", rec.Code)
	}
	exports := 0
	for _, e := range f.auditActions("client.export") {
		if strings.HasPrefix(e.Detail, "course summary PDF") && e.ClientID == a {
			exports++
		}
	}
	if exports != 4 {
		t.Errorf("%d summary exports in the log, want 4", exports)
	}
}
