package web

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"

	"doorway/internal/access"
	"doorway/internal/export"
	"doorway/internal/store"
	"doorway/internal/web/view"
	"doorway/internal/workbook"
)

// The Reflection Workbook for everyone (DESIGN.md §1): its contents, each
// chapter to read, and the PDF to print, with the clinic's name and contact
// on its cover and no e-mail address asked for. Routes are in articles.go,
// with the series they belong to.

// forClient is where a signed-in client answers path in their portal; ""
// for anyone else.
func forClient(r *http.Request, path string) string {
	if viewerOf(r.Context()).P.Kind != access.Client {
		return ""
	}
	return path
}

// chapterLink names chapter n, for the links between chapters.
func chapterLink(n int, href string) view.SeriesLink {
	c, ok := workbook.ChapterByNumber(n)
	if !ok {
		return view.SeriesLink{}
	}
	return view.SeriesLink{Title: "Chapter " + strconv.Itoa(n) + ": " + c.Title, Href: href}
}

// practiceView is a chapter's practice, its text in paragraphs.
func practiceView(p workbook.Practice) view.ChapterPractice {
	return view.ChapterPractice{Title: p.Title, Text: paragraphs(p.Text), Steps: p.Steps}
}

func (s *Server) showWorkbook(w http.ResponseWriter, r *http.Request) {
	series, ok := s.series(w, r)
	if !ok {
		return
	}
	c := series.Clinic
	v := view.WorkbookView{Clinic: publicClinicView(c.Clinic), PDF: workbookPDFs(c), Articles: publicPath(c, "/articles"),
		Portal: forClient(r, "/portal/workbook")}
	for _, ch := range workbook.Chapters() {
		item := view.ChapterItem{Number: ch.Number, Title: ch.Title, Prompts: len(ch.Prompts), Practice: ch.Practice.Title, Href: chapterPath(c, ch.Number)}
		if a, ok := series.ArticleOf(ch.Number); ok {
			item.Article = view.SeriesLink{Title: a.Title, Href: articlePath(c, a.Slug)}
		}
		v.Chapters = append(v.Chapters, item)
	}
	p := s.page(r, "The Reflection Workbook", "")
	p.Head = s.publicHead(r, c, publicPath(c, "/workbook"),
		"A free workbook in ten chapters, from first curiosity about ketamine-assisted psychotherapy to life after a course: readings, prompts and practices, to download as a PDF.", "website")
	s.render(w, r, http.StatusOK, view.Workbook(p, v))
}

func (s *Server) showWorkbookChapter(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	ch, found := workbook.ChapterByNumber(n)
	if !found {
		s.notFound(w, r)
		return
	}
	series, ok := s.series(w, r)
	if !ok {
		return
	}
	c := series.Clinic
	v := view.ChapterView{Clinic: publicClinicView(c.Clinic), Number: ch.Number, Title: ch.Title, Reading: ch.Reading,
		Practice: practiceView(ch.Practice), Contents: publicPath(c, "/workbook"), PDF: workbookPDFs(c),
		Portal: forClient(r, "/portal/workbook/"+strconv.Itoa(n)),
		Prev:   chapterLink(n-1, chapterPath(c, n-1)), Next: chapterLink(n+1, chapterPath(c, n+1))}
	for _, pr := range ch.Prompts {
		v.Prompts = append(v.Prompts, pr.Text)
	}
	if a, ok := series.ArticleOf(n); ok {
		v.Article = view.SeriesLink{Title: a.Title, Href: articlePath(c, a.Slug)}
	}
	p := s.page(r, "Chapter "+strconv.Itoa(n)+": "+ch.Title, "")
	p.Head = s.publicHead(r, c, chapterPath(c, n),
		"Chapter "+strconv.Itoa(n)+" of the Reflection Workbook: a short reading, "+plural(len(ch.Prompts), "prompt")+" to write about, and a practice.", "article")
	s.render(w, r, http.StatusOK, view.WorkbookChapter(p, v))
}

// paperSize reads ?size=: a4 (also when it is missing) or letter. Any other
// is answered here with a 400 saying which there are; false then.
func (s *Server) paperSize(w http.ResponseWriter, r *http.Request) (export.PageSize, bool) {
	switch size := export.PageSize(r.URL.Query().Get("size")); size {
	case "", export.A4:
		return export.A4, true
	case export.Letter:
		return export.Letter, true
	}
	s.renderError(w, r, http.StatusBadRequest, "No such paper size", "The workbook comes in two paper sizes: a4 (size=a4) and US Letter (size=letter).")
	return "", false
}

// contactOf is what the workbook's cover says of the clinic c.
func (s *Server) contactOf(c store.Clinic) export.ClinicContact {
	return export.ClinicContact{Name: c.Name, Phone: c.ContactPhone, Email: c.ContactEmail, Website: s.cfg.BaseURL}
}

// sendPDF answers with a PDF to save, named name.
func sendPDF(w http.ResponseWriter, pdf []byte, name string) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	w.WriteHeader(http.StatusOK)
	w.Write(pdf) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

// emptyWorkbooks keeps each printable workbook once made. Laying one out
// takes a tenth of a second or more of CPU, it is the same for every
// visitor of a clinic, and its address is public. A clinic that changes its
// name or contact gets a new one; the few old ones are dropped when there
// are more than a handful of clinics' worth.
var emptyWorkbooks = struct {
	sync.Mutex
	pdfs map[emptyWorkbook][]byte
}{pdfs: map[emptyWorkbook][]byte{}}

type emptyWorkbook struct {
	contact export.ClinicContact
	size    export.PageSize
}

const keptWorkbooks = 32

// workbookPDF is the empty workbook for contact on paper of size.
func workbookPDF(contact export.ClinicContact, size export.PageSize) ([]byte, error) {
	key := emptyWorkbook{contact, size}
	emptyWorkbooks.Lock()
	pdf, ok := emptyWorkbooks.pdfs[key]
	emptyWorkbooks.Unlock()
	if ok {
		return pdf, nil
	}
	var buf bytes.Buffer
	if err := export.WorkbookPDF(&buf, contact, size); err != nil {
		return nil, err
	}
	emptyWorkbooks.Lock()
	if len(emptyWorkbooks.pdfs) >= keptWorkbooks {
		clear(emptyWorkbooks.pdfs)
	}
	emptyWorkbooks.pdfs[key] = buf.Bytes()
	emptyWorkbooks.Unlock()
	return buf.Bytes(), nil
}

func (s *Server) showWorkbookPDF(w http.ResponseWriter, r *http.Request) {
	size, ok := s.paperSize(w, r)
	if !ok {
		return
	}
	series, ok := s.series(w, r)
	if !ok {
		return
	}
	pdf, err := workbookPDF(s.contactOf(series.Clinic.Clinic), size)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendPDF(w, pdf, "reflection-workbook-"+string(size)+".pdf")
}
