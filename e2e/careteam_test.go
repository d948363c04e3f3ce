package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// linkTo returns the href of the first link whose text is exactly text, or "".
func (b *tab) linkTo(text string) string {
	b.t.Helper()
	js := fmt.Sprintf(`(Array.from(document.querySelectorAll("main a")).find(a => a.textContent.trim() === %q) || {}).href || ""`, text)
	return run(b, "find the link "+text, chromedp.Evaluate[string](js))
}

// chartOf is the chart of a client on the caseload the tab shows, by the
// client's name as listed; the test stops if they are not there.
func (b *tab) chartOf(name string) string {
	b.t.Helper()
	chart := b.linkTo(name)
	if chart == "" {
		b.t.Fatalf("%s is not on the caseload:\n%s", name, b.bodyText())
	}
	return chart
}

// TestCareTeamScope: a therapist opens a client on their care team and sees
// the chart; a client of the same clinic who is not on their team answers
// "Not found", with nothing of the record on the page (SECURITY.md).
func TestCareTeamScope(t *testing.T) {
	srv := sqliteServer(t)

	// Sam is on Maya Chen's care team.
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	mayaURL := sam.linkTo("Maya Chen")
	if mayaURL == "" {
		t.Fatalf("Maya Chen is not on Sam's caseload:\n%s", sam.bodyText())
	}
	sam.open(mayaURL)
	if h := sam.heading(); h != "Maya Chen" {
		t.Fatalf("Sam opened Maya's chart and sees %q", h)
	}
	if !strings.Contains(sam.text("#team-h + ul"), "Sam Okafor") {
		t.Errorf("Maya's care team does not list Sam: %q", sam.text("#team-h + ul"))
	}
	sam.screenshot("client-chart")

	// Robin has the couple, not Maya.
	robin := newTab(t, srv.URL, desktop)
	signIn(robin, srv.login(t, "Robin"))
	if robin.linkTo("Maya Chen") != "" {
		t.Error("Maya Chen is listed on Robin's caseload")
	}
	if own := robin.linkTo("Priya Sharma"); own == "" {
		t.Errorf("Priya Sharma is not on Robin's caseload:\n%s", robin.bodyText())
	} else {
		robin.open(own)
		if h := robin.heading(); h != "Priya Sharma" {
			t.Errorf("Robin opened Priya's chart and sees %q", h)
		}
	}
	robin.open(mayaURL)
	if h := robin.heading(); h != "Not found" {
		t.Errorf("Robin opened Maya's chart and sees %q, want Not found", h)
	}
	body := robin.bodyText()
	for _, leak := range []string{"Maya", "Chen", srv.login(t, "Maya").Email} {
		if strings.Contains(body, leak) {
			t.Errorf("the Not found page shows %q:\n%s", leak, body)
		}
	}
	robin.screenshot("not-found")
}
