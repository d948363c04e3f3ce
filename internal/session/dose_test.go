package session_test

import (
	"slices"
	"strings"
	"testing"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestCalculate(t *testing.T) {
	mg := session.MgOf
	def := session.DefaultSettings()
	hundreds := session.DefaultSettings()
	hundreds.Routes[session.RDT] = session.RouteSettings{UnitMg: mg(100), UsualMinMg: mg(100), UsualMaxMg: mg(400)}

	tests := []struct {
		name       string
		order      session.Order
		weight     session.Kg
		settings   session.Settings
		calculated session.Mg
		want       session.Mg
		units      int
		perKg      session.MgPerKg
		capped     bool
	}{
		// 0.5 × 83 = 41.5 mg; IM rounds down to a whole mg: 41 mg.
		// 41 ÷ 83 = 0.4939… → 0.49 mg/kg.
		{"IM 0.5 mg/kg at 83 kg", session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60)}, 830, def, 415, mg(41), 0, 49, false},
		// 0.7 × 70 is 48.99999999999999 in floats, which would round down
		// to 48. In tenths it is 70 × 700 / 100 = 490: exactly 49 mg.
		// 49 ÷ 70 = 0.70.
		{"IM 0.7 mg/kg at 70 kg", session.Order{Route: session.IM, MgPerKg: 70, MaxMg: mg(60)}, 700, def, 490, mg(49), 0, 70, false},
		// 0.75 × 100 = 75 mg, over the order's 60 mg cap: 60 mg.
		// 60 ÷ 100 = 0.60.
		{"IM capped at 60 mg", session.Order{Route: session.IM, MgPerKg: 75, MaxMg: mg(60)}, 1000, def, 750, mg(60), 0, 60, true},
		// 0.53 × 77.7 = 41.181 mg → 41.1 to the tenth below → 41 mg.
		// 41 ÷ 77.7 = 0.5277 → 0.53.
		{"IM 0.53 mg/kg at 77.7 kg", session.Order{Route: session.IM, MgPerKg: 53, MaxMg: mg(60)}, 777, def, 411, mg(41), 0, 53, false},
		// 0.5 × 83.4 = 41.7 → 41 mg. 41 ÷ 83.4 = 0.4916 → 0.49.
		{"IV 0.5 mg/kg at 83.4 kg", session.Order{Route: session.IV, MgPerKg: 50, MaxMg: mg(60), OverMinutes: 40}, 834, def, 417, mg(41), 0, 49, false},
		// 0.75 × 62 = 46.5 → 46 mg. 46 ÷ 62 = 0.7419 → 0.74.
		{"IV 0.75 mg/kg at 62 kg", session.Order{Route: session.IV, MgPerKg: 75, MaxMg: mg(60), OverMinutes: 40}, 620, def, 465, mg(46), 0, 74, false},
		// 3 × 70 = 210 mg → down to 50 mg tablets: 200 mg, 4 tablets.
		// 200 ÷ 70 = 2.857 → 2.86.
		{"RDT 3 mg/kg at 70 kg, 50 mg tablets", session.Order{Route: session.RDT, MgPerKg: 300, MaxMg: mg(400)}, 700, def, 2100, mg(200), 4, 286, false},
		// Same with 100 mg tablets: 210 → 200 mg, 2 tablets.
		{"RDT 3 mg/kg at 70 kg, 100 mg tablets", session.Order{Route: session.RDT, MgPerKg: 300, MaxMg: mg(400)}, 700, hundreds, 2100, mg(200), 2, 286, false},
		// 3 × 65 = 195 → 150 mg with 50 mg tablets (3), but only 100 mg
		// with 100 mg tablets (1): rounding down never gives more.
		{"RDT 3 mg/kg at 65 kg, 50 mg tablets", session.Order{Route: session.RDT, MgPerKg: 300, MaxMg: mg(400)}, 650, def, 1950, mg(150), 3, 231, false},
		{"RDT 3 mg/kg at 65 kg, 100 mg tablets", session.Order{Route: session.RDT, MgPerKg: 300, MaxMg: mg(400)}, 650, hundreds, 1950, mg(100), 1, 154, false},
		// 5 × 80 = 400 mg, over the 375 mg cap; the cap itself rounds down
		// to a whole tablet: 350 mg, 7 tablets. 350 ÷ 80 = 4.375 → 4.38.
		{"RDT cap rounds down to a tablet", session.Order{Route: session.RDT, MgPerKg: 500, MaxMg: mg(375)}, 800, def, 4000, mg(350), 7, 438, true},
		// A fixed order is the dose: 300 mg = 6 lozenges; 300 ÷ 62.5 = 4.80.
		{"lozenge fixed 300 mg", session.Order{Route: session.Lozenge, Mg: mg(300), MaxMg: mg(400)}, 625, def, 3000, mg(300), 6, 480, false},
		// 84 mg = 3 devices of 28 mg; 84 ÷ 70 = 1.20.
		{"esketamine 84 mg", session.Order{Route: session.Intranasal, Mg: mg(84), MaxMg: mg(84)}, 700, def, 840, mg(84), 3, 120, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := session.Calculate(tt.order, tt.weight, tt.settings)
			mustOK(t, err)
			if d.Calculated != tt.calculated || d.Mg != tt.want || d.Units != tt.units || d.PerKg != tt.perKg || d.Capped != tt.capped {
				t.Errorf("got calculated %s, dose %s, %d units, %s, capped %v; want %s, %s, %d units, %s, capped %v",
					d.Calculated, d.Mg, d.Units, d.PerKg, d.Capped, tt.calculated, tt.want, tt.units, tt.perKg, tt.capped)
			}
			if d.Weight != tt.weight || d.Route != tt.order.Route {
				t.Errorf("dose records weight %s and route %s", d.Weight, d.Route)
			}
		})
	}
}

