package export

import (
	"fmt"
	"time"
)

// Record is a document made of titled sections: the medicine session record
// as a PDF. The caller words everything; this file only lays it out.
type Record struct {
	Title      string
	ClinicName string
	ClientName string
	// Facts is the line under the client's name: date of birth, clinic, when
	// the document was made.
	Facts     []string
	Generated time.Time
	Demo      bool
	// Draft: the record is not signed yet; every page says so.
	Draft    bool
	Sections []Section
}

// Section is one titled part of a record. Its parts are drawn in this
// order: pairs, notes, the vitals chart, the table; Empty when it has none.
type Section struct {
	Title  string
	Pairs  []Figure
	Notes  []string
	Vitals *VitalsChart
	Table  *Table
	Empty  string
}

// Table is a table whose cells wrap within their columns. Cols are the left
// edge of each column, in points from the margin.
type Table struct {
	Head []string
	Cols []float64
	Rows []TableRow
}

// TableRow is one row; a struck row (a reading entered in error) is drawn
// grey with a line through it.
type TableRow struct {
	Cells  []string
	Struck bool
}

// VitalsChart is a session's readings over the minutes around the dose.
type VitalsChart struct {
	Dose     time.Time
	Readings []VitalsPoint // struck-through readings left out
	// AlertSystolic draws the alert line (180 by default); 0: none.
	AlertSystolic int
}

// VitalsPoint is one set of readings; 0 is not measured.
type VitalsPoint struct {
	At                                   time.Time
	Systolic, Diastolic, HeartRate, SpO2 int
}

// RecordPDF renders a record.
func RecordPDF(d Record) ([]byte, error) {
	return writePDF(d.Title, d.Generated, Report{ClinicName: d.ClinicName, ClientName: d.ClientName, Demo: d.Demo, Draft: d.Draft}, func(w *pdfWriter) error {
		if err := w.heading(d.Title, d.ClientName, d.Facts); err != nil {
			return err
		}
		for _, s := range d.Sections {
			if err := w.recordSection(s); err != nil {
				return err
			}
		}
		return nil
	})
}

func (w *pdfWriter) recordSection(s Section) error {
	hasChart := s.Vitals != nil && len(s.Vitals.Readings) > 0
	hasTable := s.Table != nil && len(s.Table.Rows) > 0
	// Keep a heading with the first lines under it, or with its chart.
	keep := 50.0
	if hasChart && len(s.Pairs) == 0 && len(s.Notes) == 0 {
		keep = vitalsBlockH + 24
	}
	if err := w.need(keep); err != nil {
		return err
	}
	if err := w.text("sans-bold", 12, s.Title, 0); err != nil {
		return err
	}
	w.y += 3
	for _, p := range s.Pairs {
		if err := w.wrappedPair(p.Label, p.Value); err != nil {
			return err
		}
	}
	for _, n := range s.Notes {
		if err := w.text("sans", 9.5, n, 0); err != nil {
			return err
		}
		w.y += 2
	}
	if hasChart {
		if err := w.vitalsChart(*s.Vitals); err != nil {
			return err
		}
	}
	if hasTable {
		w.y += 4
		if err := w.grid(*s.Table); err != nil {
			return err
		}
	}
	if len(s.Pairs) == 0 && len(s.Notes) == 0 && !hasTable && !hasChart && s.Empty != "" {
		w.pdf.SetTextColor(0x55, 0x64, 0x6c)
		if err := w.text("sans", 9.5, s.Empty, 0); err != nil {
			return err
		}
		w.pdf.SetTextColor(0x1f, 0x2a, 0x30)
	}
	w.y += 12
	return nil
}

const pairLabelW = 150.0

// wrappedPair is pair for values that may run to several lines.
func (w *pdfWriter) wrappedPair(label, value string) error {
	if err := w.pdf.SetFont("sans", "", 9.5); err != nil {
		return err
	}
	lines, err := w.pdf.SplitTextWithWordWrap(value, contentW-pairLabelW)
	if err != nil || len(lines) == 0 {
		lines = []string{value}
	}
	const lh = 13.0
	if err := w.need(lh * float64(min(len(lines), 3))); err != nil {
		return err
	}
	if err := w.label(label); err != nil {
		return err
	}
	// A label too long for its column has a line to itself.
	if lw, _ := w.pdf.MeasureTextWidth(label); lw > pairLabelW-8 {
		w.y += lh
	}
	return w.lines("sans", 9.5, lh, margin+pairLabelW, lines)
}

