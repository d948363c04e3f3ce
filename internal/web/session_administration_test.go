package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/session"
	"doorway/internal/store"
)

// A possible reading far from usual is not refused: the page shows the
// values and asks to confirm them, and once confirmed the reading is
// recorded as entered, with who confirmed it, and alerts.
func TestSessionUnusualReadingIsConfirmedNotRefused(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	f.wait(15 * time.Minute)
	low := url.Values{"systolic": {"55"}, "diastolic": {"35"}, "heart_rate": {"44"}, "spo2": {"97"}}
	r := f.post("assigned", "/vitals", low)
	mustSee(t, "unusual", r, http.StatusBadRequest, "Check these values before they are recorded:",
		"A systolic pressure of 55 mmHg is unusual (usually 60–260).", "The reading is right: record it as entered")
	if n := len(f.sessionRecord().Vitals); n != 1 {
		t.Fatalf("an unconfirmed unusual reading was recorded: %d readings", n)
	}
	low.Set("confirm_unusual", "1")
	if r := f.post("assigned", "/vitals", low); r.code != http.StatusSeeOther {
		t.Fatalf("confirmed reading: %d %s", r.code, r.body)
	}
	vs := f.sessionRecord().Vitals
	if got := vs[len(vs)-1]; got.Systolic != 55 || got.ConfirmedBy != f.users["assigned"].ID || !got.Confirmed {
		t.Errorf("the confirmed reading: %+v", got)
	}
	// Heart rate 44 (below 50) and systolic 55 (below 90) each alert.
	mustSee(t, "alerts", f.page("assigned"), http.StatusOK, "Heart rate 44 at 10:45 is below 50.",
		"Systolic pressure 55 at 10:45 is below 90 (blood pressure 55/35).")

	// An SpO2 of 70 needs no confirmation, and alerts at once.
	f.wait(5 * time.Minute)
	if r := f.post("assigned", "/vitals", url.Values{"spo2": {"70"}}); r.code != http.StatusSeeOther {
		t.Fatalf("SpO2 70: %d %s", r.code, r.body)
	}
	mustSee(t, "low SpO2", f.page("assigned"), http.StatusOK, "SpO2 70% at 10:50 is below 92%.")
}

// A MOAA/S of 1, noted with the vital signs or as an observation, raises
// the deep-sedation alert on the live view.
func TestSessionDeepSedationAlerts(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	f.wait(20 * time.Minute)
	if r := f.post("assigned", "/observations", url.Values{"sedation": {"1"}, "note": {"Responds only to a trapezius squeeze."}}); r.code != http.StatusSeeOther {
		t.Fatalf("observation: %d %s", r.code, r.body)
	}
	p := f.page("assigned")
	mustSee(t, "sedation alert", p, http.StatusOK, "MOAA/S 1 at 10:50", "deep sedation, at or below 1")
	live := f.do("assigned", "GET", f.sessionURL()+"/live", nil)
	if !strings.Contains(live.Body.String(), "deep sedation") {
		t.Error("the live panel does not show the sedation alert")
	}
}

