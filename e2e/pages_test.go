package e2e

import (
	"strings"
	"testing"
)

// page is one page of the tour: where it is and what its screenshot is called.
type tourPage struct {
	name string
	// path is a path of the site, or a link text on the previous page
	// (prefixed "link:") for pages whose URL holds a random id.
	path string
	// heading is what the page's h1 must say (a prefix is enough).
	heading string
}

// tours are the main pages of each kind of visitor.
var tours = []struct {
	who   string // "" for a visitor who is not signed in
	pages []tourPage
}{
	{"", []tourPage{
		{"start", "/", "A calm way through"},
		{"about-kap", "/about-kap", "What ketamine-assisted psychotherapy is"},
		{"inquire", "/inquire", "Get in touch"},
		{"series", "/series", "The article series by e-mail"},
		{"signin", "/login", "Sign in"},
		{"forgot", "/forgot", "Forgotten password"},
		{"not-found-page", "/no/such/page", "Not found"},
	}},
	{"Alex", []tourPage{
		{"admin-staff", "/admin/staff", "Staff"},
		{"admin-staff-member", "link:Sam Okafor", "Sam Okafor"},
		{"admin-settings", "/admin/settings", "Clinic settings"},
		{"admin-audit", "/admin/audit", "Audit log"},
		{"admin-outbox", "/admin/outbox", "Outbox"},
		{"admin-clients", "/caseload", "Clients"},
		{"add-client", "/clients/new", "Add a client"},
		{"admin-account", "/account", "Your account"},
		{"account-2fa", "/account/2fa", "Two-step sign-in"},
	}},
	{"Jordan", []tourPage{
		{"prescriber-caseload", "/caseload", "Your caseload"},
	}},
	{"Sam", []tourPage{
		{"therapist-caseload", "/caseload", "Your caseload"},
		{"therapist-client-chart", "link:Maya Chen", "Maya Chen"},
		{"therapist-account", "/account", "Your account"},
	}},
	{"Maya", []tourPage{
		{"client-portal", "/portal", "Hello, Maya"},
		{"client-access-log", "/portal/access", "Who has looked at your record"},
		{"client-progress", "/portal/progress", "My progress"},
		{"client-notifications", "/portal/notifications", "E-mails and your calendar"},
		{"client-record", "/portal/record", "A copy of your record"},
		{"client-account", "/account", "Your account"},
	}},
}

// TestMainPages visits the main pages of every role on a desktop screen and
// on a phone: each passes the page checks (axe-core, the demo banner, no
// internal detail), and each is saved as a full-page screenshot for a person
// to look at (DOORWAY_SCREENSHOTS keeps them).
func TestMainPages(t *testing.T) {
	srv := sqliteServer(t)
	for _, tour := range tours {
		name := tour.who
		if name == "" {
			name = "visitor"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // a tab each; the browser and server are shared
			b := newTab(t, srv.URL, desktop)
			if tour.who != "" {
				signIn(b, srv.login(t, tour.who))
			}
			for _, vp := range []viewport{desktop, phone} {
				b.setViewport(vp)
				for _, p := range tour.pages {
					if link, ok := strings.CutPrefix(p.path, "link:"); ok {
						href := b.linkTo(link)
						if href == "" {
							t.Fatalf("%s: no link %q on %s", p.name, link, b.path())
						}
						b.open(href)
					} else {
						b.open(p.path)
					}
					if h := b.heading(); !strings.HasPrefix(h, p.heading) {
						t.Errorf("%s (%s): the heading is %q, want %q", p.name, b.path(), h, p.heading)
					}
					b.screenshot(p.name)
				}
			}
		})
	}
}
