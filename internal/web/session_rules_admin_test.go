package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

const rulesPath = "/admin/session-rules"

// defaultRulesForm is the session-rules form as the page first posts it:
// every rule at its CLINICAL.md default, the default protocol's six points
// and three empty rows.
func defaultRulesForm() url.Values {
	v := url.Values{}
	def := store.DefaultSessionRules()
	for _, fd := range store.SessionRuleFields() {
		val := fd.Value(def)
		switch {
		case fd.Key == "session.protocol.points":
		case strings.HasSuffix(fd.Key, "_measures"):
			v[fd.Key] = strings.Split(val, ",")
		case fd.Optional && val == "0":
			v.Set(fd.Key, "")
		default:
			v.Set(fd.Key, val)
		}
	}
	for i, m := range []string{"0", "15", "30", "40", "45", "60", "", "", ""} {
		v.Set("point_minute_"+strconv.Itoa(i), m)
		if m != "" {
			for _, ms := range []string{"bp", "hr", "spo2"} {
				v.Set("point_"+ms+"_"+strconv.Itoa(i), "1")
			}
		}
	}
	v.Set("point_rows", "9")
	return v
}

func (f *fixture) sessionRules() store.SessionRules {
	f.t.Helper()
	ctx := context.Background()
	var r store.SessionRules
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { r, err = tx.SessionRules(ctx, f.clinic.ID); return err }); err != nil {
		f.t.Fatal(err)
	}
	return r
}

