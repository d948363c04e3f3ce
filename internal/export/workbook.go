package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"doorway/internal/markdown"
	"doorway/internal/workbook"
)

// ClinicContact is how a reader reaches the clinic that gave them the
// workbook. Empty fields are left off the cover.
type ClinicContact struct {
	Name, Phone, Email, Website string
}

// PageSize is the paper a document is laid out for.
type PageSize string

const (
	A4     PageSize = "a4"
	Letter PageSize = "letter"
)

func (s PageSize) rect() (*gopdf.Rect, error) {
	switch s {
	case A4:
		return gopdf.PageSizeA4, nil
	case Letter:
		return gopdf.PageSizeLetter, nil
	}
	return nil, fmt.Errorf("export: unknown page size %q (want %q or %q)", s, A4, Letter)
}

// WorkbookPDF writes the Reflection Workbook for print: a cover with the
// clinic's name and contact, a contents page, then each chapter's reading,
// its prompts each with lines to write on by hand, and its practice.
func WorkbookPDF(w io.Writer, clinic ClinicContact, size PageSize) error {
	return writeWorkbook(w, clinic, size, nil)
}

// FilledWorkbookPDF is the workbook with a client's own answers, keyed by
// prompt id, written on the lines under each prompt, and a few blank lines
// after them to add to by hand. A prompt with no answer has the full set of
// blank lines, as in the empty workbook. The file is the client's private
// writing; the caller decides who may have it.
func FilledWorkbookPDF(w io.Writer, clinic ClinicContact, size PageSize, answers map[string]string) error {
	if answers == nil {
		answers = map[string]string{}
	}
	return writeWorkbook(w, clinic, size, answers)
}

// The workbook's measures, in points. Lines to write on are 20 points apart,
// about 7 mm, the spacing of college-ruled paper; eight of them under a
// prompt leave room for a few sentences by hand, and three prompts still
// fit on a page of either size.
const (
	wbMargin     = 54.0
	wbFooterGap  = 36.0 // from the foot of the page to the footer line
	wbBodySize   = 10.5
	wbBodyLead   = 15.5
	wbRuleGap    = 20.0
	wbBlankLines = 8
	// wbMoreLines follow a written answer, for what the client adds by hand.
	wbMoreLines  = 2
	wbPromptIndt = 20.0
	wbPanelPad   = 16.0
)

var (
	wbInk    = RGB{0x1f, 0x2a, 0x30}
	wbGrey   = RGB{0x55, 0x64, 0x6c}
	wbAccent = RGB{0x2f, 0x6b, 0x5e}
	wbPale   = RGB{0xee, 0xf4, 0xf1}
	wbRule   = RGB{0xc4, 0xcc, 0xc8}
	// wbAnswer is the colour of a client's own words, a pen's blue, so they
	// read as theirs beside the printed questions.
	wbAnswer = RGB{0x1d, 0x4e, 0x89}
)

// wbPlan is what a first layout pass learns and the second one prints: the
// page each chapter starts on (for the contents page) and the page count
// (for "page n of N").
type wbPlan struct {
	chapterPage []int
	total       int
}

func writeWorkbook(out io.Writer, clinic ClinicContact, size PageSize, answers map[string]string) error {
	rect, err := size.rect()
	if err != nil {
		return err
	}
	chapters := workbook.Chapters()
	// The document is laid out twice: the contents page and the footers
	// need page numbers that are only known once everything is placed. The
	// contents page is one page whatever the numbers say, so the second
	// pass places everything where the first did.
	var plan wbPlan
	for pass := 1; pass <= 2; pass++ {
		pdf, err := startPDF("The Reflection Workbook", time.Time{}, rect)
		if err != nil {
			return err
		}
		wb := &wbWriter{pdf: pdf, pageW: rect.W, pageH: rect.H, clinic: clinic, answers: answers, plan: plan}
		if err := wb.document(chapters); err != nil {
			return err
		}
		if pass == 1 {
			plan = wb.found
			continue
		}
		if fmt.Sprint(wb.found) != fmt.Sprint(plan) {
			return fmt.Errorf("export: the workbook's layout did not settle: %v, then %v", plan, wb.found)
		}
		return pdf.Write(out)
	}
	return nil
}

