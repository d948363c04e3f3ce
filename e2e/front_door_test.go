package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestInquiryIntakeAndScreening: a visitor on a 390 × 844 phone reads the
// public pages and sends an inquiry; Dr. Jordan Lee makes them a client with
// a course in intake and an invitation; the new client sets a password from
// the link, fills in every intake section on the phone (leaving, coming
// back, and finishing), and Jordan approves the screening, which shows the
// benzodiazepine rule with its diazepam-equivalent evidence. The
// preparation part's test carries on from an approved screening.
func TestInquiryIntakeAndScreening(t *testing.T) {
	srv := sqliteServer(t)
	name := "Rowan Ellery"
	email := "rowan.ellery@example.org"

	visitor := newTab(t, srv.URL, phone)
	visitor.open("/")
	visitor.screenshot("front-home")
	for _, p := range []string{"/about-kap", "/is-it-for-me", "/medicine-sessions", "/safety", "/questions", "/workbook"} {
		visitor.open(p)
	}
	visitor.screenshot("front-is-it-for-me")
	visitor.open("/inquire")
	visitor.fill("name", name)
	visitor.fill("email", email)
	typeInto(visitor, "message", "Years of low mood; two medicines have not helped.")
	// Without consent the form comes back, values kept.
	time.Sleep(3200 * time.Millisecond) // the minimum fill time a person needs
	visitor.submit(`main form button[type="submit"]`)
	if msg := visitor.text(".field-error"); !strings.Contains(msg, "tick the box") {
		t.Fatalf("sending without consent says %q", msg)
	}
	visitor.screenshot("front-inquire-error")
	visitor.do("consent", chromedp.Click(chromedp.CSS(`input[name="consent"]`)))
	time.Sleep(3200 * time.Millisecond)
	visitor.submit(`main form button[type="submit"]`)
	if h := visitor.heading(); h != "Thank you" {
		t.Fatalf("after sending, the page says %q:\n%s", h, visitor.bodyText())
	}

	jordan := newTab(t, srv.URL, desktop)
	signIn(jordan, srv.login(t, "Jordan"))
	jordan.open("/inquiries?status=new")
	inquiry := jordan.linkTo(name)
	if inquiry == "" {
		t.Fatalf("the new inquiry is not listed:\n%s", jordan.bodyText())
	}
	jordan.screenshot("front-inquiries")
	jordan.open(inquiry)
	jordan.submit(`form[action$="/convert"] button[type="submit"]`)
	notice := jordan.text(".notice.ok")
	link := inviteLink.FindString(notice)
	if link == "" || !strings.Contains(notice, "course in intake") {
		t.Fatalf("after converting, the notice says %q", notice)
	}
	screeningPage := run(jordan, "screening link", chromedp.Evaluate[string](`document.querySelector('a[href$="/screening"]').getAttribute("href")`))

	client := newTab(t, srv.URL, phone)
	client.open(link)
	password := "a quiet harbour at dawn"
	client.fill("password", password)
	client.fill("confirm", password)
	client.submit(`main form button[type="submit"]`)
	if got := signIn(client, demoLogin{Email: email, Password: password}); got != "/portal" {
		t.Fatalf("the new client landed on %s", got)
	}
	client.open("/portal/intake")
	client.screenshot("front-intake-start")
	answer := func(section string, js string, fields map[string]string) {
		t.Helper()
		client.open("/portal/intake/" + section)
		if js != "" {
			run(client, "answer "+section, chromedp.Evaluate[bool](js+"; true"))
		}
		for id, v := range fields {
			typeInto(client, id, v)
		}
		client.submit(`main form button[type="submit"]`)
		if !strings.Contains(client.text(".notice.ok"), "is saved") {
			t.Fatalf("saving %s: %s", section, client.bodyText())
		}
	}
	allNo := `document.querySelectorAll('input[type=radio][value=no]').forEach(r => r.checked = true)`
	answer("contact", "", map[string]string{"phone": "555-0199", "emergency_name": "Kit Ellery", "emergency_relationship": "brother", "emergency_phone": "555-0198"})
	answer("medical", allNo+`; document.querySelector('input[name=hypertension][value=none]').checked = true`, nil)
	// Resumable: the overview says what is done so far.
	client.open("/portal/intake")
	if got := strings.Count(client.bodyText(), "Done"); got != 2 {
		t.Errorf("after two sections the overview shows %d done", got)
	}
	client.open("/portal/intake/medications")
	client.fill("med_name_0", "lorazepam")
	client.fill("med_dose_0", "1")
	client.fill("med_times_0", "2")
	client.do("class", chromedp.SetValue(chromedp.ID("med_class_0"), "benzodiazepine"))
	client.screenshot("front-intake-medicines")
	client.submit(`main form button[type="submit"]`)
	answer("substances", allNo, nil)
	answer("mental_health", allNo, nil)
	answer("pregnancy", allNo, nil)
	answer("body", "", map[string]string{"height_cm": "175", "weight_kg": "72"})
	answer("hopes", `document.querySelector('input[name=indication][value=clinical]').checked = true`, map[string]string{"hopes": "To feel like myself again."})
	client.submit(`form[action="/portal/intake-finish"] button`)
	if msg := client.text(".notice.ok"); !strings.Contains(msg, "intake is complete") {
		t.Fatalf("finishing intake says %q", msg)
	}
	client.screenshot("front-intake-done")

	jordan.open(screeningPage)
	body := jordan.bodyText()
	for _, want := range []string{"High benzodiazepine dose", "20 mg diazepam-equivalent", "Prescriber review"} {
		if !strings.Contains(body, want) {
			t.Errorf("the screening page lacks %q:\n%s", want, body)
		}
	}
	jordan.do("approve", chromedp.Click(chromedp.CSS(`input[name=kind][value=approve]`)))
	typeInto(jordan, "note", "Lorazepam taper agreed; review the dose before the first session.")
	jordan.submit(`form[action$="/screening"] button[type="submit"]`)
	if msg := jordan.text(".notice.ok"); !strings.Contains(msg, "approved") {
		t.Fatalf("the decision says %q", msg)
	}
	if !strings.Contains(jordan.bodyText(), "Valid until") {
		t.Errorf("the approval's expiry is not shown")
	}
	jordan.screenshot("front-screening-approved")
}

