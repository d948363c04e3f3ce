package session_test

import (
	"testing"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestParseMg(t *testing.T) {
	tests := []struct {
		in   string
		want session.Mg // tenths of a mg
		ok   bool
	}{
		{"41.5", 415, true},
		{"41", 410, true},
		{" 41.50 ", 415, true}, // trailing zero is not extra precision
		{".5", 5, true},
		{"5.", 50, true},
		{"0", 0, true}, // zero parses; whether it is allowed is the caller's rule
		{"41.55", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1,5", 0, false}, // 1.5 or 15? refuse rather than guess
		{"1e3", 0, false},
		{"", 0, false},
		{".", 0, false},
		{"1234567", 0, false},
	}
	for _, tt := range tests {
		got, err := session.ParseMg("mg", tt.in)
		if !tt.ok {
			mustFail(t, err, problem.Invalid, "mg")
			continue
		}
		mustOK(t, err)
		if got != tt.want {
			t.Errorf("ParseMg(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseMgPerKgAndKg(t *testing.T) {
	for in, want := range map[string]session.MgPerKg{"0.75": 75, "0.5": 50, "0.05": 5, "1": 100, "0.750": 75} {
		got, err := session.ParseMgPerKg("mg_per_kg", in)
		mustOK(t, err)
		if got != want {
			t.Errorf("ParseMgPerKg(%q) = %d, want %d", in, got, want)
		}
	}
	_, err := session.ParseMgPerKg("mg_per_kg", "0.125")
	mustFail(t, err, problem.Invalid, "mg_per_kg")

	w, err := session.ParseKg("weight_kg", "83.4")
	mustOK(t, err)
	if w != 834 {
		t.Errorf("ParseKg(83.4) = %d, want 834", w)
	}
	_, err = session.ParseKg("weight_kg", "83.45")
	mustFail(t, err, problem.Invalid, "weight_kg")
}

func TestAmountStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{session.Mg(415).String(), "41.5 mg"},
		{session.MgOf(50).String(), "50 mg"},
		{session.Mg(5).String(), "0.5 mg"},
		{session.Kg(834).String(), "83.4 kg"},
		{session.KgOf(83).String(), "83 kg"},
		{session.MgPerKg(50).String(), "0.50 mg/kg"}, // always two places
		{session.MgPerKg(5).String(), "0.05 mg/kg"},
		{session.MgPerKg(286).String(), "2.86 mg/kg"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
