package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// flagClient raises a PHQ-9 question-9 flag for the client of the session,
// answered at at, as the portal would have saved it.
func flagClient(t *testing.T, srv *server, apptID string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	in, _ := measures.ByID(measures.PHQ9)
	answers := measures.Answers{"44250-9": 2, "44255-8": 2, "44259-0": 1, "44254-1": 2, "44251-7": 1, "44258-2": 2, "44252-5": 1, "44253-3": 0, "44260-8": 1}
	res, err := measures.Score(in, answers)
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Store.Write(ctx, func(tx *store.Tx) error {
		clinic, err := tx.ClinicByRef(ctx, clinicRef(t, srv))
		if err != nil {
			return err
		}
		a, err := tx.Appointment(ctx, clinic.ID, apptID)
		if err != nil {
			return err
		}
		c := a.Clients[0]
		asg := store.Assignment{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: c.ClientID, CourseID: c.CourseID, InstrumentID: in.ID,
			Occasion: string(measures.OccasionRepeat), DueAt: at, CreatedAt: at}
		if err := tx.CreateAssignment(ctx, &asg); err != nil {
			return err
		}
		r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: clinic.ID, ClientID: c.ClientID, CourseID: c.CourseID, InstrumentID: in.ID,
			Answers: answers, Total: res.Total, HasTotal: true, BandKey: res.Band.Key, EnteredBy: a.CreatedBy, CompletedAt: at, RecordedAt: at}
		var flags []store.SafetyFlag
		for _, f := range res.Flags {
			flags = append(flags, store.SafetyFlag{ID: auth.NewID(), Kind: string(f.Kind), Severity: string(f.Severity), Reason: f.Reason, RaisedAt: at})
		}
		return tx.SaveResponse(ctx, &r, flags)
	})
	if err != nil {
		t.Fatalf("raise a flag: %v", err)
	}
}

