package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// inviteLink finds a one-time link in a page's notice or an email.
var inviteLink = regexp.MustCompile(`https?://[^\s"<>]+/invite/[A-Za-z0-9_-]+`)

// TestAdminInvitesStaff: with no SMTP, the admin's invitation shows the
// one-time link; the new person opens it in a browser of their own, chooses a
// password and signs in.
func TestAdminInvitesStaff(t *testing.T) {
	srv := sqliteServer(t)
	admin := newTab(t, srv.URL, desktop)
	signIn(admin, srv.login(t, "Alex"))
	admin.open("/admin/staff")
	newcomer := demoLogin{Name: "Casey Morgan", Email: "casey.morgan@stillwater.example", Password: "a lantern by the quiet lake"}
	admin.fill("name", newcomer.Name)
	admin.fill("email", newcomer.Email)
	admin.submit(`form[action="/admin/staff"] button[type="submit"]`)
	notice := admin.text(`.notice.ok`)
	link := inviteLink.FindString(notice)
	if link == "" || !strings.Contains(notice, "one-time link") {
		t.Fatalf("after inviting, the notice says %q; want the one-time link shown", notice)
	}
	if !strings.Contains(admin.text("main table"), newcomer.Name) {
		t.Errorf("the staff list does not show %s", newcomer.Name)
	}
	admin.screenshot("staff-invited")

	// The newcomer's own browser: no cookies of the admin's.
	b := newTab(t, srv.URL, desktop)
	b.open(link)
	if h := b.heading(); h != "Welcome to Doorway" {
		t.Fatalf("the invitation opens %q", h)
	}
	b.screenshot("invite-set-password")
	b.fill("password", newcomer.Password)
	b.fill("confirm", newcomer.Password)
	b.submit(`main form button[type="submit"]`)
	if p := b.path(); p != "/login" {
		t.Fatalf("after choosing a password the browser is at %s, want /login", p)
	}
	if msg := b.text(".notice.ok"); !strings.Contains(msg, "password is saved") {
		t.Errorf("the sign-in page says %q after the password was set", msg)
	}
	if got := signIn(b, newcomer); got != "/caseload" {
		t.Fatalf("the new therapist landed on %s, want /caseload", got)
	}

	// The link works once.
	again := newTab(t, srv.URL, desktop)
	again.open(link)
	if h := again.heading(); h != "This link does not work" {
		t.Errorf("a used invitation opens %q", h)
	}
}
