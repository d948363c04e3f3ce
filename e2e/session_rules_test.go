package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSessionRulesPageOnPhone: Alex opens the medicine-session rules on a
// 390 × 844 phone, sees each default and its source, saves the form as it
// stands, then types a blood pressure wrongly and gets the page back with
// the field named and nothing saved. The demo's rules are left as they
// were, since the server is shared with the other tests. Every page passes
// axe (checkPage).
func TestSessionRulesPageOnPhone(t *testing.T) {
	srv := sqliteServer(t)
	alex := newTab(t, srv.URL, phone)
	signIn(alex, srv.login(t, "Alex"))
	alex.open("/admin/settings")
	if href := alex.linkTo("Medicine-session rules"); !strings.HasSuffix(href, "/admin/session-rules") {
		t.Fatalf("the clinic settings page does not link the session rules (%q)", href)
	}
	alex.open("/admin/session-rules")
	if h := alex.heading(); h != "Medicine-session rules" {
		t.Fatalf("heading %q", h)
	}
	body := alex.bodyText()
	for _, want := range []string{"Default 180/110 mmHg", "esketamine monitoring practice reported by clinicians; common practice", "Default 120 min", "the esketamine rule (Spravato prescribing information, Janssen)", "Time point 6", "Restore the defaults: alerts during a session"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	alex.screenshot("session-rules")
	// Nothing on the page may be wider than the phone.
	if w := run(alex, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the page is %d px wide on a 390 px phone", w)
	}

	alex.submit(`form[action="/admin/session-rules"] button[type="submit"]:not([name])`)
	if !strings.Contains(alex.text(".notice.ok"), "The medicine-session rules are saved.") {
		t.Errorf("after saving, the notice says %q", alex.text(".notice.ok"))
	}

	// The ids hold dots (they are the rules' keys), which a CSS #id cannot
	// name, so the value is typed in by script.
	alex.do("type a wrong blood pressure", chromedp.Evaluate[chromedp.Void](
		`document.getElementById("session.alerts.bp_severe").value = "200 over 120"`))
	alex.submit(`form[action="/admin/session-rules"] button[type="submit"]:not([name])`)
	if !strings.Contains(alex.text(".notice.error"), "Nothing was saved.") {
		t.Errorf("a bad field: the notice says %q", alex.text(".notice.error"))
	}
	msg := run(alex, "the field's message", chromedp.Evaluate[string](
		`document.getElementById(document.getElementById("session.alerts.bp_severe").getAttribute("aria-describedby")).textContent`))
	if !strings.Contains(msg, "systolic/diastolic") {
		t.Errorf("the field's message is %q", msg)
	}
	alex.screenshot("session-rules-error")
	alex.open("/admin/session-rules")
	if v := run(alex, "stored value", chromedp.Evaluate[string](`document.getElementById("session.alerts.bp_severe").value`)); v != "200/120" {
		t.Errorf("after a refused save the severe line is %q, want 200/120", v)
	}
}

// TestClientMedicineSessionPrepOnPhone: Priya, on a phone, opens her joint
// medicine session (10:00 in the clinic's zone, a week out) and reads when
// to stop eating (06:00 with the default 4-hour fast) and what to bring.
func TestClientMedicineSessionPrepOnPhone(t *testing.T) {
	srv := sqliteServer(t)
	priya := newTab(t, srv.URL, phone)
	signIn(priya, srv.login(t, "Priya"))
	href := run(priya, "the medicine session's link", chromedp.Evaluate[string](
		`(Array.from(document.querySelectorAll("main a[href^='/portal/sessions/']")).find(a => a.textContent.includes("Medicine session")) || {}).href || ""`))
	if href == "" {
		t.Fatalf("Priya's portal lists no medicine session:\n%s", priya.bodyText())
	}
	priya.open(href)
	body := priya.bodyText()
	for _, want := range []string{"Stop eating at 06:00", "4 hours before", "No alcohol or other drugs", "Pause stimulants on the day",
		"Do not drive", "Your companion", "Comfortable, loose clothes", "An eye mask and music"} {
		if !strings.Contains(body, want) {
			t.Errorf("the session page lacks %q", want)
		}
	}
	priya.screenshot("medicine-session-prep")
}
