package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// computed is a CSS property of the first element matching css (or of its
// pseudo-element, such as "::before"), as the browser drew it.
func computed(b *tab, css, pseudo, prop string) string {
	b.t.Helper()
	return run(b, "style of "+css, chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const e = document.querySelector(%q); return e ? getComputedStyle(e, %q || null).getPropertyValue(%q) : "" })()`, css, pseudo, prop)))
}

// The page's colours, as the browser reports them (app.css).
const (
	amberSoft  = "rgb(255, 243, 224)" // --warn-soft: a check that blocks
	dangerSoft = "rgb(253, 236, 236)" // --danger-soft: alerts and safety flags
)

// TestColoursMeanOneThing: red is for danger only, and the caseload says
// what each course waits for (a prescriber, the client) and who is in a
// medicine session now. Ruth's unsigned consent
// is a gate that blocks, amber and "not cleared", not red; Lena's open
// safety flag on the caseload is red. On Tom's live session the discharge
// criteria not yet due are grey "not yet", and the chair-side controls
// (observation, adverse event, stop) sit together under the vital signs,
// each a closed panel with a marker and a line saying what it holds.
func TestColoursMeanOneThing(t *testing.T) {
	srv := sqliteServer(t)
	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))

	if !run(sam, "Lena's flag", chromedp.Evaluate[bool](`Array.from(document.querySelectorAll("tr")).some(r => r.innerText.includes("Lena Fischer") && r.querySelector(".tag.danger"))`)) {
		t.Errorf("the caseload does not show Lena's safety flag in red:\n%s", sam.bodyText())
	}
	// The board says what each course waits for, and who is in a session.
	row := func(name string) string {
		return run(sam, name+"'s row", chromedp.Evaluate[string](fmt.Sprintf(`(Array.from(document.querySelectorAll("tr")).find(r => r.innerText.includes(%q)) || {}).innerText || ""`, name)))
	}
	for name, want := range map[string]string{
		"Omar Haddad":    "Screening: waiting for a prescriber's decision.",
		"Ruth Gallagher": "Consent: waiting for the client to sign Informed consent for ketamine-assisted psychotherapy.",
		"Tom Adeyemi":    "in a medicine session now",
	} {
		if got := row(name); !strings.Contains(got, want) {
			t.Errorf("the caseload's row for %s says %q, want %q", name, got, want)
		}
	}
	tomSession := run(sam, "Tom's session", chromedp.Evaluate[string](`(document.querySelector("#under-way-h + ul a") || {}).href || ""`))
	ruth := sam.linkTo("Ruth Gallagher")
	sam.open(ruth + "/course")
	gate := `[id="gate-consent:kap"]`
	if !sam.has(gate + ".fail") {
		t.Fatalf("Ruth's consent gate does not hold:\n%s", sam.bodyText())
	}
	if bg := computed(sam, gate, "", "background-color"); bg != amberSoft {
		t.Errorf("Ruth's unsigned consent is drawn %s, want amber %s", bg, amberSoft)
	}
	if tag := sam.text(gate + " .tag"); tag != "not cleared" {
		t.Errorf("Ruth's consent gate is tagged %q, want %q", tag, "not cleared")
	}
	if sam.has("li.gate .tag.danger") {
		t.Errorf("a gate on Ruth's course is red, though none is about her safety:\n%s", sam.bodyText())
	}

	if tomSession == "" {
		t.Fatalf("no medicine session under way on the caseload")
	}
	sam.open(tomSession)
	if !sam.has("li.gate.notyet") {
		t.Fatalf("Tom's session shows no discharge criterion not yet met:\n%s", sam.bodyText())
	}
	if bg := computed(sam, "li.gate.notyet", "", "background-color"); bg == dangerSoft || bg == amberSoft {
		t.Errorf("a discharge criterion not yet due is coloured %s; it should be neutral", bg)
	}
	if tag := sam.text("li.gate.notyet .tag"); tag != "not yet" || computed(sam, "li.gate.notyet .tag", "", "color") != "rgb(68, 68, 68)" {
		t.Errorf("a criterion not yet met is tagged %q in %s, want a grey \"not yet\"", tag, computed(sam, "li.gate.notyet .tag", "", "color"))
	}
	order := run(sam, "order", chromedp.Evaluate[string](`["#vitals-h", "#chair-h", "#discharge-h"].map(s => document.querySelector(s) ? s : "").join(" ") + " " +
		(document.querySelector("#chair-h") && document.querySelector("#discharge-h") && (document.querySelector("#chair-h").compareDocumentPosition(document.querySelector("#discharge-h")) & Node.DOCUMENT_POSITION_FOLLOWING) ? "before" : "after")`))
	if order != "#vitals-h #chair-h #discharge-h before" {
		t.Errorf("the chair-side controls are not between the vital signs and the discharge: %q", order)
	}
	panels := run(sam, "panels", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".chair-side details")).map(d =>
		(d.open ? "open" : "closed") + "|" + getComputedStyle(d.querySelector("summary"), "::before").content + "|" + d.querySelector("summary").innerText.replace(/\s+/g, " ").trim())`))
	want := []string{"Observation: sedation and dissociation", "Record an adverse event", "Stop the session"}
	if len(panels) != len(want) {
		t.Fatalf("the chair-side panels are %q, want %q", panels, want)
	}
	for i, p := range panels {
		parts := strings.SplitN(p, "|", 3)
		if parts[0] != "closed" || parts[1] != `"▸"` || !strings.HasPrefix(parts[2], want[i]) || !strings.Contains(parts[2], "Opens a form:") {
			t.Errorf("chair-side panel %d is %q: want closed, a ▸ marker, %q and what it opens", i, p, want[i])
		}
	}
	sam.screenshot("session-chair-side")
	sam.setViewport(phone)
	sam.open(tomSession)
	sam.screenshot("session-chair-side")
}
