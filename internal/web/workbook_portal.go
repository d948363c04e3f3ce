package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"doorway/internal/export"
	"doorway/internal/problem"
	"doorway/internal/web/view"
	"doorway/internal/workbook"
)

// The Reflection Workbook in the client's portal, comfortable on a phone:
// each chapter with a text area per prompt, saved prompt by prompt and kept
// as a draft while typed (the journal's script and drafts), an answer shared
// with the care team or taken back; the client's own filled-in workbook to
// print; and, for the care team, the answers a client shares.

func (s *Server) workbookRoutes() []Route {
	return []Route{
		{"GET", "/portal/workbook", ClientOnly, s.showPortalWorkbook},
		{"GET", "/portal/workbook.pdf", ClientOnly, s.showFilledWorkbookPDF},
		{"GET", "/portal/workbook/{n}", ClientOnly, s.showPortalChapter},
		{"POST", "/portal/workbook/answers", ClientOnly, s.doWorkbookAnswer},
		{"POST", "/portal/workbook/share", ClientOnly, s.doWorkbookShare},
		{"GET", "/clients/{id}/workbook", StaffOnly, s.showSharedWorkbook},
	}
}

func portalChapterPath(n int) string { return "/portal/workbook/" + strconv.Itoa(n) }

func (s *Server) showPortalWorkbook(w http.ResponseWriter, r *http.Request) {
	chapters, err := s.app.MyWorkbook(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := view.PortalWorkbookView{PDF: view.WorkbookPDFs{A4: "/portal/workbook.pdf?size=a4", Letter: "/portal/workbook.pdf?size=letter"}}
	for _, c := range chapters {
		v.Chapters = append(v.Chapters, view.ChapterItem{Number: c.Number, Title: c.Title, Prompts: len(c.Prompts), Answered: c.Answered,
			Practice: c.Practice.Title, Href: portalChapterPath(c.Number)})
	}
	s.render(w, r, http.StatusOK, view.PortalWorkbook(s.page(r, "My workbook", "/portal"), v))
}

// promptNotices are what a prompt's form says after a change, by ?done=.
var promptNotices = map[string]string{
	"saved":   "Your answer is saved.",
	"cleared": "Your answer is cleared.",
	"shared":  "Your care team can now read this answer.",
	"private": "This answer is private again: your care team no longer sees it.",
}

// chapterDone is the chapter page after a change to one prompt's answer,
// scrolled to it.
func chapterDone(p workbook.Prompt, done string) string {
	return portalChapterPath(p.Chapter) + "?" + url.Values{"prompt": {p.ID}, "done": {done}}.Encode() + "#" + view.PromptAnchor(p.ID)
}

// chapterPage is the portal's chapter n; refused, when set, is a prompt
// whose change was refused, shown with its message and what was typed.
type chapterPage struct {
	n        int
	refused  *view.PromptForm
	promptID string // the prompt ?done= is about
	done     string
}

func (s *Server) renderPortalChapter(w http.ResponseWriter, r *http.Request, status int, cp chapterPage) {
	ch, err := s.app.MyWorkbookChapter(r.Context(), s.actor(r), cp.n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tf := s.timeFormat(r)
	v := view.PortalChapterView{Number: ch.Number, Title: ch.Title, Reading: ch.Reading, Practice: practiceView(ch.Practice),
		Answer: "/portal/workbook/answers", Share: "/portal/workbook/share",
		Prev: chapterLink(ch.Number-1, portalChapterPath(ch.Number-1)), Next: chapterLink(ch.Number+1, portalChapterPath(ch.Number+1))}
	for i, p := range ch.Prompts {
		ans, answered := ch.Answers[p.ID]
		f := view.PromptForm{ID: p.ID, Number: i + 1, Text: p.Text, Body: ans.Body, Answered: answered, Shared: answered && ans.SharedAt != nil}
		if d, ok := ch.Drafts[p.ID]; ok && d.Body != "" && d.Body != f.Body {
			f.Body, f.Restored = d.Body, "Your unsaved words from "+view.When(d.UpdatedAt, tf)+" are back."
		}
		if p.ID == cp.promptID {
			f.Notice = promptNotices[cp.done]
		}
		if cp.refused != nil && cp.refused.ID == p.ID {
			f.Body, f.Error, f.Restored = cp.refused.Body, cp.refused.Error, ""
		}
		v.Prompts = append(v.Prompts, f)
	}
	s.render(w, r, status, view.PortalChapter(s.page(r, "Chapter "+strconv.Itoa(ch.Number)+": "+ch.Title, "/portal"), v))
}

func (s *Server) showPortalChapter(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	q := r.URL.Query()
	s.renderPortalChapter(w, r, http.StatusOK, chapterPage{n: n, promptID: q.Get("prompt"), done: q.Get("done")})
}

// refusePrompt shows the chapter again with the message by the prompt
// whose change was refused; a refusal of anything but that prompt's own
// words is answered as it is.
func (s *Server) refusePrompt(w http.ResponseWriter, r *http.Request, promptID, body string, err error) {
	p, known := workbook.PromptByID(promptID)
	if !known || problem.CodeOf(err) != problem.Invalid {
		s.fail(w, r, err)
		return
	}
	s.renderPortalChapter(w, r, http.StatusBadRequest, chapterPage{n: p.Chapter,
		refused: &view.PromptForm{ID: p.ID, Body: body, Error: problem.MessageOf(err)}})
}

func (s *Server) doWorkbookAnswer(w http.ResponseWriter, r *http.Request) {
	promptID, body := r.PostFormValue("prompt"), r.PostFormValue("body")
	ans, err := s.app.AnswerWorkbook(r.Context(), s.actor(r), promptID, body)
	if err != nil {
		s.refusePrompt(w, r, promptID, body, err)
		return
	}
	done := "saved"
	if ans.Cleared {
		done = "cleared"
	}
	http.Redirect(w, r, chapterDone(ans.Prompt, done), http.StatusSeeOther)
}

func (s *Server) doWorkbookShare(w http.ResponseWriter, r *http.Request) {
	promptID, share := r.PostFormValue("prompt"), r.PostFormValue("share") == "1"
	p, err := s.app.ShareWorkbookAnswer(r.Context(), s.actor(r), promptID, share)
	if err != nil {
		s.refusePrompt(w, r, promptID, "", err)
		return
	}
	done := "private"
	if share {
		done = "shared"
	}
	http.Redirect(w, r, chapterDone(p, done), http.StatusSeeOther)
}

func (s *Server) showFilledWorkbookPDF(w http.ResponseWriter, r *http.Request) {
	size, ok := s.paperSize(w, r)
	if !ok {
		return
	}
	fw, err := s.app.MyFilledWorkbook(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := export.FilledWorkbookPDF(&buf, s.contactOf(fw.Clinic), size, fw.Answers); err != nil {
		s.fail(w, r, err)
		return
	}
	// The file name says what it is, not whose.
	sendPDF(w, buf.Bytes(), "my-reflection-workbook-"+string(size)+".pdf")
}

func (s *Server) showSharedWorkbook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, answers, err := s.app.SharedWorkbook(r.Context(), s.actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tf := s.timeFormat(r)
	v := view.SharedWorkbookView{ClientID: c.ID, ClientName: c.DisplayName()}
	for _, a := range answers {
		v.Answers = append(v.Answers, view.SharedAnswerView{Chapter: chapterLink(a.Prompt.Chapter, "").Title, Prompt: a.Prompt.Text,
			When: view.When(a.Answer.UpdatedAt, tf), Body: paragraphs(a.Answer.Body)})
	}
	s.render(w, r, http.StatusOK, view.SharedWorkbook(s.page(r, "Shared workbook: "+c.DisplayName(), "/caseload"), v))
}
