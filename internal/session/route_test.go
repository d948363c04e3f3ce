package session_test

import (
	"strings"
	"testing"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestRoutesDescribeThemselves(t *testing.T) {
	for _, r := range session.Routes() {
		if !r.Valid() || r.Label() == "" || r.Onset() == "" || r.Drug() == "" {
			t.Errorf("%s: incomplete facts", r)
		}
		got, err := session.ParseRoute(string(r))
		mustOK(t, err)
		if got != r {
			t.Errorf("ParseRoute(%s) = %s", r, got)
		}
	}
	_, err := session.ParseRoute("oral")
	mustFail(t, err, problem.Invalid, "route")

	// Display-only bioavailability, CLINICAL.md §2.
	for r, want := range map[session.Route]string{
		session.IV: "100%", session.IM: "93%", session.RDT: "32 ± 17%", session.Lozenge: "23 ± 9%",
	} {
		if !strings.Contains(r.Bioavailability(), want) {
			t.Errorf("%s bioavailability %q lacks %q", r, r.Bioavailability(), want)
		}
	}
	if session.IM.Counted() || session.IV.Counted() || !session.RDT.Counted() || !session.Intranasal.Counted() {
		t.Error("only lozenges, tablets and devices are counted in units")
	}
}

func TestDefaultRouteSettings(t *testing.T) {
	tests := []struct {
		route session.Route
		unit  session.Mg
		usual string
	}{
		{session.Lozenge, session.MgOf(50), "100–400 mg"},
		{session.RDT, session.MgOf(50), "100–400 mg"},
		{session.IM, session.MgOf(1), "0.50–0.75 mg/kg"},
		{session.IV, session.MgOf(1), "0.10–0.75 mg/kg"},
		{session.Intranasal, session.MgOf(28), "56–84 mg"},
	}
	s := session.DefaultSettings()
	for _, tt := range tests {
		rs := s.Route(tt.route)
		if rs.UnitMg != tt.unit || rs.UsualRange() != tt.usual {
			t.Errorf("%s: unit %s, usual %q; want %s, %q", tt.route, rs.UnitMg, rs.UsualRange(), tt.unit, tt.usual)
		}
	}
	// A route missing from a clinic's map falls back to the defaults.
	if got := (session.Settings{}).Route(session.IV).UsualMaxPerKg; got != 75 {
		t.Errorf("fallback IV usual max = %d, want 75", got)
	}
}

func TestSettingsValidate(t *testing.T) {
	mustOK(t, session.DefaultSettings().Validate())

	tests := []struct {
		name  string
		edit  func(*session.Settings)
		field string // "" when valid
	}{
		{"100 mg tablets", func(s *session.Settings) {
			s.Routes[session.RDT] = session.RouteSettings{UnitMg: session.MgOf(100), UsualMinMg: session.MgOf(100), UsualMaxMg: session.MgOf(400)}
		}, ""},
		{"75 mg tablets", func(s *session.Settings) { s.Routes[session.RDT] = session.RouteSettings{UnitMg: session.MgOf(75)} }, "routes.rdt.unit_mg"},
		{"30 mg device", func(s *session.Settings) {
			s.Routes[session.Intranasal] = session.RouteSettings{UnitMg: session.MgOf(30)}
		}, "routes.intranasal.unit_mg"},
		{"IV half-mg step", func(s *session.Settings) {
			s.Routes[session.IV] = session.RouteSettings{UnitMg: 5, UsualMinPerKg: 10, UsualMaxPerKg: 75}
		}, ""},
		{"IM zero step", func(s *session.Settings) { s.Routes[session.IM] = session.RouteSettings{} }, "routes.im.unit_mg"},
		{"range upside down", func(s *session.Settings) {
			s.Routes[session.IM] = session.RouteSettings{UnitMg: 10, UsualMinPerKg: 75, UsualMaxPerKg: 50}
		}, "routes.im.usual_max_per_kg"},
		{"IV rate line 0.80", func(s *session.Settings) {
			rs := s.Route(session.IV)
			rs.ConfirmAbovePerKgHour = 80
			s.Routes[session.IV] = rs
		}, ""},
		{"IV rate line above 1.00 mg/kg/h", func(s *session.Settings) {
			rs := s.Route(session.IV)
			rs.ConfirmAbovePerKgHour = 101
			s.Routes[session.IV] = rs
		}, "routes.iv.confirm_above_per_kg_hour"},
		{"a rate line for IM", func(s *session.Settings) {
			rs := s.Route(session.IM)
			rs.ConfirmAbovePerKgHour = 100
			s.Routes[session.IM] = rs
		}, "routes.im.confirm_above_per_kg_hour"},
		{"hold below confirm", func(s *session.Settings) { s.PreDose.Hold = session.BPLimit{Systolic: 130, Diastolic: 100} }, "pre_dose.hold"},
		{"alert BP swapped", func(s *session.Settings) { s.Alerts.BPSevere = session.BPLimit{Systolic: 120, Diastolic: 200} }, "alerts.bp_severe"},
		{"SpO2 limit 0", func(s *session.Settings) { s.Alerts.SpO2Below = 0 }, "alerts.spo2_below"},
		{"sedation alert at 5, fully alert", func(s *session.Settings) { s.Alerts.SedationAtOrBelow = 5 }, "alerts.sedation_at_or_below"},
		{"sedation alert only at 0", func(s *session.Settings) { s.Alerts.SedationAtOrBelow = 0 }, ""},
		{"low HR line at the high one", func(s *session.Settings) { s.Alerts.HRBelow = 120 }, "alerts.hr_below"},
		{"low HR line 29", func(s *session.Settings) { s.Alerts.HRBelow = 29 }, "alerts.hr_below"},
		{"low systolic line 59", func(s *session.Settings) { s.Alerts.SystolicBelow = 59 }, "alerts.systolic_below"},
		{"low systolic line at the sustained line", func(s *session.Settings) { s.Alerts.SystolicBelow = 180 }, "alerts.systolic_below"},
		{"discharge age 0", func(s *session.Settings) { s.Discharge.MaxAgeMinutes = 0 }, "discharge.max_age_minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session.DefaultSettings()
			tt.edit(&s)
			if tt.field == "" {
				mustOK(t, s.Validate())
				return
			}
			mustFail(t, s.Validate(), problem.Invalid, tt.field)
		})
	}
}
