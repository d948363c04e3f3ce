package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// mustSetRule sets one session rule by its key, as the settings page does.
func mustSetRule(t *testing.T, r *store.SessionRules, key, text string) {
	t.Helper()
	for _, f := range store.SessionRuleFields() {
		if f.Key == key {
			if err := f.Set(r, text); err != nil {
				t.Fatalf("set %s to %q: %v", key, text, err)
			}
			return
		}
	}
	t.Fatalf("no session rule %s", key)
}

func mustRules(t *testing.T, s *store.Store, clinicID string) store.SessionRules {
	t.Helper()
	var r store.SessionRules
	ctx := context.Background()
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { r, err = tx.SessionRules(ctx, clinicID); return err }); err != nil {
		t.Fatal(err)
	}
	return r
}

func mustSaveRules(t *testing.T, s *store.Store, p *storetest.Practice, r store.SessionRules) []store.RuleChange {
	t.Helper()
	var ch []store.RuleChange
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
		ch, err = tx.SaveSessionRules(ctx, p.Clinic.ID, r, p.Users["admin"].ID, p.Now)
		return err
	})
	return ch
}

// TestSessionRulesDefaults: a clinic that never edited its rules has
// CLINICAL.md's, and every field reads back what it writes.
func TestSessionRulesDefaults(t *testing.T) {
	def := store.DefaultSessionRules()
	if err := def.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
	for _, f := range store.SessionRuleFields() {
		r := store.DefaultSessionRules()
		if err := f.Set(&r, f.Value(def)); err != nil {
			t.Errorf("%s: its own value %q does not read back: %v", f.Key, f.Value(def), err)
		}
		if !reflect.DeepEqual(r, def) {
			t.Errorf("%s: reading back %q changed the rules", f.Key, f.Value(def))
		}
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
		got := mustRules(t, s, p.Clinic.ID)
		if !reflect.DeepEqual(got, def) {
			t.Errorf("a new clinic's rules are not the defaults:\n got %+v\nwant %+v", got, def)
		}
	})
}

// TestSessionRulesSustainedBPAlert: the clinic lowers the sustained blood
// pressure alert to 170/105. Reached means either number at or above it:
// 172/106 reaches it (172 ≥ 170), and two such readings 5 minutes apart
// raise the alert; 168/104 reaches neither number. Under the default
// 180/110, 172/106 raises nothing, so the alert comes from the setting.
func TestSessionRulesSustainedBPAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
		dose := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
		high := []session.Vitals{
			{At: dose.Add(40 * time.Minute), Systolic: 172, Diastolic: 106},
			{At: dose.Add(45 * time.Minute), Systolic: 172, Diastolic: 106},
		}
		lower := []session.Vitals{
			{At: dose.Add(40 * time.Minute), Systolic: 168, Diastolic: 104},
			{At: dose.Add(45 * time.Minute), Systolic: 168, Diastolic: 104},
		}
		if a := session.EvaluateAlerts(high, mustRules(t, s, p.Clinic.ID).Settings.Alerts, timefmt.New(time.UTC, "")); len(a) != 0 {
			t.Fatalf("under the default 180/110, 172/106 raised %v", a)
		}

		r := mustRules(t, s, p.Clinic.ID)
		mustSetRule(t, &r, "session.alerts.bp_sustained", "170/105")
		ch := mustSaveRules(t, s, p, r)
		if want := []store.RuleChange{{Key: "session.alerts.bp_sustained", Old: "180/110", New: "170/105"}}; !reflect.DeepEqual(ch, want) {
			t.Errorf("changes = %+v, want %+v", ch, want)
		}

		limits := mustRules(t, s, p.Clinic.ID).Settings.Alerts
		if limits.BPSustained != (session.BPLimit{Systolic: 170, Diastolic: 105}) {
			t.Fatalf("stored limit = %v", limits.BPSustained)
		}
		alerts := session.EvaluateAlerts(high, limits, timefmt.New(time.UTC, ""))
		if len(alerts) != 1 || alerts[0].Kind != session.AlertBPSustained || !alerts[0].At.Equal(dose.Add(45*time.Minute)) {
			t.Fatalf("172/106 twice 5 min apart: alerts = %+v", alerts)
		}
		if a := session.EvaluateAlerts(lower, limits, timefmt.New(time.UTC, "")); len(a) != 0 {
			t.Errorf("168/104 raised %+v", a)
		}
		// Only the second reading, 5 minutes after the first, completes the
		// rule: one reading alone is not sustained.
		if a := session.EvaluateAlerts(high[:1], limits, timefmt.New(time.UTC, "")); len(a) != 0 {
			t.Errorf("one reading of 172/106 raised %+v", a)
		}
	})
}