func TestCalculateRefuses(t *testing.T) {
	def := session.DefaultSettings()
	// 0.25 × 40 = 10 mg: less than one 50 mg lozenge.
	_, err := session.Calculate(session.Order{Route: session.Lozenge, MgPerKg: 25, MaxMg: session.MgOf(400)}, 400, def)
	mustFail(t, err, problem.Invalid, "mg_per_kg")
	// No weight.
	_, err = session.Calculate(session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}, 0, def)
	mustFail(t, err, problem.Invalid, "weight_kg")
	// An invalid order is refused, not calculated.
	_, err = session.Calculate(session.Order{Route: session.IM, MgPerKg: 50}, 700, def)
	mustFail(t, err, problem.Invalid, "max_mg")
}

func TestPerKg(t *testing.T) {
	tests := []struct {
		mg     session.Mg
		weight session.Kg
		want   session.MgPerKg
	}{
		{410, 820, 50},   // 41 ÷ 82 = 0.5 exactly
		{415, 830, 50},   // 41.5 ÷ 83 = 0.5 exactly
		{620, 830, 75},   // 62 ÷ 83 = 0.74698 → 0.75
		{100, 800, 13},   // 10 ÷ 80 = 0.125, exactly half: rounds up to 0.13
		{390, 800, 49},   // 39 ÷ 80 = 0.4875 → 0.49
		{2000, 700, 286}, // 200 ÷ 70 = 2.857 → 2.86
		{410, 0, 0},      // no weight, no figure
	}
	for _, tt := range tests {
		if got := session.PerKg(tt.mg, tt.weight); got != tt.want {
			t.Errorf("PerKg(%s, %s) = %s, want %s", tt.mg, tt.weight, got, tt.want)
		}
	}
}