type wbWriter struct {
	pdf          *gopdf.GoPdf
	pageW, pageH float64
	clinic       ClinicContact
	answers      map[string]string // nil: the empty workbook
	plan         wbPlan            // from the first pass; empty during it
	found        wbPlan            // what this pass laid out
	y            float64
	page         int
	// running is the footer's words on the pages being written.
	running string
}

func (w *wbWriter) contentW() float64 { return w.pageW - 2*wbMargin }
func (w *wbWriter) footerY() float64  { return w.pageH - wbFooterGap }

// bottom is as far down as anything but the footer may reach, leaving
// clear space above the footer's rule.
func (w *wbWriter) bottom() float64 { return w.footerY() - 24 }

func (w *wbWriter) filled() bool { return w.answers != nil }

func (w *wbWriter) document(chapters []workbook.Chapter) error {
	if err := w.cover(); err != nil {
		return err
	}
	if err := w.contents(chapters); err != nil {
		return err
	}
	for _, c := range chapters {
		if err := w.chapter(c); err != nil {
			return err
		}
	}
	if err := w.notes(); err != nil {
		return err
	}
	w.found.total = w.page
	return nil
}

// newPage starts a page and writes its footer: the running words on the
// left, "page n of N" on the right. The cover has none.
func (w *wbWriter) newPage() error {
	w.pdf.AddPage()
	w.page++
	w.y = wbMargin
	if w.page == 1 {
		return nil
	}
	if err := w.font("sans", 8); err != nil {
		return err
	}
	w.color(wbGrey)
	num := fmt.Sprintf("page %d of %d", w.page, w.plan.total)
	nw, _ := w.pdf.MeasureTextWidth(num)
	left := fit(w.pdf, w.running, w.contentW()-nw-24)
	w.pdf.SetStrokeColor(wbRule.R, wbRule.G, wbRule.B)
	w.pdf.SetLineType("solid")
	w.pdf.SetLineWidth(0.5)
	w.pdf.Line(wbMargin, w.footerY()-6, w.pageW-wbMargin, w.footerY()-6)
	if err := w.at(wbMargin, w.footerY(), left); err != nil {
		return err
	}
	if err := w.at(w.pageW-wbMargin-nw, w.footerY(), num); err != nil {
		return err
	}
	w.color(wbInk)
	return nil
}

// fit cuts s with an ellipsis until it is no wider than width in the
// current font.
func fit(pdf *gopdf.GoPdf, s string, width float64) string {
	for sw, _ := pdf.MeasureTextWidth(s); sw > width && len([]rune(s)) > 4; sw, _ = pdf.MeasureTextWidth(s) {
		r := []rune(strings.TrimSuffix(s, "…"))
		s = strings.TrimSpace(string(r[:len(r)-2])) + "…"
	}
	return s
}

// need starts a new page unless h points fit above the footer.
func (w *wbWriter) need(h float64) error {
	if w.y+h > w.bottom() {
		return w.newPage()
	}
	return nil
}

func (w *wbWriter) font(name string, size float64) error { return w.pdf.SetFont(name, "", size) }

func (w *wbWriter) color(c RGB) { w.pdf.SetTextColor(c.R, c.G, c.B) }

func (w *wbWriter) at(x, y float64, s string) error {
	w.pdf.SetXY(x, y)
	return w.pdf.Cell(nil, s)
}

// wrap breaks s into lines no wider than width in the given font. A "\n"
// in s always breaks; an empty s is one empty line.
func (w *wbWriter) wrap(font string, size float64, s string, width float64) ([]string, error) {
	if err := w.font(font, size); err != nil {
		return nil, err
	}
	if s == "" {
		return []string{""}, nil
	}
	lines, err := w.pdf.SplitTextWithWordWrap(s, width)
	if err != nil {
		return nil, err
	}
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return lines, nil
}

