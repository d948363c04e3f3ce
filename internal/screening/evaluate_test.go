package screening

import (
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
)

// clean is a client about whom everything is known and nothing fires:
// BP 120/80, BMI 70 / 1.7² = 24.2, aged 45, a clinical reason, no medicines.
func clean() Facts {
	no := func() *bool { return new(false) }
	return Facts{
		AsOf:                          date(2026, 3, 1),
		DateOfBirth:                   date(1980, 5, 10),
		AneurysmOrAVM:                 no(),
		IntracerebralHaemorrhage:      no(),
		KetamineHypersensitivity:      no(),
		Pregnant:                      no(),
		Breastfeeding:                 no(),
		PsychosisOrManiaNow:           no(),
		RestingBP:                     &BP{120, 80},
		Hypertension:                  HypertensionNone,
		PsychoticDisorderHistory:      no(),
		FirstDegreePsychosis:          no(),
		SubstanceUseDisorder12Months:  no(),
		SubstanceUse3Months:           no(),
		SubstanceUseDisorderEver:      no(),
		KetamineUseDisorderEver:       no(),
		MedicationsKnown:              true,
		HeartOrCerebrovascularDisease: no(),
		Stroke:                        no(),
		HeartAttack:                   no(),
		BladderDisease:                no(),
		RaisedIntracranialPressure:    no(),
		RaisedIntraocularPressure:     no(),
		LiverDisease:                  no(),
		HeightCM:                      new(170.0),
		WeightKG:                      new(70.0),
		SleepApnoea:                   no(),
		StopBang:                      new(1),
		UntreatedHyperthyroidism:      no(),
		SeverePersonalityDisorder:     no(),
		CSSRS:                         CSSRSNone,
		SuicidalIntentOrPlan:          no(),
		Indication:                    IndicationClinical,
	}
}

func TestCleanFactsFireNothing(t *testing.T) {
	res := Evaluate(clean(), Settings{})
	if res.Tier != Clear || len(res.Fired) != 0 || len(res.Missing) != 0 {
		t.Fatalf("clean facts gave %+v", res)
	}
}

func meds(ms ...Medication) func(*Facts) {
	return func(f *Facts) { f.Medications = ms }
}