// grid writes a table, a header row first, repeating it on each new page.
// Cells wrap within their column; a row is never split across pages.
func (w *pdfWriter) grid(t Table) error {
	const lh = 12.0
	width := func(i int) float64 {
		if i+1 < len(t.Cols) {
			return t.Cols[i+1] - t.Cols[i] - 6
		}
		return contentW - t.Cols[i]
	}
	head := func() error {
		if err := w.pdf.SetFont("sans-bold", "", 9); err != nil {
			return err
		}
		for i, h := range t.Head {
			w.pdf.SetXY(margin+t.Cols[i], w.y)
			if err := w.pdf.Cell(nil, h); err != nil {
				return err
			}
		}
		w.y += 13
		w.pdf.SetStrokeColor(0xd9, 0xdc, 0xd6)
		w.pdf.SetLineType("solid")
		w.pdf.SetLineWidth(1)
		w.pdf.Line(margin, w.y-2, pageW-margin, w.y-2)
		return nil
	}
	if err := w.need(30); err != nil {
		return err
	}
	if err := head(); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := w.pdf.SetFont("sans", "", 9); err != nil {
			return err
		}
		cells := make([][]string, len(r.Cells))
		n := 1
		for i, c := range r.Cells {
			lines, err := w.pdf.SplitTextWithWordWrap(c, width(i))
			if err != nil || len(lines) == 0 {
				lines = []string{c}
			}
			cells[i] = lines
			n = max(n, len(lines))
		}
		h := float64(n)*lh + 1
		if w.y+h > footerY-12 {
			if err := w.newPage(); err != nil {
				return err
			}
			if err := head(); err != nil {
				return err
			}
			if err := w.pdf.SetFont("sans", "", 9); err != nil {
				return err
			}
		}
		if r.Struck {
			w.pdf.SetTextColor(0x80, 0x88, 0x8c)
		}
		for i, lines := range cells {
			for j, line := range lines {
				w.pdf.SetXY(margin+t.Cols[i], w.y+float64(j)*lh)
				if err := w.pdf.Cell(nil, line); err != nil {
					return err
				}
			}
		}
		if r.Struck {
			w.pdf.SetStrokeColor(0x80, 0x88, 0x8c)
			w.pdf.SetLineWidth(0.6)
			w.pdf.Line(margin, w.y+lh/2, pageW-margin, w.y+lh/2)
			w.pdf.SetTextColor(0x1f, 0x2a, 0x30)
		}
		w.y += h
	}
	return nil
}

// The vitals chart: blood pressure and heart rate share one scale (both
// fall between 40 and 220), SpO2 has a strip of its own below.
const (
	vitalsChartH = 170.0
	spo2StripH   = 60.0
	vitalsLeft   = 34.0
	vitalsRight  = 10.0
	vitalsLow    = 40
	vitalsHigh   = 220
	spo2Low      = 85
	// vitalsBlockH is the whole chart: both plots, the axis and the legend.
	vitalsBlockH = vitalsChartH + spo2StripH + 60
)

var (
	colSystolic  = RGB{0x1d, 0x4e, 0x89}
	colDiastolic = RGB{0x6a, 0x9b, 0xd1}
	colHR        = RGB{0xb3, 0x5c, 0x00}
	colSpO2      = RGB{0x2f, 0x6b, 0x5e}
	colAlert     = RGB{0xa1, 0x26, 0x2b}
	colAxis      = RGB{0x55, 0x64, 0x6c}
)