func TestCheckDose(t *testing.T) {
	mg := session.MgOf
	def := session.DefaultSettings()
	// 0.5 mg/kg IM, at most 60 mg. At 80 kg the order is 40 mg and the
	// usual 0.50–0.75 mg/kg is 40–60 mg.
	imWeight := session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60)}
	// 0.5 mg/kg at 83 kg is 41.5 mg.
	imFixed := session.Order{Route: session.IM, Mg: mg(50), MaxMg: mg(60)}
	rdt := session.Order{Route: session.RDT, Mg: mg(200), MaxMg: mg(300)}
	rdtHigh := session.Order{Route: session.RDT, Mg: mg(400), MaxMg: mg(500)}
	nasal56 := session.Order{Route: session.Intranasal, Mg: mg(56), MaxMg: mg(84)}
	nasal84 := session.Order{Route: session.Intranasal, Mg: mg(84), MaxMg: mg(84)}

	tests := []struct {
		name    string
		order   session.Order
		mg      session.Mg
		weight  session.Kg
		perKg   session.MgPerKg
		units   int
		reasons []string // a fragment of each reason, in order
	}{
		{"IM as ordered", imWeight, mg(40), 800, 50, 0, nil},
		// 60 ÷ 80 = 0.75: at the top of the usual range, which is in it;
		// but more than the 40 mg ordered.
		{"IM at the maximum", imWeight, mg(60), 800, 75, 0, []string{"more than the ordered 0.50 mg/kg × 80 kg = 40 mg"}},
		// 39 ÷ 80 = 0.4875: under 0.50, shown as 0.49.
		{"IM just below usual", imWeight, mg(39), 800, 49, 0, []string{"is 0.49 mg/kg, outside the usual 0.50–0.75 mg/kg"}},
		// 39.9 ÷ 80 = 0.49875, which rounds to 0.50 but is below it.
		{"IM a tenth below usual", imWeight, 399, 800, 50, 0, []string{"just under 0.50 mg/kg"}},
		// 41.5 mg is exactly 0.5 × 83: not above the order.
		{"IM tenth of a mg exact", imWeight, 415, 830, 50, 0, nil},
		{"IM above order by weight", imWeight, mg(42), 830, 51, 0, []string{"42 mg is more than the ordered 0.50 mg/kg × 83 kg = 41.5 mg"}},
		// 50 ÷ 60 = 0.833 > 0.75.
		{"IM fixed at a light weight", imFixed, mg(50), 600, 83, 0, []string{"outside the usual 0.50–0.75 mg/kg"}},
		// 50 ÷ 70 = 0.714: within.
		{"IM fixed at 70 kg", imFixed, mg(50), 700, 71, 0, nil},
		{"RDT as ordered", rdt, mg(200), 700, 286, 4, nil},
		{"RDT less than ordered", rdt, mg(150), 700, 214, 3, nil},
		{"RDT more than ordered", rdt, mg(250), 700, 357, 5, []string{"more than the ordered 200 mg"}},
		{"RDT below usual", rdt, mg(50), 700, 71, 1, []string{"outside the usual 100–400 mg"}},
		{"RDT half tablet", rdt, mg(125), 700, 179, 2, []string{"not a whole number of 50 mg tablets"}},
		{"RDT above usual and order", rdtHigh, mg(450), 700, 643, 9, []string{"more than the ordered 400 mg", "outside the usual 100–400 mg"}},
		{"RDT at usual top", rdtHigh, mg(400), 700, 571, 8, nil},
		{"esketamine 56", nasal56, mg(56), 700, 80, 2, nil},
		{"esketamine 84 on a 56 order", nasal56, mg(84), 700, 120, 3, []string{"more than the ordered 56 mg"}},
		{"esketamine 28", nasal56, mg(28), 700, 40, 1, []string{"outside the usual 56–84 mg"}},
		{"esketamine 84 on an 84 order", nasal84, mg(84), 700, 120, 3, nil},
		// IV at the 1 mg/kg line: 80 mg at 80 kg is 1.00 mg/kg, allowed
		// (above the usual 0.75, and above the order: confirmation).
		{"IV at 1 mg/kg", session.Order{Route: session.IV, MgPerKg: 75, MaxMg: mg(100), OverMinutes: 60}, mg(80), 800, 100, 0,
			[]string{"more than the ordered 0.75 mg/kg × 80 kg = 60 mg", "is 1.00 mg/kg, outside the usual 0.10–0.75 mg/kg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := session.CheckDose(tt.order, tt.order.Route, tt.mg, tt.weight, def)
			mustOK(t, err)
			if c.PerKg != tt.perKg || c.Units != tt.units || c.Mg != tt.mg || c.Weight != tt.weight {
				t.Errorf("got %s, %d units; want %s, %d units", c.PerKg, c.Units, tt.perKg, tt.units)
			}
			if c.NeedsConfirmation() != (len(tt.reasons) > 0) || len(c.Reasons) != len(tt.reasons) {
				t.Fatalf("reasons %q, want %d matching %q", c.Reasons, len(tt.reasons), tt.reasons)
			}
			for i, want := range tt.reasons {
				if !strings.Contains(c.Reasons[i], want) {
					t.Errorf("reason %d = %q, want it to contain %q", i, c.Reasons[i], want)
				}
			}
		})
	}
}

