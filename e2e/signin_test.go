package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signIn signs in through the form and returns the path it lands on.
func signIn(b *tab, l demoLogin) string {
	b.t.Helper()
	b.open("/login")
	b.fill("email", l.Email)
	b.fill("password", l.Password)
	b.submit(`form[action="/login"] button[type="submit"]`)
	return b.path()
}

// signOut uses the header's sign-out button.
func signOut(b *tab) {
	b.t.Helper()
	b.submit(`header form[action="/logout"] button`)
	if p := b.path(); p != "/login" {
		b.t.Fatalf("after signing out the browser is at %s, want /login", p)
	}
}

// roleHomes is where each demo person lands after signing in.
var roleHomes = []struct {
	first, role, home string
}{
	{"Alex", "admin", "/admin/staff"},
	{"Jordan", "prescriber", "/caseload"},
	{"Sam", "therapist", "/caseload"},
	{"Maya", "client", "/portal"},
}

// TestSignInLandsOnRoleHome signs in as each role of the demo and checks the
// home page, on SQLite and on PostgreSQL, on a desktop screen; the client
// also on a phone.
func TestSignInLandsOnRoleHome(t *testing.T) {
	engines(t, func(t *testing.T, srv *server) {
		for _, r := range roleHomes {
			t.Run(r.role, func(t *testing.T) {
				vps := []viewport{desktop}
				if r.role == "client" {
					vps = append(vps, phone)
				}
				for _, vp := range vps {
					b := newTab(t, srv.URL, vp)
					l := srv.login(t, r.first)
					if got := signIn(b, l); got != r.home {
						t.Fatalf("%s (%s) on %s landed on %s, want %s", l.Email, r.role, vp.name, got, r.home)
					}
					// The header names who is signed in, on screens wide enough for it.
					if vp == desktop && !strings.Contains(b.text("header .who"), l.Name) {
						t.Errorf("%s: the header does not name %s: %q", r.home, l.Name, b.text("header .who"))
					}
				}
			})
		}
	})
}

// TestWrongPasswordIsKind: a wrong password gets the plain, kind message on
// the sign-in page, the email kept, and nothing technical.
func TestWrongPasswordIsKind(t *testing.T) {
	srv := sqliteServer(t)
	b := newTab(t, srv.URL, desktop)
	alex := srv.login(t, "Alex")
	signIn(b, demoLogin{Email: alex.Email, Password: "not the password at all"})
	if p := b.path(); p != "/login" {
		t.Fatalf("after a wrong password the browser is at %s, want /login", p)
	}
	msg := b.text(`.notice.error[role="alert"]`)
	if !strings.Contains(msg, "do not match") || !strings.Contains(msg, "try again") {
		t.Errorf("the error says %q, want the kind 'do not match ... try again' message", msg)
	}
	if got := run(b, "email value", chromedp.Value(chromedp.ID("email"))); got != alex.Email {
		t.Errorf("the email field holds %q, want %q kept", got, alex.Email)
	}
	if b.has("nav.main") {
		t.Error("a failed sign-in shows the signed-in navigation")
	}
	b.screenshot("signin-wrong-password")
}
