package export

import (
	"bytes"
	"doorway/internal/export/pdftest"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRecordPDFRenders lays out a long record: a chart, a table that runs
// over pages with a struck-through row, and a label longer than its column.
func TestRecordPDFRenders(t *testing.T) {
	dose := time.Date(2026, 3, 3, 18, 20, 0, 0, time.UTC)
	vitals := &VitalsChart{Dose: dose, AlertSystolic: 180}
	table := &Table{Head: []string{"Time", "After dose", "BP", "Entered by"}, Cols: []float64{0, 62, 130, 200}}
	for i := -1; i < 60; i++ {
		at := dose.Add(time.Duration(i*5) * time.Minute)
		vitals.Readings = append(vitals.Readings, VitalsPoint{At: at, Systolic: 120 + i%20, Diastolic: 80, HeartRate: 70, SpO2: 97})
		table.Rows = append(table.Rows, TableRow{Cells: []string{at.Format("15:04"), fmt.Sprintf("+%d min", i*5), "120/80",
			"Staff member with a long name; struck through because it was entered for the wrong client"}, Struck: i == 3})
	}
	r := Record{Title: "Medicine session record", ClinicName: "Stillwater Ketamine Therapy", ClientName: "Zoë Ångström",
		Facts: []string{"Date of birth 1988-06-14"}, Generated: dose.Add(3 * time.Hour), Demo: true,
		Sections: []Section{
			{Title: "Gate overrides", Pairs: []Figure{{"Override: Consent: Informed consent for ketamine-assisted psychotherapy", "Signed on paper."}}},
			{Title: "Vital signs", Vitals: vitals, Table: table},
			{Title: "Addenda", Empty: "None."},
			{Title: "A chart with no readings", Vitals: &VitalsChart{Dose: dose}, Empty: "No readings were taken."},
		}}
	pdf, err := RecordPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	if n := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page ")) + bytes.Count(pdf, []byte("/Type /Page>")); n < 2 {
		t.Errorf("%d pages, want the 61 readings to need at least 2", n)
	}
	if out := os.Getenv("DOORWAY_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A record not yet signed says DRAFT on every page; every page of any
// record is numbered "page n of N".
func TestRecordDraftAndPageNumbers(t *testing.T) {
	for _, draft := range []bool{true, false} {
		r := Record{Title: "Medicine session record", ClinicName: "Main Clinic", ClientName: "Avery", Facts: []string{"Main Clinic"}, Draft: draft}
		for i := range 40 {
			r.Sections = append(r.Sections, Section{Title: "Part " + strconv.Itoa(i), Notes: []string{strings.Repeat("A line of the record. ", 20)}})
		}
		pdf, err := RecordPDF(r)
		if err != nil {
			t.Fatal(err)
		}
		pages := pdftest.Pages(t, pdf)
		if len(pages) < 2 {
			t.Fatalf("want several pages, got %d", len(pages))
		}
		for i, p := range pages {
			if got := strings.Contains(p, "DRAFT: not signed"); got != draft {
				t.Errorf("draft %v: page %d says DRAFT: %v", draft, i+1, got)
			}
			if want := fmt.Sprintf("page %d of %d", i+1, len(pages)); !strings.Contains(p, want) {
				t.Errorf("page %d is not numbered %q", i+1, want)
			}
		}
	}
}
