package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
)

// arrangeCouple links the clients of two ready clients' sessions (see
// readyClientIn) as a couple, has both sign the couples consent, and books
// their joint medicine session days from now with Sam and Dr. Lee. It
// returns the joint session's id and the two clients.
func arrangeCouple(t *testing.T, srv *server, firstAppt, secondAppt string, days int) (string, []store.Client) {
	t.Helper()
	ctx := context.Background()
	now := srv.Now()
	var joint store.Appointment
	var clients []store.Client
	err := srv.Store.Write(ctx, func(tx *store.Tx) error {
		clinic, err := tx.ClinicByRef(ctx, clinicRef(t, srv))
		if err != nil {
			return err
		}
		var parts []store.AppointmentClient
		var staff []string
		for _, id := range []string{firstAppt, secondAppt} {
			a, err := tx.Appointment(ctx, clinic.ID, id)
			if err != nil {
				return err
			}
			c, err := tx.Client(ctx, clinic.ID, a.Clients[0].ClientID)
			if err != nil {
				return err
			}
			clients, parts, staff = append(clients, c), append(parts, a.Clients[0]), a.Staff
			sig := store.ConsentSignature{ClinicID: clinic.ID, ClientID: c.ID, Kind: care.ConsentCouples, TypedName: c.DisplayName(), Agreed: true,
				SignedAt: now.AddDate(0, 0, -10), IP: "192.0.2.10"}
			if _, err := tx.SignConsent(ctx, &sig, 1); err != nil {
				return err
			}
		}
		couple := store.Couple{ClinicID: clinic.ID, ClientA: clients[0].ID, ClientB: clients[1].ID, CreatedBy: staff[0], CreatedAt: now.AddDate(0, 0, -12)}
		if err := tx.CreateCouple(ctx, &couple); err != nil {
			return err
		}
		day := now.In(clinic.Location()).AddDate(0, 0, days)
		start := time.Date(day.Year(), day.Month(), day.Day(), 7, 0, 0, 0, clinic.Location()).UTC()
		joint = store.Appointment{ID: auth.NewID(), ClinicID: clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
			CreatedBy: staff[0], CreatedAt: now, Staff: staff, Clients: parts}
		return tx.BookAppointment(ctx, &joint)
	})
	if err != nil {
		t.Fatalf("arrange the couple: %v", err)
	}
	return joint.ID, clients
}