// The minimum observation counts from the end of administration once it
// is recorded; a time before the dose is refused.
func TestSessionObservationCountsFromTheEndOfAdministration(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	f.wait(30 * time.Minute)
	mustSee(t, "assumed", f.page("assigned"), http.StatusOK, "The minimum observation counts from the injection at 10:30.")
	r := f.post("assigned", "/administration-end", url.Values{"ended_at": {f.clock(-40)}})
	mustSee(t, "before the dose", r, http.StatusBadRequest, "Administration cannot end (10:20) before the dose began (10:30).")
	r = f.post("assigned", "/administration-end", url.Values{"ended_at": {f.clock(-20)}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("end of administration: %d %s", r.code, r.body)
	}
	if d := f.sessionRecord().Session.Dose; d.EndedAt == nil || !d.EndedAt.Equal(f.now.Add(-20*time.Minute)) || d.EndedBy != f.users["assigned"].ID {
		t.Errorf("the dose after the end is recorded: %+v", d)
	}
	// 90 minutes on, at 12:30: 120 minutes since the dose, which used to
	// be enough, but 110 since the end of administration at 10:40.
	f.wait(90 * time.Minute)
	if r := f.post("assigned", "/vitals", url.Values{"systolic": {"126"}, "diastolic": {"80"}, "heart_rate": {"72"}, "spo2": {"98"}, "sedation": {"5"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reading: %d", r.code)
	}
	r = f.post("assigned", "/discharge", url.Values{"released_to": {"Jo Rivera"}, "alert_oriented": {"1"}})
	mustSee(t, "from the end", r, http.StatusBadRequest, "110 minutes since the end of administration at 10:40; the minimum is 120, so 10 minutes remain.")
}

// ivOrder writes a new version of client A's dosing order: IV, 0.50 mg/kg
// over 40 minutes, at most 60 mg.
func (f *fixture) ivOrder() {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		o := store.DosingOrder{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, WrittenBy: f.users["prescriber"].ID,
			WrittenAt: f.now.Add(-time.Hour), Order: session.Order{Route: session.IV, MgPerKg: 50, OverMinutes: 40, MaxMg: session.MgOf(60)}}
		return tx.WriteDosingOrder(ctx, &o, session.DefaultSettings())
	})
	if err != nil {
		f.t.Fatalf("IV order: %v", err)
	}
}

// An IV infusion runs over the order's time unless another is given; one
// faster than 1 mg/kg/h needs a prescriber's confirmation, and the record
// keeps its rate.
func TestSessionIVRate(t *testing.T) {
	f := readyFixture(t)
	f.ivOrder()
	if r := f.post("assigned", "/checklist", f.checks("128", "82")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d", r.code)
	}
	mustSee(t, "dose form", f.page("assigned"), http.StatusOK, "Infused over, minutes", "The order says 40 min.")
	// 40 mg at 80 kg over 20 min: 0.50 mg/kg in a third of an hour, 1.50 mg/kg/h.
	fast := f.doseForm("80.0", "")
	fast.Set("infusion_minutes", "20")
	r := f.post("assigned", "/dose", fast)
	mustSee(t, "too fast", r, http.StatusBadRequest, "needs a prescriber's confirmation", "40 mg at 80 kg over 20 min is 1.50 mg/kg/h, above 1.00 mg/kg/h")
	// Over the order's 40 min: 0.75 mg/kg/h, the convention.
	if r := f.post("assigned", "/dose", f.doseForm("80.0", "")); r.code != http.StatusSeeOther {
		t.Fatalf("dose over 40 min: %d %s", r.code, r.body)
	}
	d := f.sessionRecord().Session.Dose
	if d.InfusionMinutes != 40 || d.Mg != session.MgOf(40) {
		t.Errorf("IV dose: %+v", d)
	}
	mustSee(t, "record", f.page("assigned"), http.StatusOK, "40 min, 0.75 mg/kg/h", "The minimum observation counts from the end of the infusion at 11:10, 40 min after it began")
}

// Discharge needs the last blood pressure and heart rate back near the
// client's own pre-dose reading (128/82, 72), or at or below 140/90 with a
// heart rate of 50–100, besides the absolute limits.
func TestSessionDischargeBackToTheClientsOwnLevel(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	f.wait(125 * time.Minute)
	// 160/96 is within the absolute limit (180/100) but 25% above the
	// pre-dose systolic and above 140/90.
	if r := f.post("assigned", "/vitals", url.Values{"systolic": {"160"}, "diastolic": {"96"}, "heart_rate": {"74"}, "spo2": {"98"}, "sedation": {"5"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reading: %d", r.code)
	}
	r := f.post("assigned", "/discharge", url.Values{"released_to": {"Jo Rivera"}, "alert_oriented": {"1"}})
	mustSee(t, "not back", r, http.StatusBadRequest, "Back to the client's own level: Blood pressure 160/96 and heart rate 74 at 12:35 are not yet back to the client's own level.",
		"systolic 160 is 25% above 128", "diastolic 96 is above 90")
	// 150/92, 76: within 20% of 128/82 and 72 (103–153, 66–98, 58–86).
	f.wait(5 * time.Minute)
	if r := f.post("assigned", "/vitals", url.Values{"systolic": {"150"}, "diastolic": {"92"}, "heart_rate": {"76"}, "spo2": {"98"}, "sedation": {"5"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reading: %d", r.code)
	}
	if r := f.post("assigned", "/discharge", url.Values{"released_to": {"Jo Rivera"}, "alert_oriented": {"1"}}); r.code != http.StatusSeeOther {
		t.Fatalf("discharge within 20%%: %d %s", r.code, r.body)
	}
}
