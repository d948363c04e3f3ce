package export

import (
	"bytes"
	"doorway/internal/timefmt"
	_ "embed"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/signintech/gopdf"
)

// DejaVu Sans is embedded because a PDF library's built-in fonts cover only
// Latin-1, and names and clinic text may not. Its licence is beside it.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Report is a client's measures report.
type Report struct {
	ClinicName  string
	ClientName  string
	DateOfBirth string
	Generated   time.Time
	// Time writes every date and time as the pages do (timefmt).
	Time timefmt.Format
	Demo bool
	// Draft marks every page of a record that is not signed yet.
	Draft       bool
	Instruments []ReportInstrument
}

// ReportInstrument is one instrument's section of the report.
type ReportInstrument struct {
	Title      string
	Chart      Chart
	Figures    []Figure
	FigureNote string
	Rows       []ReportRow
}

// Figure is one change figure, already in words.
type Figure struct{ Label, Value string }

// ReportRow is one administration.
type ReportRow struct{ Date, Total, Band, How string }

// US Letter in points, with one-inch-ish margins.
const (
	pageW    = 612.0
	pageH    = 792.0
	margin   = 48.0
	contentW = pageW - 2*margin
	footerY  = pageH - 30
)

type pdfWriter struct {
	pdf  *gopdf.GoPdf
	y    float64
	page int
	r    Report
	// total is the document's page count when known (a book's second
	// pass), for "page n of N"; 0 writes "page n".
	total int
}

// MeasuresReport renders the report as a PDF.
func MeasuresReport(r Report) ([]byte, error) {
	return writePDF("Measures report", r.Generated, r, func(w *pdfWriter) error {
		if err := w.header(); err != nil {
			return err
		}
		if len(r.Instruments) == 0 {
			if err := w.text("sans", 11, "No questionnaires have been completed yet.", 0); err != nil {
				return err
			}
		}
		for _, in := range r.Instruments {
			if err := w.section(in); err != nil {
				return err
			}
		}
		return nil
	})
}

// writePDF is what every document here shares: it starts the document,
// opens the first page, lets body write the rest, and returns the bytes.
// r carries what the page header and footer show.
func writePDF(title string, created time.Time, r Report, body func(w *pdfWriter) error) ([]byte, error) {
	// Twice: the first pass counts the pages, so the second can number
	// them "page n of N". The footer does not move the body, so both passes
	// break the pages alike.
	counted, err := drawPDF(title, created, r, 0, body)
	if err != nil {
		return nil, err
	}
	w, err := drawPDF(title, created, r, counted.page, body)
	if err != nil {
		return nil, err
	}
	pdf := w.pdf
	var buf bytes.Buffer
	if err := pdf.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawPDF lays the document out once; total is its page count, when known.
func drawPDF(title string, created time.Time, r Report, total int, body func(w *pdfWriter) error) (*pdfWriter, error) {
	pdf, err := startPDF(title, created, gopdf.PageSizeLetter)
	if err != nil {
		return nil, err
	}
	w := &pdfWriter{pdf: pdf, r: r, total: total}
	if err := w.newPage(); err != nil {
		return nil, err
	}
	if err := body(w); err != nil {
		return nil, err
	}
	return w, nil
}

// startPDF begins a document of the given page size with the embedded
// fonts. A zero created time leaves the date out, so that a document made
// from the same words is the same file each time.
func startPDF(title string, created time.Time, size *gopdf.Rect) (*gopdf.GoPdf, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *size})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Doorway", Producer: "Doorway", CreationDate: created})
	if err := pdf.AddTTFFontData("sans", fontRegular); err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	if err := pdf.AddTTFFontData("sans-bold", fontBold); err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	return pdf, nil
}

func (w *pdfWriter) newPage() error {
	w.pdf.AddPage()
	w.page++
	w.y = margin
	// The footer goes on as the page starts, so every page has one.
	if err := w.pdf.SetFont("sans", "", 8); err != nil {
		return err
	}
	w.pdf.SetTextColor(0x55, 0x64, 0x6c)
	foot := fmt.Sprintf("%s · %s · confidential health information", w.r.ClinicName, w.r.ClientName)
	if w.r.Demo {
		foot = "DEMO, invented people · " + foot
	}
	if w.r.Draft {
		// A record not yet signed says so on every page, at the top and
		// in the footer, so a printed page is never taken for the record.
		foot = "DRAFT until signed · " + foot
		if err := w.pdf.SetFont("sans-bold", "", 10); err != nil {
			return err
		}
		w.pdf.SetTextColor(0x8a, 0x4b, 0x00)
		mark := "DRAFT: not signed"
		mw, _ := w.pdf.MeasureTextWidth(mark)
		w.pdf.SetXY(pageW-margin-mw, 22)
		if err := w.pdf.Cell(nil, mark); err != nil {
			return err
		}
		if err := w.pdf.SetFont("sans", "", 8); err != nil {
			return err
		}
		w.pdf.SetTextColor(0x55, 0x64, 0x6c)
	}
	page := fmt.Sprintf("page %d", w.page)
	if w.total > 0 {
		page = fmt.Sprintf("page %d of %d", w.page, w.total)
	}
	pw, _ := w.pdf.MeasureTextWidth(page)
	// Long names are cut rather than run under the page number.
	foot = fit(w.pdf, foot, contentW-pw-12)
	w.pdf.SetXY(margin, footerY)
	if err := w.pdf.Cell(nil, foot); err != nil {
		return err
	}
	w.pdf.SetXY(pageW-margin-pw, footerY)
	if err := w.pdf.Cell(nil, page); err != nil {
		return err
	}
	w.pdf.SetTextColor(0x1f, 0x2a, 0x30)
	return nil
}

