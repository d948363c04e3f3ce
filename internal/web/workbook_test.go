package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"doorway/internal/export/pdftest"
	"doorway/internal/workbook"
)

// TestWorkbookIsPublic: the contents list every chapter with what it
// holds and links both PDFs, asking nothing of the visitor; a chapter is
// its reading, prompts and practice; the PDF is the clinic's, to save, and
// a paper size it does not come in is a 400 saying which it does.
func TestWorkbookIsPublic(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	body := f.do("anonymous", "GET", "/workbook", nil).Body.String()
	for _, c := range workbook.Chapters() {
		if !strings.Contains(body, `href="/workbook/`+strconv.Itoa(c.Number)+`">`+escape(c.Title)+`</a>`) || !strings.Contains(body, escape(c.Practice.Title)) {
			t.Errorf("the contents lack chapter %d, %q, or its practice", c.Number, c.Title)
		}
	}
	for _, want := range []string{`href="/workbook.pdf?size=a4"`, `href="/workbook.pdf?size=letter"`, `<meta property="og:type" content="website">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the contents lack %s", want)
		}
	}
	if strings.Contains(body, `type="email"`) {
		t.Error("the workbook asks for an e-mail address")
	}

	c := workbook.Chapters()[6]
	body = f.do("anonymous", "GET", "/workbook/7", nil).Body.String()
	for _, want := range []string{escape(c.Title), "Practice: " + escape(c.Practice.Title), escape(c.Practice.Steps[0]),
		`href="/articles/` + workbook.Articles()[6].Slug + `"`, `href="/workbook/6"`, `href="/workbook/8"`} {
		if !strings.Contains(body, want) {
			t.Errorf("chapter 7 lacks %s", want)
		}
	}
	for _, p := range c.Prompts {
		if !strings.Contains(body, escape(p.Text)) {
			t.Errorf("chapter 7 lacks prompt %s", p.ID)
		}
	}
	if strings.Contains(body, "/portal/workbook") {
		t.Error("a visitor is offered the portal")
	}
	if b := f.do("clientA", "GET", "/workbook/7", nil).Body.String(); !strings.Contains(b, `href="/portal/workbook/7"`) {
		t.Error("a signed-in client is not offered to answer in the portal")
	}
	for _, path := range []string{"/workbook/0", "/workbook/11", "/workbook/seven"} {
		if rec := f.do("anonymous", "GET", path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}

	rec := f.do("anonymous", "GET", "/workbook.pdf?size=letter&clinic=other", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="reflection-workbook-letter.pdf"` {
		t.Fatalf("the PDF: %d %v", rec.Code, rec.Header())
	}
	pages := pdftest.Pages(t, rec.Body.Bytes())
	if !strings.Contains(pages[0], "Other Clinic") {
		t.Errorf("the cover is not the other clinic's: %s", pages[0])
	}
	rec = f.do("anonymous", "GET", "/workbook.pdf?size=tabloid", nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "size=letter") {
		t.Errorf("a size it does not come in: %d", rec.Code)
	}
}

// TestWorkbookAnswersArePrivateUntilShared: in the portal a client sees
// how far they are in each chapter and their own answers only; saving,
// clearing and sharing go prompt by prompt; the care team reads exactly
// the shared answers, someone off the team none; and the log names
// answers by prompt, never by their words.
func TestWorkbookAnswersArePrivateUntilShared(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := f.clients["A"].ID
	ch1 := workbook.Chapters()[0]
	if b := f.do("clientA", "GET", "/portal/workbook", nil).Body.String(); !strings.Contains(b, "2 of "+strconv.Itoa(len(ch1.Prompts))+" prompts answered") {
		t.Errorf("client A's workbook does not count 2 answers in chapter 1:\n%s", b)
	}
	if b := f.do("clientB", "GET", "/portal/workbook", nil).Body.String(); !strings.Contains(b, "0 of "+strconv.Itoa(len(ch1.Prompts))+" prompts answered") {
		t.Error("client B's workbook counts answers that are not theirs")
	}
	if b := f.do("clientA", "GET", "/portal/workbook/1", nil).Body.String(); !strings.Contains(b, "My answer to ch1.p2: "+marker) ||
		!strings.Contains(b, "Stop sharing this answer") {
		t.Error("client A's chapter does not show their answers and the share")
	}
	if b := f.do("clientB", "GET", "/portal/workbook/1", nil).Body.String(); strings.Contains(b, marker) {
		t.Error("client B's chapter shows client A's answers")
	}

	// Client B answers the same prompt: their own answer, A's unchanged.
	rec := f.do("clientB", "POST", "/portal/workbook/answers", url.Values{"prompt": {"ch1.p1"}, "body": {"Blake's own answer-K2"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/workbook/1?done=saved&prompt=ch1.p1#prompt-ch1-p1" {
		t.Fatalf("client B's answer: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if b := f.do("clientA", "GET", "/portal/workbook/1", nil).Body.String(); strings.Contains(b, "answer-K2") || !strings.Contains(b, "My answer to ch1.p1") {
		t.Error("client B's answer changed client A's")
	}
	// A share needs an answer; a prompt not in the workbook is refused.
	if rec := f.do("clientB", "POST", "/portal/workbook/share", url.Values{"prompt": {"ch1.p3"}, "share": {"1"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "Save an answer first") {
		t.Errorf("sharing no answer: %d", rec.Code)
	}
	if rec := f.do("clientB", "POST", "/portal/workbook/answers", url.Values{"prompt": {"ch99.p1"}, "body": {"x"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("a prompt not in the workbook: %d", rec.Code)
	}

	// The care team reads exactly what is shared.
	page := f.do("assigned", "GET", "/clients/"+a+"/workbook", nil).Body.String()
	if !strings.Contains(page, "My answer to ch1.p1") || strings.Contains(page, "My answer to ch1.p2") || !strings.Contains(page, escape(ch1.Prompts[0].Text)) {
		t.Errorf("the therapist's view of the workbook:\n%s", page)
	}
	if rec := f.do("unassigned", "GET", "/clients/"+a+"/workbook", nil); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
		t.Errorf("a therapist off the team: %d", rec.Code)
	}
	if b := f.do("admin", "GET", "/clients/"+a+"/workbook", nil).Body.String(); strings.Contains(b, "My answer") {
		t.Error("an admin off the care team reads a shared answer")
	}
	// Shared, then taken back; cleared, then gone.
	if rec := f.do("clientA", "POST", "/portal/workbook/share", url.Values{"prompt": {"ch1.p2"}, "share": {"1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("share: %d", rec.Code)
	}
	if rec := f.do("clientA", "POST", "/portal/workbook/share", url.Values{"prompt": {"ch1.p1"}, "share": {"0"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("unshare: %d", rec.Code)
	}
	page = f.do("assigned", "GET", "/clients/"+a+"/workbook", nil).Body.String()
	if strings.Contains(page, "My answer to ch1.p1") || !strings.Contains(page, "My answer to ch1.p2") {
		t.Error("the therapist's view does not follow the shares")
	}
	if rec := f.do("clientA", "POST", "/portal/workbook/answers", url.Values{"prompt": {"ch1.p2"}, "body": {"  "}}); rec.Code != http.StatusSeeOther ||
		!strings.Contains(rec.Header().Get("Location"), "done=cleared") {
		t.Fatalf("clear: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if b := f.do("assigned", "GET", "/clients/"+a+"/workbook", nil).Body.String(); strings.Contains(b, "My answer") {
		t.Error("a cleared answer is still shown")
	}

	// Every prompt answered: the chapter is done.
	for _, p := range ch1.Prompts {
		f.do("clientA", "POST", "/portal/workbook/answers", url.Values{"prompt": {p.ID}, "body": {"Answered " + p.ID}})
	}
	if b := f.do("clientA", "GET", "/portal/workbook", nil).Body.String(); !strings.Contains(between(b, ">"+escape(ch1.Title)+"<", "</li>"), ">done<") {
		t.Error("chapter 1 is not done with every prompt answered")
	}

	actions := map[string]int{}
	for _, e := range f.auditActions("workbook.") {
		actions[e.Action]++
		if strings.Contains(e.Detail, "answer") && e.Action != "workbook.read_shared" || strings.Contains(e.Detail, "Marker") || strings.Contains(e.Detail, "Answered") {
			t.Errorf("an audit entry holds an answer's words: %+v", e)
		}
		if e.Action != "workbook.read_shared" && e.ResourceType != "workbook_answer" {
			t.Errorf("an answer's entry names %s %s", e.ResourceType, e.ResourceID)
		}
	}
	if actions["workbook.answer"] != 2+len(ch1.Prompts) || actions["workbook.share"] != 1 || actions["workbook.unshare"] != 1 || actions["workbook.read_shared"] < 3 {
		t.Errorf("audit actions: %v", actions)
	}
}

// TestWorkbookDraftsComeBack: a draft kept as the client types a prompt's
// answer is on that prompt when they come back; saving the answer clears
// it; and the journal's list of drafts names the prompt.
func TestWorkbookDraftsComeBack(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	if rec := f.do("clientB", "POST", "/portal/journal/draft", url.Values{"draft": {"workbook:ch2.p1"}, "body": {"Half an answer-D4"}}); rec.Code != http.StatusNoContent {
		t.Fatalf("draft: %d", rec.Code)
	}
	b := f.do("clientB", "GET", "/portal/workbook/2", nil).Body.String()
	if !strings.Contains(between(b, `id="prompt-ch2-p1"`, "</section>"), "Half an answer-D4") || !strings.Contains(b, "are back") {
		t.Errorf("the chapter does not bring the draft back on its prompt:\n%s", b)
	}
	if b := f.do("clientB", "GET", "/portal/journal", nil).Body.String(); !strings.Contains(b, `href="/portal/workbook/2#prompt-ch2-p1"`) {
		t.Error("the journal's list of drafts does not lead to the workbook prompt")
	}
	f.do("clientB", "POST", "/portal/workbook/answers", url.Values{"prompt": {"ch2.p1"}, "body": {"Half an answer-D4, finished."}})
	if b := f.do("clientB", "GET", "/portal/workbook/2", nil).Body.String(); strings.Contains(b, "are back") {
		t.Error("the draft is still brought back after the answer was saved")
	}
	if b := f.do("clientB", "GET", "/portal/journal", nil).Body.String(); strings.Contains(b, "Not saved yet") {
		t.Error("the journal still lists the draft")
	}
}

// TestFilledWorkbookIsTheClientsExport: a client downloads their workbook
// with their own answers written in, recorded as an export of their
// record; another client's has none of them.
func TestFilledWorkbookIsTheClientsExport(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("clientA", "GET", "/portal/workbook.pdf?size=letter", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Disposition") != `attachment; filename="my-reflection-workbook-letter.pdf"` {
		t.Fatalf("client A's workbook: %d %v", rec.Code, rec.Header())
	}
	all := strings.Join(pdftest.Pages(t, rec.Body.Bytes()), " ")
	if !strings.Contains(all, "My answer to ch1.p1") || !strings.Contains(all, "My answer to ch1.p2") || !strings.Contains(all, "Main Clinic") {
		t.Error("client A's workbook lacks their answers or their clinic")
	}
	rec = f.do("clientB", "GET", "/portal/workbook.pdf", nil)
	if all := strings.Join(pdftest.Pages(t, rec.Body.Bytes()), " "); strings.Contains(all, "My answer") {
		t.Error("client B's workbook holds client A's answers")
	}
	// Each export is recorded against its own client, newest first.
	entries := f.auditActions("client.export")
	if len(entries) != 2 || entries[1].ClientID != f.clients["A"].ID || entries[1].ResourceType != "workbook" ||
		entries[1].Detail != "filled workbook PDF, 2 answers" || entries[0].ClientID != f.clients["B"].ID {
		t.Errorf("the exports' audit entries: %+v", entries)
	}
}
