package export

import (
	"os"
	"strings"
	"testing"

	"doorway/internal/export/pdftest"
)

// TestCourseSummaryPDF lays out a summary with the measures report's
// charts, a sessions table, goals and two reflections of several
// paragraphs, and reads its text back: every part is there, in order, and
// a summary without reflections says why.
func TestCourseSummaryPDF(t *testing.T) {
	r := sampleReport()
	s := CourseSummary{ClinicName: r.ClinicName, ClientName: "Noah Williams", Facts: []string{"Course from Jan 5, 2026 to Apr 20, 2026", "Completed"},
		Generated: r.Generated, Demo: true,
		Opening: []Section{{Title: "Medicine sessions", Table: &Table{Head: []string{"Date", "Dose", "Route"}, Cols: []float64{0, 150, 260},
			Rows: []TableRow{{Cells: []string{"Jan 15, 2026", "250 mg", "Sublingual rapid-dissolving tablet"}}}}}},
		Instruments: r.Instruments[:2],
		Closing: []Section{{Title: "Goals and intentions", Table: &Table{Head: []string{"Goal", "How it ended", "In Noah's words"}, Cols: []float64{0, 200, 320},
			Rows: []TableRow{{Cells: []string{"PHQ-9 below 5", "Achieved", "I feel like myself again."}}}}}},
		ReflectionsTitle: "Shared reflections",
		Reflections: []Passage{
			{Heading: "Jan 16, 2026 · The morning after", Paragraphs: []string{"Colours, and my grandmother's kitchen.", strings.Repeat("A long paragraph. ", 60)}},
			{Heading: "Feb 2, 2026", Paragraphs: []string{"The knot in my chest has loosened."}},
		}}
	pdf, err := CourseSummaryPDF(s)
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("DOORWAY_PDF_OUT"); out != "" {
		os.WriteFile(out, pdf, 0o644)
	}
	all := strings.Join(pdftest.Pages(t, pdf), " ")
	last := -1
	for _, want := range []string{"Course summary", "Noah Williams", "Medicine sessions", "250 mg", "Scores over the course", "Patient Health Questionnaire",
		"Dotted vertical lines: medicine sessions.", "Goals and intentions", "I feel like myself again.", "Shared reflections",
		"Jan 16, 2026 · The morning after", "my grandmother's kitchen", "The knot in my chest has loosened."} {
		i := strings.Index(all, want)
		if i < 0 {
			t.Errorf("the summary lacks %q", want)
			continue
		}
		if i < last {
			t.Errorf("%q is out of order", want)
		}
		last = i
	}

	s.Reflections, s.ReflectionsNote = nil, "Noah has chosen not to include his shared reflections."
	pdf, err = CourseSummaryPDF(s)
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(pdftest.Pages(t, pdf), " "); !strings.Contains(all, s.ReflectionsNote) || strings.Contains(all, "grandmother") {
		t.Errorf("a summary without reflections reads:\n%s", all)
	}
}
