package screening

import (
	"slices"
	"strings"
	"testing"
	"time"
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
		MedicationsKnown:              true,
		HeartOrCerebrovascularDisease: no(),
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
		{name: "BP 190/105 treatment unknown", rule: "exclude.uncontrolled_bp",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{190, 105}, HypertensionUnknown },
			evidence: "resting BP 190/105 is above 180/100; treatment is not recorded, and a reading this high is not controlled",
			// The cardiovascular review rule still needs the treatment status.
			missing: []string{"whether hypertension is treated and controlled"}},
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

		{name: "treated hypertension", rule: "review.cardiovascular",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{135, 85}, HypertensionTreatedControlled },
			evidence: "hypertension treated and controlled"},
		{name: "treated, controlled, but a high reading", rule: "review.cardiovascular",
			change:   func(f *Facts) { f.RestingBP, f.Hypertension = &BP{190, 105}, HypertensionTreatedControlled },
			evidence: "hypertension treated and controlled; resting BP 190/105 is above 180/100 although recorded as controlled"},
		{name: "untreated hypertension below the exclude line is not in the table", rule: "review.cardiovascular",
			change: func(f *Facts) { f.RestingBP, f.Hypertension = &BP{160, 95}, HypertensionUntreated }},
		{name: "heart disease", rule: "review.cardiovascular",
			change:   func(f *Facts) { f.HeartOrCerebrovascularDisease = new(true) },
			evidence: "heart or cerebrovascular disease is recorded"},
		{name: "hypertension unknown: gap", rule: "review.cardiovascular",
			change:  func(f *Facts) { f.Hypertension = HypertensionUnknown },
			missing: []string{"whether hypertension is treated and controlled"}},
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
		{name: "untreated hyperthyroidism", rule: "review.hyperthyroidism",
			change:   func(f *Facts) { f.UntreatedHyperthyroidism = new(true) },
			evidence: "untreated hyperthyroidism is recorded"},
		{name: "severe personality disorder", rule: "review.personality_disorder",
			change:   func(f *Facts) { f.SeverePersonalityDisorder = new(true) },
			evidence: "a severe personality disorder is recorded"},

		{name: "C-SSRS high", rule: "review.suicidality",
			change:   func(f *Facts) { f.CSSRS = CSSRSHigh },
			evidence: "C-SSRS screener tier high"},
		{name: "C-SSRS moderate: no", rule: "review.suicidality",
			change: func(f *Facts) { f.CSSRS = CSSRSModerate }},
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
			change:  func(f *Facts) { f.DateOfBirth = time.Time{} },
			missing: []string{"date of birth"}},
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
		"history of psychotic disorder",
		"psychosis in a first-degree relative",
		"substance use disorder in the past 12 months",
		"substance use in the past 3 months",
		"current medications", // read by four rules, listed once
		"whether hypertension is treated and controlled",
		"heart or cerebrovascular disease",
		"raised intracranial pressure",
		"raised intraocular pressure",
		"liver disease",
		"height",
		"weight",
		"diagnosed sleep apnoea",
		"STOP-BANG score",
		"untreated hyperthyroidism",
		"severe personality disorder",
		"C-SSRS screener tier or suicidal ideation with intent or plan",
		"date of birth",
		"date of the screening",
		"reason for seeking treatment",
	}
	if !slices.Equal(res.Missing, want) {
		t.Errorf("missing\n got %q\nwant %q", res.Missing, want)
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
