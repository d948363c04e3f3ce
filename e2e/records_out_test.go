package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestClientRecordAndEmailsOnPhone: Maya, on a phone, goes from her portal
// to her e-mail choices, turns the reflection prompts off and the details
// to the short form, and finds her choices kept; her calendar address
// there serves her sessions to a calendar app. She downloads her record as
// a PDF and as FHIR, and sees both downloads on her list of who has looked
// at her record. Alex, the admin, sees in the outbox that nothing leaves
// the demo: the week's reminders wait, and what fell due at start is
// recorded there with its words.
func TestClientRecordAndEmailsOnPhone(t *testing.T) {
	srv := sqliteServer(t)
	maya := newTab(t, srv.URL, phone)
	signIn(maya, srv.login(t, "Maya"))
	maya.open(maya.linkTo("Choose what we e-mail you"))
	if h := maya.heading(); h != "E-mails and your calendar" {
		t.Fatalf("the link leads to %q", h)
	}
	maya.screenshot("records-notifications")
	checked := func(id string) bool {
		return run(maya, "is #"+id+" checked", chromedp.Evaluate[bool](`document.getElementById("`+id+`").checked`))
	}
	if !checked("n-prompts") || !checked("n-details") {
		t.Fatalf("Maya's seeded choices are not shown: prompts %v, details %v", checked("n-prompts"), checked("n-details"))
	}
	maya.do("untick prompts, choose the short form", chromedp.Click(chromedp.ID("n-prompts")), chromedp.Click(chromedp.ID("n-brief")))
	maya.submit(`form[action="/account/notifications"] button[type="submit"]`)
	if !strings.Contains(maya.text(".notice.ok"), "Your choices are saved.") || checked("n-prompts") || !checked("n-brief") || !checked("n-reminders") {
		t.Errorf("after saving: notice %q, prompts %v, brief %v", maya.text(".notice.ok"), checked("n-prompts"), checked("n-brief"))
	}
	maya.screenshot("records-notifications-saved")
	feed := maya.text("#feed-url")
	if !strings.HasPrefix(feed, srv.URL+"/calendar/") {
		t.Fatalf("the calendar address is %q", feed)
	}
	resp, err := http.Get(feed)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Errorf("the calendar app gets %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	maya.open("/portal")
	maya.open(maya.linkTo("Download a copy of your record"))
	maya.screenshot("records-download")
	pdf := maya.download("#record-pdf")
	if !strings.HasPrefix(string(pdf), "%PDF-") || len(pdf) < 20000 {
		t.Errorf("the PDF downloaded is %d bytes starting %q", len(pdf), pdf[:min(8, len(pdf))])
	}
	var bundle struct {
		ResourceType, Type string
		Entry              []json.RawMessage
	}
	if err := json.Unmarshal(maya.download("#record-fhir"), &bundle); err != nil || bundle.ResourceType != "Bundle" || bundle.Type != "collection" || len(bundle.Entry) < 20 {
		t.Errorf("the FHIR download: %s %s with %d entries (%v)", bundle.ResourceType, bundle.Type, len(bundle.Entry), err)
	}
	maya.open("/portal/access")
	log := maya.bodyText()
	for _, want := range []string{"Downloaded a copy of your whole record (PDF)", "Downloaded a copy of your whole record (FHIR Bundle)"} {
		if !strings.Contains(log, want) {
			t.Errorf("the access log lacks %q", want)
		}
	}
	maya.screenshot("records-access-log")

	alex := newTab(t, srv.URL, desktop)
	signIn(alex, srv.login(t, "Alex"))
	// The first sweep runs as the server starts; give it a moment.
	var page string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		alex.open("/admin/outbox")
		if page = alex.bodyText(); strings.Contains(page, "Questionnaire") {
			break
		}
	}
	for _, want := range []string{"No SMTP server is set up", "Waiting to go, the week ahead", "Session reminder", "Recorded in place of sending",
		"Questionnaires are ready for you"} {
		if !strings.Contains(page, want) {
			t.Errorf("the outbox lacks %q:\n%s", want, page)
		}
	}
	alex.do("open a recorded message", chromedp.Click(chromedp.CSS(".mail-list details summary")))
	if text := alex.text(".mail-list details pre"); !strings.Contains(text, "Hello") {
		t.Errorf("a recorded message's words: %q", text)
	}
	alex.screenshot("records-outbox")
	alex.setViewport(phone)
	alex.open("/admin/outbox")
	alex.screenshot("records-outbox")
}
