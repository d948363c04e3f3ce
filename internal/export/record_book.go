package export

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/signintech/gopdf"
)

// Book is a long record in chapters, with a contents page: a client's whole
// record, to read or to take to another clinic. The caller words
// everything; this file lays it out, each chapter from a new page, in the
// sections Record uses.
type Book struct {
	Title      string
	ClinicName string
	ClientName string
	// Facts is the line under the client's name.
	Facts     []string
	Generated time.Time
	Demo      bool
	// Intro is said on the first page, before the contents.
	Intro    []string
	Chapters []Chapter
}

// Chapter is one part of a book: its sections, or Empty when it has none.
type Chapter struct {
	Title    string
	Sections []Section
	Empty    string
}

// bookPlan is what the first pass learns for the second: where each
// chapter starts, and how many pages there are.
type bookPlan struct {
	chapterPage []int
	total       int
}

// BookPDF writes b as a PDF: a first page with the title, the intro and
// the contents (each chapter with the page it starts on, and a link to
// it), then the chapters, every page numbered "page n of N". The document
// is laid out twice: the contents and the footers need numbers known only
// once everything is placed. The contents fit the first page whatever the
// numbers say, so the second pass places everything where the first did.
func BookPDF(out io.Writer, b Book) error {
	var plan bookPlan
	for pass := 1; pass <= 2; pass++ {
		pdf, err := startPDF(b.Title, b.Generated, gopdf.PageSizeLetter)
		if err != nil {
			return err
		}
		w := &pdfWriter{pdf: pdf, r: Report{ClinicName: b.ClinicName, ClientName: b.ClientName, Demo: b.Demo}, total: plan.total}
		found, err := w.book(b, plan)
		if err != nil {
			return err
		}
		if pass == 1 {
			plan = found
			continue
		}
		if fmt.Sprint(found) != fmt.Sprint(plan) {
			return fmt.Errorf("export: the record's layout did not settle: %v, then %v", plan, found)
		}
		return pdf.Write(out)
	}
	return nil
}

func bookAnchor(i int) string { return "part-" + strconv.Itoa(i+1) }

// book lays b out once, with the page numbers plan holds (none on the
// first pass), and says where everything went.
func (w *pdfWriter) book(b Book, plan bookPlan) (bookPlan, error) {
	var found bookPlan
	if err := w.newPage(); err != nil {
		return found, err
	}
	w.pdf.AddOutline("Contents")
	if err := w.heading(b.Title, b.ClientName, b.Facts); err != nil {
		return found, err
	}
	for _, p := range b.Intro {
		if err := w.text("sans", 10, p, 0); err != nil {
			return found, err
		}
		w.y += 4
	}
	w.y += 8
	if err := w.text("sans-bold", 13, "Contents", 0); err != nil {
		return found, err
	}
	w.y += 4
	const row = 20.0
	for i, c := range b.Chapters {
		if err := w.need(row); err != nil {
			return found, err
		}
		page := 0
		if i < len(plan.chapterPage) {
			page = plan.chapterPage[i]
		}
		num := strconv.Itoa(page)
		if err := w.pdf.SetFont("sans", "", 11); err != nil {
			return found, err
		}
		nw, _ := w.pdf.MeasureTextWidth(num)
		title := fit(w.pdf, fmt.Sprintf("%d. %s", i+1, c.Title), contentW-nw-40)
		tw, _ := w.pdf.MeasureTextWidth(title)
		w.pdf.SetXY(margin, w.y)
		if err := w.pdf.Cell(nil, title); err != nil {
			return found, err
		}
		// A dotted leader from the title to its page number.
		w.pdf.SetStrokeColor(0xc4, 0xcc, 0xc8)
		w.pdf.SetLineType("dotted")
		w.pdf.SetLineWidth(0.8)
		w.pdf.Line(margin+tw+6, w.y+9, pageW-margin-nw-6, w.y+9)
		w.pdf.SetLineType("solid")
		w.pdf.SetXY(pageW-margin-nw, w.y)
		if err := w.pdf.Cell(nil, num); err != nil {
			return found, err
		}
		w.pdf.AddInternalLink(bookAnchor(i), margin, w.y-3, contentW, row-4)
		w.y += row
	}
	if w.page != 1 {
		return found, fmt.Errorf("export: the contents of %d parts do not fit the first page", len(b.Chapters))
	}
	for i, c := range b.Chapters {
		if err := w.newPage(); err != nil {
			return found, err
		}
		found.chapterPage = append(found.chapterPage, w.page)
		w.pdf.SetXY(margin, w.y)
		w.pdf.SetAnchor(bookAnchor(i))
		w.pdf.AddOutline(fmt.Sprintf("%d. %s", i+1, c.Title))
		if err := w.text("sans-bold", 16, fmt.Sprintf("%d. %s", i+1, c.Title), 0); err != nil {
			return found, err
		}
		w.y += 8
		if len(c.Sections) == 0 && c.Empty != "" {
			w.pdf.SetTextColor(0x55, 0x64, 0x6c)
			if err := w.text("sans", 10, c.Empty, 0); err != nil {
				return found, err
			}
			w.pdf.SetTextColor(0x1f, 0x2a, 0x30)
		}
		for _, s := range c.Sections {
			if err := w.recordSection(s); err != nil {
				return found, err
			}
		}
	}
	found.total = w.page
	return found, nil
}
