package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDosingOrderBookingAndClientView: Dr. Lee changes Ruth's dosing order
// (a slip first: a maximum below the dose comes back named, what was typed
// kept), Sam books Ruth a medicine session in the Cedar Room from her chart
// and is told of the clash when he books it twice, and Ruth, on a 390 × 844
// phone, finds it on her portal with when to stop eating and what to bring.
// Every page passes axe (checkPage).
func TestDosingOrderBookingAndClientView(t *testing.T) {
	srv := sqliteServer(t)

	jordan := newTab(t, srv.URL, desktop)
	signIn(jordan, srv.login(t, "Jordan"))
	ruthChart := jordan.linkTo("Ruth Gallagher")
	if ruthChart == "" {
		t.Fatalf("Ruth is not on Dr. Lee's caseload:\n%s", jordan.bodyText())
	}
	jordan.open(ruthChart + "/dosing-order")
	if cur := jordan.text("#current-h + p"); !strings.Contains(cur, "200 mg") {
		t.Fatalf("Ruth's order in force says %q, want the demo's 200 mg", cur)
	}
	jordan.fill("mg", "250")
	jordan.fill("max_mg", "200")
	jordan.submit(`form[action$="/dosing-order"] button[type="submit"]`)
	if msg := jordan.text("#max_mg-error"); !strings.Contains(msg, "The maximum (200 mg) is below the dose (250 mg).") {
		t.Errorf("the max_mg error says %q", msg)
	}
	if v := run(jordan, "read mg", chromedp.Value(chromedp.ID("mg"))); v != "250" {
		t.Errorf("the dose typed is not kept: %q", v)
	}
	jordan.screenshot("dosing-error")
	jordan.fill("max_mg", "300")
	jordan.submit(`form[action$="/dosing-order"] button[type="submit"]`)
	if !strings.Contains(jordan.text(".notice.ok"), "The dosing order is saved.") {
		t.Fatalf("after saving: %s", jordan.bodyText())
	}
	if cur := jordan.text("#current-h + p"); !strings.Contains(cur, "250 mg") || !strings.Contains(cur, "at most 300 mg") {
		t.Errorf("the order in force says %q", cur)
	}
	if hist := jordan.text("ol.versions"); !strings.Contains(hist, "Dose: 200 mg → 250 mg") {
		t.Errorf("the history does not say what changed:\n%s", hist)
	}
	jordan.screenshot("dosing-order")

	ruthID := ruthChart[strings.LastIndex(ruthChart, "/")+1:]
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	sam.open(ruthChart)
	sam.open(sam.linkTo("Book a session"))
	day := srv.Now().In(mustZone(t, "America/Los_Angeles")).AddDate(0, 0, 12).Format("2006-01-02")
	book := func() {
		sam.do("choose client", chromedp.SetValue(chromedp.ID("client"), ruthID))
		sam.do("choose medicine", chromedp.Click(chromedp.CSS(`input[name="kind"][value="medicine"]`)))
		sam.do("set the date", chromedp.SetValue(chromedp.ID("date"), day))
		sam.do("set the time", chromedp.SetValue(chromedp.ID("time"), "10:00"))
		roomID := run(sam, "find the Cedar Room", chromedp.Evaluate[string](
			`[...document.querySelectorAll("#room option")].find(o => o.textContent === "Cedar Room").value`))
		sam.do("choose the room", chromedp.SetValue(chromedp.ID("room"), roomID))
		sam.do("write the notes", chromedp.SetValue(chromedp.ID("notes"), "Bring warm socks and your companion's number."))
		sam.submit(`form[action="/schedule"] button[type="submit"]`)
	}
	book()
	if !strings.Contains(sam.text(".notice.ok"), "The session is booked.") || !strings.Contains(sam.bodyText(), "10:00–13:00") {
		t.Fatalf("after booking: %s", sam.bodyText())
	}
	sam.screenshot("session-booked")
	sam.open("/schedule/new")
	book()
	if msg := sam.text("#room-error"); msg != "Cedar Room is booked 10:00–13:00 for another session." {
		t.Errorf("the clash says %q", msg)
	}
	sam.screenshot("session-clash")
	sam.open("/schedule?week=" + day)
	if !strings.Contains(sam.bodyText(), "Ruth Gallagher") {
		t.Errorf("Sam's week does not show Ruth's session")
	}
	sam.screenshot("schedule-week")

	ruth := newTab(t, srv.URL, phone)
	if got := signIn(ruth, srv.login(t, "Ruth")); got != "/portal" {
		t.Fatalf("Ruth landed on %s", got)
	}
	sessions := ruth.text("#sessions-h + ul")
	if !strings.Contains(sessions, "Medicine session") || !strings.Contains(sessions, "Preparation session") {
		t.Fatalf("Ruth's upcoming sessions say %q", sessions)
	}
	ruth.screenshot("portal-sessions")
	href := run(ruth, "find the medicine session", chromedp.Evaluate[string](
		`[...document.querySelectorAll("#sessions-h + ul a")].find(a => a.textContent.includes("Medicine")).getAttribute("href")`))
	ruth.open(href)
	body := ruth.bodyText()
	for _, want := range []string{"Your medicine session", "Cedar Room", "Stop eating at 06:00", "No alcohol or other drugs from 10:00",
		"Pause stimulants on the day", "Arrange your ride home", "Do not drive", "Bring warm socks and your companion's number.", "Sam Okafor"} {
		if !strings.Contains(body, want) {
			t.Errorf("Ruth's session page lacks %q", want)
		}
	}
	wide := run(ruth, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if wide > 390 {
		t.Errorf("the session page is %d px wide on a 390 px phone", wide)
	}
	ruth.screenshot("portal-session")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