// flow writes wrapped lines from x, lead apart, going on to a new page
// where one does not fit. The first keep lines stay together, so a
// paragraph never leaves a lone line at the foot of a page.
func (w *wbWriter) flow(font string, size, lead, x float64, lines []string, keep int) error {
	if err := w.need(lead * float64(min(keep, len(lines)))); err != nil {
		return err
	}
	for _, line := range lines {
		if err := w.need(lead); err != nil {
			return err
		}
		if err := w.font(font, size); err != nil {
			return err
		}
		if err := w.at(x, w.y, line); err != nil {
			return err
		}
		w.y += lead
	}
	return nil
}

func (w *wbWriter) cover() error {
	if err := w.newPage(); err != nil {
		return err
	}
	p, cw := w.pdf, w.contentW()
	w.y = wbMargin + 40
	if err := w.font("sans-bold", 9); err != nil {
		return err
	}
	w.color(wbAccent)
	if err := w.at(wbMargin, w.y, "A FREE WORKBOOK"); err != nil {
		return err
	}
	w.y += 22
	w.color(wbInk)
	lines, err := w.wrap("sans-bold", 32, "The Reflection Workbook", cw)
	if err != nil {
		return err
	}
	if err := w.flow("sans-bold", 32, 40, wbMargin, lines, 1); err != nil {
		return err
	}
	w.y += 6
	lines, err = w.wrap("sans", 13, "Readings, reflection prompts and practices for ketamine-assisted psychotherapy, from first curiosity to life after treatment.", cw)
	if err != nil {
		return err
	}
	w.color(wbGrey)
	if err := w.flow("sans", 13, 19, wbMargin, lines, 1); err != nil {
		return err
	}
	if w.filled() {
		w.y += 10
		w.color(wbAnswer)
		if err := w.flow("sans-bold", 11, 16, wbMargin, []string{"With your own answers"}, 1); err != nil {
			return err
		}
	}
	w.color(wbInk)
	w.doorway(w.pageW/2, w.y+40, min(150, cw*0.34))

	// The clinic, at the foot of the cover.
	var contact []string
	for _, s := range []string{w.clinic.Phone, w.clinic.Email, w.clinic.Website} {
		if s = strings.TrimSpace(s); s != "" {
			contact = append(contact, s)
		}
	}
	note := "This workbook is not medical advice, and it does not replace care from a qualified team. If you are in crisis, call your local emergency number or a crisis line now."
	if w.filled() {
		note = "These pages hold your own private writing. Keep them somewhere safe. " + note
	}
	noteLines, err := w.wrap("sans", 8.5, note, cw)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(w.clinic.Name)
	blockH := 16 + float64(len(contact))*15 + 18 + float64(len(noteLines))*12
	if name != "" {
		blockH += 22
	}
	w.y = w.bottom() - blockH
	p.SetStrokeColor(wbAccent.R, wbAccent.G, wbAccent.B)
	p.SetLineWidth(1.2)
	p.Line(wbMargin, w.y, wbMargin+60, w.y)
	w.y += 16
	if name != "" {
		if err := w.font("sans", 9); err != nil {
			return err
		}
		w.color(wbGrey)
		if err := w.at(wbMargin, w.y, "From"); err != nil {
			return err
		}
		w.y += 12
		w.color(wbInk)
		if err := w.font("sans-bold", 13); err != nil {
			return err
		}
		if err := w.at(wbMargin, w.y, fit(p, name, cw)); err != nil {
			return err
		}
		w.y += 10
	}
	w.y += 8
	if err := w.font("sans", 10.5); err != nil {
		return err
	}
	for _, s := range contact {
		if err := w.at(wbMargin, w.y, fit(p, s, cw)); err != nil {
			return err
		}
		w.y += 15
	}
	w.y += 10
	w.color(wbGrey)
	if err := w.flow("sans", 8.5, 12, wbMargin, noteLines, len(noteLines)); err != nil {
		return err
	}
	w.color(wbInk)
	return nil
}

