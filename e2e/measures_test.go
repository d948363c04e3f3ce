package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestClientCompletesPHQ9OnPhone: Sam assigns Maya a PHQ-9 from her chart;
// Maya, on a 390 × 844 phone, opens it from her portal, sends it with a
// question left out (it comes back naming it, her answers kept), then
// answers every question, question 9 with "Several days", and sees crisis
// resources at once. Sam then sees the score, its band and the open safety
// flag on the caseload and the chart, and acknowledges it with a note.
// Every page passes axe (checkPage).
func TestClientCompletesPHQ9OnPhone(t *testing.T) {
	srv := sqliteServer(t)

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	mayaChart := sam.linkTo("Maya Chen")
	if mayaChart == "" {
		t.Fatalf("Maya Chen is not on Sam's caseload:\n%s", sam.bodyText())
	}
	sam.open(mayaChart)
	sam.do("choose PHQ-9", chromedp.SetValue(chromedp.ID("assign-instrument"), "phq9"))
	sam.submit(`form[action$="/assignments"] button[type="submit"]`)
	if !strings.Contains(sam.text(".notice.ok"), "PHQ-9 is assigned") {
		t.Fatalf("after assigning, the notice says %q", sam.text(".notice.ok"))
	}

	maya := newTab(t, srv.URL, phone)
	if got := signIn(maya, srv.login(t, "Maya")); got != "/portal" {
		t.Fatalf("Maya landed on %s", got)
	}
	if !strings.Contains(maya.text("#due-h + p + ul"), "PHQ-9") {
		t.Fatalf("Maya's portal does not list the PHQ-9:\n%s", maya.bodyText())
	}
	maya.screenshot("portal-due")
	maya.open("/portal/measures/phq9")
	if !strings.Contains(maya.bodyText(), "Question 3 of 10") {
		t.Error("the form does not show progress as 'Question n of m'")
	}
	// Questions 1–8 "More than half the days", question 9 left out.
	for q := 1; q <= 8; q++ {
		maya.do(fmt.Sprintf("answer question %d", q), chromedp.Click(chromedp.ID(fmt.Sprintf("q%d-2", q))))
	}
	maya.screenshot("phq9-form")
	maya.submit(`form.measure button[type="submit"]`)
	if msg := maya.text("#form-errors"); !strings.Contains(msg, "Question 9") || strings.Contains(msg, "Question 8") {
		t.Errorf("the error summary says %q, want question 9 named and only it", msg)
	}
	checked := run(maya, "count kept answers", chromedp.Evaluate[int](`document.querySelectorAll("form.measure input:checked").length`))
	if checked != 8 {
		t.Errorf("%d answers kept after the refusal, want 8", checked)
	}
	maya.screenshot("phq9-missing")
	maya.do("answer question 9", chromedp.Click(chromedp.ID("q9-1")))
	maya.submit(`form.measure button[type="submit"]`)
	crisis := maya.text(".notice.crisis")
	for _, want := range []string{"Help is available right now", "988", "911", "(541) 555-0142"} {
		if !strings.Contains(crisis, want) {
			t.Errorf("the crisis resources lack %q:\n%s", want, crisis)
		}
	}
	maya.screenshot("phq9-crisis")

	// Sam sees it on the caseload board and the chart.
	sam.open("/caseload")
	flags := sam.text(".notice.flag")
	if !strings.Contains(flags, "Maya Chen") || !strings.Contains(flags, "PHQ-9 question 9") {
		t.Errorf("the caseload's flags say %q", flags)
	}
	sam.screenshot("caseload-flag")
	sam.open(mayaChart)
	latest := sam.text(`#measures-h + div table`)
	if !strings.Contains(latest, "17") || !strings.Contains(latest, "Moderately severe") {
		t.Errorf("the chart's latest scores say %q, want 17 and Moderately severe", latest)
	}
	if !sam.has(".flag-row.open") {
		t.Error("the chart shows no open safety flag")
	}
	sam.screenshot("chart-flag")
	noteID := run(sam, "note field", chromedp.Evaluate[string](`document.querySelector(".flag-row.open textarea").id`))
	sam.do("type the note", chromedp.SendKeys(chromedp.ID(noteID), "Called Maya within the hour; safe, safety plan reviewed, session moved up."))
	sam.submit(`.flag-row.open form button[type="submit"]`)
	if sam.has(".flag-row.open") {
		t.Error("the flag is still open after acknowledging it with a note")
	}
	trends := mayaChart + "/measures/phq9"
	sam.open(trends)
	if !sam.has("svg.chart") || !strings.Contains(sam.bodyText(), "Reliable improvement") {
		t.Errorf("the trends page has no chart or change figures:\n%s", sam.bodyText())
	}
	sam.screenshot("trends-phq9")
	sam.setViewport(phone)
	sam.open(trends)
	sam.screenshot("trends-phq9")
}