// TestSessionRulesMinimumObservation: the clinic sets the minimum
// observation to 90 minutes. 100 minutes after the dose the criterion
// passes (under the default 120 it would not); 85 minutes after, 5 remain.
func TestSessionRulesMinimumObservation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
		r := mustRules(t, s, p.Clinic.ID)
		mustSetRule(t, &r, "session.protocol.min_observation", "90")
		mustSaveRules(t, s, p, r)
		got := mustRules(t, s, p.Clinic.ID)
		if got.Protocol.MinObservation != 90 || got.Protocol.Name != "The clinic's protocol" {
			t.Fatalf("protocol = %+v", got.Protocol)
		}
		dose := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
		criterion := func(p session.Protocol, minutes int) session.Criterion {
			d := session.CheckDischarge(session.DischargeInput{Protocol: p, Limits: got.Settings.Discharge, DoseTime: dose,
				Now: dose.Add(time.Duration(minutes) * time.Minute)})
			return d.Criteria[0]
		}
		c := criterion(got.Protocol, 100)
		if !c.Passed || c.Reason != "100 minutes since the dose; the minimum is 90." {
			t.Errorf("at 100 min: %+v", c)
		}
		c = criterion(got.Protocol, 85)
		if c.Passed || c.Reason != "85 minutes since the dose; the minimum is 90, so 5 minutes remain." {
			t.Errorf("at 85 min: %+v", c)
		}
		if c := criterion(session.DefaultProtocol(), 100); c.Passed {
			t.Errorf("the default 120 passed at 100 min: %+v", c)
		}
	})
}

// TestSessionRulesSaveStoresOnlyDifferences: a value equal to its default is
// no row, a save that changes nothing changes nothing, and restoring a
// default removes the row.
func TestSessionRulesSaveStoresOnlyDifferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
		ctx := context.Background()
		rows := func() map[string]string {
			var m map[string]string
			s.Read(ctx, func(tx *store.Tx) (err error) { m, err = tx.ClinicSettings(ctx, p.Clinic.ID); return err })
			return m
		}
		if ch := mustSaveRules(t, s, p, store.DefaultSessionRules()); len(ch) != 0 || len(rows()) != 0 {
			t.Fatalf("saving the defaults: changes %v, rows %v", ch, rows())
		}
		r := store.DefaultSessionRules()
		mustSetRule(t, &r, "session.routes.rdt.unit_mg", "100")
		mustSetRule(t, &r, "session.routes.rdt.usual_min_mg", "") // no lower bound
		mustSetRule(t, &r, "session.protocol.points", "0:bp,hr,spo2 20:bp,hr 40:bp,hr,spo2 60:bp")
		mustSetRule(t, &r, store.SettingMedicineMinutes, "150")
		ch := mustSaveRules(t, s, p, r)
		want := map[string]string{
			"session.routes.rdt.unit_mg":      "100",
			"session.routes.rdt.usual_min_mg": "0",
			"session.protocol.points":         "0:bp,hr,spo2 20:bp,hr 40:bp,hr,spo2 60:bp",
			store.SettingMedicineMinutes:      "150",
		}
		if got := rows(); !reflect.DeepEqual(got, want) {
			t.Errorf("rows = %v, want %v", got, want)
		}
		if len(ch) != 4 {
			t.Errorf("changes = %+v", ch)
		}
		got := mustRules(t, s, p.Clinic.ID)
		if rs := got.Settings.Route(session.RDT); rs.UnitMg != session.MgOf(100) || rs.UsualMinMg != 0 || rs.UsualMaxMg != session.MgOf(400) {
			t.Errorf("RDT = %+v", rs)
		}
		if got.Settings.Route(session.RDT).UsualRange() != "at most 400 mg" {
			t.Errorf("usual range = %q", got.Settings.Route(session.RDT).UsualRange())
		}
		if len(got.Protocol.Points) != 4 || got.Protocol.Points[3].Minute != 60 || got.MedicineMinutes != 150 {
			t.Errorf("rules = %+v", got)
		}
		if ch := mustSaveRules(t, s, p, got); len(ch) != 0 {
			t.Errorf("saving the same rules again changed %+v", ch)
		}
		// Restore one value: its row goes.
		mustSetRule(t, &got, "session.routes.rdt.unit_mg", "50")
		ch = mustSaveRules(t, s, p, got)
		if len(ch) != 1 || ch[0] != (store.RuleChange{Key: "session.routes.rdt.unit_mg", Old: "100", New: "50"}) {
			t.Errorf("restoring: %+v", ch)
		}
		if _, ok := rows()["session.routes.rdt.unit_mg"]; ok {
			t.Error("a value back at its default kept its row")
		}
		// Another clinic is untouched.
		if other := mustRules(t, s, p.Other.ID); !reflect.DeepEqual(other, store.DefaultSessionRules()) {
			t.Errorf("the other clinic's rules changed: %+v", other)
		}
	})
}