// doorway draws the cover's picture: an open, arched doorway with warm
// light in it and falling out of it, centred on cx with its top at top.
func (w *wbWriter) doorway(cx, top, width float64) {
	p := w.pdf
	h := width * 1.45
	r := width / 2
	left, right := cx-r, cx+r
	springY := top + r // where the arch meets the sides
	base := top + h
	var arch []gopdf.Point
	arch = append(arch, gopdf.Point{X: left, Y: base})
	const n = 32
	for i := 0; i <= n; i++ {
		a := float64(i) / n * math.Pi
		arch = append(arch, gopdf.Point{X: cx - r*math.Cos(a), Y: springY - r*math.Sin(a)})
	}
	arch = append(arch, gopdf.Point{X: right, Y: base})
	// Light on the floor, widening towards the reader.
	spread := width * 0.5
	p.SetFillColor(0xf6, 0xf1, 0xde)
	p.Polygon([]gopdf.Point{{X: left, Y: base}, {X: right, Y: base}, {X: right + spread, Y: base + width*0.4}, {X: left - spread, Y: base + width*0.4}}, "F")
	// The opening, lit from beyond.
	p.SetFillColor(0xfb, 0xf5, 0xe1)
	p.Polygon(arch, "F")
	// The frame and the threshold.
	p.SetStrokeColor(wbAccent.R, wbAccent.G, wbAccent.B)
	p.SetLineWidth(2)
	p.SetLineType("solid")
	for i := 1; i < len(arch); i++ {
		p.Line(arch[i-1].X, arch[i-1].Y, arch[i].X, arch[i].Y)
	}
	p.Line(left-18, base, right+18, base)
	p.SetLineWidth(1)
	w.y = base + width*0.4
}

func (w *wbWriter) contents(chapters []workbook.Chapter) error {
	w.running = "The Reflection Workbook"
	if err := w.newPage(); err != nil {
		return err
	}
	w.pdf.AddOutline("Contents")
	cw := w.contentW()
	if err := w.heading("Contents", ""); err != nil {
		return err
	}
	intro := []string{
		"This workbook walks alongside ketamine-assisted psychotherapy, from first curiosity to life after a course. Each chapter has a short reading, a few prompts with space to write, and one practice for the body and breath.",
		"There are no right answers, and nobody needs to see what you write unless you choose to show them. Skip anything that does not feel right today, and come back when you are ready. If writing stirs up something that frightens you, put the workbook down and reach out to your clinic or someone you trust.",
	}
	for _, s := range intro {
		lines, err := w.wrap("sans", wbBodySize, s, cw)
		if err != nil {
			return err
		}
		if err := w.flow("sans", wbBodySize, wbBodyLead, wbMargin, lines, len(lines)); err != nil {
			return err
		}
		w.y += 7
	}
	w.y += 14
	const row = 27.0
	for i, c := range chapters {
		page := 0
		if i < len(w.plan.chapterPage) {
			page = w.plan.chapterPage[i]
		}
		num, pageNo := strconv.Itoa(c.Number), strconv.Itoa(page)
		if err := w.font("sans-bold", 12); err != nil {
			return err
		}
		w.color(wbAccent)
		if err := w.at(wbMargin, w.y, num); err != nil {
			return err
		}
		w.color(wbInk)
		pw, _ := w.pdf.MeasureTextWidth(pageNo)
		if err := w.font("sans", 12); err != nil {
			return err
		}
		title := fit(w.pdf, c.Title, cw-28-pw-40)
		tw, _ := w.pdf.MeasureTextWidth(title)
		if err := w.at(wbMargin+28, w.y, title); err != nil {
			return err
		}
		// A dotted leader from the title to its page number.
		w.pdf.SetStrokeColor(wbRule.R, wbRule.G, wbRule.B)
		w.pdf.SetLineType("dotted")
		w.pdf.SetLineWidth(0.8)
		w.pdf.Line(wbMargin+28+tw+8, w.y+10, w.pageW-wbMargin-pw-8, w.y+10)
		w.pdf.SetLineType("solid")
		if err := w.font("sans-bold", 12); err != nil {
			return err
		}
		if err := w.at(w.pageW-wbMargin-pw, w.y, pageNo); err != nil {
			return err
		}
		// The whole row opens the chapter in a reader that follows links.
		w.pdf.AddInternalLink(chapterAnchor(c.Number), wbMargin, w.y-4, cw, row-4)
		w.y += row
	}
	return nil
}

func chapterAnchor(n int) string { return "chapter-" + strconv.Itoa(n) }

