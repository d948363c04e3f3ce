package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/screening"
	"doorway/internal/session"
	"doorway/internal/store"
)

// tablet is the live view's device: a tablet in portrait beside the chair.
var tablet = viewport{name: "tablet", width: 820, height: 1180}

// readyClient arranges, in the demo clinic, a client whose course gates all
// pass (approved screening, consent signed, a preparation session, the
// baseline overridden by Dr. Lee, an order of 200 mg RDT, at most 300 mg),
// with a medicine session booked with Sam and Dr. Lee. The pages cannot make
// a client sign consent for someone else, so the store does it, as the demo
// does. It returns the session's id.
func readyClient(t *testing.T, srv *server, given, family string) string {
	t.Helper()
	return readyClientIn(t, srv, given, family, 23)
}

// readyClientIn is readyClient with the session booked days from now, so
// that tests sharing the server do not book Sam twice at once.
func readyClientIn(t *testing.T, srv *server, given, family string, days int) string {
	t.Helper()
	ctx := context.Background()
	now := srv.Now()
	var apptID string
	err := srv.Store.Write(ctx, func(tx *store.Tx) error {
		clinic, err := tx.ClinicByRef(ctx, clinicRef(t, srv))
		if err != nil {
			return err
		}
		sam, err := tx.UserByEmail(ctx, srv.login(t, "Sam").Email)
		if err != nil {
			return err
		}
		jordan, err := tx.UserByEmail(ctx, srv.login(t, "Jordan").Email)
		if err != nil {
			return err
		}
		c := store.Client{ID: auth.NewID(), ClinicID: clinic.ID, GivenName: given, FamilyName: family, DateOfBirth: "1984-05-06", CreatedAt: now}
		if err := tx.CreateClient(ctx, &c); err != nil {
			return err
		}
		for _, u := range []store.User{sam, jordan} {
			if err := tx.AddToCareTeam(ctx, c.ID, u.ID, now); err != nil {
				return err
			}
		}
		course := store.Course{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: c.ID, State: care.Active, StartedAt: now.AddDate(0, 0, -40), CreatedAt: now}
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		expires := now.AddDate(0, 0, 150)
		if err := tx.RecordScreeningDecision(ctx, &store.ScreeningDecision{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: c.ID, CourseID: course.ID,
			Kind: screening.Approve, Tier: screening.Info, DecidedBy: jordan.ID, DecidedAt: now.AddDate(0, 0, -30), ExpiresAt: &expires}); err != nil {
			return err
		}
		if err := tx.EnsureConsentDocuments(ctx, clinic.ID, now); err != nil {
			return err
		}
		docs, err := tx.CurrentConsentDocuments(ctx, clinic.ID)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.Required {
				sig := store.ConsentSignature{ClinicID: clinic.ID, ClientID: c.ID, Kind: d.Kind, TypedName: given + " " + family, Agreed: true,
					SignedAt: now.AddDate(0, 0, -20), IP: "192.0.2.10"}
				if _, err := tx.SignConsent(ctx, &sig, d.Version); err != nil {
					return err
				}
			}
		}
		if err := tx.AddPrepNote(ctx, &store.PrepNote{ClinicID: clinic.ID, ClientID: c.ID, CourseID: course.ID, OccurredAt: now.AddDate(0, 0, -7),
			Body: "Planned the first medicine session; fears about losing control explored.", AuthorID: sam.ID, SignedAt: now.AddDate(0, 0, -7)}); err != nil {
			return err
		}
		if err := tx.AddGateOverride(ctx, &store.GateOverride{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: c.ID, CourseID: course.ID,
			GateID: care.GateBaseline, Reason: "PHQ-9 and GAD-7 done on paper at the last visit.", By: jordan.ID, At: now.AddDate(0, 0, -1)}); err != nil {
			return err
		}
		o := store.DosingOrder{ID: auth.NewID(), ClinicID: clinic.ID, ClientID: c.ID, CourseID: course.ID, WrittenBy: jordan.ID, WrittenAt: now.AddDate(0, 0, -3),
			Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}}
		rules, err := tx.SessionRules(ctx, clinic.ID)
		if err != nil {
			return err
		}
		if err := tx.WriteDosingOrder(ctx, &o, rules.Settings); err != nil {
			return err
		}
		// Booked well clear of the demo's own sessions and other tests'.
		day := now.In(clinic.Location()).AddDate(0, 0, days)
		start := time.Date(day.Year(), day.Month(), day.Day(), 7, 0, 0, 0, clinic.Location()).UTC()
		a := store.Appointment{ID: auth.NewID(), ClinicID: clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
			CreatedBy: sam.ID, CreatedAt: now, Staff: []string{sam.ID, jordan.ID},
			Clients: []store.AppointmentClient{{ClientID: c.ID, CourseID: course.ID}}}
		apptID = a.ID
		return tx.BookAppointment(ctx, &a)
	})
	if err != nil {
		t.Fatalf("arrange %s %s: %v", given, family, err)
	}
	return apptID
}