// need starts a new page unless h points fit above the footer.
func (w *pdfWriter) need(h float64) error {
	if w.y+h > footerY-12 {
		return w.newPage()
	}
	return nil
}

// text writes wrapped text at the left margin plus indent, and moves down.
func (w *pdfWriter) text(font string, size float64, s string, indent float64) error {
	if err := w.pdf.SetFont(font, "", size); err != nil {
		return err
	}
	lines, err := w.pdf.SplitTextWithWordWrap(s, contentW-indent)
	if err != nil {
		return err
	}
	return w.lines(font, size, size*1.35, margin+indent, lines)
}

// lines writes lines already wrapped, one under another from x, lh apart,
// going on to a new page where one does not fit. The font is set for each
// line, since a new page's footer leaves another one set.
func (w *pdfWriter) lines(font string, size, lh, x float64, lines []string) error {
	for _, line := range lines {
		if err := w.need(lh); err != nil {
			return err
		}
		if err := w.pdf.SetFont(font, "", size); err != nil {
			return err
		}
		w.pdf.SetXY(x, w.y)
		if err := w.pdf.Cell(nil, line); err != nil {
			return err
		}
		w.y += lh
	}
	return nil
}

func (w *pdfWriter) header() error {
	r := w.r
	who := []string{}
	if r.DateOfBirth != "" {
		who = append(who, "Date of birth "+r.DateOfBirth)
	}
	who = append(who, r.ClinicName, "Generated "+r.Time.DateTimeZone(r.Generated))
	return w.heading("Measures report", r.ClientName, who)
}

// heading opens a document: its title, whom it is about, a line of facts,
// and a rule.
func (w *pdfWriter) heading(title, name string, facts []string) error {
	if err := w.text("sans-bold", 18, title, 0); err != nil {
		return err
	}
	w.y += 4
	if err := w.text("sans-bold", 12, name, 0); err != nil {
		return err
	}
	if err := w.text("sans", 10, strings.Join(facts, " · "), 0); err != nil {
		return err
	}
	w.y += 6
	w.pdf.SetStrokeColor(0xd9, 0xdc, 0xd6)
	w.pdf.SetLineWidth(1)
	w.pdf.Line(margin, w.y, pageW-margin, w.y)
	w.y += 14
	return nil
}

const chartH = 190.0

func (w *pdfWriter) section(in ReportInstrument) error {
	// Keep the heading with its chart.
	if err := w.need(24 + chartH + 40); err != nil {
		return err
	}
	if err := w.text("sans-bold", 13, in.Title, 0); err != nil {
		return err
	}
	w.y += 4
	if err := w.chart(in.Chart.Layout(contentW, chartH)); err != nil {
		return err
	}
	w.y += chartH + 8
	if legend := bandLegend(in.Chart); legend != "" {
		if err := w.text("sans", 8, legend, 0); err != nil {
			return err
		}
	}
	w.y += 6
	for _, f := range in.Figures {
		if err := w.need(14); err != nil {
			return err
		}
		if err := w.pair(f.Label, f.Value); err != nil {
			return err
		}
	}
	if in.FigureNote != "" {
		if err := w.text("sans", 8, in.FigureNote, 0); err != nil {
			return err
		}
	}
	w.y += 8
	if err := w.table(in.Rows); err != nil {
		return err
	}
	w.y += 18
	return nil
}

func bandLegend(c Chart) string {
	var parts []string
	for _, b := range c.Instrument.Bands {
		parts = append(parts, fmt.Sprintf("%s %d–%d", b.Label, b.Min, b.Max))
	}
	s := ""
	if len(parts) > 0 {
		s = "Shaded bands, lowest first: " + strings.Join(parts, ", ") + "."
	}
	if c.Cutoff > 0 {
		s += fmt.Sprintf(" Dashed line: cut-off %d.", c.Cutoff)
	}
	if len(c.Sessions) > 0 {
		s += " Dotted vertical lines: medicine sessions."
	}
	return strings.TrimSpace(s)
}

