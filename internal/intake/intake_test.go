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
	must(save(t, &a, "medical", map[string]string{"aneurysm_avm": "no", "ich": "no", "stroke": "no", "heart_attack": "yes", "heart_attack_when": "2025-12",
		"heart_disease": "no", "hypertension": "treated_controlled",
		"intracranial_pressure": "no", "intraocular_pressure": "no", "liver_disease": "no", "hyperthyroidism_untreated": "no", "bladder_disease": "yes",
		"ketamine_hypersensitivity": "no", "sleep_apnoea": "no", "snore": "yes", "tired": "yes", "observed_apnoea": "no", "neck_large": "no", "male": "yes"}, nil))
	must(save(t, &a, "substances", map[string]string{"substance_disorder_12m": "no", "substance_use_3m": "no", "substance_disorder_ever": "no", "ketamine_disorder_ever": "yes"}, nil))
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
	// A heart attack in December 2025: its latest day, 31 Dec, is 60 days
	// before 1 Mar 2026, so heart disease for review, not a recent one.
	if f.HeartAttack == nil || !*f.HeartAttack || f.HeartAttackWhen == nil || *f.HeartAttackWhen != (screening.DateOrMonth{Year: 2025, Month: 12}) ||
		f.Stroke == nil || *f.Stroke || f.BladderDisease == nil || !*f.BladderDisease ||
		f.KetamineUseDisorderEver == nil || !*f.KetamineUseDisorderEver || f.SubstanceUseDisorderEver == nil || *f.SubstanceUseDisorderEver {
		t.Errorf("new facts: heart attack %v %v, stroke %v, bladder %v, ketamine %v", f.HeartAttack, f.HeartAttackWhen, f.Stroke, f.BladderDisease, f.KetamineUseDisorderEver)
	}
	res := screening.Evaluate(f, screening.Settings{})
	for _, id := range []string{"review.benzodiazepine", "review.sleep_apnoea", "review.hypertension", "review.cardiovascular", "review.bladder", "review.substance_use"} {
		if !res.Has(id) {
			t.Errorf("%s did not fire: %+v", id, res.Fired)
		}
	}
	if res.Has("exclude.recent_heart_attack") {
		t.Error("a heart attack 60 days before excluded")
	}
	// Before the medicines section is saved, medicines are unknown, not "none".
	var b Answers
	if b.Facts(asOf, "", "").MedicationsKnown {
		t.Errorf("medicines known before the section was saved")
	}
}

// A heart attack needs its date (or month); a date is read as a date or a
// month and nothing else; without a heart attack a date is dropped.
func TestHeartAttackDate(t *testing.T) {
	medical := func(attack, when string) map[string]string {
		form := map[string]string{"aneurysm_avm": "no", "ich": "no", "stroke": "no", "heart_attack": attack, "heart_attack_when": when,
			"heart_disease": "no", "hypertension": "none", "intracranial_pressure": "no", "intraocular_pressure": "no", "liver_disease": "no",
			"hyperthyroidism_untreated": "no", "bladder_disease": "no", "ketamine_hypersensitivity": "no", "sleep_apnoea": "no",
			"snore": "no", "tired": "no", "observed_apnoea": "no", "neck_large": "no", "male": "no"}
		return form
	}
	var a Answers
	for _, tt := range []struct{ attack, when, field string }{
		{"yes", "", "heart_attack_when"},
		{"yes", "last winter", "heart_attack_when"},
		{"yes", "2025-13", "heart_attack_when"},
		{"yes", "20/11/2025", "heart_attack_when"},
	} {
		err := save(t, &a, "medical", medical(tt.attack, tt.when), nil)
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != tt.field {
			t.Errorf("%s %q: %v, want invalid %s", tt.attack, tt.when, err, tt.field)
		}
	}
	if a.Done("medical") {
		t.Fatal("a refused save marked the section done")
	}
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// 18 Jan 2026 is 42 days before 1 Mar: 13 to 31 Jan, 28 in February, 1.
	if err := save(t, &a, "medical", medical("yes", "2026-01-18"), nil); err != nil {
		t.Fatal(err)
	}
	res := screening.Evaluate(a.Facts(asOf, "1970-06-01", ""), screening.Settings{})
	if !res.Has("exclude.recent_heart_attack") || res.Tier != screening.Exclude {
		t.Errorf("a heart attack 42 days before: %+v", res.Fired)
	}
	if err := save(t, &a, "medical", medical("no", "2026-01-18"), nil); err != nil {
		t.Fatal(err)
	}
	if _, kept := a.Values["heart_attack_when"]; kept || a.Facts(asOf, "", "").HeartAttackWhen != nil {
		t.Error("a date kept without a heart attack")
	}
}

// The date of birth is required to approve: without it the age limit is
// undecided.
func TestNoDateOfBirthCannotBeApproved(t *testing.T) {
	var a Answers
	res := screening.Evaluate(a.Facts(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "", ""), screening.Settings{})
	if len(res.Undecided) != 1 || res.Undecided[0].Rule.ID != "exclude.under_18" {
		t.Errorf("undecided = %+v", res.Undecided)
	}
}

func TestDiazepamEquivalentByName(t *testing.T) {
	// Lorazepam filed under "other", 1 mg twice a day: 2 × 10 / 1 = 20.
	m := Medication{Name: "Lorazepam", DoseMG: 1, TimesPerDay: 2, Class: screening.OtherMed}
	if de, ok := m.DiazepamEquivalent(); !ok || de != 20 {
		t.Errorf("diazepam-equivalent = %v, %v; want 20", de, ok)
	}
	if r := m.Recognised(); len(r) != 1 || r[0].Generic != "lorazepam" {
		t.Errorf("recognised = %v", r)
	}
	if r := (Medication{Name: "sertraline"}).Recognised(); r != nil {
		t.Errorf("sertraline recognised as %v", r)
	}
}
