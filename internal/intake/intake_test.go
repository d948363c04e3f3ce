package intake

import (
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/screening"
)

func save(t *testing.T, a *Answers, section string, form map[string]string, meds []Medication) error {
	t.Helper()
	sec, ok := SectionByID(section)
	if !ok {
		t.Fatalf("no section %q", section)
	}
	return a.Save(sec, form, meds)
}

func TestSaveRefusesBadAnswersAndChangesNothing(t *testing.T) {
	var a Answers
	tests := []struct {
		section string
		form    map[string]string
		meds    []Medication
		field   string
	}{
		{"pregnancy", map[string]string{"pregnant": "no"}, nil, "breastfeeding"},
		{"pregnancy", map[string]string{"pregnant": "maybe", "breastfeeding": "no"}, nil, "pregnant"},
		{"body", map[string]string{"height_cm": "17o", "weight_kg": "70"}, nil, "height_cm"},
		{"body", map[string]string{"height_cm": "170", "weight_kg": "70", "bp_systolic": "120"}, nil, "bp_systolic"},
		{"medications", map[string]string{}, nil, "no_medications"},
		{"medications", map[string]string{}, []Medication{{Name: "lorazepam", DoseMG: 1, TimesPerDay: 0, Class: screening.Benzodiazepine}}, "med_0"},
		{"medications", map[string]string{}, []Medication{{Name: "x", DoseMG: 1, TimesPerDay: 1, Class: "vitamin"}}, "med_0"},
	}
	for _, tt := range tests {
		err := save(t, &a, tt.section, tt.form, tt.meds)
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != tt.field {
			t.Errorf("%s %v: got %v, want invalid %s", tt.section, tt.form, err, tt.field)
		}
	}
	if len(a.Saved) != 0 || len(a.Values) != 0 {
		t.Fatalf("refused saves changed the answers: %+v", a)
	}
}

// The facts screening reads, worked by hand.
func TestFacts(t *testing.T) {
	var a Answers
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(save(t, &a, "medical", map[string]string{"aneurysm_avm": "no", "ich": "no", "heart_disease": "no", "hypertension": "treated_controlled",
		"intracranial_pressure": "no", "intraocular_pressure": "no", "liver_disease": "no", "hyperthyroidism_untreated": "no",
		"ketamine_hypersensitivity": "no", "sleep_apnoea": "no", "snore": "yes", "tired": "yes", "observed_apnoea": "no", "neck_large": "no", "male": "yes"}, nil))
	must(save(t, &a, "body", map[string]string{"height_cm": "180", "weight_kg": "81", "bp_systolic": "150", "bp_diastolic": "95"}, nil))
	// Clonazepam 0.5 mg three times a day = 1.5 mg/day; × 10 / 0.5 = 30 mg diazepam-equivalent.
	meds := []Medication{{Name: "clonazepam", DoseMG: 0.5, TimesPerDay: 3, Class: screening.Benzodiazepine}}
	must(save(t, &a, "medications", map[string]string{}, meds))
	if de, ok := meds[0].DiazepamEquivalent(); !ok || de != 30 {
		t.Errorf("diazepam-equivalent = %v, %v; want 30", de, ok)
	}
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f := a.Facts(asOf, "1970-06-01", screening.CSSRSLow)
	// BMI 81 / 1.8² = 25.0.
	if bmi, ok := f.BMI(); !ok || bmi != 81/(1.8*1.8) {
		t.Errorf("BMI = %v", bmi)
	}
	// STOP-BANG: snore 1, tired 1, observed 0, pressure (treated) 1, BMI > 35 0,
	// age 55 > 50 1, neck 0, male 1 = 5.
	if f.StopBang == nil || *f.StopBang != 5 {
		t.Errorf("STOP-BANG = %v, want 5", f.StopBang)
	}
	if f.RestingBP == nil || *f.RestingBP != (screening.BP{Systolic: 150, Diastolic: 95}) || f.Hypertension != screening.HypertensionTreatedControlled {
		t.Errorf("blood pressure facts = %v %v", f.RestingBP, f.Hypertension)
	}
	if !f.MedicationsKnown || len(f.Medications) != 1 || f.Medications[0].DailyMG != 1.5 || f.CSSRS != screening.CSSRSLow {
		t.Errorf("medication facts = %+v", f.Medications)
	}
	if f.Pregnant != nil {
		t.Errorf("an unanswered question became %v; want unknown", *f.Pregnant)
	}
	res := screening.Evaluate(f, screening.Settings{})
	if !res.Has("review.benzodiazepine") || !res.Has("review.sleep_apnoea") || !res.Has("review.cardiovascular") {
		t.Errorf("rules fired: %+v", res.Fired)
	}
	// Before the medicines section is saved, medicines are unknown, not "none".
	var b Answers
	if b.Facts(asOf, "", "").MedicationsKnown {
		t.Errorf("medicines known before the section was saved")
	}
}
