package session_test

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
)

// rate = mg/kg ÷ hours. Each expected value is worked by hand.
func TestInfusionRate(t *testing.T) {
	mg := session.MgOf
	tests := []struct {
		name    string
		mg      session.Mg
		weight  session.Kg
		minutes int
		want    session.MgPerKgHour
	}{
		// 40 / 80 = 0.50 mg/kg over 40 min (⅔ h): 0.50 × 1.5 = 0.75.
		{"the convention", mg(40), 800, 40, 75},
		// 0.50 mg/kg over 30 min: 0.50 × 2 = 1.00.
		{"0.5 over 30 min", mg(40), 800, 30, 100},
		// 0.50 mg/kg over 20 min: 0.50 × 3 = 1.50.
		{"0.5 over 20 min", mg(40), 800, 20, 150},
		// 41 / 83.4 = 0.4916 mg/kg over ⅔ h: 0.7374 → 0.74.
		{"41 mg at 83.4 kg over 40 min", mg(41), 834, 40, 74},
		// 80 / 80 = 1 mg/kg over 59 min: 60 / 59 = 1.0169 → 1.02.
		{"1 mg/kg over 59 min", mg(80), 800, 59, 102},
		// 40.1 / 80 = 0.50125 mg/kg over ½ h: 1.0025 → 1.00.
		{"a tenth over, rounded", 401, 800, 30, 100},
	}
	for _, tt := range tests {
		a := session.Administration{Route: session.IV, Mg: tt.mg, Weight: tt.weight, InfusionMinutes: tt.minutes}
		if got := a.Rate(); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	if r := (session.Administration{Route: session.IM, Mg: mg(40), Weight: 800}).Rate(); r != 0 {
		t.Errorf("IM rate %s", r)
	}
}

func TestCheckAdministrationIVRate(t *testing.T) {
	mg := session.MgOf
	def := session.DefaultSettings()
	order := session.Order{Route: session.IV, MgPerKg: 50, MaxMg: mg(60), OverMinutes: 40}
	tests := []struct {
		name    string
		mg      session.Mg
		minutes int
		rate    session.MgPerKgHour
		reason  string // "" when no confirmation
	}{
		{"over 40 min: 0.75", mg(40), 40, 75, ""},
		// Exactly 1.00 mg/kg/h is not above it.
		{"over 30 min: 1.00", mg(40), 30, 100, ""},
		// 0.50 mg/kg over 29 min: 0.50 × 60 / 29 = 1.034 → 1.03.
		{"over 29 min: 1.03", mg(40), 29, 103, "40 mg at 80 kg over 29 min is 1.03 mg/kg/h, above 1.00 mg/kg/h: faster than a low-dose infusion."},
		{"over 20 min: 1.50", mg(40), 20, 150, "40 mg at 80 kg over 20 min is 1.50 mg/kg/h, above 1.00 mg/kg/h: faster than a low-dose infusion."},
		// 39.9 / 80 = 0.49875 mg/kg over 24 min (0.4 h): × 2.5 = 1.2469 → 1.25.
		{"39.9 mg over 24 min: 1.25", 399, 24, 125, "39.9 mg at 80 kg over 24 min is 1.25 mg/kg/h, above 1.00 mg/kg/h: faster than a low-dose infusion."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := session.CheckAdministration(order, session.Administration{Route: session.IV, Mg: tt.mg, Weight: 800, InfusionMinutes: tt.minutes}, def)
			mustOK(t, err)
			if c.RatePerKgHour != tt.rate {
				t.Errorf("rate %s, want %s", c.RatePerKgHour, tt.rate)
			}
			has := false
			for _, r := range c.Reasons {
				if strings.Contains(r, "mg/kg/h") {
					has = true
					if r != tt.reason {
						t.Errorf("reason %q\nwant   %q", r, tt.reason)
					}
				}
			}
			if has != (tt.reason != "") {
				t.Errorf("reasons %q, want the rate reason %q", c.Reasons, tt.reason)
			}
		})
	}
	// A tenth of a mg over 1 mg/kg/h rounds to 1.00 but is above it: said so.
	o := session.Order{Route: session.IV, Mg: mg(45), MaxMg: mg(60), OverMinutes: 30}
	c, err := session.CheckAdministration(o, session.Administration{Route: session.IV, Mg: 401, Weight: 800, InfusionMinutes: 30}, def)
	mustOK(t, err)
	if len(c.Reasons) == 0 || !strings.Contains(c.Reasons[len(c.Reasons)-1], "is just over 1.00 mg/kg/h, above 1.00 mg/kg/h") {
		t.Errorf("reasons %q", c.Reasons)
	}
	// A clinic that confirms from 0.80 mg/kg/h: the convention (0.75) is
	// still fine, 0.5 mg/kg over 35 min (0.857 → 0.86) is not.
	lower := session.DefaultSettings()
	rs := lower.Route(session.IV)
	rs.ConfirmAbovePerKgHour = 80
	lower.Routes[session.IV] = rs
	mustOK(t, lower.Validate())
	for minutes, want := range map[int]bool{40: false, 35: true} {
		c, err := session.CheckAdministration(order, session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, InfusionMinutes: minutes}, lower)
		mustOK(t, err)
		if c.NeedsConfirmation() != want {
			t.Errorf("over %d min at a 0.80 line: %q", minutes, c.Reasons)
		}
	}
}

