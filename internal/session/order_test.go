package session_test

import (
	"strings"
	"testing"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestOrderValidate(t *testing.T) {
	mg := session.MgOf
	tests := []struct {
		name  string
		order session.Order
		field string // "" when valid
	}{
		{"IM by weight", session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60)}, ""},
		{"IV by weight", session.Order{Route: session.IV, MgPerKg: 50, MaxMg: mg(60), OverMinutes: 40}, ""},
		{"RDT fixed", session.Order{Route: session.RDT, Mg: mg(200), MaxMg: mg(300)}, ""},
		{"lozenge by weight", session.Order{Route: session.Lozenge, MgPerKg: 300, MaxMg: mg(400)}, ""},
		{"esketamine 84", session.Order{Route: session.Intranasal, Mg: mg(84), MaxMg: mg(84)}, ""},
		{"max equals dose", session.Order{Route: session.IM, Mg: mg(40), MaxMg: mg(40)}, ""},

		{"no route", session.Order{MgPerKg: 50, MaxMg: mg(60)}, "route"},
		{"unknown route", session.Order{Route: "oral", Mg: mg(100), MaxMg: mg(100)}, "route"},
		{"no dose", session.Order{Route: session.IM, MaxMg: mg(60)}, "dose"},
		{"both doses", session.Order{Route: session.IM, Mg: mg(40), MgPerKg: 50, MaxMg: mg(60)}, "dose"},
		{"negative mg", session.Order{Route: session.IM, Mg: -10, MaxMg: mg(60)}, "mg"},
		{"negative mg/kg", session.Order{Route: session.IM, MgPerKg: -50, MaxMg: mg(60)}, "mg_per_kg"},
		// 5 typed for 0.5: above the 2 mg/kg parenteral ceiling.
		{"IM 5 mg/kg", session.Order{Route: session.IM, MgPerKg: 500, MaxMg: mg(60)}, "mg_per_kg"},
		{"IM 2 mg/kg is the ceiling", session.Order{Route: session.IM, MgPerKg: 200, MaxMg: mg(200)}, ""},
		{"IV 0.04 mg/kg", session.Order{Route: session.IV, MgPerKg: 4, MaxMg: mg(60), OverMinutes: 40}, "mg_per_kg"},
		// Above 1 mg/kg IV is refused; 1.00 itself is allowed.
		{"IV 1.00 mg/kg", session.Order{Route: session.IV, MgPerKg: 100, MaxMg: mg(100), OverMinutes: 60}, ""},
		{"IV 1.01 mg/kg", session.Order{Route: session.IV, MgPerKg: 101, MaxMg: mg(100), OverMinutes: 60}, "mg_per_kg"},
		{"IV 2 mg/kg", session.Order{Route: session.IV, MgPerKg: 200, MaxMg: mg(150), OverMinutes: 60}, "mg_per_kg"},
		// Esketamine: 84 mg is the most; an order allowing 112 is refused.
		{"esketamine max 112", session.Order{Route: session.Intranasal, Mg: mg(84), MaxMg: mg(112)}, "max_mg"},
		{"esketamine 112", session.Order{Route: session.Intranasal, Mg: mg(112), MaxMg: mg(112)}, "max_mg"},
		{"esketamine 56, at most 84", session.Order{Route: session.Intranasal, Mg: mg(56), MaxMg: mg(84)}, ""},
		{"esketamine by weight", session.Order{Route: session.Intranasal, MgPerKg: 100, MaxMg: mg(84)}, "mg_per_kg"},
		{"RDT 120 mg", session.Order{Route: session.RDT, Mg: mg(120), MaxMg: mg(300)}, "mg"},
		{"esketamine 60 mg", session.Order{Route: session.Intranasal, Mg: mg(60), MaxMg: mg(84)}, "mg"},
		{"no max", session.Order{Route: session.IM, MgPerKg: 50}, "max_mg"},
		{"max below dose", session.Order{Route: session.RDT, Mg: mg(300), MaxMg: mg(200)}, "max_mg"},
		{"max 4000 mg sublingual", session.Order{Route: session.RDT, Mg: mg(400), MaxMg: mg(4000)}, "max_mg"},
		{"max below one tablet", session.Order{Route: session.RDT, MgPerKg: 100, MaxMg: mg(40)}, "max_mg"},
		{"IV without duration", session.Order{Route: session.IV, MgPerKg: 50, MaxMg: mg(60)}, "over_minutes"},
		{"IM with duration", session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60), OverMinutes: 40}, "over_minutes"},
		{"long notes", session.Order{Route: session.IM, MgPerKg: 50, MaxMg: mg(60), Notes: strings.Repeat("x", 2001)}, "notes"},
	}
	s := session.DefaultSettings()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.order.Validate(s)
			if tt.field == "" {
				mustOK(t, err)
				return
			}
			mustFail(t, err, problem.Invalid, tt.field)
		})
	}
}

func TestOrderRefusalsSayWhy(t *testing.T) {
	s := session.DefaultSettings()
	err := session.Order{Route: session.IV, MgPerKg: 150, MaxMg: session.MgOf(100), OverMinutes: 40}.Validate(s)
	if msg := problem.MessageOf(err); msg != "An IV order above 1.00 mg/kg is refused: 1 to 4.5 mg/kg is the anaesthetic induction range, not a dose for psychotherapy." {
		t.Errorf("IV: %q", msg)
	}
	err = session.Order{Route: session.Intranasal, Mg: session.MgOf(84), MaxMg: session.MgOf(112)}.Validate(s)
	if msg := problem.MessageOf(err); msg != "An esketamine order above 84 mg is refused: 56 or 84 mg is the dose (three 28 mg devices at most)." {
		t.Errorf("esketamine: %q", msg)
	}
}

func TestOrderString(t *testing.T) {
	o := session.Order{Route: session.IV, MgPerKg: 50, MaxMg: session.MgOf(60), OverMinutes: 40}
	if got, want := o.String(), "0.50 mg/kg, Intravenous over 40 min, at most 60 mg per session"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