func TestCheckDoseRefuses(t *testing.T) {
	mg := session.MgOf
	def := session.DefaultSettings()
	im := session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60)}
	tests := []struct {
		name   string
		order  session.Order
		route  session.Route
		mg     session.Mg
		weight session.Kg
		code   problem.Code
		field  string
	}{
		// 60.1 mg is a tenth over the maximum: refused, not confirmed.
		{"a tenth above the maximum", im, session.IM, 601, 800, problem.Invalid, "mg"},
		{"far above the maximum", session.Order{Route: session.RDT, Mg: mg(200), MaxMg: mg(300)}, session.RDT, mg(350), 700, problem.Invalid, "mg"},
		{"other route", im, session.IV, mg(40), 800, problem.Invalid, "route"},
		{"no dose", im, session.IM, 0, 800, problem.Invalid, "mg"},
		{"no weight", im, session.IM, mg(40), 0, problem.Invalid, "weight_kg"},
		{"weight in lb", im, session.IM, mg(40), 4000, problem.Invalid, "weight_kg"},
		{"part of a device", session.Order{Route: session.Intranasal, Mg: mg(56), MaxMg: mg(84)}, session.Intranasal, mg(70), 700, problem.Invalid, "mg"},
		{"broken order", session.Order{Route: session.IM, MgPerKg: 50}, session.IM, mg(40), 800, problem.Conflict, ""},
		// 112 mg is four devices: an order allowing it is no longer valid.
		{"an esketamine order of 112 mg", session.Order{Route: session.Intranasal, Mg: mg(84), MaxMg: mg(112)}, session.Intranasal, mg(112), 700, problem.Conflict, ""},
		{"esketamine 112 on an 84 order", session.Order{Route: session.Intranasal, Mg: mg(84), MaxMg: mg(84)}, session.Intranasal, mg(112), 700, problem.Invalid, "mg"},
		// 80.1 mg at 80 kg is a tenth of a mg over 1 mg/kg: refused, even
		// under an order whose maximum allows it.
		{"IV a tenth over 1 mg/kg", session.Order{Route: session.IV, MgPerKg: 75, MaxMg: mg(100), OverMinutes: 40}, session.IV, 801, 800, problem.Invalid, "mg"},
		// A fixed IV order of 90 mg at 70 kg: 1.29 mg/kg.
		{"IV fixed order over 1 mg/kg at this weight", session.Order{Route: session.IV, Mg: mg(90), MaxMg: mg(90), OverMinutes: 40}, session.IV, mg(90), 700, problem.Invalid, "mg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := session.CheckDose(tt.order, tt.route, tt.mg, tt.weight, def)
			mustFail(t, err, tt.code, tt.field)
		})
	}
	_, err := session.CheckDose(session.Order{Route: session.IV, Mg: mg(90), MaxMg: mg(90), OverMinutes: 40}, session.IV, mg(90), 700, def)
	if msg := problem.MessageOf(err); msg != "90 mg at 70 kg is above 1.00 mg/kg: an IV dose above 1 mg/kg is refused, as 1 to 4.5 mg/kg is the anaesthetic induction range." {
		t.Errorf("IV refusal: %q", msg)
	}
	// The refusal says the maximum and that it cannot be overridden.
	_, err = session.CheckDose(im, session.IM, 601, 800, def)
	if msg := problem.MessageOf(err); !strings.Contains(msg, "60.1 mg is above this order's maximum of 60 mg") || !strings.Contains(msg, "cannot be recorded") {
		t.Errorf("message %q", msg)
	}
}

// The usual range is a clinic setting: a clinic that narrows it sees the
// confirmation at its own bound.
func TestCheckDoseUsesClinicRange(t *testing.T) {
	s := session.DefaultSettings()
	s.Routes[session.RDT] = session.RouteSettings{UnitMg: session.MgOf(50), UsualMinMg: session.MgOf(100), UsualMaxMg: session.MgOf(300)}
	o := session.Order{Route: session.RDT, Mg: session.MgOf(400), MaxMg: session.MgOf(400)}
	c, err := session.CheckDose(o, session.RDT, session.MgOf(350), 700, s)
	mustOK(t, err)
	if !slices.ContainsFunc(c.Reasons, func(r string) bool { return strings.Contains(r, "usual 100–300 mg") }) {
		t.Errorf("reasons %q", c.Reasons)
	}
}