// heading writes a page's title, with a small line over it (a chapter's
// number) when kicker is set, and a short rule under it.
func (w *wbWriter) heading(title, kicker string) error {
	if kicker != "" {
		if err := w.font("sans-bold", 10); err != nil {
			return err
		}
		w.color(wbAccent)
		if err := w.at(wbMargin, w.y, kicker); err != nil {
			return err
		}
		w.color(wbInk)
		w.y += 18
	}
	lines, err := w.wrap("sans-bold", 22, title, w.contentW())
	if err != nil {
		return err
	}
	if err := w.flow("sans-bold", 22, 28, wbMargin, lines, len(lines)); err != nil {
		return err
	}
	w.y += 4
	w.pdf.SetStrokeColor(wbAccent.R, wbAccent.G, wbAccent.B)
	w.pdf.SetLineType("solid")
	w.pdf.SetLineWidth(1.2)
	w.pdf.Line(wbMargin, w.y, wbMargin+60, w.y)
	w.y += 22
	return nil
}

func (w *wbWriter) chapter(c workbook.Chapter) error {
	w.running = fmt.Sprintf("The Reflection Workbook · Chapter %d · %s", c.Number, c.Title)
	if err := w.newPage(); err != nil {
		return err
	}
	w.found.chapterPage = append(w.found.chapterPage, w.page)
	w.pdf.SetXY(wbMargin, w.y)
	w.pdf.SetAnchor(chapterAnchor(c.Number))
	w.pdf.AddOutline(fmt.Sprintf("%d. %s", c.Number, c.Title))
	if err := w.heading(c.Title, fmt.Sprintf("CHAPTER %d", c.Number)); err != nil {
		return err
	}
	if err := w.reading(c.Reading); err != nil {
		return err
	}
	// The prompts start on a page of their own, so the pages to write on
	// can be copied or torn out without the reading.
	if err := w.newPage(); err != nil {
		return err
	}
	if err := w.subheading("Reflect", "Write, draw or simply think. Take the prompts in any order, and skip any that do not feel right today."); err != nil {
		return err
	}
	for i, pr := range c.Prompts {
		if err := w.prompt(i+1, pr); err != nil {
			return err
		}
	}
	return w.practice(c.Practice)
}

// reading sets a chapter's Markdown as printed paragraphs, headings and
// list items.
func (w *wbWriter) reading(src string) error {
	cw := w.contentW()
	var prev markdown.Kind
	for i, b := range markdown.Blocks(src) {
		// A list ends with the space a paragraph ends with.
		inList := b.Kind == markdown.Bullet || b.Kind == markdown.Numbered
		if i > 0 && !inList && (prev == markdown.Bullet || prev == markdown.Numbered) {
			w.y += 4
		}
		prev = b.Kind
		switch b.Kind {
		case markdown.Heading:
			lines, err := w.wrap("sans-bold", 12, b.Text, cw)
			if err != nil {
				return err
			}
			// Keep a heading with the first lines under it.
			if err := w.need(18*float64(len(lines)) + 3*wbBodyLead); err != nil {
				return err
			}
			w.y += 4
			if err := w.flow("sans-bold", 12, 18, wbMargin, lines, len(lines)); err != nil {
				return err
			}
		case markdown.Bullet, markdown.Numbered:
			indent := 16 + float64(b.Level)*16
			mark := "•"
			if b.Kind == markdown.Numbered {
				mark = strconv.Itoa(b.Number) + "."
			}
			lines, err := w.wrap("sans", wbBodySize, b.Text, cw-indent)
			if err != nil {
				return err
			}
			if err := w.need(wbBodyLead * float64(min(2, len(lines)))); err != nil {
				return err
			}
			if err := w.font("sans", wbBodySize); err != nil {
				return err
			}
			w.color(wbAccent)
			if err := w.at(wbMargin+indent-14, w.y, mark); err != nil {
				return err
			}
			w.color(wbInk)
			if err := w.flow("sans", wbBodySize, wbBodyLead, wbMargin+indent, lines, 2); err != nil {
				return err
			}
			w.y += 3
		case markdown.Quote:
			lines, err := w.wrap("sans", wbBodySize, b.Text, cw-20)
			if err != nil {
				return err
			}
			w.color(wbGrey)
			if err := w.flow("sans", wbBodySize, wbBodyLead, wbMargin+20, lines, 2); err != nil {
				return err
			}
			w.color(wbInk)
			w.y += 7
		default:
			indent := float64(b.Level) * 16
			lines, err := w.wrap("sans", wbBodySize, b.Text, cw-indent)
			if err != nil {
				return err
			}
			if err := w.flow("sans", wbBodySize, wbBodyLead, wbMargin+indent, lines, 2); err != nil {
				return err
			}
			w.y += 7
		}
	}
	return nil
}

