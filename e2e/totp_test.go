package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"doorway/internal/store"
)

// TestAdminMustSetUpTOTP: an admin who is not a demo account cannot skip the
// second factor, even in a demo. At first sign-in they set up TOTP, get
// recovery codes, and reach the admin pages; a recovery code later signs
// them in when the phone is not at hand.
func TestAdminMustSetUpTOTP(t *testing.T) {
	srv := sqliteServer(t)
	l := newStaff(t, srv, "Morgan Hale", "morgan.hale@stillwater.example", store.RoleAdmin)
	b := newTab(t, srv.URL, desktop)
	if got := signIn(b, l); got != "/login/setup" {
		t.Fatalf("a new admin landed on %s, want /login/setup", got)
	}
	// Nothing else is reachable before the second factor.
	b.open("/admin/staff")
	if p := b.path(); p != "/login/setup" {
		t.Fatalf("an admin without a second factor reached %s", p)
	}
	// The QR code is a data: URL drawn on the server; it must reach the
	// page intact and load under the page's CSP.
	if !run(b, "QR code", chromedp.Evaluate[bool](`(() => { const i = document.querySelector("img.qr"); return !!i && i.complete && i.naturalWidth > 0 })()`)) {
		t.Error("the QR code image did not load")
	}
	b.screenshot("totp-setup")
	key := strings.TrimSpace(b.text(".secret"))
	if field := run(b, "secret field", chromedp.Value(chromedp.CSS(`input[name="secret"]`))); field != key {
		t.Fatalf("the key shown (%q) is not the key submitted (%q)", key, field)
	}
	code, err := totp.GenerateCode(key, srv.Now())
	if err != nil {
		t.Fatalf("generate a code for key %q: %v", key, err)
	}
	b.fill("code", code)
	b.submit(`main form button[type="submit"]`)
	codes := run(b, "recovery codes", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".codes li"), li => li.textContent.trim())`))
	if len(codes) < 5 {
		t.Fatalf("after setup the page shows %d recovery codes:\n%s", len(codes), b.bodyText())
	}
	b.screenshot("totp-recovery-codes")
	b.submit(`main a.button`) // Continue
	if p := b.path(); p != "/admin/staff" {
		t.Fatalf("after setup the admin is at %s, want /admin/staff", p)
	}

	// Next time: the code page; a recovery code lets them in.
	signOut(b)
	if got := signIn(b, l); got != "/login/code" {
		t.Fatalf("the second sign-in landed on %s, want /login/code", got)
	}
	b.fill("code", codes[0])
	b.submit(`form[action="/login/code"] button[type="submit"]`)
	if p := b.path(); p != "/admin/staff" {
		t.Fatalf("after a recovery code the admin is at %s, want /admin/staff", p)
	}
}
