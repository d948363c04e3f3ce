package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// ourReferences are the project's own shorthand for its sources: a document
// of ours, a section sign, a reference tag ("[V R12]", "[S R8]", "[C]").
var ourReferences = regexp.MustCompile(`\.md\b|§|\[[VS] R|\[C\]`)

// TestNoInternalReferences: no page shows a reference to the project's own
// documents or tags; each source is named as published. It visits the
// pages that show sources (the course gates, a session's gates and
// timetable, screening, the settings of screening, measures and sessions,
// the dosing order) and the client's portal.
func TestNoInternalReferences(t *testing.T) {
	srv := sqliteServer(t)
	check := func(b *tab) {
		t.Helper()
		if m := ourReferences.FindString(b.bodyText()); m != "" {
			t.Errorf("%s shows %q, a reference of ours:\n%s", b.path(), m, b.bodyText())
		}
	}
	alex := newTab(t, srv.URL, desktop)
	signIn(alex, srv.login(t, "Alex"))
	for _, p := range []string{"/admin/settings", "/admin/screening", "/admin/measures", "/admin/session-rules"} {
		alex.open(p)
		check(alex)
	}
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	tom := run(sam, "Tom's session", chromedp.Evaluate[string](`(document.querySelector("#under-way-h + ul a") || {}).href || ""`))
	for _, name := range []string{"Ruth Gallagher", "Omar Haddad", "Daniel Brooks"} {
		sam.open("/caseload")
		chart := sam.linkTo(name)
		if chart == "" {
			t.Fatalf("%s is not on Sam's caseload", name)
		}
		for _, suffix := range []string{"", "/course", "/screening", "/dosing-order"} {
			sam.open(strings.TrimPrefix(chart, srv.URL) + suffix)
			check(sam)
		}
	}
	if tom != "" {
		sam.open(tom)
		check(sam)
	}
	ruth := newTab(t, srv.URL, phone)
	signIn(ruth, srv.login(t, "Ruth"))
	for _, p := range []string{"/portal", "/portal/consent", "/portal/preparation", "/portal/progress"} {
		ruth.open(p)
		check(ruth)
	}
}