// subheading opens a part of a chapter: a title and a line in grey.
func (w *wbWriter) subheading(title, note string) error {
	lines, err := w.wrap("sans", 9.5, note, w.contentW())
	if err != nil {
		return err
	}
	if err := w.need(22 + 14*float64(len(lines)) + 120); err != nil {
		return err
	}
	if err := w.flow("sans-bold", 16, 22, wbMargin, []string{title}, 1); err != nil {
		return err
	}
	w.color(wbGrey)
	if err := w.flow("sans", 9.5, 14, wbMargin, lines, len(lines)); err != nil {
		return err
	}
	w.color(wbInk)
	w.y += 14
	return nil
}

// prompt writes one prompt and the lines under it: blank lines to write on,
// or the client's answer set on them followed by a few blank ones.
func (w *wbWriter) prompt(n int, pr workbook.Prompt) error {
	cw := w.contentW()
	lines, err := w.wrap("sans-bold", wbBodySize, pr.Text, cw-wbPromptIndt)
	if err != nil {
		return err
	}
	var answer []string
	if w.filled() {
		if a := cleanAnswer(w.answers[pr.ID]); a != "" {
			if answer, err = w.wrap("sans", wbBodySize, a, cw-wbPromptIndt); err != nil {
				return err
			}
		}
	}
	ruled := wbBlankLines
	if len(answer) > 0 {
		ruled = max(len(answer)+wbMoreLines, wbBlankLines)
	}
	// A prompt is never parted from its lines: all of them when they fit on
	// a page, and otherwise (a long answer) the first few.
	promptH := wbBodyLead*float64(len(lines)) + 4
	if err := w.need(promptH + wbRuleGap*float64(min(ruled, wbBlankLines))); err != nil {
		return err
	}
	if err := w.font("sans-bold", wbBodySize); err != nil {
		return err
	}
	w.color(wbAccent)
	if err := w.at(wbMargin, w.y, strconv.Itoa(n)); err != nil {
		return err
	}
	w.color(wbInk)
	if err := w.flow("sans-bold", wbBodySize, wbBodyLead, wbMargin+wbPromptIndt, lines, len(lines)); err != nil {
		return err
	}
	w.y += 4
	for i := 0; i < ruled; i++ {
		page := w.page
		if err := w.need(wbRuleGap); err != nil {
			return err
		}
		// An answer that runs on to a new page says whose lines these are.
		if w.page != page {
			if err := w.font("sans", 8.5); err != nil {
				return err
			}
			w.color(wbGrey)
			if err := w.at(wbMargin+wbPromptIndt, w.y, fmt.Sprintf("Prompt %d, continued", n)); err != nil {
				return err
			}
			w.color(wbInk)
			w.y += 12
		}
		if i < len(answer) && answer[i] != "" {
			if err := w.font("sans", wbBodySize); err != nil {
				return err
			}
			w.color(wbAnswer)
			// The words sit on the line, as handwriting would.
			if err := w.at(wbMargin+wbPromptIndt, w.y+wbRuleGap-14.5, answer[i]); err != nil {
				return err
			}
			w.color(wbInk)
		}
		w.y += wbRuleGap
		w.pdf.SetStrokeColor(wbRule.R, wbRule.G, wbRule.B)
		w.pdf.SetLineType("solid")
		w.pdf.SetLineWidth(0.6)
		w.pdf.Line(wbMargin+wbPromptIndt, w.y, w.pageW-wbMargin, w.y)
	}
	w.y += 20
	return nil
}