// Each case changes the clean client and checks one rule, firing or not, at
// the edges of its threshold. Evidence is checked in full where it fires.
func TestEachRule(t *testing.T) {
	tests := []struct {
		name     string
		change   func(*Facts)
		settings Settings
		rule     string
		evidence string // "" means the rule must not fire
		missing  []string
		// undecided is the reason of the one rule that could not be
		// decided and blocks an approval; "" when none.
		undecided string
	}{
		{name: "aneurysm", rule: "exclude.aneurysm_avm",
			change:   func(f *Facts) { f.AneurysmOrAVM = new(true) },
			evidence: "aneurysmal vascular disease or an arteriovenous malformation is recorded"},
		{name: "intracerebral haemorrhage", rule: "exclude.ich",
			change:   func(f *Facts) { f.IntracerebralHaemorrhage = new(true) },
			evidence: "a past intracerebral haemorrhage is recorded"},
		{name: "hypersensitivity", rule: "exclude.hypersensitivity",
			change:   func(f *Facts) { f.KetamineHypersensitivity = new(true) },
			evidence: "a hypersensitivity to ketamine or esketamine is recorded"},
		{name: "pregnant", rule: "exclude.pregnancy",
			change:   func(f *Facts) { f.Pregnant = new(true) },
			evidence: "currently pregnant"},
		{name: "breastfeeding", rule: "exclude.pregnancy",
			change:   func(f *Facts) { f.Breastfeeding = new(true) },
			evidence: "currently breastfeeding"},
		{name: "pregnant and breastfeeding", rule: "exclude.pregnancy",
			change:   func(f *Facts) { f.Pregnant, f.Breastfeeding = new(true), new(true) },
			evidence: "currently pregnant; currently breastfeeding"},
		{name: "pregnant, breastfeeding unknown: still fires", rule: "exclude.pregnancy",
			change:   func(f *Facts) { f.Pregnant, f.Breastfeeding = new(true), nil },
			evidence: "currently pregnant"},
		{name: "not pregnant, breastfeeding unknown: gap", rule: "exclude.pregnancy",
			change:  func(f *Facts) { f.Breastfeeding = nil },
			missing: []string{"breastfeeding"}},
		{name: "psychosis now", rule: "exclude.psychosis_mania",
			change:   func(f *Facts) { f.PsychosisOrManiaNow = new(true) },
			evidence: "current psychosis or mania is recorded"},

		// "> 180/100": equal does not fire; one over on either number does.
		{name: "BP 180/100 untreated", rule: "exclude.uncontrolled_bp",
			change: func(f *Facts) { f.RestingBP, f.Hypertension = &BP{180, 100}, HypertensionUntreated }},
		{name: "BP 181/100 untreated", rule: "exclude.uncontrolled_bp",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{181, 100}, HypertensionUntreated },
			evidence: "resting BP 181/100 is above 180/100; not treated for high blood pressure"},
		{name: "BP 180/101 untreated", rule: "exclude.uncontrolled_bp",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{180, 101}, HypertensionUntreated },
			evidence: "resting BP 180/101 is above 180/100; not treated for high blood pressure"},
		{name: "BP 185/95, no hypertension known", rule: "exclude.uncontrolled_bp",
			change:   func(f *Facts) { f.RestingBP = &BP{185, 95} },
			evidence: "resting BP 185/95 is above 180/100; not treated for high blood pressure"},
		{name: "BP 190/105 treated but poorly controlled", rule: "exclude.uncontrolled_bp",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{190, 105}, HypertensionTreatedPoorly },
			evidence: "resting BP 190/105 is above 180/100; hypertension treated but poorly controlled"},
		// The hypertension review rule fires on the reading alone, so the
		// unknown treatment is no gap.
		{name: "BP 190/105 treatment unknown", rule: "exclude.uncontrolled_bp",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{190, 105}, HypertensionUnknown },
			evidence: "resting BP 190/105 is above 180/100; treatment is not recorded, and a reading this high is not controlled"},
		{name: "BP 190/105 treated and controlled: not excluded", rule: "exclude.uncontrolled_bp",
			change: func(f *Facts) { f.RestingBP, f.Hypertension = &BP{190, 105}, HypertensionTreatedControlled }},
		{name: "BP unknown", rule: "exclude.uncontrolled_bp",
			change:  func(f *Facts) { f.RestingBP = nil },
			missing: []string{"resting blood pressure"}},
		{name: "BP limit set to 160/95", rule: "exclude.uncontrolled_bp",
			settings: Settings{RestingBPLimit: BP{160, 95}},
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{161, 90}, HypertensionUntreated },
			evidence: "resting BP 161/90 is above 160/95; not treated for high blood pressure"},

		{name: "past psychotic disorder", rule: "review.psychosis_history",
			change:   func(f *Facts) { f.PsychoticDisorderHistory = new(true) },
			evidence: "a past psychotic disorder is recorded"},
		{name: "psychosis in the family", rule: "review.psychosis_history",
			change:   func(f *Facts) { f.FirstDegreePsychosis = new(true) },
			evidence: "a parent, sibling or child has had psychosis"},
		{name: "substance use disorder", rule: "review.substance_use",
			change:   func(f *Facts) { f.SubstanceUseDisorder12Months = new(true) },
			evidence: "a substance use disorder in the past 12 months"},
		{name: "recent drug use", rule: "review.substance_use",
			change:   func(f *Facts) { f.SubstanceUse3Months = new(true) },
			evidence: "non-prescribed drug use in the past 3 months"},

		// "> 8 mg diazepam-equivalent per day".
		{name: "lorazepam 2 mg", rule: "review.benzodiazepine",
			change:   meds(Medication{"lorazepam", 2, Benzodiazepine}), // 2 × 10 = 20
			evidence: "lorazepam 2 mg/day = 20 mg diazepam-equivalent (limit 8 mg/day)"},
		{name: "lorazepam 0.8 mg is exactly 8: no", rule: "review.benzodiazepine",
			change: meds(Medication{"lorazepam", 0.8, Benzodiazepine})}, // 0.8 × 10 = 8
		{name: "lorazepam 0.9 mg", rule: "review.benzodiazepine",
			change:   meds(Medication{"lorazepam", 0.9, Benzodiazepine}), // 0.9 × 10 = 9
			evidence: "lorazepam 0.9 mg/day = 9 mg diazepam-equivalent (limit 8 mg/day)"},
		{name: "clonazepam 0.4 mg is exactly 8: no", rule: "review.benzodiazepine",
			change: meds(Medication{"clonazepam", 0.4, Benzodiazepine})}, // 0.4 × 10 / 0.5 = 8
		{name: "diazepam 8 mg: no", rule: "review.benzodiazepine",
			change: meds(Medication{"diazepam", 8, Benzodiazepine})},
		{name: "diazepam 8.5 mg", rule: "review.benzodiazepine",
			change:   meds(Medication{"diazepam", 8.5, Benzodiazepine}),
			evidence: "diazepam 8.5 mg/day = 8.5 mg diazepam-equivalent (limit 8 mg/day)"},
		{name: "temazepam 10 mg: no", rule: "review.benzodiazepine",
			change: meds(Medication{"temazepam", 10, Benzodiazepine})}, // 10 × 10 / 20 = 5
		{name: "two benzodiazepines add up", rule: "review.benzodiazepine",
			// 0.25 × 10 / 0.5 = 5, plus 0.5 × 10 / 1 = 5: 10 in all.
			change:   meds(Medication{"clonazepam", 0.25, Benzodiazepine}, Medication{"lorazepam", 0.5, Benzodiazepine}),
			evidence: "clonazepam 0.25 mg/day = 5 mg diazepam-equivalent; lorazepam 0.5 mg/day = 5 mg diazepam-equivalent; total 10 mg diazepam-equivalent per day (limit 8 mg/day)"},
		{name: "lorazepam filed under other is still counted", rule: "review.benzodiazepine",
			change:   meds(Medication{"Lorazepam", 1, OtherMed}), // 1 × 10 = 10
			evidence: "Lorazepam 1 mg/day = 10 mg diazepam-equivalent (limit 8 mg/day)"},
		{name: "unknown benzodiazepine: gap", rule: "review.benzodiazepine",
			change:  meds(Medication{"phenazepam", 1, Benzodiazepine}),
			missing: []string{"diazepam equivalent of phenazepam (not in the conversion table)"}},
		{name: "dose not recorded: gap", rule: "review.benzodiazepine",
			change:  meds(Medication{"lorazepam", 0, Benzodiazepine}),
			missing: []string{"daily dose of lorazepam"}},
		{name: "fires on the known part, names what it could not count", rule: "review.benzodiazepine",
			change:   meds(Medication{"lorazepam", 2, Benzodiazepine}, Medication{"phenazepam", 1, Benzodiazepine}),
			evidence: "lorazepam 2 mg/day = 20 mg diazepam-equivalent (limit 8 mg/day); not counted: diazepam equivalent of phenazepam (not in the conversion table)"},
		{name: "limit raised to 20: lorazepam 2 mg no longer fires", rule: "review.benzodiazepine",
			settings: Settings{BenzodiazepineLimitMG: 20},
			change:   meds(Medication{"lorazepam", 2, Benzodiazepine})},
		{name: "medicines unknown", rule: "review.benzodiazepine",
			change:  func(f *Facts) { f.MedicationsKnown = false },
			missing: []string{"current medications"}},

		{name: "MAOI", rule: "review.maoi_stimulant",
			change:   meds(Medication{"phenelzine", 45, MAOI}),
			evidence: "takes phenelzine (MAOI)"},
		{name: "stimulant", rule: "review.maoi_stimulant",
			change:   meds(Medication{"methylphenidate", 36, Stimulant}),
			evidence: "takes methylphenidate (stimulant)"},
		{name: "SSRI is neither", rule: "review.maoi_stimulant",
			change: meds(Medication{"sertraline", 100, OtherMed})},
		{name: "opioid and sedative", rule: "review.opioid_sedative",
			change:   meds(Medication{"tramadol", 100, Opioid}, Medication{"zopiclone", 7.5, Sedative}),
			evidence: "takes tramadol (opioid), zopiclone (sedative)"},
		{name: "a low benzodiazepine dose is not counted as a sedative", rule: "review.opioid_sedative",
			change: meds(Medication{"lorazepam", 0.5, Benzodiazepine})},

		// Hypertension, treated or not, or a known resting BP above 140/90:
		// "above" is either number strictly over its line.
		{name: "treated hypertension", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{135, 85}, HypertensionTreatedControlled },
			evidence: "hypertension treated and controlled"},
		{name: "treated, controlled, but a high reading", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{190, 105}, HypertensionTreatedControlled },
			evidence: "hypertension treated and controlled; resting BP 190/105 is above 180/100 although recorded as controlled"},
		{name: "untreated hypertension below the exclude line", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{160, 95}, HypertensionUntreated },
			evidence: "hypertension untreated; resting BP 160/95 is above 140/90"},
		{name: "untreated hypertension, reading unknown", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = nil, HypertensionUntreated },
			evidence: "hypertension untreated",
			missing:  []string{"resting blood pressure"}}, // the exclude rule needs it
		{name: "treated, poorly controlled, 150/95", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{150, 95}, HypertensionTreatedPoorly },
			evidence: "hypertension treated but poorly controlled; resting BP 150/95 is above 140/90"},
		{name: "none recorded, BP 140/90 is not above 140/90", rule: "review.hypertension",
			change: func(f *Facts) { f.RestingBP = &BP{140, 90} }},
		{name: "none recorded, BP 141/90", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP = &BP{141, 90} },
			evidence: "resting BP 141/90 is above 140/90"},
		{name: "none recorded, BP 140/91", rule: "review.hypertension",
			change:   func(f *Facts) { f.RestingBP = &BP{140, 91} },
			evidence: "resting BP 140/91 is above 140/90"},
		{name: "review line set to 130/80", rule: "review.hypertension", settings: Settings{ReviewBPAbove: BP{130, 80}},
			change:   func(f *Facts) { f.RestingBP = &BP{128, 82} },
			evidence: "resting BP 128/82 is above 130/80"},
		{name: "hypertension unknown: gap", rule: "review.hypertension",
			change:  func(f *Facts) { f.Hypertension = HypertensionUnknown },
			missing: []string{"whether hypertension is treated and controlled"}},
		{name: "heart disease", rule: "review.cardiovascular",
			change:   func(f *Facts) { f.HeartOrCerebrovascularDisease = new(true) },
			evidence: "heart or cerebrovascular disease is recorded"},
		// 17 Jan to 1 Mar: 14 days to 31 Jan, 28 in February, 1: 43 days,
		// more than 6 weeks (42 days): heart disease, not a recent one.
		{name: "a heart attack more than 6 weeks ago is heart disease", rule: "review.cardiovascular",
			change:   func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2026, 1, 17} },
			evidence: "a past heart attack is recorded"},
		{name: "heart attack unknown: gap", rule: "review.cardiovascular",
			change:  func(f *Facts) { f.HeartAttack = nil },
			missing: []string{"heart attack (myocardial infarction)"}},

		{name: "previous stroke", rule: "exclude.stroke",
			change:   func(f *Facts) { f.Stroke = new(true) },
			evidence: "a previous stroke is recorded"},
		{name: "stroke unknown: gap", rule: "exclude.stroke",
			change:  func(f *Facts) { f.Stroke = nil },
			missing: []string{"previous stroke"}},

		// "In the past 6 weeks", AsOf 1 Mar 2026: 18 Jan is 13 days to 31
		// Jan, 28 in February and 1 more: 42 days, the last day of 6 weeks.
		{name: "heart attack 42 days ago", rule: "exclude.recent_heart_attack",
			change:   func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2026, 1, 18} },
			evidence: "a heart attack on 18 Jan 2026, 42 days before the screening on 1 Mar 2026; within 6 weeks (42 days)"},
		{name: "heart attack 43 days ago: not recent", rule: "exclude.recent_heart_attack",
			change: func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2026, 1, 17} }},
		// Only the month: its last day, 31 Jan, is 29 days before 1 Mar.
		{name: "heart attack in January, day unknown", rule: "exclude.recent_heart_attack",
			change:   func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2026, 1, 0} },
			evidence: "a heart attack in Jan 2026: only the month is known, and its last day, 31 Jan, is 29 days before the screening on 1 Mar 2026; within 6 weeks (42 days)"},
		// 31 Dec to 1 Mar is 31 + 28 + 1 = 60 days.
		{name: "heart attack in December: not recent", rule: "exclude.recent_heart_attack",
			change: func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2025, 12, 0} }},
		// A 12-week clinic: 60 days is within 84.
		{name: "heart attack in December, 12-week clinic", rule: "exclude.recent_heart_attack", settings: Settings{HeartAttackWeeks: 12},
			change:   func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2025, 12, 0} },
			evidence: "a heart attack in Dec 2025: only the month is known, and its last day, 31 Dec, is 60 days before the screening on 1 Mar 2026; within 12 weeks (84 days)"},
		{name: "heart attack, no date", rule: "exclude.recent_heart_attack",
			change:    func(f *Facts) { f.HeartAttack = new(true) },
			missing:   []string{"date of the most recent heart attack"},
			undecided: "a heart attack is recorded without its date, so it cannot be ruled out that it was in the past 6 weeks"},
		{name: "heart attack dated after the screening", rule: "exclude.recent_heart_attack",
			change:    func(f *Facts) { f.HeartAttack, f.HeartAttackWhen = new(true), &DateOrMonth{2026, 3, 5} },
			missing:   []string{"date of the most recent heart attack"},
			undecided: "the heart attack is dated 5 Mar 2026, after the screening (1 Mar 2026); check the date"},
		{name: "heart attack unknown: gap, not undecided", rule: "exclude.recent_heart_attack",
			change:  func(f *Facts) { f.HeartAttack = nil },
			missing: []string{"heart attack (myocardial infarction)"}},

		// Under 18 on 1 Mar 2026: born 2 Mar 2008, the 18th birthday is
		// tomorrow; born 1 Mar 2008, it is today.
		{name: "17, the day before the 18th birthday", rule: "exclude.under_18",
			change:   func(f *Facts) { f.DateOfBirth = date(2008, 3, 2) },
			evidence: "aged 17 on 1 Mar 2026 (under 18)"},
		{name: "18th birthday", rule: "exclude.under_18",
			change: func(f *Facts) { f.DateOfBirth = date(2008, 3, 1) }},
		{name: "clinic minimum 21: aged 20", rule: "exclude.under_18", settings: Settings{MinAge: 21},
			change:   func(f *Facts) { f.DateOfBirth = date(2005, 6, 1) },
			evidence: "aged 20 on 1 Mar 2026 (under 21)"},
		{name: "date of birth after the screening", rule: "exclude.under_18",
			change:    func(f *Facts) { f.DateOfBirth = date(2026, 3, 2) },
			missing:   []string{"date of birth"},
			undecided: "the date of birth is after the date of the screening; check it"},
		{name: "no screening date", rule: "exclude.under_18",
			change:    func(f *Facts) { f.AsOf = time.Time{} },
			missing:   []string{"date of the screening"},
			undecided: "the screening has no date, so it cannot be confirmed that the client is 18 or over"},

		{name: "lifetime substance use disorder", rule: "review.substance_use",
			change:   func(f *Facts) { f.SubstanceUseDisorderEver = new(true) },
			evidence: "a substance use disorder at some time in the past"},
		{name: "lifetime ketamine use disorder", rule: "review.substance_use",
			change:   func(f *Facts) { f.KetamineUseDisorderEver = new(true) },
			evidence: "a ketamine use disorder at some time in the past"},
		{name: "lifetime unknown: gap", rule: "review.substance_use",
			change:  func(f *Facts) { f.KetamineUseDisorderEver = nil },
			missing: []string{"ketamine use disorder at any time"}},
		{name: "bladder disease", rule: "review.bladder",
			change:   func(f *Facts) { f.BladderDisease = new(true) },
			evidence: "bladder pain, cystitis or urinary tract disease is recorded"},
		{name: "bladder unknown: gap", rule: "review.bladder",
			change:  func(f *Facts) { f.BladderDisease = nil },
			missing: []string{"bladder pain, cystitis or urinary tract disease"}},
		{name: "raised intracranial pressure", rule: "review.raised_pressure",
			change:   func(f *Facts) { f.RaisedIntracranialPressure = new(true) },
			evidence: "raised intracranial pressure is recorded"},
		{name: "raised intraocular pressure", rule: "review.raised_pressure",
			change:   func(f *Facts) { f.RaisedIntraocularPressure = new(true) },
			evidence: "raised intraocular pressure is recorded"},
		{name: "liver disease", rule: "review.liver",
			change:   func(f *Facts) { f.LiverDisease = new(true) },
			evidence: "liver disease is recorded"},

		// "BMI > 35"; at 200 cm, BMI = weight / 4.
		{name: "BMI exactly 35: no", rule: "review.bmi",
			change: func(f *Facts) { f.HeightCM, f.WeightKG = new(200.0), new(140.0) }}, // 140 / 4 = 35
		{name: "BMI 35.1", rule: "review.bmi",
			change:   func(f *Facts) { f.HeightCM, f.WeightKG = new(200.0), new(140.4) }, // 140.4 / 4 = 35.1
			evidence: "BMI 35.1 (140.4 kg, 200 cm) is above 35"},
		{name: "BMI 35.04 shows two decimals", rule: "review.bmi",
			change:   func(f *Facts) { f.HeightCM, f.WeightKG = new(200.0), new(140.16) }, // 140.16 / 4 = 35.04
			evidence: "BMI 35.04 (140.16 kg, 200 cm) is above 35"},
		{name: "BMI 36.4", rule: "review.bmi",
			change:   func(f *Facts) { f.HeightCM, f.WeightKG = new(164.0), new(98.0) }, // 98 / 1.64² = 36.44
			evidence: "BMI 36.4 (98 kg, 164 cm) is above 35"},
		{name: "height unknown", rule: "review.bmi",
			change:  func(f *Facts) { f.HeightCM = nil },
			missing: []string{"height"}},

		{name: "diagnosed sleep apnoea", rule: "review.sleep_apnoea",
			change:   func(f *Facts) { f.SleepApnoea = new(true) },
			evidence: "diagnosed sleep apnoea"},
		{name: "STOP-BANG 2: no", rule: "review.sleep_apnoea",
			change: func(f *Facts) { f.StopBang = new(2) }},
		{name: "STOP-BANG 3", rule: "review.sleep_apnoea",
			change:   func(f *Facts) { f.StopBang = new(3) },
			evidence: "STOP-BANG score 3 (review from 3)"},
		{name: "STOP-BANG 4 with the line at 5: no", rule: "review.sleep_apnoea",
			settings: Settings{StopBangFrom: 5},
			change:   func(f *Facts) { f.StopBang = new(4) }},
		{name: "STOP-BANG unknown: gap", rule: "review.sleep_apnoea",
			change:  func(f *Facts) { f.StopBang = nil },
			missing: []string{"STOP-BANG score"}},
		{name: "untreated or poorly treated hyperthyroidism", rule: "exclude.hyperthyroidism",
			change:   func(f *Facts) { f.UntreatedHyperthyroidism = new(true) },
			evidence: "hyperthyroidism that is untreated or not under control is recorded"},
		{name: "severe personality disorder", rule: "review.personality_disorder",
			change:   func(f *Facts) { f.SeverePersonalityDisorder = new(true) },
			evidence: "a severe personality disorder is recorded"},

		{name: "C-SSRS high", rule: "review.suicidality",
			change:   func(f *Facts) { f.CSSRS = CSSRSHigh },
			evidence: "C-SSRS screener tier high"},
		{name: "C-SSRS moderate", rule: "review.suicidality",
			change:   func(f *Facts) { f.CSSRS = CSSRSModerate },
			evidence: "C-SSRS screener tier moderate"},
		{name: "intent or plan reported", rule: "review.suicidality",
			change:   func(f *Facts) { f.SuicidalIntentOrPlan = new(true) },
			evidence: "suicidal ideation with intent or plan reported"},
		{name: "C-SSRS off, plain question says no", rule: "review.suicidality",
			change: func(f *Facts) { f.CSSRS = CSSRSUnknown }},
		{name: "C-SSRS low, plain question not asked", rule: "review.suicidality",
			change: func(f *Facts) { f.CSSRS, f.SuicidalIntentOrPlan = CSSRSLow, nil }},
		{name: "neither known: gap", rule: "review.suicidality",
			change:  func(f *Facts) { f.CSSRS, f.SuicidalIntentOrPlan = CSSRSUnknown, nil },
			missing: []string{"C-SSRS screener tier or suicidal ideation with intent or plan"}},

		// By name, whatever class was ticked (CLINICAL.md §1).
		{name: "phenelzine filed under other", rule: "review.maoi_stimulant",
			change:   meds(Medication{"phenelzine", 45, OtherMed}),
			evidence: "takes phenelzine (MAOI)"},
		{name: "a brand with its dose, filed under other", rule: "review.maoi_stimulant",
			change:   meds(Medication{"Vyvanse 30 mg", 30, OtherMed}),
			evidence: "takes Vyvanse 30 mg (lisdexamfetamine, stimulant)"},
		{name: "Adderall XR ticked as a stimulant", rule: "review.maoi_stimulant",
			change:   meds(Medication{"Adderall XR", 20, Stimulant}),
			evidence: "takes Adderall XR (amphetamine, stimulant)"},
		{name: "selegiline patch under sedative", rule: "review.maoi_stimulant",
			change:   meds(Medication{"EMSAM patch", 6, Sedative}),
			evidence: "takes EMSAM patch (selegiline, MAOI)"},
		{name: "an unknown name ticked as a stimulant still fires", rule: "review.maoi_stimulant",
			change:   meds(Medication{"Focalinn", 10, Stimulant}),
			evidence: "takes Focalinn (stimulant, as ticked; the name is not recognised)"},
		{name: "oxycodone under other", rule: "review.opioid_sedative",
			change:   meds(Medication{"OxyContin 10mg", 20, OtherMed}),
			evidence: "takes OxyContin 10mg (oxycodone, opioid)"},
		{name: "co-codamol", rule: "review.opioid_sedative",
			change:   meds(Medication{"Co-codamol 30/500", 240, OtherMed}),
			evidence: "takes Co-codamol 30/500 (codeine, opioid)"},
		{name: "pethidine, meperidine", rule: "review.opioid_sedative",
			change:   meds(Medication{"pethidine", 50, OtherMed}),
			evidence: "takes pethidine (meperidine, opioid)"},
		{name: "zolpidem brand, gabapentin", rule: "review.opioid_sedative",
			change:   meds(Medication{"Ambien", 10, OtherMed}, Medication{"gabapentin", 900, OtherMed}),
			evidence: "takes Ambien (zolpidem, sedative), gabapentin (sedative)"},
		{name: "a name ticked as an opioid, recognised as a stimulant", rule: "review.opioid_sedative",
			change:   meds(Medication{"modafinil", 200, Opioid}),
			evidence: "takes modafinil (opioid, as ticked)"},
		{name: "sertraline is none of them", rule: "review.opioid_sedative",
			change: meds(Medication{"sertraline", 100, OtherMed})},
		// The Ashton table, all of it, by name: bromazepam 6 mg × 10 / 5 = 12.
		{name: "bromazepam under other", rule: "review.benzodiazepine",
			change:   meds(Medication{"bromazepam", 6, OtherMed}),
			evidence: "bromazepam 6 mg/day = 12 mg diazepam-equivalent (limit 8 mg/day)"},
		// Lormetazepam 1 mg × 10 / 1 = 10.
		{name: "lormetazepam", rule: "review.benzodiazepine",
			change:   meds(Medication{"lormetazepam", 1, Sedative}),
			evidence: "lormetazepam 1 mg/day = 10 mg diazepam-equivalent (limit 8 mg/day)"},
		// Loprazolam 0.8 mg × 10 / 1 = 8: at the limit, not above it.
		{name: "loprazolam 0.8 mg: no", rule: "review.benzodiazepine",
			change: meds(Medication{"loprazolam", 0.8, Benzodiazepine})},
		// Prazepam 10 mg × 10 / 10 = 10.
		{name: "prazepam", rule: "review.benzodiazepine",
			change:   meds(Medication{"Prazepam", 10, Benzodiazepine}),
			evidence: "Prazepam 10 mg/day = 10 mg diazepam-equivalent (limit 8 mg/day)"},
		// Xanax is alprazolam: 1 mg × 10 / 0.5 = 20.
		{name: "a brand with its dose", rule: "review.benzodiazepine",
			change:   meds(Medication{"Xanax 0.5mg", 1, OtherMed}),
			evidence: "Xanax 0.5mg (alprazolam) 1 mg/day = 20 mg diazepam-equivalent (limit 8 mg/day)"},
		{name: "midazolam is a benzodiazepine without a conversion", rule: "review.benzodiazepine",
			change:  meds(Medication{"midazolam", 7.5, OtherMed}),
			missing: []string{"diazepam equivalent of midazolam (not in the conversion table)"}},
		{name: "lamotrigine brand under other", rule: "info.lamotrigine",
			change:   meds(Medication{"Lamictal 100mg", 200, OtherMed}),
			evidence: "takes Lamictal 100mg (lamotrigine)"},
		{name: "lamotrigine", rule: "info.lamotrigine",
			change:   meds(Medication{"lamotrigine", 200, Lamotrigine}),
			evidence: "takes lamotrigine"},
		{name: "lamotrigine filed under other", rule: "info.lamotrigine",
			change:   meds(Medication{"Lamotrigine", 200, OtherMed}),
			evidence: "takes Lamotrigine"},
		// "65 or over": 65 on the birthday itself fires.
		{name: "65th birthday", rule: "info.age",
			change:   func(f *Facts) { f.DateOfBirth = date(1961, 3, 1) },
			evidence: "aged 65 on 1 Mar 2026 (flagged from 65)"},
		{name: "the day before: 64", rule: "info.age",
			change: func(f *Facts) { f.DateOfBirth = date(1961, 3, 2) }},
		{name: "age line at 70", rule: "info.age", settings: Settings{AgeFrom: 70},
			change: func(f *Facts) { f.DateOfBirth = date(1958, 1, 1) }}, // 68
		{name: "date of birth unknown", rule: "info.age",
			change:    func(f *Facts) { f.DateOfBirth = time.Time{} },
			missing:   []string{"date of birth"},
			undecided: "the date of birth is not recorded, so it cannot be confirmed that the client is 18 or over"},
		{name: "curiosity alone", rule: "info.no_indication",
			change:   func(f *Facts) { f.Indication = IndicationCuriosity },
			evidence: "no clear indication: curiosity alone"},
		{name: "indication unknown", rule: "info.no_indication",
			change:  func(f *Facts) { f.Indication = IndicationUnknown },
			missing: []string{"reason for seeking treatment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := clean()
			tt.change(&f)
			res := Evaluate(f, tt.settings)
			var got *Fired
			for i := range res.Fired {
				if res.Fired[i].Rule.ID == tt.rule {
					got = &res.Fired[i]
				}
			}
			switch {
			case tt.evidence == "" && got != nil:
				t.Errorf("%s fired: %q", tt.rule, got.Evidence)
			case tt.evidence != "" && got == nil:
				t.Errorf("%s did not fire (fired: %v, missing: %v)", tt.rule, ids(res), res.Missing)
			case got != nil && got.Evidence != tt.evidence:
				t.Errorf("evidence\n got %q\nwant %q", got.Evidence, tt.evidence)
			}
			if !slices.Equal(res.Missing, tt.missing) {
				t.Errorf("missing = %q, want %q", res.Missing, tt.missing)
			}
			var undecided []string
			for _, u := range res.Undecided {
				undecided = append(undecided, u.Reason)
			}
			if tt.undecided == "" && len(undecided) > 0 || tt.undecided != "" && !slices.Equal(undecided, []string{tt.undecided}) {
				t.Errorf("undecided = %q, want %q", undecided, tt.undecided)
			}
		})
	}
}