func TestSessionRulesPageShowsDefaultsAndSources(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("admin", "GET", rulesPath, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("admin: %d", rec.Code)
	}
	for _, want := range []string{
		`name="session.alerts.bp_sustained"`, `value="180/110"`, "Default 180/110 mmHg. On two readings minutes apart. Doorway&#39;s clinical defaults (esketamine monitoring practice reported by clinicians; common practice).",
		"Default 140/90 mmHg. Doorway&#39;s clinical defaults (Spravato monitoring protocol summary).", "Default 180/100 mmHg. Doorway&#39;s clinical defaults (Swiss ketamine label, Swissmedic, reg. 67199).",
		"Default 120 min. Doorway&#39;s clinical defaults, the esketamine rule (Spravato prescribing information, Janssen).",
		"Doorway&#39;s clinical defaults: 56 or 84 mg in 28 mg devices (Spravato product information, MIMS).", "Default 0.75 mg/kg",
		"minutes 0, 15, 30, 40, 45, 60, each with blood pressure, heart rate, SpO2",
		`name="point_minute_5" type="text" inputmode="numeric" autocomplete="off" value="60"`,
		`name="restore" value="alerts"`,
	} {
		if !strings.Contains(body, want) && !strings.Contains(body, htmlEscape(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, p := range []string{"prescriber", "assigned", "clientA"} {
		if rec := f.do(p, "GET", rulesPath, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, rec.Code)
		}
		if rec := f.do(p, "POST", rulesPath, defaultRulesForm()); rec.Code != http.StatusNotFound {
			t.Errorf("%s posted: %d", p, rec.Code)
		}
	}
	if n := len(f.auditActions("clinic.settings")); n != 0 {
		t.Errorf("%d settings changes audited after refused posts", n)
	}
}

// TestSessionRulesSaveAppliesEverywhere: the admin lowers the sustained BP
// alert, stocks 100 mg tablets with a usual maximum of 300 mg, and sets a
// 90-minute minimum observation; each change is audited old → new, and the
// dosing order page applies the clinic's tablets and range.
func TestSessionRulesSaveAppliesEverywhere(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := defaultRulesForm()
	form.Set("session.alerts.bp_sustained", "170/105")
	form.Set("session.routes.rdt.unit_mg", "100")
	form.Set("session.routes.rdt.usual_max_mg", "300")
	form.Set("session.protocol.min_observation", "90")
	rec := f.do("admin", "POST", rulesPath, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != rulesPath+"?saved=1" {
		t.Fatalf("save: %d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	r := f.sessionRules()
	if r.Settings.Alerts.BPSustained != (session.BPLimit{Systolic: 170, Diastolic: 105}) || r.Settings.Route(session.RDT).UnitMg != session.MgOf(100) ||
		r.Protocol.MinObservation != 90 {
		t.Fatalf("stored rules: %+v %+v", r.Settings, r.Protocol)
	}
	var details []string
	for _, e := range f.auditActions("clinic.settings") {
		details = append(details, e.Detail)
		if e.Severity != "high" || e.ResourceID != f.clinic.ID {
			t.Errorf("audit entry %+v", e)
		}
	}
	slices.Sort(details)
	want := []string{
		"session rules: alerts.bp_sustained 180/110 → 170/105",
		"session rules: protocol.min_observation 120 → 90",
		"session rules: routes.rdt.unit_mg 50 → 100",
		"session rules: routes.rdt.usual_max_mg 400 → 300",
	}
	if !slices.Equal(details, want) {
		t.Errorf("audit details = %q, want %q", details, want)
	}
	// Posting the same rules again changes nothing and audits nothing.
	if rec := f.do("admin", "POST", rulesPath, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("second save: %d", rec.Code)
	}
	if n := len(f.auditActions("clinic.settings")); n != 4 {
		t.Errorf("%d audit entries after an unchanged save, want 4", n)
	}
	rec = f.do("admin", "GET", rulesPath+"?saved=1", nil)
	if body := rec.Body.String(); !strings.Contains(body, "The medicine-session rules are saved.") || !strings.Contains(body, `value="170/105"`) {
		t.Errorf("the page after saving does not show the saved rules")
	}

	// Dosing orders follow the clinic: 250 mg is not whole 100 mg tablets
	// (it was 5 of the default 50 mg), and the usual range reads 100–300 mg.
	path := "/clients/" + f.clients["A"].ID + "/dosing-order"
	order := validOrderForm()
	order.Set("mg", "250")
	rec = f.do("prescriber", "POST", path, order)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "250 mg is not a whole number of 100 mg tablets.") {
		t.Errorf("250 mg in 100 mg tablets: %d", rec.Code)
	}
	if body := rec.Body.String(); !strings.Contains(body, "100–300 mg") {
		t.Errorf("the dosing page does not show the clinic's usual range")
	}
	order.Set("mg", "200")
	if rec := f.do("prescriber", "POST", path, order); rec.Code != http.StatusSeeOther {
		t.Errorf("200 mg in 100 mg tablets: %d", rec.Code)
	}
}

func TestSessionRulesBadInputChangesNothing(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := defaultRulesForm()
	form.Set("session.alerts.hr_above", "110")              // good, but must not be saved
	form.Set("session.alerts.bp_sustained", "180 over 110") // unreadable
	form.Set("session.pre_dose.hold", "130/80")             // below the confirm line
	form.Set("session.routes.intranasal.unit_mg", "30")     // not a device
	form.Set("session.discharge.spo2", "nine")              // not a number
	form.Set("point_minute_1", "")                          // measures ticked, no minute
	form.Set(store.SettingMedicineMinutes, "100")           // shorter than observation
	rec := f.do("admin", "POST", rulesPath, form)
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d", rec.Code)
	}
	for field, msg := range map[string]string{
		"session.alerts.bp_sustained": "Write the blood pressure as systolic/diastolic in whole numbers, such as 180/110.",
		"session.discharge.spo2":      "Enter a whole number, such as 15.",
		"session.protocol.points":     "A time point has measures ticked but no minute; give its minute, or untick them.",
	} {
		if !strings.Contains(body, `id="`+field+`-error"`) || !strings.Contains(body, htmlEscape(msg)) {
			t.Errorf("no message %q on %s", msg, field)
		}
	}
	if !strings.Contains(body, "Nothing was saved.") || !strings.Contains(body, `value="180 over 110"`) {
		t.Errorf("the page does not say nothing was saved, or lost what was typed")
	}
	// With the unreadable fields fixed, the rules as a whole are judged,
	// and each rule broken is named in turn.
	form.Set("session.alerts.bp_sustained", "180/110")
	form.Set("session.discharge.spo2", "92")
	form.Set("point_minute_1", "15")
	rec = f.do("admin", "POST", rulesPath, form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="session.routes.intranasal.unit_mg-error"`) ||
		!strings.Contains(rec.Body.String(), "An esketamine device holds 28 mg.") {
		t.Errorf("a 30 mg device: %d", rec.Code)
	}
	form.Set("session.routes.intranasal.unit_mg", "28")
	rec = f.do("admin", "POST", rulesPath, form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), htmlEscape("The hold threshold (130/80) must not be below the confirm threshold (140/90).")) {
		t.Errorf("hold below confirm: %d", rec.Code)
	}
	form.Set("session.pre_dose.hold", "180/100")
	rec = f.do("admin", "POST", rulesPath, form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "A medicine session booked for 100 minutes is shorter than the minimum observation of 120 minutes") {
		t.Errorf("booking shorter than observation: %d", rec.Code)
	}
	if r := f.sessionRules(); r.Settings.Alerts.HRAbove != 120 {
		t.Errorf("a refused form saved the heart-rate alert: %d", r.Settings.Alerts.HRAbove)
	}
	if n := len(f.auditActions("clinic.settings")); n != 0 {
		t.Errorf("%d changes audited from refused forms", n)
	}
}

// TestSessionRulesProtocolEditor: points typed out of order with blank rows
// are stored in order; a cleared minute removes its point.
func TestSessionRulesProtocolEditor(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := defaultRulesForm()
	form.Set("point_minute_3", "") // remove 40
	for _, m := range []string{"bp", "hr", "spo2"} {
		form.Del("point_" + m + "_3")
	}
	form.Set("point_minute_6", "90") // add 90 and 20, out of order
	form.Set("point_bp_6", "1")
	form.Set("point_minute_7", "20")
	form.Set("point_hr_7", "1")
	form["session.protocol.repeat_measures"] = []string{"bp", "hr", "spo2"}
	form.Set("session.protocol.repeat_every", "15")
	if rec := f.do("admin", "POST", rulesPath, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body)
	}
	p := f.sessionRules().Protocol
	if got := store.FormatPoints(p.Points); got != "0:bp,hr,spo2 15:bp,hr,spo2 20:hr 30:bp,hr,spo2 45:bp,hr,spo2 60:bp,hr,spo2 90:bp" {
		t.Errorf("points = %s", got)
	}
	if p.RepeatEvery != 15 || !slices.Equal(p.RepeatMeasures, []session.Measure{session.BP, session.HR, session.SpO2}) {
		t.Errorf("repeat = %d %v", p.RepeatEvery, p.RepeatMeasures)
	}
	// The live timetable follows: after the last point (90), every 15 min.
	dose := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	tt, err := session.Schedule(p, dose, dose.Add(100*time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	var mins []int
	for _, s := range tt.Slots {
		mins = append(mins, s.Minute)
	}
	if !slices.Equal(mins, []int{0, 15, 20, 30, 45, 60, 90, 105, 120}) {
		t.Errorf("timetable minutes = %v", mins)
	}
	// Two points at one minute are refused.
	form.Set("point_minute_7", "15")
	rec := f.do("admin", "POST", rulesPath, form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Time points must be in order, each later than the one before (minute 15).") {
		t.Errorf("a repeated minute: %d", rec.Code)
	}
}

func TestSessionRulesRestoreSection(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := defaultRulesForm()
	form.Set("session.alerts.bp_sustained", "170/105")
	form.Set("session.alerts.spo2_below", "90")
	form.Set("session.discharge.heart_rate", "110")
	if rec := f.do("admin", "POST", rulesPath, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}
	// The restore button sends the whole form, edits and all; only the
	// section's defaults are saved.
	form.Set("session.discharge.heart_rate", "not read")
	form.Set("restore", "alerts")
	rec := f.do("admin", "POST", rulesPath, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != rulesPath+"?saved=restored" {
		t.Fatalf("restore: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	r := f.sessionRules()
	if r.Settings.Alerts != session.DefaultAlertLimits() || r.Settings.Discharge.HeartRate != 110 {
		t.Errorf("after restoring alerts: %+v, discharge HR %d", r.Settings.Alerts, r.Settings.Discharge.HeartRate)
	}
	var restored []string
	for _, e := range f.auditActions("clinic.settings") {
		if strings.Contains(e.Detail, "restore defaults, alerts") {
			restored = append(restored, e.Detail)
		}
	}
	slices.Sort(restored)
	want := []string{
		"session rules (restore defaults, alerts): alerts.bp_sustained 170/105 → 180/110",
		"session rules (restore defaults, alerts): alerts.spo2_below 90 → 92",
	}
	if !slices.Equal(restored, want) {
		t.Errorf("restore audit = %q", restored)
	}
	form.Set("restore", "everything")
	if rec := f.do("admin", "POST", rulesPath, form); rec.Code != http.StatusBadRequest {
		t.Errorf("an unknown section: %d", rec.Code)
	}
}

// TestPortalMedicineSessionPreparation: the client's page for a medicine
// session says what to bring and when to stop eating, from the clinic's
// fasting hours, as a clock time in the clinic's zone. The session starts
// at 10:00 Los Angeles time: a 6-hour fast starts at 04:00, 5.5 hours at
// 04:30.
func TestPortalMedicineSessionPreparation(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	day := f.schedule.startA.In(f.clinic.Location())
	page := func() string {
		rec := f.do("clientA", "GET", "/portal/sessions/"+f.schedule.apptA, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("session page: %d", rec.Code)
		}
		return rec.Body.String()
	}
	body := page()
	for _, want := range []string{"What to bring", "Your companion", "phone number", "Comfortable, loose clothes",
		"An eye mask and music, if you like them.", "From your care team", "Bring warm socks.",
		"Pause stimulants on the day", "No alcohol or other drugs from 10:00 on " + timefmt.New(f.clinic.Location(), "").Date(day.AddDate(0, 0, -1)),
		"Do not drive</strong>, cycle or operate machinery until the next day"} {
		if !strings.Contains(body, htmlEscape(want)) && !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for hours, clock := range map[string]string{"6": "04:00", "5.5": "04:30"} {
		ctx := context.Background()
		if err := f.st.Write(ctx, func(tx *store.Tx) error {
			return tx.SetClinicSetting(ctx, f.clinic.ID, store.SettingFastingHours, hours, f.users["admin"].ID, f.now)
		}); err != nil {
			t.Fatal(err)
		}
		want := "Stop eating at " + clock + " on " + timefmt.New(f.clinic.Location(), "").Date(day) + "</strong>, " + hours + " hours before"
		if body := page(); !strings.Contains(body, want) {
			t.Errorf("fasting %s h: the page lacks %q", hours, want)
		}
	}
	// An integration session has no medicine preparation.
	rec := f.do("clientB", "GET", "/portal/sessions/"+f.schedule.apptB, nil)
	if rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), "Stop eating") {
		t.Errorf("an integration session tells the client to fast")
	}
}

// TestSessionRulesBookingLength: a medicine session booked without a length
// takes the clinic's, here 150 minutes: 14:00 to 16:30.
func TestSessionRulesBookingLength(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	form := defaultRulesForm()
	form.Set(store.SettingMedicineMinutes, "150")
	if rec := f.do("admin", "POST", rulesPath, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}
	if rec := f.do("assigned", "GET", "/schedule/new", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Leave empty for the usual: 150 for a medicine session") {
		t.Errorf("the booking form does not offer the clinic's 150 minutes: %d", rec.Code)
	}
	if rec := f.do("assigned", "POST", "/schedule", bookingForm(f, "A", "14:00")); rec.Code != http.StatusSeeOther {
		t.Fatalf("booking: %d\n%s", rec.Code, rec.Body)
	}
	loc := f.clinic.Location()
	for _, a := range f.appointmentsOn() {
		if a.StartsAt.In(loc).Format("15:04") == "14:00" {
			if got := a.EndsAt.In(loc).Format("15:04"); got != "16:30" {
				t.Errorf("the session ends at %s, want 16:30", got)
			}
			return
		}
	}
	t.Error("the 14:00 session was not booked")
}

// TestSessionRulesPageNamesFallbacks: a stored rule that no longer reads is
// shown to the admin by name while its default applies.
func TestSessionRulesPageNamesFallbacks(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	if err := f.st.Write(ctx, func(tx *store.Tx) error {
		return tx.SetClinicSetting(ctx, f.clinic.ID, "session.alerts.hr_above", "fast", f.users["admin"].ID, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	rec := f.do("admin", "GET", rulesPath, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Some stored rules are no longer valid") ||
		!strings.Contains(body, "<li>Heart rate above (beats/min)</li>") || !strings.Contains(body, `name="session.alerts.hr_above" type="text" inputmode="numeric" autocomplete="off" value="120"`) {
		t.Errorf("the page does not name the fallback: %d", rec.Code)
	}
}