// TestMedicineSessionFromChecksToLockedRecord: Sam opens Iris's medicine
// session from the schedule and records the day's checks; her blood
// pressure of 150/95 needs the prescriber, and Dr. Lee confirms it with a
// reason. Sam records the dose (given 130 minutes ago, entered now), then,
// on a tablet, three readings: the second high reading 5 minutes after the
// first raises the sustained blood-pressure alert, which waits at the top
// of the live view until Sam acknowledges it with a note. The live panel
// refreshes by itself without a reload. Every discharge criterion passes,
// Sam discharges Iris to her companion, Dr. Lee signs and locks the record,
// and Sam adds an addendum. Every page passes axe (checkPage).
func TestMedicineSessionFromChecksToLockedRecord(t *testing.T) {
	srv := sqliteServer(t)
	apptID := readyClient(t, srv, "Iris", "Vale")
	loc := mustZone(t, "America/Los_Angeles")
	clock := func(ago time.Duration) string { return srv.Now().Add(-ago).In(loc).Format("15:04") }
	setTime := func(b *tab, id, value string) {
		b.t.Helper()
		b.do("set "+id, chromedp.SetValue(chromedp.ID(id), value))
	}

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	sam.open("/schedule/" + apptID)
	record := sam.linkTo("Iris Vale: session record")
	if record == "" {
		t.Fatalf("the session on the schedule has no link to Iris's record:\n%s", sam.bodyText())
	}
	sam.open(record)
	if !sam.has(`[id="gate-predose.ride"].fail`) || !sam.has(`[id="gate-screening"].pass`) {
		t.Fatalf("before the checks the gates say:\n%s", sam.text("#gates-h + p + ul"))
	}
	sam.screenshot("session-start")

	sam.fill("companion_name", "Jo Vale")
	sam.fill("companion_phone", "(541) 555-0142")
	sam.do("ride confirmed", chromedp.Click(chromedp.CSS(`input[name="ride_confirmed"]`)))
	setTime(sam, "last_food", clock(6*time.Hour))
	sam.do("no substances", chromedp.Click(chromedp.CSS(`input[name="no_substances"][value="yes"]`)))
	sam.do("no stimulants", chromedp.Click(chromedp.CSS(`input[name="stimulants_paused"][value="yes"]`)))
	sam.do("medications reviewed", chromedp.Click(chromedp.CSS(`input[name="medications_reviewed"]`)))
	sam.write("intention", "To meet the grief with kindness.")
	sam.fill("systolic", "150")
	sam.fill("diastolic", "95")
	sam.fill("heart_rate", "74")
	sam.fill("spo2", "98")
	// The reading is taken now: it counts for the day's gates only within
	// the 60 minutes before the dose.
	sam.submit(`form[action$="/checklist"] button[type="submit"]`)
	if !strings.Contains(sam.text(".notice.ok"), "The checks are saved.") {
		t.Fatalf("after the checks: %s", sam.bodyText())
	}
	if why := sam.text(`[id="gate-predose.bp"]`); !strings.Contains(why, "Blood pressure 150/95 is above 140/90: a prescriber must confirm before dosing.") {
		t.Errorf("the blood-pressure gate says %q", why)
	}
	if sam.has(`form[action$="/dose"]`) {
		t.Error("the dose form is offered before the prescriber confirms the blood pressure")
	}
	sam.screenshot("session-checks")

	jordan := newTab(t, srv.URL, desktop)
	signIn(jordan, srv.login(t, "Jordan"))
	jordan.open(record)
	jordan.do("choose the BP gate", chromedp.SetValue(chromedp.ID("override_gate"), care.GateBP))
	jordan.write("override_reason", "Known white-coat rise; 136/86 at home this morning.")
	jordan.submit(`form[action$="/overrides"] button[type="submit"]`)
	if !strings.Contains(jordan.text(".notice.ok"), "The override is recorded.") || !jordan.has(`[id="gate-predose.bp"].overridden`) {
		t.Fatalf("after the confirmation: %s", jordan.bodyText())
	}

	sam.open(record)
	if !strings.Contains(sam.text("#gates-h + p"), "Every gate is cleared") {
		t.Fatalf("after the confirmation Sam sees:\n%s", sam.text("#gates-h + p"))
	}
	if mg := run(sam, "the ordered dose", chromedp.Value(chromedp.ID("mg"))); mg != "200" {
		t.Errorf("the dose field starts at %q, want the order's 200", mg)
	}
	sam.fill("weight_kg", "68.5")
	sam.fill("lot", "LT-4471")
	sam.submit(`form[action$="/dose"] button[type="submit"]`)
	if !strings.Contains(sam.text(".notice.ok"), "The dose is recorded.") || !sam.has("#live-panel") {
		t.Fatalf("after the dose: %s", sam.bodyText())
	}

	// The live view on a tablet at the chair; the session's hours pass on
	// the server's clock.
	sam.setViewport(tablet)
	srv.Advance(40*time.Minute, sam, jordan)
	sam.open(record)
	if elapsed := sam.text(".live-elapsed"); !strings.HasPrefix(elapsed, "40 min") {
		t.Errorf("time since the dose shows %q, want 40 min", elapsed)
	}
	reading := func(sys, dia, hr, spo2, sedation, at string) {
		t.Helper()
		sam.fill("systolic", sys)
		sam.fill("diastolic", dia)
		sam.fill("heart_rate", hr)
		sam.fill("spo2", spo2)
		sam.do("sedation", chromedp.SetValue(chromedp.ID("sedation"), sedation))
		setTime(sam, "vitals_at", at)
		sam.submit(`form[action$="/vitals"] button[type="submit"]`)
		if !strings.Contains(sam.text(".notice.ok"), "The reading is saved.") {
			t.Fatalf("after a reading: %s", sam.bodyText())
		}
	}
	// A slip first: the plain message, the numbers kept.
	sam.fill("systolic", "1830")
	sam.fill("diastolic", "112")
	sam.submit(`form[action$="/vitals"] button[type="submit"]`)
	if msg := sam.text("#systolic-error"); !strings.Contains(msg, "A systolic pressure of 1830 is not possible; check the reading (20–300 mmHg).") {
		t.Errorf("an impossible reading says %q", msg)
	}
	first40 := clock(0)
	reading("183", "112", "92", "97", "", first40)
	if sam.has(".alert-banner") {
		t.Error("an alert after one high reading")
	}
	srv.Advance(5*time.Minute, sam, jordan)
	sam.open(record)
	second45 := clock(0)
	reading("185", "111", "94", "97", "", second45)
	if !sam.has(`.alert-banner[role="alert"]`) {
		t.Fatalf("no alert after two readings at or above 180/110 five minutes apart:\n%s", sam.bodyText())
	}
	alert := sam.text(".alert-banner h2")
	want := "Alert: Blood pressure at or above 180/110 on readings 5 min apart: 183/112 at " + first40 + ", 185/111 at " + second45 + "."
	if alert != want {
		t.Errorf("the alert says %q, want %q", alert, want)
	}
	// The alert is first on the page, above the timer.
	first := run(sam, "what comes first", chromedp.Evaluate[string](`document.querySelector("#live-panel").firstElementChild.className`))
	if first != "alert-banner" {
		t.Errorf("the live panel starts with %q, not the alert", first)
	}
	sam.screenshot("session-live-alert")
	sam.write("ack-note-0", "Client calm under the eye mask; lights dimmed, recheck in 10 minutes. Dr. Lee informed.")
	sam.submit(`.alert-banner form button[type="submit"]`)
	if sam.has(".alert-banner") || !strings.Contains(sam.text(".notice.ok"), "The alert is acknowledged.") {
		t.Fatalf("after the acknowledgement: %s", sam.bodyText())
	}
	// The lozenge is spat out about 10 minutes after the dose, and the
	// observation of 120 minutes counts from then: 135 minutes on, it has
	// passed.
	srv.Advance(90*time.Minute, sam, jordan)
	sam.open(record)
	if elapsed := sam.text(".live-elapsed"); !strings.HasPrefix(elapsed, "2 h 15") {
		t.Errorf("time since the dose shows %q, want 2 h 15 min", elapsed)
	}
	reading("126", "80", "72", "98", "5", "")

	// The panel refreshes by itself: its "as of" time moves on while the
	// page stays the same page.
	before := sam.text(".live-updated")
	run(sam, "mark the page", chromedp.Evaluate[bool](`window.stillHere = true`))
	refreshed := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if sam.text(".live-updated") != before {
			refreshed = true
			break
		}
	}
	if !refreshed {
		t.Errorf("the live panel did not refresh within 15 s (still %q)", before)
	}
	if !run(sam, "same page", chromedp.Evaluate[bool](`window.stillHere === true`)) {
		t.Error("the page reloaded instead of refreshing its panel")
	}
	sam.screenshot("session-live")
	if wide := run(sam, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > int(tablet.width) {
		t.Errorf("the live view is %d px wide on an %d px tablet", wide, tablet.width)
	}

	// Discharge: every criterion is shown, and all pass.
	crit := sam.text("#discharge-h + ul")
	for _, want := range []string{"Minimum observation time", "minimum is 120", "Within the discharge limits", "No unacknowledged alert"} {
		if !strings.Contains(crit, want) {
			t.Errorf("the discharge criteria lack %q:\n%s", want, crit)
		}
	}
	sam.fill("released_to", "Jo Vale")
	sam.do("alert and oriented", chromedp.Click(chromedp.CSS(`input[name="alert_oriented"]`)))
	sam.submit(`form[action$="/discharge"] button[type="submit"]`)
	if !strings.Contains(sam.text(".notice.ok"), "The client is discharged.") {
		t.Fatalf("after discharge: %s", sam.bodyText())
	}
	if sam.has(`form[action$="/sign"]`) {
		t.Error("the therapist is offered the signature")
	}

	jordan.open(record)
	jordan.submit(`form[action$="/sign"] button[type="submit"]`)
	if !strings.Contains(jordan.text(".notice.ok"), "The record is signed and locked.") {
		t.Fatalf("after signing: %s", jordan.bodyText())
	}
	sam.open(record)
	body := sam.bodyText()
	for _, want := range []string{"This record is signed and locked", "200 mg (4 × 50 mg tablets)", "68.5 kg", "2.92 mg/kg", "LT-4471",
		"Known white-coat rise", "Acknowledged by Sam Okafor", "Released to", "Jo Vale", "Signed and locked: Dr. Jordan Lee"} {
		if !strings.Contains(body, want) {
			t.Errorf("the locked record lacks %q", want)
		}
	}
	if sam.has(`form[action$="/vitals"]`) || sam.has(`form[action$="/checklist"]`) {
		t.Error("the locked record still offers forms that change it")
	}
	sam.write("addendum_body", "Lot number checked against the controlled-substance log.")
	sam.submit(`form[action$="/addenda"] button[type="submit"]`)
	if add := sam.text("#addenda-h ~ .addendum"); !strings.Contains(add, "Addendum by Sam Okafor") || !strings.Contains(add, "controlled-substance log") {
		t.Errorf("the addendum shows as %q", add)
	}
	sam.screenshot("session-locked")

	// The record on a phone: nothing wider than the screen.
	phoneTab := newTab(t, srv.URL, phone)
	signIn(phoneTab, srv.login(t, "Jordan"))
	phoneTab.open(record)
	if wide := run(phoneTab, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > 390 {
		t.Errorf("the record is %d px wide on a 390 px phone", wide)
	}
	phoneTab.screenshot("session-locked")
}

// write types into an empty textarea (fill clears first, which a textarea
// with no text refuses).
func (b *tab) write(id, value string) {
	b.t.Helper()
	b.do("write #"+id, chromedp.SendKeys(chromedp.ID(id), value))
}
