// Package export turns records into files and pictures people take away: the
// measures report and the session record as PDF, the Reflection Workbook for
// print (empty, or with a client's own answers), sessions as an iCalendar
// feed or .ics file (ical.go), and the layout of the score chart that both
// the PDF and the web page draw. Everything here is given
// data and returns bytes or geometry; it reads no database and checks no
// access.
package export

import (
	"fmt"
	"math"
	"time"

	"doorway/internal/measures"
	"doorway/internal/timefmt"
)

// Chart is one instrument's totals over time.
type Chart struct {
	Instrument *measures.Instrument
	Points     []ChartPoint // oldest first
	// Sessions are the client's medicine sessions (their dose times), marked
	// on the time axis so a change in score can be read against them.
	Sessions []time.Time
	// Cutoff draws a dashed line at a total (the PCL-5 cut-off); 0: none.
	Cutoff int
	// Time writes the axis and the points' dates as the pages do.
	Time timefmt.Format
}

// ChartPoint is one completed administration.
type ChartPoint struct {
	At    time.Time
	Total int
}

// Layout is a chart measured out for a canvas of a given size: every
// coordinate is in the canvas's units, y growing downwards.
type Layout struct {
	W, H                       float64
	PlotX, PlotY, PlotW, PlotH float64
	Bands                      []BandRect
	Points                     []PointXY
	YTicks, XTicks             []Tick
	Sessions                   []float64 // x of each session marker
	HasCutoff                  bool
	CutoffY                    float64
	CutoffLabel                string
	Max                        int
	From, To                   time.Time
	Empty                      bool
}

// BandRect is a shaded severity band.
type BandRect struct {
	Y, H  float64
	Label string
	Fill  RGB
}

// PointXY is a plotted score.
type PointXY struct {
	X, Y  float64
	Total int
	Date  string // in the clinic's zone
}

// Tick is an axis label at a position.
type Tick struct {
	Pos   float64
	Label string
}

// RGB is a colour.
type RGB struct{ R, G, B uint8 }

// Hex is the colour as #rrggbb, for SVG presentation attributes.
func (c RGB) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// bandRamp runs from calm green to soft red. The fills are pale so points,
// lines and text drawn over them keep their contrast.
var bandRamp = []RGB{{0xe3, 0xf1, 0xe4}, {0xf1, 0xf5, 0xdc}, {0xfd, 0xf1, 0xd8}, {0xfc, 0xe2, 0xcf}, {0xf9, 0xd6, 0xd6}}

// BandFill is the shade of band i of n.
func BandFill(i, n int) RGB {
	if n <= 1 {
		return bandRamp[0]
	}
	return bandRamp[int(math.Round(float64(i)*float64(len(bandRamp)-1)/float64(n-1)))]
}

// MaxTotal is the highest total an instrument can reach: the top of its last
// band where it has bands, else the sum of its scored items' maxima.
func MaxTotal(in *measures.Instrument) int {
	if n := len(in.Bands); n > 0 {
		return in.Bands[n-1].Max
	}
	sum := 0
	for _, it := range in.Items {
		if it.Scored {
			sum += it.MaxScore()
		}
	}
	return sum
}

// Margins leave room for the axis labels.
const (
	marginLeft   = 34.0
	marginRight  = 12.0
	marginTop    = 10.0
	marginBottom = 28.0
)

// Layout measures the chart out on a w × h canvas.
func (c Chart) Layout(w, h float64) Layout {
	tf := c.Time
	if tf.Loc == nil {
		tf.Loc = time.UTC
	}
	l := Layout{W: w, H: h, PlotX: marginLeft, PlotY: marginTop, PlotW: w - marginLeft - marginRight, PlotH: h - marginTop - marginBottom}
	l.Max = MaxTotal(c.Instrument)
	if l.Max <= 0 {
		l.Max = 1
	}
	y := func(v float64) float64 { return l.PlotY + l.PlotH - v/float64(l.Max)*l.PlotH }

	// Each band covers from its lowest total to the next band's, so the
	// shading has no gaps between integer totals.
	for i, b := range c.Instrument.Bands {
		top := float64(b.Max + 1)
		if i == len(c.Instrument.Bands)-1 {
			top = float64(l.Max)
		}
		y0, y1 := y(top), y(float64(b.Min))
		l.Bands = append(l.Bands, BandRect{Y: y0, H: y1 - y0, Label: b.Label, Fill: BandFill(i, len(c.Instrument.Bands))})
		l.YTicks = append(l.YTicks, Tick{Pos: y(float64(b.Min)), Label: fmt.Sprint(b.Min)})
	}
	if len(c.Instrument.Bands) == 0 {
		step := 5
		if l.Max > 40 {
			step = 10
		}
		for v := 0; v < l.Max; v += step {
			l.YTicks = append(l.YTicks, Tick{Pos: y(float64(v)), Label: fmt.Sprint(v)})
		}
	}
	l.YTicks = append(l.YTicks, Tick{Pos: y(float64(l.Max)), Label: fmt.Sprint(l.Max)})
	if c.Cutoff > 0 && c.Cutoff <= l.Max {
		l.HasCutoff, l.CutoffY, l.CutoffLabel = true, y(float64(c.Cutoff)), fmt.Sprintf("cut-off %d", c.Cutoff)
	}

	// The time axis spans the points and the sessions, with a little room
	// either side so the first and last points are not on the frame.
	var times []time.Time
	for _, p := range c.Points {
		times = append(times, p.At)
	}
	times = append(times, c.Sessions...)
	if len(times) == 0 {
		l.Empty = true
		return l
	}
	from, to := times[0], times[0]
	for _, t := range times {
		if t.Before(from) {
			from = t
		}
		if t.After(to) {
			to = t
		}
	}
	span := to.Sub(from)
	pad := span / 20
	if pad < 24*time.Hour {
		pad = 24 * time.Hour
	}
	from, to = from.Add(-pad), to.Add(pad)
	l.From, l.To = from, to
	x := func(t time.Time) float64 {
		return l.PlotX + float64(t.Sub(from))/float64(to.Sub(from))*l.PlotW
	}
	for _, p := range c.Points {
		l.Points = append(l.Points, PointXY{X: x(p.At), Y: y(float64(p.Total)), Total: p.Total, Date: tf.Date(p.At)})
	}
	for _, s := range c.Sessions {
		l.Sessions = append(l.Sessions, x(s))
	}
	// Five date labels at most, evenly spaced in time.
	n := 4
	if w < 400 {
		n = 2
	}
	for i := 0; i <= n; i++ {
		t := from.Add(time.Duration(float64(to.Sub(from)) * float64(i) / float64(n)))
		l.XTicks = append(l.XTicks, Tick{Pos: x(t), Label: tf.Short(t)})
	}
	return l
}