func ids(r Result) string {
	var s []string
	for _, f := range r.Fired {
		s = append(s, f.Rule.ID)
	}
	return strings.Join(s, ",")
}

// Nothing known: nothing fires, the tier is clear (which on its own means
// nothing: a prescriber still reviews), and every gap is listed once, in the
// order of the rules that needed it.
func TestEvaluateWithNothingKnown(t *testing.T) {
	res := Evaluate(Facts{}, Settings{})
	if res.Tier != Clear || len(res.Fired) != 0 {
		t.Fatalf("tier %s, fired %s", res.Tier, ids(res))
	}
	want := []string{
		"aneurysm or arteriovenous malformation",
		"history of intracerebral haemorrhage",
		"hypersensitivity to ketamine or esketamine",
		"pregnancy",
		"breastfeeding",
		"current psychosis or mania",
		"resting blood pressure",
		"previous stroke",
		"untreated or poorly treated hyperthyroidism",
		"heart attack (myocardial infarction)",
		"date of birth",
		"history of psychotic disorder",
		"psychosis in a first-degree relative",
		"substance use disorder in the past 12 months",
		"substance use in the past 3 months",
		"substance use disorder at any time",
		"ketamine use disorder at any time",
		"current medications", // read by four rules, listed once
		"whether hypertension is treated and controlled",
		"heart or cerebrovascular disease",
		"raised intracranial pressure",
		"raised intraocular pressure",
		"bladder pain, cystitis or urinary tract disease",
		"liver disease",
		"height",
		"weight",
		"diagnosed sleep apnoea",
		"STOP-BANG score",
		"severe personality disorder",
		"C-SSRS screener tier or suicidal ideation with intent or plan",
		"date of the screening",
		"reason for seeking treatment",
	}
	if !slices.Equal(res.Missing, want) {
		t.Errorf("missing\n got %q\nwant %q", res.Missing, want)
	}
	// Without a date of birth the age limit cannot be decided, and that
	// alone blocks an approval.
	if len(res.Undecided) != 1 || res.Undecided[0].Rule.ID != "exclude.under_18" {
		t.Errorf("undecided = %+v", res.Undecided)
	}
	if err := CheckDecision(res, Decision{Kind: Approve, Note: "Fine."}); err == nil {
		t.Error("approved a client whose age is unknown")
	}
}

