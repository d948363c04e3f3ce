package web

import (
	"strings"
	"testing"
)

func TestClientSeesOwnProgressOnly(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	// The fixture gives client A two PHQ-9s: totals 14 (20 days ago) and 13 (10 days ago).
	a := f.do("clientA", "GET", "/portal/progress", nil)
	body := a.Body.String()
	if a.Code != 200 || !strings.Contains(body, "<svg class=\"chart\"") || strings.Count(body, "<td>14</td>") != 1 || strings.Count(body, "<td>13</td>") != 1 {
		t.Fatalf("client A's progress: %d", a.Code)
	}
	if !strings.Contains(body, "Moderate") {
		t.Error("the band is not named")
	}
	b := f.do("clientB", "GET", "/portal/progress", nil)
	if b.Code != 200 || !strings.Contains(b.Body.String(), "not completed a questionnaire yet") || strings.Contains(b.Body.String(), "<td>14</td>") {
		t.Errorf("client B sees: %d", b.Code)
	}
}
