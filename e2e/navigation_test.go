package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNavigationShowsWhereYouAre: the main navigation marks the section a
// page belongs to (a client's chart and their trends are under the
// caseload), one link at a time, and every page names a favicon the server
// serves.
func TestNavigationShowsWhereYouAre(t *testing.T) {
	srv := sqliteServer(t)
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.chartOf("Maya Chen")
	current := func(b *tab) []string {
		return run(b, "current section", chromedp.Evaluate[[]string](`[...document.querySelectorAll('nav.main a[aria-current="page"]')].map(a => a.textContent.trim())`))
	}
	for path, want := range map[string]string{
		"/caseload":              "Caseload",
		chart:                    "Caseload",
		chart + "/measures/phq9": "Caseload",
		"/schedule":              "Schedule",
		"/account":               "Account",
	} {
		sam.open(path)
		if got := current(sam); len(got) != 1 || got[0] != want {
			t.Errorf("Sam at %s: the navigation marks %v, want %q", path, got, want)
		}
	}
	icon := run(sam, "favicon", chromedp.Evaluate[string](`document.querySelector('link[rel="icon"]')?.href || ""`))
	if icon == "" {
		t.Fatal("the page names no favicon")
	}
	resp, err := http.Get(icon)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(body), "<svg") {
		t.Errorf("the favicon %s answers %d %q", icon, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