// vitalsChart draws the readings against minutes from the dose (negative
// before it), with a legend.
func (w *pdfWriter) vitalsChart(c VitalsChart) error {
	if err := w.need(vitalsBlockH); err != nil {
		return err
	}
	p := w.pdf
	ox, oy := margin+vitalsLeft, w.y+6
	pw := contentW - vitalsLeft - vitalsRight
	minutes := func(t time.Time) float64 { return t.Sub(c.Dose).Minutes() }
	lo, hi := 0.0, 120.0
	for _, r := range c.Readings {
		lo, hi = min(lo, minutes(r.At)), max(hi, minutes(r.At))
	}
	lo, hi = lo-5, hi+5
	x := func(t time.Time) float64 { return ox + (minutes(t)-lo)/(hi-lo)*pw }
	yBP := func(v int) float64 {
		v = min(max(v, vitalsLow), vitalsHigh)
		return oy + vitalsChartH - float64(v-vitalsLow)/float64(vitalsHigh-vitalsLow)*vitalsChartH
	}
	sy := oy + vitalsChartH + 14
	ySpO2 := func(v int) float64 {
		v = min(max(v, spo2Low), 100)
		return sy + spo2StripH - float64(v-spo2Low)/float64(100-spo2Low)*spo2StripH
	}
	setStroke := func(c RGB) { p.SetStrokeColor(c.R, c.G, c.B) }
	setText := func(c RGB) { p.SetTextColor(c.R, c.G, c.B) }
	label := func(s string, x, y float64, right bool) error {
		if right {
			tw, _ := p.MeasureTextWidth(s)
			x -= tw
		}
		p.SetXY(x, y)
		return p.Cell(nil, s)
	}
	if err := p.SetFont("sans", "", 7.5); err != nil {
		return err
	}
	// Frames and gridlines.
	p.SetLineType("solid")
	p.SetLineWidth(0.6)
	setStroke(RGB{0xd9, 0xdc, 0xd6})
	setText(colAxis)
	for v := 60; v <= vitalsHigh; v += 40 {
		p.Line(ox, yBP(v), ox+pw, yBP(v))
		if err := label(fmt.Sprint(v), ox-4, yBP(v)-4, true); err != nil {
			return err
		}
	}
	for _, v := range []int{90, 95, 100} {
		p.Line(ox, ySpO2(v), ox+pw, ySpO2(v))
		if err := label(fmt.Sprintf("%d%%", v), ox-4, ySpO2(v)-4, true); err != nil {
			return err
		}
	}
	setStroke(RGB{0x9a, 0xa5, 0xa0})
	p.RectFromUpperLeftWithStyle(ox, oy, pw, vitalsChartH, "D")
	p.RectFromUpperLeftWithStyle(ox, sy, pw, spo2StripH, "D")
	// Minutes along the bottom, every 15 for the first hour then every 30.
	for m := 0; float64(m) <= hi; {
		if float64(m) >= lo {
			t := c.Dose.Add(time.Duration(m) * time.Minute)
			if err := label(fmt.Sprint(m), x(t)-4, sy+spo2StripH+4, false); err != nil {
				return err
			}
			setStroke(RGB{0xee, 0xef, 0xec})
			p.Line(x(t), oy, x(t), oy+vitalsChartH)
		}
		if m < 60 {
			m += 15
		} else {
			m += 30
		}
	}
	if err := label("minutes after the dose", ox+pw, sy+spo2StripH+14, true); err != nil {
		return err
	}
	// The dose, and the alert line.
	setStroke(colSpO2)
	p.SetLineType("dotted")
	p.SetLineWidth(1)
	p.Line(x(c.Dose), oy, x(c.Dose), sy+spo2StripH)
	setText(colSpO2)
	if err := label("dose", x(c.Dose)+3, oy+2, false); err != nil {
		return err
	}
	if c.AlertSystolic > 0 {
		setStroke(colAlert)
		p.SetLineType("dashed")
		p.Line(ox, yBP(c.AlertSystolic), ox+pw, yBP(c.AlertSystolic))
		setText(colAlert)
		if err := label(fmt.Sprintf("alert %d", c.AlertSystolic), ox+pw-2, yBP(c.AlertSystolic)-10, true); err != nil {
			return err
		}
	}
	p.SetLineType("solid")
	series := func(col RGB, width float64, val func(VitalsPoint) int, y func(int) float64) {
		setStroke(col)
		p.SetFillColor(col.R, col.G, col.B)
		p.SetLineWidth(width)
		var prev *VitalsPoint
		for i := range c.Readings {
			r := &c.Readings[i]
			if val(*r) == 0 {
				continue
			}
			if prev != nil {
				p.Line(x(prev.At), y(val(*prev)), x(r.At), y(val(*r)))
			}
			dot(p, x(r.At), y(val(*r)), 2.4)
			prev = r
		}
	}
	series(colSystolic, 1.6, func(r VitalsPoint) int { return r.Systolic }, yBP)
	series(colDiastolic, 1.4, func(r VitalsPoint) int { return r.Diastolic }, yBP)
	series(colHR, 1.2, func(r VitalsPoint) int { return r.HeartRate }, yBP)
	series(colSpO2, 1.4, func(r VitalsPoint) int { return r.SpO2 }, ySpO2)
	p.SetLineWidth(1)
	// Legend: a swatch and a word for each line.
	w.y = sy + spo2StripH + 28
	lx := margin
	for _, it := range []struct {
		c RGB
		s string
	}{{colSystolic, "Systolic (mmHg)"}, {colDiastolic, "Diastolic (mmHg)"}, {colHR, "Heart rate (per min)"}, {colSpO2, "SpO2 (lower strip)"}} {
		p.SetFillColor(it.c.R, it.c.G, it.c.B)
		p.RectFromUpperLeftWithStyle(lx, w.y+1, 10, 6, "F")
		setText(colAxis)
		if err := label(it.s, lx+14, w.y-1, false); err != nil {
			return err
		}
		tw, _ := p.MeasureTextWidth(it.s)
		lx += tw + 30
	}
	setText(RGB{0x1f, 0x2a, 0x30})
	w.y += 16
	return nil
}
