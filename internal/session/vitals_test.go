package session_test

import (
	"slices"
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
		{"abnormal but usual enough", full(40, 230, 130, 150, 85), ""},
		// The usual bounds, all recorded without a question: 60–260/30–160,
		// HR 30–200, SpO2 50–100.
		{"lowest usual", full(15, 60, 30, 30, 50), ""},
		{"highest usual", full(15, 260, 160, 200, 100), ""},
		// A very low SpO2 is recorded at once (and alerts: alerts_test.go).
		{"SpO2 70", full(15, 120, 80, 70, 70), ""},
		{"BP only", session.Vitals{At: at(90), Systolic: 130, Diastolic: 80}, ""},
		{"sedation only", session.Vitals{At: at(90), Sedation: sed(0)}, ""},
		{"no time", session.Vitals{Systolic: 130, Diastolic: 80}, "at"},
		{"nothing recorded", session.Vitals{At: at(15)}, "systolic"},
		// Not possible: refused, confirmed or not.
		{"systolic 19", full(15, 19, 10, 70, 97), "systolic"},
		{"systolic 1400", full(15, 1400, 80, 70, 97), "systolic"},
		{"systolic 301", full(15, 301, 80, 70, 97), "systolic"},
		{"diastolic 9", full(15, 120, 9, 70, 97), "diastolic"},
		{"diastolic 201", full(15, 290, 201, 70, 97), "diastolic"},
		{"swapped", full(15, 80, 120, 70, 97), "diastolic"},
		{"equal", full(15, 100, 100, 70, 97), "diastolic"},
		{"systolic alone", session.Vitals{At: at(15), Systolic: 120}, "diastolic"},
		{"diastolic alone", session.Vitals{At: at(15), Diastolic: 80}, "systolic"},
		{"HR 9", full(15, 120, 80, 9, 97), "heart_rate"},
		{"HR 301", full(15, 120, 80, 301, 97), "heart_rate"},
		{"SpO2 101", full(15, 120, 80, 70, 101), "spo2"},
		{"SpO2 negative", full(15, 120, 80, 70, -3), "spo2"},
		{"MOAA/S 6", session.Vitals{At: at(90), Sedation: sed(6)}, "sedation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.field == "" {
				mustOK(t, tt.v.Validate())
				return
			}
			mustFail(t, tt.v.Validate(), problem.Invalid, tt.field)
			// Impossible is refused even when confirmed, and is not an
			// unusual reading to confirm.
			tt.v.Confirmed = true
			mustFail(t, tt.v.Validate(), problem.Invalid, tt.field)
			if _, ok := session.AsUnusual(tt.v.Validate()); ok {
				t.Error("an impossible reading offered for confirmation")
			}
		})
	}
}

// Possible but unusual readings ask to be confirmed; confirmed, they are
// recorded as entered.
func TestVitalsUnusualNeedConfirmation(t *testing.T) {
	tests := []struct {
		name   string
		v      session.Vitals
		fields []string
	}{
		// Just outside the usual bounds on each side.
		{"systolic 59", full(15, 59, 30, 70, 97), []string{"systolic"}},
		{"systolic 261", full(15, 261, 100, 70, 97), []string{"systolic"}},
		{"diastolic 29", full(15, 80, 29, 70, 97), []string{"diastolic"}},
		{"diastolic 161", full(15, 250, 161, 70, 97), []string{"diastolic"}},
		{"HR 29", full(15, 120, 80, 29, 97), []string{"heart_rate"}},
		{"HR 201", full(15, 120, 80, 201, 97), []string{"heart_rate"}},
		{"SpO2 49", full(15, 120, 80, 70, 49), []string{"spo2"}},
		// The extremes of the possible: 20/10, HR 10, SpO2 1; 300/200, HR 300.
		{"lowest possible", full(15, 20, 10, 10, 1), []string{"systolic", "diastolic", "heart_rate", "spo2"}},
		{"highest possible", full(15, 300, 200, 300, 100), []string{"systolic", "diastolic", "heart_rate"}},
		// SpO2 9 typed for 97: a slip the question catches.
		{"SpO2 9", full(15, 120, 80, 70, 9), []string{"spo2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate()
			mustFail(t, err, problem.Invalid, tt.fields[0])
			u, ok := session.AsUnusual(err)
			if !ok {
				t.Fatalf("not an unusual reading: %v", err)
			}
			var fields []string
			for _, x := range u.Unusual {
				fields = append(fields, x.Field)
			}
			if !slices.Equal(fields, tt.fields) || !slices.Equal(u.Unusual, tt.v.Unusual()) {
				t.Errorf("unusual %v, want %v", fields, tt.fields)
			}
			tt.v.Confirmed = true
			mustOK(t, tt.v.Validate())
		})
	}
	err := full(15, 55, 35, 70, 97).Validate()
	if msg := problem.MessageOf(err); msg != "A systolic pressure of 55 mmHg is unusual (usually 60–260). If the reading is right, confirm it to record it as it is; otherwise check it and enter it again." {
		t.Errorf("message %q", msg)
	}
	// CheckPreDose asks the same question, and accepts a confirmed reading.
	pre := full(-10, 55, 35, 70, 97)
	_, err = session.CheckPreDose(pre, session.DefaultPreDoseLimits())
	if _, ok := session.AsUnusual(err); !ok {
		t.Errorf("pre-dose: %v", err)
	}
	pre.Confirmed = true
	if got, err := session.CheckPreDose(pre, session.DefaultPreDoseLimits()); err != nil || got.Status != session.PreDoseOK {
		t.Errorf("confirmed pre-dose: %v %v", got, err)
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