// TestCouplesJointMedicineSession: Nell and Owen Marsh, a couple, in their
// joint medicine session with Sam. The joint view shows a column per
// partner, each headed with the name, both waiting on their day's checks.
// Once Nell's checks are saved her dose still waits, her page saying that
// Owen is not ready yet; once Owen's are saved both are dosed, one after
// the other. The joint view then shows two live panels, each in its
// partner's column; the hours pass, each is discharged from their own
// page, and the joint view shows both discharged. Every page passes axe.
func TestCouplesJointMedicineSession(t *testing.T) {
	srv := sqliteServer(t)
	first := readyClientIn(t, srv, "Nell", "Marsh", 41)
	second := readyClientIn(t, srv, "Owen", "Marsh", 42)
	joint, clients := arrangeCouple(t, srv, first, second, 43)
	nell, owen := clients[0], clients[1]
	loc := mustZone(t, "America/Los_Angeles")
	clock := func(ago time.Duration) string { return srv.Now().Add(-ago).In(loc).Format("15:04") }
	record := func(c store.Client) string { return "/clients/" + c.ID + "/sessions/" + joint }
	jointView := "/schedule/" + joint + "/joint"

	sam := newTab(t, srv.URL, desktop)
	signIn(sam, srv.login(t, "Sam"))
	sam.open(jointView)
	for _, c := range clients {
		col := "#partner-" + c.ID
		if h := sam.text(col + " h2"); h != c.DisplayName() {
			t.Errorf("a column is headed %q, want %q", h, c.DisplayName())
		}
		if txt := sam.text(col); !strings.Contains(txt, c.DisplayName()+"'s dose waits on") || !strings.Contains(txt, "Ride home") && !strings.Contains(txt, "ride") {
			t.Errorf("%s's column before the checks:\n%s", c.DisplayName(), txt)
		}
	}
	sam.screenshot("joint-before")

	checks := func(c store.Client, sys, dia string) {
		t.Helper()
		sam.open(record(c))
		sam.fill("companion_name", "Ada Marsh")
		sam.fill("companion_phone", "(541) 555-0188")
		sam.do("ride confirmed", chromedp.Click(chromedp.CSS(`input[name="ride_confirmed"]`)))
		sam.do("last food", chromedp.SetValue(chromedp.ID("last_food"), clock(6*time.Hour)))
		sam.do("no substances", chromedp.Click(chromedp.CSS(`input[name="no_substances"][value="yes"]`)))
		sam.do("no stimulants", chromedp.Click(chromedp.CSS(`input[name="stimulants_paused"][value="yes"]`)))
		sam.do("medications reviewed", chromedp.Click(chromedp.CSS(`input[name="medications_reviewed"]`)))
		sam.write("intention", "To stay with each other.")
		sam.fill("systolic", sys)
		sam.fill("diastolic", dia)
		sam.fill("heart_rate", "70")
		sam.fill("spo2", "98")
		sam.submit(`form[action$="/checklist"] button[type="submit"]`)
		if !strings.Contains(sam.text(".notice.ok"), "The checks are saved.") {
			t.Fatalf("after %s's checks: %s", c.DisplayName(), sam.bodyText())
		}
	}
	checks(nell, "124", "80")
	if why := sam.text(`[id="gate-joint.partner"]`); !strings.Contains(why, "Owen Marsh is not ready yet, so neither dose starts") {
		t.Errorf("Nell's partner gate says %q", why)
	}
	if sam.has(`form[action$="/dose"]`) {
		t.Error("Nell's dose form is offered while Owen is not ready")
	}
	sam.screenshot("joint-partner-gate")
	checks(owen, "118", "76")

	dose := func(c store.Client, weight string) {
		t.Helper()
		sam.open(record(c))
		if !strings.Contains(sam.text("#gates-h + p"), "Every gate is cleared") {
			t.Fatalf("%s's gates before the dose:\n%s", c.DisplayName(), sam.bodyText())
		}
		sam.fill("weight_kg", weight)
		sam.fill("lot", "LT-5520")
		sam.submit(`form[action$="/dose"] button[type="submit"]`)
		if !strings.Contains(sam.text(".notice.ok"), "The dose is recorded.") {
			t.Fatalf("after %s's dose: %s", c.DisplayName(), sam.bodyText())
		}
	}
	dose(owen, "82.0")
	dose(nell, "61.5")

	sam.open(jointView)
	columns := map[string]bool{}
	for _, c := range clients {
		col := "#partner-" + c.ID
		// Each column's panel refreshes from that partner's own record, and
		// keeps its column's element ids.
		url := run(sam, "panel of "+c.DisplayName(), chromedp.Evaluate[string](`(document.querySelector("`+col+` section.live") || {getAttribute: () => ""}).getAttribute("data-live-url") || ""`))
		prefix := "/clients/" + c.ID + "/sessions/" + joint + "/live?column="
		if !strings.HasPrefix(url, prefix) {
			t.Errorf("%s's column has no live panel of its own (%q)", c.DisplayName(), url)
		}
		columns[strings.TrimPrefix(url, prefix)] = true
		if txt := sam.text(col); !strings.Contains(txt, "Dose given at") || !strings.Contains(txt, "Discharge: "+c.DisplayName()) {
			t.Errorf("%s's live column:\n%s", c.DisplayName(), txt)
		}
	}
	if !columns["1"] || !columns["2"] {
		t.Errorf("the panels' columns: %v", columns)
	}
	sam.screenshot("joint-live")

	// The hours pass; each is watched, read and discharged on their own page.
	srv.Advance(135*time.Minute, sam)
	for _, c := range clients {
		sam.open(record(c))
		sam.fill("systolic", "122")
		sam.fill("diastolic", "78")
		sam.fill("heart_rate", "70")
		sam.fill("spo2", "98")
		sam.do("sedation", chromedp.SetValue(chromedp.ID("sedation"), "5"))
		sam.submit(`form[action$="/vitals"] button[type="submit"]`)
		if !strings.Contains(sam.text(".notice.ok"), "The reading is saved.") {
			t.Fatalf("%s's reading: %s", c.DisplayName(), sam.bodyText())
		}
		sam.fill("released_to", "Ada Marsh")
		sam.do("alert and oriented", chromedp.Click(chromedp.CSS(`input[name="alert_oriented"]`)))
		sam.submit(`form[action$="/discharge"] button[type="submit"]`)
		if !strings.Contains(sam.text(".notice.ok"), "The client is discharged.") {
			t.Fatalf("%s's discharge: %s", c.DisplayName(), sam.bodyText())
		}
	}
	sam.open(jointView)
	for _, c := range clients {
		col := "#partner-" + c.ID
		if txt := sam.text(col); !strings.Contains(txt, "Discharged") || sam.has(col+" section.live") {
			t.Errorf("%s's column after discharge:\n%s", c.DisplayName(), txt)
		}
	}
	sam.screenshot("joint-discharged")
}

// TestPartnerCannotOpenTheOthersPrivatePage: Priya, in couples work with
// Ben, reads their shared space (Ben's reflection is there, with the
// caution), but Ben's private journal entry is Not found to her, with
// nothing of it on the page.
func TestPartnerCannotOpenTheOthersPrivatePage(t *testing.T) {
	srv := sqliteServer(t)
	ctx := context.Background()
	var bensEntry store.JournalEntry
	err := srv.Store.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, srv.login(t, "Ben").Email)
		if err != nil {
			return err
		}
		clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: u.ClinicID})
		if err != nil {
			return err
		}
		for _, c := range clients {
			if c.UserID == u.ID {
				es, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: c.ClinicID, ClientID: c.ID})
				if err != nil || len(es) == 0 {
					t.Fatalf("Ben's journal: %v %v", es, err)
				}
				bensEntry = es[0]
			}
		}
		return nil
	})
	if err != nil || bensEntry.ID == "" {
		t.Fatalf("Ben's entry: %v", err)
	}
	priya := newTab(t, srv.URL, phone)
	signIn(priya, srv.login(t, "Priya"))
	priya.open("/portal/couple")
	if body := priya.bodyText(); !strings.Contains(body, "Yes to Sunday walks") || !strings.Contains(body, "hold off on major relationship decisions") {
		t.Errorf("Priya's shared space:\n%s", body)
	}
	priya.screenshot("shared-space")
	priya.open("/portal/journal/" + bensEntry.ID)
	if h := priya.heading(); h != "Not found" {
		t.Errorf("Priya opened Ben's journal entry and sees %q, want Not found", h)
	}
	if body := priya.bodyText(); strings.Contains(body, "tiredness") || strings.Contains(body, bensEntry.Body[:20]) {
		t.Errorf("the Not found page shows Ben's words:\n%s", body)
	}
}
