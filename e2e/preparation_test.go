package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsentAndPreparationGates: Ruth Gallagher, in preparation, is held
// only by her unsigned consent. On a 390 × 844 phone she reads the informed
// consent, sends it without ticking the box (it comes back saying so, her
// name kept), signs it, writes an intention, agrees to the goal Sam
// proposed, and finishes her checklist. Sam then documents a further
// preparation session from the template, and the course page shows every
// gate with pass or fail and why: the consent gate now passes. Before she
// signs, the move to active is shown blocked by her consent; after, it goes
// through. Every page passes axe (checkPage).
func TestConsentAndPreparationGates(t *testing.T) {
	srv := sqliteServer(t)

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	chart := sam.linkTo("Ruth Gallagher")
	if chart == "" {
		t.Fatalf("Ruth is not on Sam's caseload:\n%s", sam.bodyText())
	}
	// The board names the first gate in Ruth's way: her consent, or her
	// screening decision while the screening part has not recorded it.
	waiting := run(sam, "Ruth's row", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("tr")).find(r => r.innerText.includes("Ruth Gallagher")).innerText`))
	if !strings.Contains(waiting, "Consent: waiting for the client to sign Informed consent") && !strings.Contains(waiting, "Screening: waiting for a prescriber's decision") {
		t.Errorf("the caseload board's row for Ruth says %q", waiting)
	}
	sam.screenshot("prep-caseload")
	course := chart + "/course"
	sam.open(course)
	if !sam.has(`[id="gate-consent:kap"].fail`) {
		t.Fatalf("before Ruth signs, the consent gate does not fail:\n%s", sam.bodyText())
	}
	// The move to active is there but blocked, and the page says by what.
	if !sam.has(`button[name="to"][value="active"][disabled]`) {
		t.Errorf("before Ruth signs, the move to active is not blocked:\n%s", sam.bodyText())
	}
	if blocked := sam.text("#blocked-active"); !strings.Contains(blocked, "Consent: Informed consent for ketamine-assisted psychotherapy") {
		t.Errorf("the blocked move says %q", blocked)
	}

	ruth := newTab(t, srv.URL, phone)
	if got := signIn(ruth, srv.login(t, "Ruth")); got != "/portal" {
		t.Fatalf("Ruth landed on %s", got)
	}
	if !strings.Contains(ruth.text("#prep-h + p"), "Please read and sign") {
		t.Errorf("Ruth's portal does not ask her to sign:\n%s", ruth.bodyText())
	}
	ruth.open("/portal/consent")
	ruth.screenshot("prep-consent-list")
	ruth.open("/portal/consent/kap")
	for _, want := range []string{"Off-label use", "Touch", "Recording", "Your right to stop", "Emergencies"} {
		if !strings.Contains(ruth.bodyText(), want) {
			t.Errorf("the informed consent lacks the section %q", want)
		}
	}
	ruth.fill("typed_name", "Ruth Gallagher")
	ruth.submit(`#sign button[type="submit"]`)
	if msg := ruth.text(".field-error"); !strings.Contains(msg, "Tick the box") {
		t.Errorf("signing without agreeing says %q", msg)
	}
	if v := run(ruth, "typed name kept", chromedp.Value(chromedp.ID("typed_name"))); v != "Ruth Gallagher" {
		t.Errorf("the typed name came back as %q", v)
	}
	ruth.screenshot("prep-consent-refused")
	ruth.do("agree", chromedp.Click(chromedp.CSS(`input[name="agreed"]`)))
	ruth.submit(`#sign button[type="submit"]`)
	if !strings.Contains(ruth.text(".notice.ok"), "Your signature is recorded") {
		t.Fatalf("after signing: %s", ruth.bodyText())
	}
	ruth.screenshot("prep-consent-signed")

	ruth.open("/portal/intentions")
	ruth.do("write an intention", chromedp.SendKeys(chromedp.ID("intention"), "To let the grief move instead of holding it still."))
	ruth.submit(`form[action="/portal/intentions"] button[type="submit"]`)
	if !strings.Contains(ruth.bodyText(), "To let the grief move") {
		t.Errorf("the new intention is not listed")
	}
	if !ruth.has(`form[action^="/portal/goals/"]`) {
		t.Fatalf("no goal to agree to:\n%s", ruth.bodyText())
	}
	ruth.submit(`form[action^="/portal/goals/"] button[type="submit"]`)
	if !strings.Contains(ruth.bodyText(), "Your agreement is recorded") {
		t.Errorf("agreeing to the goal: %s", ruth.bodyText())
	}
	ruth.screenshot("prep-intentions")
	ruth.open("/portal/preparation")
	ruth.do("tick stimulants", chromedp.Click(chromedp.CSS(`input[name="stimulants"]`)))
	ruth.submit(`form[action="/portal/preparation"] button[type="submit"]`)
	if !strings.Contains(ruth.bodyText(), "5 items of 5 done") {
		t.Errorf("the checklist is not complete:\n%s", ruth.bodyText())
	}
	ruth.screenshot("prep-checklist")

	sam.open(course)
	sam.fill("note-body", "Second preparation session. Ruth read the consent with her sister and has signed it. We chose the music together.")
	sam.submit(`#note-form button[type="submit"]`)
	if !strings.Contains(sam.text(".notice.ok"), "preparation session note is signed") {
		t.Fatalf("after the note: %s", sam.bodyText())
	}
	page := sam.text("ul.gates")
	for _, want := range []string{"Screening approved", "Consent: Informed consent for ketamine-assisted psychotherapy", "Baseline measures",
		"Dosing order", "Preparation session", "2 preparation sessions documented.", "Pre-dose checks"} {
		if !strings.Contains(page, want) {
			t.Errorf("the gates lack %q:\n%s", want, page)
		}
	}
	if !sam.has(`[id="gate-consent:kap"].pass`) || !sam.has(`#gate-preparation.pass`) || !sam.has(`#gate-baseline.pass`) {
		t.Errorf("after Ruth signed, a gate that should pass does not:\n%s", page)
	}
	// Whatever still fails is named with its reason.
	fails := run(sam, "failing gates", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("li.gate.fail .gate-title")).map(e => e.innerText).join("; ")`))
	t.Logf("gates still failing for Ruth: %q", fails)
	sam.screenshot("prep-course")
	sam.setViewport(phone)
	sam.open(course)
	sam.screenshot("prep-course")
	// With every course gate cleared the move to active is open, and on a
	// phone it goes through.
	if fails == "" {
		if sam.has(`button[name="to"][value="active"][disabled]`) || sam.has("#blocked-active") {
			t.Fatalf("every gate passes but the move to active is still blocked:\n%s", sam.bodyText())
		}
		sam.submit(`button[name="to"][value="active"]`)
		if !strings.Contains(sam.text(".notice.ok"), "The course is now in Active") {
			t.Errorf("after the move: %s", sam.bodyText())
		}
		sam.screenshot("prep-course-active")
	} else if !sam.has(`button[name="to"][value="active"][disabled]`) {
		t.Errorf("gates still fail (%s) but the move to active is open", fails)
	}
}