// typeInto types into an empty field, such as a textarea (which fill's
// clearing step cannot handle while it has no text).
func typeInto(b *tab, id, value string) {
	b.t.Helper()
	b.do("type into #"+id, chromedp.SendKeys(chromedp.ID(id), value))
}

// TestScreeningSettingsAndSendBack: on a 390 × 844 phone Alex lowers the
// BMI limit on the screening settings page (a word instead of a number comes
// back with a kind message and saves nothing); Dr. Jordan Lee reads Omar
// Haddad's full intake from his screening page, with his lorazepam in
// diazepam-equivalents, and sends it back with a note; Omar reads the note
// on his portal. Every page passes axe (checkPage).
func TestScreeningSettingsAndSendBack(t *testing.T) {
	srv := sqliteServer(t)

	alex := newTab(t, srv.URL, phone)
	signIn(alex, srv.login(t, "Alex"))
	alex.open("/admin/screening")
	if !strings.Contains(alex.bodyText(), "[V R17a]") {
		t.Errorf("the BMI limit does not show its source:\n%s", alex.bodyText())
	}
	typeInto(alex, "t-bmi", "heavy")
	alex.submit(`form[action="/admin/screening"] button[type="submit"]`)
	if msg := alex.text(".field-error"); !strings.Contains(msg, "Enter a number from 15 to 100") {
		t.Fatalf("a word for the BMI limit says %q", msg)
	}
	alex.screenshot("screening-settings-refused")
	alex.fill("t-bmi", "30")
	alex.submit(`form[action="/admin/screening"] button[type="submit"]`)
	if msg := alex.text(".notice.ok"); !strings.Contains(msg, "saved") {
		t.Fatalf("saving says %q", msg)
	}
	alex.screenshot("screening-settings")

	jordan := newTab(t, srv.URL, phone)
	signIn(jordan, srv.login(t, "Jordan"))
	chart := jordan.linkTo("Omar Haddad")
	if chart == "" {
		t.Fatalf("Omar is not on Jordan's caseload:\n%s", jordan.bodyText())
	}
	jordan.open(chart + "/screening")
	intakePage := jordan.linkTo("Full intake answers")
	if intakePage == "" {
		t.Fatalf("the screening page has no link to the intake:\n%s", jordan.bodyText())
	}
	jordan.open(intakePage)
	body := jordan.bodyText()
	for _, want := range []string{"Benzodiazepines in total: 20 mg diazepam-equivalent a day", "BMI", "Panic that has shrunk my life"} {
		if !strings.Contains(body, want) {
			t.Errorf("the intake page lacks %q:\n%s", want, body)
		}
	}
	jordan.screenshot("staff-intake")
	typeInto(jordan, "return-note", "Please tell us how long you have taken lorazepam, and whether anyone has talked with you about tapering.")
	jordan.submit(`form[action$="/intake/return"] button[type="submit"]`)
	if msg := jordan.text(".notice.ok"); !strings.Contains(msg, "sent back") {
		t.Fatalf("sending back says %q", msg)
	}

	omar := newTab(t, srv.URL, phone)
	if got := signIn(omar, srv.login(t, "Omar")); got != "/portal" {
		t.Fatalf("Omar landed on %s", got)
	}
	if !strings.Contains(omar.bodyText(), "how long you have taken lorazepam") {
		t.Errorf("Omar's portal does not show the note:\n%s", omar.bodyText())
	}
	omar.screenshot("portal-intake-returned")
}
