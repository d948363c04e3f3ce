package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/audit"
)

// The fixture's clock stands on Wednesday 17 June 2026 in the clinic's
// calendar: its week runs from Monday 15 to Sunday 21 June.

// TestPracticesLog: a client logs practices, today by default, and sees
// the week in the clinic's calendar with links back to their first
// practice and no further than this week; bad input says what to fix and
// changes nothing; another client can neither see nor remove them.
func TestPracticesLog(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	body := f.do("clientA", "GET", "/portal/practices", nil).Body.String()
	for _, want := range []string{"15–21 June 2026", "Wednesday 17 June", "Box breathing by the window. " + marker,
		`name="day" type="date" required value="2026-06-17"`, `max="2026-06-17"`, "Stop sharing my log"} {
		if !strings.Contains(body, want) {
			t.Errorf("client A's practices lack %q", want)
		}
	}
	if strings.Contains(body, "The week before") || strings.Contains(body, "The week after") {
		t.Error("with only this week's practice, the page links other weeks")
	}
	if b := f.do("clientB", "GET", "/portal/practices", nil).Body.String(); strings.Contains(b, marker) || !strings.Contains(b, "Nothing logged this week") {
		t.Error("client B's practices show client A's")
	}

	// Ten days ago: the log now begins in the week of 1 June.
	rec := f.do("clientA", "POST", "/portal/practices", url.Values{"kind": {"nature"}, "day": {"2026-06-07"}, "minutes": {"40"}, "note": {"By the river-R5"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/practices?week=2026-06-07&done=logged" {
		t.Fatalf("log: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	body = f.do("clientA", "GET", "/portal/practices?week=2026-06-07&done=logged", nil).Body.String()
	for _, want := range []string{"1–7 June 2026", "Sunday 7 June", "Time in nature", "40 minutes", "By the river-R5", "Logged.",
		`href="/portal/practices?week=2026-06-08"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the week of 1 June lacks %q", want)
		}
	}
	if strings.Contains(body, "The week before") {
		t.Error("the week of the first practice links an earlier one")
	}
	body = f.do("clientA", "GET", "/portal/practices", nil).Body.String()
	if !strings.Contains(body, `href="/portal/practices?week=2026-06-08"`) || strings.Contains(body, "The week after") {
		t.Error("this week does not link the week before, or links a week to come")
	}
	// A week before the first or after this one is held at the log's ends.
	if b := f.do("clientA", "GET", "/portal/practices?week=2025-01-01", nil).Body.String(); !strings.Contains(b, "1–7 June 2026") {
		t.Error("an old week is not held at the first practice's")
	}
	if b := f.do("clientA", "GET", "/portal/practices?week=2027-01-01", nil).Body.String(); !strings.Contains(b, "15–21 June 2026") {
		t.Error("a week to come is not held at this one")
	}

	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"kind": {"juggling"}, "day": {"2026-06-17"}, "minutes": {"5"}}, "Choose what you practised"},
		{url.Values{"kind": {"art"}, "day": {"2026-06-18"}, "minutes": {"5"}}, "has not come yet"},
		{url.Values{"kind": {"art"}, "day": {"17/06/2026"}, "minutes": {"5"}}, "Give the day as a date"},
		{url.Values{"kind": {"art"}, "day": {"2026-06-17"}, "minutes": {"lots"}}, "from 1 to 600"},
		{url.Values{"kind": {"art"}, "day": {"2026-06-17"}, "minutes": {"5"}, "note": {strings.Repeat("x", 2001)}}, "under 2,000 characters"},
	} {
		rec := f.do("clientA", "POST", "/portal/practices", c.form)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), c.field) || !strings.Contains(rec.Body.String(), `class="field-error"`) {
			t.Errorf("%v: %d, want 400 saying %q", c.form, rec.Code, c.field)
		}
	}

	// Removing: only one's own.
	if rec := f.do("clientB", "POST", "/portal/practices/"+f.integration.logID+"/remove", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("client B removing client A's practice: %d", rec.Code)
	}
	if rec := f.do("clientA", "POST", "/portal/practices/"+f.integration.logID+"/remove", url.Values{"week": {"2026-06-17"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", rec.Code)
	}
	if b := f.do("clientA", "GET", "/portal/practices", nil).Body.String(); strings.Contains(b, "Box breathing by the window") {
		t.Error("a removed practice is still listed")
	}
	if got := okActions(f.auditActions("practice.")); got != "practice.remove |practice.log " {
		t.Errorf("audit entries: %q", got)
	}
}

// TestPracticesSharedWithTheTeam: the care team sees a client's log only
// while the client shares it; someone off the team never does.
func TestPracticesSharedWithTheTeam(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	path := "/clients/" + f.clients["A"].ID + "/practices"
	if b := f.do("assigned", "GET", path, nil).Body.String(); !strings.Contains(b, "Box breathing by the window. "+marker) || strings.Contains(b, "Remove") {
		t.Errorf("the therapist's view of a shared log:\n%s", b)
	}
	if rec := f.do("unassigned", "GET", path, nil); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "Box breathing") {
		t.Errorf("a therapist off the team: %d", rec.Code)
	}
	if b := f.do("admin", "GET", path, nil).Body.String(); strings.Contains(b, "Box breathing") || !strings.Contains(b, "not shared with you") {
		t.Error("an admin off the care team reads the log")
	}
	if rec := f.do("clientA", "POST", "/portal/practices/sharing", url.Values{"share": {"0"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("stop sharing: %d", rec.Code)
	}
	if b := f.do("clientA", "GET", "/portal/practices?done=private", nil).Body.String(); !strings.Contains(b, "Share my log with my care team") || !strings.Contains(b, "private again") {
		t.Error("the client's page does not say the log is private")
	}
	if b := f.do("assigned", "GET", path, nil).Body.String(); strings.Contains(b, "Box breathing") || strings.Contains(b, "June") {
		t.Error("the therapist still sees something of an unshared log")
	}
	if rec := f.do("clientA", "POST", "/portal/practices/sharing", url.Values{"share": {"1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("share: %d", rec.Code)
	}
	if b := f.do("prescriber", "GET", path, nil).Body.String(); !strings.Contains(b, "Box breathing") {
		t.Error("the prescriber on the team does not see the shared log")
	}
	want := "practices.read_shared week of 2026-06-15, 1 practice|practices.share |practices.read_shared not shared|practices.unshare |" +
		"practices.read_shared not shared|practices.read_shared week of 2026-06-15, 1 practice"
	if got := okActions(f.auditActions("practices.")); got != want {
		t.Errorf("audit entries, newest first:\n%s\nwant\n%s", got, want)
	}
}

// okActions are the entries that went through, as "action detail", newest
// first, joined by "|".
func okActions(entries []audit.Entry) string {
	var out []string
	for _, e := range entries {
		if e.Outcome == audit.OK {
			out = append(out, e.Action+" "+e.Detail)
		}
	}
	return strings.Join(out, "|")
}