// TestSessionRulesRefuseInvalid: rules that do not validate are refused
// whole, naming the setting, and nothing is stored.
func TestSessionRulesRefuseInvalid(t *testing.T) {
	cases := []struct {
		key, value, field string
	}{
		{"session.pre_dose.hold", "130/80", "session.pre_dose.hold"},          // below the confirm line 140/90
		{"session.protocol.points", "15:bp 30:bp", "session.protocol.points"}, // no reading before the dose
		{"session.protocol.min_observation", "200", store.SettingMedicineMinutes},
		{"session.routes.intranasal.unit_mg", "30", "session.routes.intranasal.unit_mg"},
		{"session.alerts.spo2_below", "20", "session.alerts.spo2_below"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
		ctx := context.Background()
		for _, tc := range cases {
			r := store.DefaultSessionRules()
			mustSetRule(t, &r, "session.alerts.hr_above", "110") // a good change alongside
			mustSetRule(t, &r, tc.key, tc.value)
			err := s.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.SaveSessionRules(ctx, p.Clinic.ID, r, p.Users["admin"].ID, p.Now)
				return err
			})
			if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != tc.field {
				t.Errorf("%s=%s: err = %v, want invalid %s", tc.key, tc.value, err, tc.field)
			}
		}
		if got := mustRules(t, s, p.Clinic.ID); got.Settings.Alerts.HRAbove != 120 {
			t.Errorf("a refused save stored part of its rules: HR above %d", got.Settings.Alerts.HRAbove)
		}
	})
}

// TestSessionRulesFallBack: stored values that cannot be read, or no longer
// fit with the rest, fall back to their defaults and are named; the valid
// ones stay.
func TestSessionRulesFallBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
		stored := map[string]string{
			"session.alerts.hr_above":           "fast", // unreadable
			"session.pre_dose.confirm":          "190/105",
			"session.alerts.spo2_below":         "90",  // valid: kept
			"session.protocol.min_observation":  "240", // longer than the default 180-minute booking
			"session.protocol.tolerance":        "10",  // valid: kept
			"session.discharge.max_age_minutes": "0",
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			for k, v := range stored {
				if err := tx.SetClinicSetting(ctx, p.Clinic.ID, k, v, p.Users["admin"].ID, p.Now); err != nil {
					return err
				}
			}
			return nil
		})
		r := mustRules(t, s, p.Clinic.ID)
		if err := r.Validate(); err != nil {
			t.Fatalf("loaded rules do not validate: %v", err)
		}
		wantIgnored := []string{"session.alerts.hr_above", "session.discharge.max_age_minutes", "session.pre_dose.confirm", "session.protocol.min_observation"}
		if !slices.Equal(r.Ignored, wantIgnored) {
			t.Errorf("ignored = %v, want %v", r.Ignored, wantIgnored)
		}
		d := store.DefaultSessionRules()
		if r.Settings.Alerts.HRAbove != 120 || r.Settings.PreDose != d.Settings.PreDose || r.Protocol.MinObservation != 120 ||
			r.Settings.Discharge.MaxAgeMinutes != 15 {
			t.Errorf("fallbacks: %+v %+v", r.Settings, r.Protocol)
		}
		if r.Settings.Alerts.SpO2Below != 90 || r.Protocol.Tolerance != 10 {
			t.Errorf("valid settings lost: SpO2 below %d, tolerance %d", r.Settings.Alerts.SpO2Below, r.Protocol.Tolerance)
		}
	})
}
