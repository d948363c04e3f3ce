package e2e

import (
	"strings"
	"testing"

	"doorway/internal/auth"
	"doorway/internal/store"
)

// TestBreakGlassOpenedAndReviewed: a therapist who is not on Maya Chen's
// care team is refused her chart; the Not found page offers emergency
// access, which with a blank reason opens nothing; with one, the chart opens
// with a warning until when. Maya sees it on her "who has looked at my
// record" page. Alex, the admin, finds the access on the
// Emergency access page with its reason and what was opened, marks it
// reviewed, and it moves to the reviewed list. On a phone, as the
// on-call clinician would.
func TestBreakGlassOpenedAndReviewed(t *testing.T) {
	engines(t, func(t *testing.T, srv *server) {
		sam := newTab(t, srv.URL, desktop)
		signIn(sam, srv.login(t, "Sam"))
		mayaURL := sam.linkTo("Maya Chen")
		if mayaURL == "" {
			t.Fatalf("Maya Chen is not on Sam's caseload")
		}

		// A therapist of the clinic with a caseload of their own, made for
		// this test so no other test meets the grant.
		quinn := newStaff(t, srv, "Quinn Oncall", "quinn-"+auth.NewID()+"@stillwater.example", store.RoleTherapist)
		b := newTab(t, srv.URL, phone)
		signIn(b, quinn)
		if !strings.Contains(b.bodyText(), "Emergency access") {
			t.Errorf("the caseload offers no emergency access:\n%s", b.bodyText())
		}
		b.open(mayaURL)
		if h := b.heading(); h != "Not found" {
			t.Fatalf("an unassigned therapist opened Maya's chart and sees %q", h)
		}
		if strings.Contains(b.bodyText(), "Maya") {
			t.Errorf("the Not found page names the client:\n%s", b.bodyText())
		}
		form := b.linkTo("emergency access")
		if form == "" {
			t.Fatalf("the Not found page offers no emergency access:\n%s", b.bodyText())
		}
		b.open(form)
		b.screenshot("emergency-access-form")
		typeInto(b, "reason", "   ")
		b.submit(`form[action="/emergency-access"] button[type="submit"]`)
		if h := b.heading(); h != "Emergency access to a client's record" || !strings.Contains(b.bodyText(), "Write why you need this record now") {
			t.Fatalf("no reason: %q\n%s", h, b.bodyText())
		}
		const reason = "Maya called the crisis line tonight; I am on call and need her safety plan."
		typeInto(b, "reason", reason)
		b.submit(`form[action="/emergency-access"] button[type="submit"]`)
		if h := b.heading(); h != "Maya Chen" {
			t.Fatalf("after opening emergency access the page is %q:\n%s", h, b.bodyText())
		}
		if body := b.bodyText(); !strings.Contains(body, "Emergency access: you can read this record until") {
			t.Errorf("the chart does not say it is read by emergency access:\n%s", body)
		}
		b.screenshot("emergency-access-chart")

		// Maya sees who opened her record, when and why.
		maya := newTab(t, srv.URL, phone)
		signIn(maya, srv.login(t, "Maya"))
		maya.open("/portal/access")
		if body := maya.bodyText(); !strings.Contains(body, "Opened in an emergency") || !strings.Contains(body, "Quinn Oncall") || !strings.Contains(body, reason) {
			t.Errorf("Maya's accounting of access does not show the emergency access:\n%s", body)
		}
		maya.screenshot("emergency-access-client")

		alex := newTab(t, srv.URL, desktop)
		signIn(alex, srv.login(t, "Alex"))
		alex.open("/admin/emergency-access")
		body := alex.bodyText()
		for _, want := range []string{"Quinn Oncall opened Maya Chen", reason, "break_glass.open break_glass", "client.read client"} {
			if !strings.Contains(body, want) {
				t.Errorf("the review page does not say %q:\n%s", want, body)
			}
		}
		alex.screenshot("emergency-access-review")
		alex.submit(`form[action$="/reviewed"] button[type="submit"]`)
		body = alex.bodyText()
		if !strings.Contains(body, "Marked reviewed.") || !strings.Contains(body, "Nothing to review.") || !strings.Contains(body, "Alex Rivera") {
			t.Errorf("after review:\n%s", body)
		}
	})
}