func TestCheckAdministrationRefuses(t *testing.T) {
	mg := session.MgOf
	def := session.DefaultSettings()
	iv := session.Order{Route: session.IV, MgPerKg: 50, MaxMg: mg(60), OverMinutes: 40}
	im := session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60)}
	tests := []struct {
		name  string
		o     session.Order
		a     session.Administration
		field string
	}{
		{"IV without a duration", iv, session.Administration{Route: session.IV, Mg: mg(40), Weight: 800}, "infusion_minutes"},
		{"IV over 241 min", iv, session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, InfusionMinutes: 241}, "infusion_minutes"},
		{"IM with a duration", im, session.Administration{Route: session.IM, Mg: mg(40), Weight: 800, InfusionMinutes: 10}, "infusion_minutes"},
		// What CheckDose refuses, this refuses: above the order's maximum.
		{"IV above the maximum", iv, session.Administration{Route: session.IV, Mg: mg(61), Weight: 800, InfusionMinutes: 40}, "mg"},
	}
	for _, tt := range tests {
		_, err := session.CheckAdministration(tt.o, tt.a, def)
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != tt.field {
			t.Errorf("%s: %v, want invalid %s", tt.name, err, tt.field)
		}
	}
	c, err := session.CheckAdministration(im, session.Administration{Route: session.IM, Mg: mg(40), Weight: 800}, def)
	if err != nil || c.NeedsConfirmation() || c.RatePerKgHour != 0 {
		t.Errorf("IM: %+v %v", c, err)
	}
}

// The end of administration, recorded or assumed per route. The dose is at
// 10:00 (helpers_test.go).
func TestAdministrationEnded(t *testing.T) {
	mg := session.MgOf
	tests := []struct {
		name  string
		a     session.Administration
		end   float64 // minutes after the dose
		basis string
	}{
		{"IV, end recorded", session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, Started: dose, InfusionMinutes: 40, EndedAt: at(47)},
			47, "the end of the infusion at 10:47"},
		{"IV, end not recorded: as set", session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, Started: dose, InfusionMinutes: 40},
			40, "the end of the infusion at 10:40, 40 min after it began (its end is not recorded)"},
		// 84 mg is 3 devices: the last 2 × 5 = 10 min after the first.
		{"esketamine 84 mg", session.Administration{Route: session.Intranasal, Mg: mg(84), Started: dose},
			10, "the last of 3 devices at 10:10, taken as 5 min apart (its time is not recorded)"},
		// 56 mg is 2 devices: 5 min.
		{"esketamine 56 mg", session.Administration{Route: session.Intranasal, Mg: mg(56), Started: dose},
			5, "the last of 2 devices at 10:05, taken as 5 min apart (its time is not recorded)"},
		{"esketamine, last device recorded", session.Administration{Route: session.Intranasal, Mg: mg(84), Started: dose, EndedAt: at(12)},
			12, "the last device at 10:12"},
		{"lozenge", session.Administration{Route: session.Lozenge, Mg: mg(300), Started: dose},
			10, "the lozenge spat out at about 10:10, 10 min after the dose (the time is not recorded)"},
		{"RDT, recorded", session.Administration{Route: session.RDT, Mg: mg(200), Started: dose, EndedAt: at(12)},
			12, "the tablet spat out at 10:12"},
		{"IM", session.Administration{Route: session.IM, Mg: mg(40), Started: dose}, 0, "the injection at 10:00"},
	}
	for _, tt := range tests {
		end, basis := tt.a.Ended(clock24)
		if !end.Equal(at(tt.end)) || basis != tt.basis {
			t.Errorf("%s: %s %q, want %s %q", tt.name, end.Format("15:04"), basis, at(tt.end).Format("15:04"), tt.basis)
		}
	}
	// On the 12-hour clock: the infusion begun at 10:00 ends at 10:40 AM.
	iv := session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, Started: dose, InfusionMinutes: 40}
	if _, basis := iv.Ended(clock12); basis != "the end of the infusion at 10:40 AM, 40 min after it began (its end is not recorded)" {
		t.Errorf("12-hour clock: %q", basis)
	}
	if end, _ := (session.Administration{Route: session.IM}).Ended(clock24); !end.IsZero() {
		t.Error("an end without a dose time")
	}
}

func TestAdministrationCheckEnd(t *testing.T) {
	a := session.Administration{Route: session.IV, Started: dose, InfusionMinutes: 40}
	mustOK(t, a.CheckEnd(at(41), at(45), clock24))
	mustOK(t, a.CheckEnd(at(0), at(45), clock24))
	for _, tt := range []struct {
		ended, now time.Time
	}{
		{time.Time{}, at(45)},
		{at(-1), at(45)},
		{at(46), at(45)},
	} {
		mustFail(t, a.CheckEnd(tt.ended, tt.now, clock24), problem.Invalid, "ended_at")
	}
}

func TestParseMgPerKgHour(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want session.MgPerKgHour
		ok   bool
	}{{"0.75", 75, true}, {"1", 100, true}, {".5", 50, true}, {"1.005", 0, false}, {"", 0, false}, {"-1", 0, false}} {
		got, err := session.ParseMgPerKgHour("rate", tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q: %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if got := (session.RouteSettings{}).IVRateLimit(); got != 100 || got.Number() != "1.00" {
		t.Errorf("the default IV rate line: %v", got)
	}
}