// TestFlaggedClientsSessionWaitsForTheFlag: Hana answered PHQ-9 question 9
// "Several days" yesterday. Her medicine session page leads with the safety
// gate, failing, and offers no dose form, though every other check is
// saved; no override is offered for it. Once Sam acknowledges the flag on
// her chart with a note, the dose may be given. Then a C-SSRS on paper
// (switched on by the admin, with its licence confirmed) reaches the high
// tier: its flag acknowledged, the session still waits, until Dr. Lee, a
// prescriber on her care team, overrides the C-SSRS gate with a reason.
// Screenshots at 390 and 1280 px of the session page and of a screening
// page.
func TestFlaggedClientsSessionWaitsForTheFlag(t *testing.T) {
	srv := sqliteServer(t)
	apptID := readyClientIn(t, srv, "Hana", "Rowe", 24)
	flagClient(t, srv, apptID, srv.Now().Add(-26*time.Hour))
	loc := mustZone(t, "America/Los_Angeles")

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	sam.open("/schedule/" + apptID)
	record := sam.linkTo("Hana Rowe: session record")
	if record == "" {
		t.Fatalf("no link to Hana's record:\n%s", sam.bodyText())
	}
	// The chart, as a path: the record's link is a full URL.
	chart := strings.SplitN(strings.TrimPrefix(record, srv.URL), "/sessions/", 2)[0]
	sam.open(record)
	// The first thing the page says, above the gates, is the open flag.
	first := run(sam, "first section", chromedp.Evaluate[string](`document.querySelector("main section").id || document.querySelector("main section").className`))
	if !strings.Contains(first, "safety-first") {
		t.Errorf("the page does not lead with the safety notice; its first section is %q", first)
	}
	if why := sam.text(".safety-first"); !strings.Contains(why, "There is a suicide-risk flag from the PHQ-9, open since") {
		t.Errorf("the safety notice says %q", why)
	}
	firstGate := run(sam, "first gate", chromedp.Evaluate[string](`document.querySelector("ul.gates li").id`))
	if firstGate != "gate-safety.flags" || !sam.has(`[id="gate-safety.flags"].fail`) {
		t.Errorf("the first gate is %q (failing: %v)", firstGate, sam.has(`[id="gate-safety.flags"].fail`))
	}

	// Every other check passes; the dose is still not offered.
	sam.fill("companion_name", "Ola Rowe")
	sam.fill("companion_phone", "(541) 555-0168")
	sam.do("ride confirmed", chromedp.Click(chromedp.CSS(`input[name="ride_confirmed"]`)))
	sam.do("last food", chromedp.SetValue(chromedp.ID("last_food"), srv.Now().Add(-6*time.Hour).In(loc).Format("15:04")))
	sam.do("no substances", chromedp.Click(chromedp.CSS(`input[name="no_substances"][value="yes"]`)))
	sam.do("no stimulants", chromedp.Click(chromedp.CSS(`input[name="stimulants_paused"][value="yes"]`)))
	sam.do("medications reviewed", chromedp.Click(chromedp.CSS(`input[name="medications_reviewed"]`)))
	sam.write("intention", "To be gentle with the tired parts of me.")
	sam.fill("systolic", "124")
	sam.fill("diastolic", "80")
	sam.fill("heart_rate", "70")
	sam.fill("spo2", "98")
	sam.submit(`form[action$="/checklist"] button[type="submit"]`)
	if sam.has(`form[action$="/dose"]`) {
		t.Error("the dose form is offered while the flag is open")
	}
	for _, g := range []string{"predose.ride", "predose.bp", "screening", "dosing_order"} {
		if !sam.has(`[id="gate-` + g + `"].pass`) {
			t.Errorf("gate %s does not pass:\n%s", g, sam.text(`[id="gate-`+g+`"]`))
		}
	}
	sam.screenshot("session-flag-open")
	sam.setViewport(phone)
	sam.open(record)
	sam.screenshot("session-flag-open")
	if wide := run(sam, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > 390 {
		t.Errorf("the session page is %d px wide on a 390 px phone", wide)
	}
	sam.setViewport(desktop)

	jordan := newTab(t, srv.URL, desktop)
	signIn(jordan, srv.login(t, "Jordan"))
	jordan.open(record)
	if jordan.has(`#override_gate option[value="` + care.GateSafetyFlags + `"]`) {
		t.Error("an override is offered for the open flag")
	}

	// Sam follows the link to the chart and acknowledges the flag there.
	sam.open(record)
	sam.submit(".safety-first a") // a link: click, and wait for the page
	if !strings.HasPrefix(sam.path(), chart) || !sam.has(".flag-row.open") {
		t.Fatalf("the link leads to %s:\n%s", sam.path(), sam.bodyText())
	}
	ack := func() {
		t.Helper()
		note := run(sam, "note field", chromedp.Evaluate[string](`document.querySelector(".flag-row.open textarea").id`))
		sam.do("type the note", chromedp.SendKeys(chromedp.ID(note), "Spoke with Hana this morning: safe, plan reviewed with her and Ola."))
		sam.submit(`.flag-row.open form button[type="submit"]`)
		if sam.has(".flag-row.open") {
			t.Fatal("the flag is still open after acknowledging it")
		}
	}
	ack()
	sam.open(record)
	if sam.has(".safety-first") || !sam.has(`[id="gate-safety.flags"].pass`) || !sam.has(`form[action$="/dose"]`) {
		t.Fatalf("after the acknowledgement:\n%s", sam.text("#gates-h + p + ul"))
	}

	// A high C-SSRS: the admin switches the screener on for the clinic.
	alex := newTab(t, srv.URL, desktop)
	signIn(alex, srv.login(t, "Alex"))
	t.Cleanup(func() {
		// The package's server is shared: the C-SSRS goes off again.
		ctx := context.Background()
		srv.Store.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SetClinicSetting(ctx, clinicRef(t, srv), store.SettingCSSRSLicence, "", "", srv.Now()); err != nil {
				return err
			}
			return tx.SetClinicSetting(ctx, clinicRef(t, srv), store.SettingCSSRSEnabled, "", "", srv.Now())
		})
	})
	alex.open("/admin/measures")
	alex.do("C-SSRS on", chromedp.Click(chromedp.CSS(`input[name="cssrs"]`)), chromedp.Click(chromedp.CSS(`input[name="cssrs_confirm"]`)))
	alex.submit(`form[action="/admin/measures"] button[type="submit"]`)
	if !strings.Contains(alex.text(".notice.ok"), "Measures settings saved.") {
		t.Fatalf("switching the C-SSRS on: %s", alex.bodyText())
	}
	// Sam enters Hana's C-SSRS from paper: thoughts with some intention of
	// acting on them (question 4): the high tier.
	sam.open(chart + "/measures/" + measures.CSSRSScreen + "/paper")
	for q, v := range map[string]string{"q1": "1", "q2": "1", "q3": "0", "q4": "1", "q5": "0", "q6": "0"} {
		sam.do("answer "+q, chromedp.Click(chromedp.ID(q+"-"+v)))
	}
	sam.submit(`form.measure button[type="submit"]`)
	sam.open(record)
	if !sam.has(`[id="gate-safety.cssrs_high"].fail`) || !sam.has(`[id="gate-safety.flags"].fail`) {
		t.Fatalf("after a high C-SSRS the gates say:\n%s", sam.text("#gates-h + p + ul"))
	}
	sam.open(chart)
	ack()
	sam.open(record)
	if !sam.has(`[id="gate-safety.flags"].pass`) || !sam.has(`[id="gate-safety.cssrs_high"].fail`) || sam.has(`form[action$="/dose"]`) {
		t.Fatalf("once the C-SSRS flag is acknowledged the gates say:\n%s", sam.text("#gates-h + p + ul"))
	}
	if why := sam.text(".safety-first"); !strings.Contains(why, "No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged") {
		t.Errorf("the safety notice says %q", why)
	}
	if sam.has(`form[action$="/overrides"]`) {
		t.Error("the therapist is offered the prescriber's override")
	}
	sam.screenshot("session-cssrs-high")

	jordan.open(record)
	jordan.do("choose the C-SSRS gate", chromedp.SetValue(chromedp.ID("override_gate"), care.GateCSSRSHigh))
	jordan.write("override_reason", "Assessed Hana in person today with her partner; no current intent, safety plan in place, partner staying tonight.")
	jordan.submit(`form[action$="/overrides"] button[type="submit"]`)
	if !strings.Contains(jordan.text(".notice.ok"), "The override is recorded.") || !jordan.has(`[id="gate-safety.cssrs_high"].overridden`) {
		t.Fatalf("after the override: %s", jordan.bodyText())
	}
	sam.open(record)
	if !strings.Contains(sam.text("#gates-h + p"), "Every gate is cleared") || !sam.has(`form[action$="/dose"]`) {
		t.Fatalf("after the override Sam sees:\n%s", sam.text("#gates-h + p + ul"))
	}
	sam.screenshot("session-cssrs-overridden")
	sam.setViewport(phone)
	sam.open(record)
	sam.screenshot("session-cssrs-overridden")

	// Daniel's screening, as Dr. Lee reads it: the decision and until
	// when it holds, each medicine with what screening made of its name,
	// every rule with its source; on a desktop and on a phone. (No other
	// test changes Daniel's screening on the shared server.)
	jordan.open("/caseload")
	daniel := jordan.linkTo("Daniel Brooks")
	if daniel == "" {
		t.Fatalf("Daniel Brooks is not on Dr. Lee's caseload:\n%s", jordan.bodyText())
	}
	for _, vp := range []viewport{desktop, phone} {
		jordan.setViewport(vp)
		jordan.open(strings.TrimPrefix(daniel, srv.URL) + "/screening")
		body := jordan.bodyText()
		for _, want := range []string{"Valid until", "counted in the clinic's calendar days", "Not recognised: sertraline",
			"Every screening rule, with its source"} {
			if !strings.Contains(body, want) {
				t.Errorf("Daniel's screening page lacks %q", want)
			}
		}
		if wide := run(jordan, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > int(vp.width) {
			t.Errorf("the screening page is %d px wide on %d px", wide, vp.width)
		}
		jordan.screenshot("screening-daniel")
	}
}
