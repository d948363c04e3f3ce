package e2e

import (
	"strings"
	"testing"
)

// TestPortalFollowsThePhase: the portal home tells each client where they
// are. Grace, whose screening closed her course, is told kindly that
// medicine sessions are not the right fit now, what happens next and how to
// reach the clinic, and is asked to sign and get ready for nothing. Noah,
// whose course is complete, sees it ended, his summary and what stays open.
// Tom, whose medicine session began before the demo, sees it happening now,
// not among his upcoming sessions.
func TestPortalFollowsThePhase(t *testing.T) {
	srv := ownSQLiteServer(t)

	grace := newTab(t, srv.URL, phone)
	signIn(grace, srv.login(t, "Grace"))
	grace.open("/portal")
	body := grace.bodyText()
	for _, want := range []string{"not the right fit for you now", "What happens next", "(541) 555-0142", "If you are in crisis"} {
		if !strings.Contains(body, want) {
			t.Errorf("Grace's portal does not say %q:\n%s", want, body)
		}
	}
	for _, never := range []string{"Please read and sign", "Getting ready", "Your checklist for session days", "Your upcoming sessions"} {
		if strings.Contains(body, never) {
			t.Errorf("Grace's portal says %q, though her course is closed:\n%s", never, body)
		}
	}
	if grace.has(`a[href="/portal/consent"]`) {
		t.Error("Grace's portal links to the consent she no longer needs to sign")
	}
	grace.screenshot("portal-declined")

	noah := newTab(t, srv.URL, phone)
	signIn(noah, srv.login(t, "Noah"))
	noah.open("/portal")
	body = noah.bodyText()
	for _, want := range []string{"Your course has ended", "ended on", "Read your course summary", "What stays open to you"} {
		if !strings.Contains(body, want) {
			t.Errorf("Noah's portal does not say %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Getting ready") || strings.Contains(body, "Nothing is booked yet") {
		t.Errorf("Noah's portal still reads as if his course were ahead of him:\n%s", body)
	}
	if !noah.has(`#phase-h ~ p a[href="/portal/summary"]`) {
		t.Error("Noah's portal does not link his summary beside the news that his course ended")
	}
	noah.screenshot("portal-completed")

	tom := newTab(t, srv.URL, desktop)
	signIn(tom, srv.login(t, "Tom"))
	tom.open("/portal")
	if !tom.has("#now-h") || !strings.Contains(tom.text("#now-h + ul"), "Medicine session, under way") {
		t.Errorf("Tom's portal does not show his session under way:\n%s", tom.bodyText())
	}
	if strings.Contains(tom.text("#sessions-h + *"), "Medicine session") {
		t.Errorf("Tom's session under way is listed as upcoming: %q", tom.text("#sessions-h + *"))
	}
	tom.screenshot("portal-under-way")
}
