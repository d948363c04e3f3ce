package export

import (
	"bytes"
	"os"
	"testing"
	"time"

	"doorway/internal/measures"
	"doorway/internal/timefmt"
)

// sampleReport is a client with a year of weekly PHQ-9s (enough for a second
// page), a GAD-7 and a PCL-5 with its cut-off.
func sampleReport() Report {
	phq9, _ := measures.ByID(measures.PHQ9)
	gad7, _ := measures.ByID(measures.GAD7)
	pcl5, _ := measures.ByID(measures.PCL5)
	loc, _ := time.LoadLocation("America/Los_Angeles")
	start := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	section := func(in *measures.Instrument, totals []int, cutoff int) ReportInstrument {
		ri := ReportInstrument{Title: in.Title + " (" + in.ShortTitle + ")", Chart: Chart{Instrument: in, Time: timefmt.New(loc, ""), Cutoff: cutoff,
			Sessions: []time.Time{start.AddDate(0, 0, 10), start.AddDate(0, 0, 24)}},
			Figures: []Figure{{"Baseline", "19 on Jan 5, 2026"}, {"Response", "yes (down 50% or more from baseline)"}}}
		for i, t := range totals {
			at := start.AddDate(0, 0, 7*i)
			ri.Chart.Points = append(ri.Chart.Points, ChartPoint{At: at, Total: t})
			ri.Rows = append(ri.Rows, ReportRow{Date: at.In(loc).Format("Jan 2, 2006"), Total: itoa(t), Band: "Moderate", How: "portal"})
		}
		return ri
	}
	var long []int
	for i := 0; i < 40; i++ {
		long = append(long, 19-i/4)
	}
	return Report{ClinicName: "Stillwater Ketamine Therapy", ClientName: "Maya Chen — Zoë Ångström", DateOfBirth: "1988-06-14",
		Generated: start.AddDate(0, 3, 0), Time: timefmt.New(loc, ""), Demo: true,
		Instruments: []ReportInstrument{section(phq9, long, 0), section(gad7, []int{14, 12, 9, 7}, 0), section(pcl5, []int{41, 30, 18}, 33)}}
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

func TestMeasuresReportRenders(t *testing.T) {
	pdf, err := MeasuresReport(sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	if n := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page ")) + bytes.Count(pdf, []byte("/Type /Page>")); n < 2 {
		t.Errorf("%d pages, want the long report to need at least 2", n)
	}
	// DOORWAY_PDF_OUT keeps the file for a person to look at.
	if out := os.Getenv("DOORWAY_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := MeasuresReport(Report{ClinicName: "c", ClientName: "x"}); err != nil {
		t.Errorf("an empty report: %v", err)
	}
}

func TestChartLayout(t *testing.T) {
	phq9, _ := measures.ByID(measures.PHQ9)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := Chart{Instrument: phq9, Points: []ChartPoint{{at, 27}, {at.AddDate(0, 0, 10), 0}}}.Layout(300, 200)
	if len(l.Bands) != 5 || len(l.Points) != 2 {
		t.Fatalf("layout: %+v", l)
	}
	// 27 is the top of the plot, 0 its bottom; the bands tile it with no gap.
	if l.Points[0].Y != l.PlotY || l.Points[1].Y != l.PlotY+l.PlotH {
		t.Errorf("points at %v and %v, want %v and %v", l.Points[0].Y, l.Points[1].Y, l.PlotY, l.PlotY+l.PlotH)
	}
	for i := 1; i < len(l.Bands); i++ {
		if d := l.Bands[i].Y + l.Bands[i].H - l.Bands[i-1].Y; d > 1e-9 || d < -1e-9 {
			t.Errorf("band %d does not meet band %d", i, i-1)
		}
	}
	if l.Points[0].X <= l.PlotX || l.Points[1].X >= l.PlotX+l.PlotW {
		t.Error("points sit on the frame")
	}
	if e := (Chart{Instrument: phq9}).Layout(300, 200); !e.Empty {
		t.Error("a chart with no points is not marked empty")
	}
}
