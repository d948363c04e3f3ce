package session_test

import (
	"testing"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestClassifyPreDoseBP(t *testing.T) {
	// Defaults: confirm above 140/90, hold above 180/100, where "above"
	// means systolic over OR diastolic over, strictly.
	tests := []struct {
		sys, dia int
		want     session.PreDoseStatus
	}{
		{120, 80, session.PreDoseOK},
		{140, 90, session.PreDoseOK},      // at the line is not above it
		{141, 90, session.PreDoseConfirm}, // systolic alone
		{140, 91, session.PreDoseConfirm}, // diastolic alone
		{135, 95, session.PreDoseConfirm},
		{180, 100, session.PreDoseConfirm}, // at the hold line: still only confirm
		{181, 100, session.PreDoseHold},
		{180, 101, session.PreDoseHold},
		{200, 80, session.PreDoseHold},
		{130, 105, session.PreDoseHold},
	}
	l := session.DefaultPreDoseLimits()
	for _, tt := range tests {
		got, err := session.ClassifyPreDoseBP(tt.sys, tt.dia, l)
		mustOK(t, err)
		if got.Status != tt.want || got.Reason == "" {
			t.Errorf("%d/%d: %s (%q), want %s", tt.sys, tt.dia, got.Status, got.Reason, tt.want)
		}
	}
	_, err := session.ClassifyPreDoseBP(90, 90, l)
	mustFail(t, err, problem.Invalid, "diastolic")
}

func TestCheckPreDose(t *testing.T) {
	l := session.DefaultPreDoseLimits()
	got, err := session.CheckPreDose(full(-10, 150, 85, 72, 98), l)
	mustOK(t, err)
	if got.Status != session.PreDoseConfirm {
		t.Errorf("150/85: %s, want confirm", got.Status)
	}
	noSpO2 := full(-10, 120, 80, 72, 0)
	_, err = session.CheckPreDose(noSpO2, l)
	mustFail(t, err, problem.Invalid, "spo2")
	noHR := full(-10, 120, 80, 0, 97)
	_, err = session.CheckPreDose(noHR, l)
	mustFail(t, err, problem.Invalid, "heart_rate")
}

func TestVitalsValidate(t *testing.T) {
	tests := []struct {
		name  string
		v     session.Vitals
		field string // "" when valid
	}{
		{"ordinary", full(15, 128, 82, 76, 97), ""},
		{"abnormal but possible", full(40, 230, 130, 150, 85), ""},
		{"lowest possible", full(15, 50, 20, 20, 50), ""},
		{"highest possible", full(15, 300, 200, 250, 100), ""},
		{"BP only", session.Vitals{At: at(90), Systolic: 130, Diastolic: 80}, ""},
		{"sedation only", session.Vitals{At: at(90), Sedation: sed(0)}, ""},
		{"no time", session.Vitals{Systolic: 130, Diastolic: 80}, "at"},
		{"nothing recorded", session.Vitals{At: at(15)}, "systolic"},
		{"systolic 49", full(15, 49, 30, 70, 97), "systolic"},
		{"systolic 1400", full(15, 1400, 80, 70, 97), "systolic"},
		{"diastolic 19", full(15, 120, 19, 70, 97), "diastolic"},
		{"diastolic 201", full(15, 290, 201, 70, 97), "diastolic"},
		{"swapped", full(15, 80, 120, 70, 97), "diastolic"},
		{"equal", full(15, 100, 100, 70, 97), "diastolic"},
		{"systolic alone", session.Vitals{At: at(15), Systolic: 120}, "diastolic"},
		{"diastolic alone", session.Vitals{At: at(15), Diastolic: 80}, "systolic"},
		{"HR 19", full(15, 120, 80, 19, 97), "heart_rate"},
		{"HR 251", full(15, 120, 80, 251, 97), "heart_rate"},
		{"SpO2 49", full(15, 120, 80, 70, 49), "spo2"},
		{"SpO2 101", full(15, 120, 80, 70, 101), "spo2"},
		{"MOAA/S 6", session.Vitals{At: at(90), Sedation: sed(6)}, "sedation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.field == "" {
				mustOK(t, tt.v.Validate())
				return
			}
			mustFail(t, tt.v.Validate(), problem.Invalid, tt.field)
		})
	}
}

func TestValidateWeight(t *testing.T) {
	tests := []struct {
		w  session.Kg
		ok bool
	}{
		{0, false}, {249, false}, {250, true}, {834, true}, {3500, true}, {3501, false},
	}
	for _, tt := range tests {
		err := session.ValidateWeight(tt.w)
		if tt.ok {
			mustOK(t, err)
		} else {
			mustFail(t, err, problem.Invalid, "weight_kg")
		}
	}
}

func TestVitalsHas(t *testing.T) {
	v := session.Vitals{At: at(0), Systolic: 120, Diastolic: 80, Sedation: sed(0)}
	if !v.Has(session.BP) || v.Has(session.HR) || v.Has(session.SpO2) || !v.Has(session.Alertness) {
		t.Error("Has: a MOAA/S of 0 is a recorded score; HR and SpO2 were not taken")
	}
	if v.BPText() != "120/80" {
		t.Errorf("BPText = %q", v.BPText())
	}
}

func TestBPLimit(t *testing.T) {
	l := session.BPLimit{Systolic: 180, Diastolic: 110}
	tests := []struct {
		sys, dia       int
		above, reached bool
	}{
		{179, 109, false, false},
		{180, 100, false, true},
		{150, 110, false, true},
		{181, 100, true, true},
		{150, 111, true, true},
	}
	for _, tt := range tests {
		if l.Above(tt.sys, tt.dia) != tt.above || l.Reached(tt.sys, tt.dia) != tt.reached {
			t.Errorf("%d/%d against %s: above %v reached %v", tt.sys, tt.dia, l, l.Above(tt.sys, tt.dia), l.Reached(tt.sys, tt.dia))
		}
	}
}