// A fired rule still leaves the other gaps listed.
func TestFiredAndMissingTogether(t *testing.T) {
	res := Evaluate(Facts{IntracerebralHaemorrhage: new(true)}, Settings{})
	if res.Tier != Exclude || !res.Has("exclude.ich") {
		t.Fatalf("got tier %s, fired %s", res.Tier, ids(res))
	}
	if slices.Contains(res.Missing, "history of intracerebral haemorrhage") {
		t.Error("a fact that made a rule fire is listed as missing")
	}
	if !slices.Contains(res.Missing, "resting blood pressure") {
		t.Error("other gaps are not listed")
	}
}

func TestOverallTierIsTheMostSevere(t *testing.T) {
	lamotrigine := Medication{"lamotrigine", 100, Lamotrigine}
	lorazepam := Medication{"lorazepam", 2, Benzodiazepine}
	tests := []struct {
		name   string
		change func(*Facts)
		want   Tier
		fired  string
	}{
		{"nothing", func(*Facts) {}, Clear, ""},
		{"info only", meds(lamotrigine), Info, "info.lamotrigine"},
		{"info and review", meds(lamotrigine, lorazepam), Review, "review.benzodiazepine,info.lamotrigine"},
		{"all three", func(f *Facts) {
			f.Medications = []Medication{lamotrigine, lorazepam}
			f.IntracerebralHaemorrhage = new(true)
		}, Exclude, "exclude.ich,review.benzodiazepine,info.lamotrigine"},
		{"exclude alone", func(f *Facts) { f.Pregnant = new(true) }, Exclude, "exclude.pregnancy"},
	}
	for _, tt := range tests {
		f := clean()
		tt.change(&f)
		res := Evaluate(f, Settings{})
		if res.Tier != tt.want || ids(res) != tt.fired {
			t.Errorf("%s: tier %s fired %q; want %s %q", tt.name, res.Tier, ids(res), tt.want, tt.fired)
		}
	}
}