// label writes a pair's label, in grey at the left margin, and leaves the
// text colour dark for its value.
func (w *pdfWriter) label(label string) error {
	w.pdf.SetTextColor(0x55, 0x64, 0x6c)
	w.pdf.SetXY(margin, w.y)
	if err := w.pdf.Cell(nil, label); err != nil {
		return err
	}
	w.pdf.SetTextColor(0x1f, 0x2a, 0x30)
	return nil
}

func (w *pdfWriter) pair(label, value string) error {
	if err := w.pdf.SetFont("sans", "", 10); err != nil {
		return err
	}
	if err := w.label(label); err != nil {
		return err
	}
	w.pdf.SetXY(margin+150, w.y)
	if err := w.pdf.Cell(nil, value); err != nil {
		return err
	}
	w.y += 14
	return nil
}

// table writes the scores.
func (w *pdfWriter) table(rows []ReportRow) error {
	t := Table{Head: []string{"Date", "Total", "Band", "How"}, Cols: []float64{0, 120, 190, 330}}
	for _, r := range rows {
		t.Rows = append(t.Rows, TableRow{Cells: []string{r.Date, r.Total, r.Band, r.How}})
	}
	return w.grid(t)
}

// chart draws a laid-out chart at the current position.
func (w *pdfWriter) chart(l Layout) error {
	ox, oy := margin, w.y
	p := w.pdf
	for _, b := range l.Bands {
		p.SetFillColor(b.Fill.R, b.Fill.G, b.Fill.B)
		p.RectFromUpperLeftWithStyle(ox+l.PlotX, oy+b.Y, l.PlotW, b.H, "F")
	}
	p.SetStrokeColor(0x9a, 0xa5, 0xa0)
	p.SetLineWidth(0.8)
	p.SetLineType("solid")
	p.RectFromUpperLeftWithStyle(ox+l.PlotX, oy+l.PlotY, l.PlotW, l.PlotH, "D")
	if err := p.SetFont("sans", "", 8); err != nil {
		return err
	}
	p.SetTextColor(0x55, 0x64, 0x6c)
	for _, t := range l.YTicks {
		tw, _ := p.MeasureTextWidth(t.Label)
		p.SetXY(ox+l.PlotX-5-tw, oy+t.Pos-4)
		if err := p.Cell(nil, t.Label); err != nil {
			return err
		}
	}
	for _, t := range l.XTicks {
		tw, _ := p.MeasureTextWidth(t.Label)
		p.SetXY(ox+t.Pos-tw/2, oy+l.PlotY+l.PlotH+6)
		if err := p.Cell(nil, t.Label); err != nil {
			return err
		}
	}
	if l.HasCutoff {
		p.SetStrokeColor(0xa1, 0x26, 0x2b)
		p.SetLineType("dashed")
		p.Line(ox+l.PlotX, oy+l.CutoffY, ox+l.PlotX+l.PlotW, oy+l.CutoffY)
		p.SetTextColor(0xa1, 0x26, 0x2b)
		tw, _ := p.MeasureTextWidth(l.CutoffLabel)
		p.SetXY(ox+l.PlotX+l.PlotW-tw-4, oy+l.CutoffY-14)
		if err := p.Cell(nil, l.CutoffLabel); err != nil {
			return err
		}
	}
	p.SetStrokeColor(0x2f, 0x6b, 0x5e)
	p.SetLineType("dotted")
	for _, x := range l.Sessions {
		p.Line(ox+x, oy+l.PlotY, ox+x, oy+l.PlotY+l.PlotH)
	}
	p.SetLineType("solid")
	p.SetStrokeColor(0x1f, 0x2a, 0x30)
	p.SetLineWidth(1.6)
	for i := 1; i < len(l.Points); i++ {
		a, b := l.Points[i-1], l.Points[i]
		p.Line(ox+a.X, oy+a.Y, ox+b.X, oy+b.Y)
	}
	p.SetFillColor(0x1f, 0x2a, 0x30)
	for _, pt := range l.Points {
		dot(p, ox+pt.X, oy+pt.Y, 3)
	}
	p.SetLineWidth(1)
	p.SetTextColor(0x1f, 0x2a, 0x30)
	if l.Empty {
		if err := p.SetFont("sans", "", 10); err != nil {
			return err
		}
		p.SetXY(ox+l.PlotX+10, oy+l.PlotY+10)
		return p.Cell(nil, "No scores yet.")
	}
	return nil
}

// dot fills a small circle, drawn as a 16-sided polygon: gopdf's Oval only strokes.
func dot(p *gopdf.GoPdf, x, y, r float64) {
	pts := make([]gopdf.Point, 16)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / float64(len(pts))
		pts[i] = gopdf.Point{X: x + r*math.Cos(a), Y: y + r*math.Sin(a)}
	}
	p.Polygon(pts, "F")
}