// cleanAnswer makes a client's text printable: tabs and other control
// characters become spaces, and runs of blank lines become one.
func cleanAnswer(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		}
		return r
	}, s)
	var out []string
	blank := false
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// practice writes a chapter's practice on a pale panel, kept whole on one
// page.
func (w *wbWriter) practice(pr workbook.Practice) error {
	inner := w.contentW() - 2*wbPanelPad
	title, err := w.wrap("sans-bold", 13, "Practice: "+pr.Title, inner)
	if err != nil {
		return err
	}
	var text [][]string
	for _, para := range strings.Split(pr.Text, "\n\n") {
		lines, err := w.wrap("sans", 10, para, inner)
		if err != nil {
			return err
		}
		text = append(text, lines)
	}
	steps := make([][]string, len(pr.Steps))
	for i, s := range pr.Steps {
		if steps[i], err = w.wrap("sans", 10, s, inner-20); err != nil {
			return err
		}
	}
	const lead = 14.5
	h := 2*wbPanelPad + 19*float64(len(title)) + 8
	for _, lines := range text {
		h += lead*float64(len(lines)) + 6
	}
	for _, lines := range steps {
		h += lead*float64(len(lines)) + 4
	}
	// The last line's lead is mostly space under its letters; the panel's
	// padding already gives that.
	h -= 8
	// A panel that does not fit under the last prompt starts the next page,
	// and the space it leaves becomes lines to write on rather than a
	// half-empty page.
	if w.y+h > w.bottom() {
		if err := w.ruledRest("More space to write"); err != nil {
			return err
		}
		if err := w.newPage(); err != nil {
			return err
		}
	}
	w.pdf.SetFillColor(wbPale.R, wbPale.G, wbPale.B)
	w.pdf.RectFromUpperLeftWithStyle(wbMargin, w.y, w.contentW(), h, "F")
	w.pdf.SetFillColor(wbAccent.R, wbAccent.G, wbAccent.B)
	w.pdf.RectFromUpperLeftWithStyle(wbMargin, w.y, 3, h, "F")
	x := wbMargin + wbPanelPad
	w.y += wbPanelPad
	if err := w.flow("sans-bold", 13, 19, x, title, len(title)); err != nil {
		return err
	}
	w.y += 8
	for _, lines := range text {
		if err := w.flow("sans", 10, lead, x, lines, len(lines)); err != nil {
			return err
		}
		w.y += 6
	}
	for i, lines := range steps {
		if err := w.font("sans-bold", 10); err != nil {
			return err
		}
		w.color(wbAccent)
		if err := w.at(x, w.y, strconv.Itoa(i+1)); err != nil {
			return err
		}
		w.color(wbInk)
		if err := w.flow("sans", 10, lead, x+20, lines, len(lines)); err != nil {
			return err
		}
		w.y += 4
	}
	w.y += wbPanelPad - 8 + 20
	return w.ruledRest("After the practice: what did you notice?")
}

// ruledRest fills the rest of the page with lines to write on, under a
// small label, when there is room for at least three.
func (w *wbWriter) ruledRest(label string) error {
	if w.y+16+3*wbRuleGap > w.bottom() {
		return nil
	}
	if err := w.font("sans", 9.5); err != nil {
		return err
	}
	w.color(wbGrey)
	if err := w.at(wbMargin, w.y, label); err != nil {
		return err
	}
	w.color(wbInk)
	w.y += 6
	w.pdf.SetStrokeColor(wbRule.R, wbRule.G, wbRule.B)
	w.pdf.SetLineType("solid")
	w.pdf.SetLineWidth(0.6)
	for w.y+wbRuleGap <= w.bottom() {
		w.y += wbRuleGap
		w.pdf.Line(wbMargin, w.y, w.pageW-wbMargin, w.y)
	}
	return nil
}

// notes ends the workbook with a page of lines for anything else.
func (w *wbWriter) notes() error {
	w.running = "The Reflection Workbook · Notes"
	if err := w.newPage(); err != nil {
		return err
	}
	w.pdf.AddOutline("Notes")
	if err := w.heading("Notes", ""); err != nil {
		return err
	}
	return w.ruledRest("Anything else you want to keep.")
}