func TestTierOrder(t *testing.T) {
	order := []Tier{Clear, Info, Review, Exclude}
	for i, a := range order {
		for j, b := range order {
			if got := a.MoreSevere(b); got != (i > j) {
				t.Errorf("%s.MoreSevere(%s) = %v", a, b, got)
			}
		}
		if !a.Valid() {
			t.Errorf("%s not valid", a)
		}
	}
	if Tier("grave").Valid() || Tier("grave").MoreSevere(Clear) {
		t.Error("an unknown tier must be invalid and rank below clear")
	}
}

// Every medicine whose name Doorway does not recognise is listed, as
// written, so the screen can say so; recognised ones are not.
func TestUnrecognisedMedicines(t *testing.T) {
	f := clean()
	f.Medications = []Medication{
		{"sertraline 100mg", 100, OtherMed},
		{"Vyvanse", 30, Stimulant},
		{" kratom ", 2000, Opioid},
		{"Lexotan", 3, Benzodiazepine},
	}
	res := Evaluate(f, Settings{})
	if want := []string{"sertraline 100mg", "kratom"}; !slices.Equal(res.Unrecognised, want) {
		t.Errorf("unrecognised = %q, want %q", res.Unrecognised, want)
	}
	f.MedicationsKnown = false
	if res := Evaluate(f, Settings{}); res.Unrecognised != nil {
		t.Errorf("medicines not known, yet unrecognised = %q", res.Unrecognised)
	}
}

func TestCheckDecisionRefusesAnUndecidedScreening(t *testing.T) {
	f := clean()
	f.HeartAttack = new(true) // no date
	res := Evaluate(f, Settings{})
	err := CheckDecision(res, Decision{Kind: ApproveWithConditions, Note: "ECG first."})
	if problem.FieldOf(err) != "kind" || !strings.Contains(problem.MessageOf(err),
		"cannot be approved yet: a heart attack is recorded without its date, so it cannot be ruled out that it was in the past 6 weeks.") {
		t.Errorf("got %v", err)
	}
	// Declining is still possible, and once the date is known (more than 6
	// weeks ago) the approval may go ahead, over the heart-disease review.
	if err := CheckDecision(res, Decision{Kind: Decline, Note: "Cardiology first."}); err != nil {
		t.Errorf("decline refused: %v", err)
	}
	f.HeartAttackWhen = &DateOrMonth{2025, 6, 0}
	if err := CheckDecision(Evaluate(f, Settings{}), Decision{Kind: Approve, Note: "Cardiology letter on file."}); err != nil {
		t.Errorf("approval refused: %v", err)
	}
}
