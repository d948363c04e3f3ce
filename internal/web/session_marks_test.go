package web

import (
	"doorway/internal/timefmt"
	"net/http"
	"strings"
	"testing"
)

// TestTrendChartMarksMedicineSessions: the dose of a medicine session is a
// dotted line on the trend chart, named in the legend and in the chart's
// description for screen readers, and in the measures report's legend.
func TestTrendChartMarksMedicineSessions(t *testing.T) {
	f := readyFixture(t)
	trends := "/clients/" + f.clients["A"].ID + "/measures/phq9"
	before := f.do("assigned", "GET", trends, nil)
	if before.Code != http.StatusOK {
		t.Fatalf("trends: %d", before.Code)
	}
	if n := strings.Count(before.Body.String(), `class="session-mark"`); n != 0 || !strings.Contains(before.Body.String(), "(none recorded yet)") {
		t.Errorf("before any dose: %d session marks", n)
	}

	f.dosed(t)
	after := f.do("assigned", "GET", trends, nil).Body.String()
	if n := strings.Count(after, `class="session-mark"`); n != 1 {
		t.Errorf("after one dose: %d session marks, want 1", n)
	}
	if strings.Contains(after, "(none recorded yet)") {
		t.Error("the legend still says no sessions are recorded")
	}
	if day := dateText(f.now, timefmt.New(f.clinic.Location(), "")); !strings.Contains(after, "Medicine sessions: "+day+".") {
		t.Errorf("the chart's description does not name the session on %s", day)
	}

	pdf := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID+"/measures.pdf", nil)
	if pdf.Code != http.StatusOK {
		t.Fatalf("measures report: %d", pdf.Code)
	}
	if text := pdfText(t, pdf.Body.Bytes()); !strings.Contains(text, "Dotted vertical lines: medicine sessions.") {
		t.Error("the measures report's legend does not name the session markers")
	}
}
