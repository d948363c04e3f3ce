package screening

// Fact names one item a rule reads, so the rule list can say what it needs and
// a result can say what was missing.
type Fact string

const (
	FactAneurysmOrAVM             Fact = "aneurysm_or_avm"
	FactIntracerebralHaemorrhage  Fact = "intracerebral_haemorrhage"
	FactKetamineHypersensitivity  Fact = "ketamine_hypersensitivity"
	FactPregnant                  Fact = "pregnant"
	FactBreastfeeding             Fact = "breastfeeding"
	FactPsychosisOrManiaNow       Fact = "psychosis_or_mania_now"
	FactRestingBP                 Fact = "resting_bp"
	FactHypertension              Fact = "hypertension"
	FactPsychoticDisorderHistory  Fact = "psychotic_disorder_history"
	FactFirstDegreePsychosis      Fact = "first_degree_psychosis"
	FactSubstanceUseDisorder12M   Fact = "substance_use_disorder_12_months"
	FactSubstanceUse3M            Fact = "substance_use_3_months"
	FactMedications               Fact = "medications"
	FactHeartOrCerebrovascular    Fact = "heart_or_cerebrovascular_disease"
	FactRaisedIntracranialPress   Fact = "raised_intracranial_pressure"
	FactRaisedIntraocularPressure Fact = "raised_intraocular_pressure"
	FactLiverDisease              Fact = "liver_disease"
	FactHeight                    Fact = "height"
	FactWeight                    Fact = "weight"
	FactSleepApnoea               Fact = "sleep_apnoea"
	FactStopBang                  Fact = "stop_bang"
	FactUntreatedHyperthyroidism  Fact = "untreated_hyperthyroidism"
	FactSeverePersonalityDisorder Fact = "severe_personality_disorder"
	FactCSSRS                     Fact = "cssrs"
	FactSuicidalIntentOrPlan      Fact = "suicidal_intent_or_plan"
	FactDateOfBirth               Fact = "date_of_birth"
	FactAsOf                      Fact = "as_of"
	FactIndication                Fact = "indication"
	FactStroke                    Fact = "stroke"
	FactHeartAttack               Fact = "heart_attack"
	FactHeartAttackWhen           Fact = "heart_attack_when"
	FactSubstanceUseDisorderEver  Fact = "substance_use_disorder_lifetime"
	FactKetamineUseDisorderEver   Fact = "ketamine_use_disorder_lifetime"
	FactBladderDisease            Fact = "bladder_disease"
)

var factLabels = map[Fact]string{
	FactAneurysmOrAVM:             "aneurysm or arteriovenous malformation",
	FactIntracerebralHaemorrhage:  "history of intracerebral haemorrhage",
	FactKetamineHypersensitivity:  "hypersensitivity to ketamine or esketamine",
	FactPregnant:                  "pregnancy",
	FactBreastfeeding:             "breastfeeding",
	FactPsychosisOrManiaNow:       "current psychosis or mania",
	FactRestingBP:                 "resting blood pressure",
	FactHypertension:              "whether hypertension is treated and controlled",
	FactPsychoticDisorderHistory:  "history of psychotic disorder",
	FactFirstDegreePsychosis:      "psychosis in a first-degree relative",
	FactSubstanceUseDisorder12M:   "substance use disorder in the past 12 months",
	FactSubstanceUse3M:            "substance use in the past 3 months",
	FactMedications:               "current medications",
	FactHeartOrCerebrovascular:    "heart or cerebrovascular disease",
	FactRaisedIntracranialPress:   "raised intracranial pressure",
	FactRaisedIntraocularPressure: "raised intraocular pressure",
	FactLiverDisease:              "liver disease",
	FactHeight:                    "height",
	FactWeight:                    "weight",
	FactSleepApnoea:               "diagnosed sleep apnoea",
	FactStopBang:                  "STOP-BANG score",
	FactUntreatedHyperthyroidism:  "untreated or poorly treated hyperthyroidism",
	FactSeverePersonalityDisorder: "severe personality disorder",
	FactCSSRS:                     "C-SSRS screener tier",
	FactSuicidalIntentOrPlan:      "suicidal ideation with intent or plan",
	FactDateOfBirth:               "date of birth",
	FactAsOf:                      "date of the screening",
	FactIndication:                "reason for seeking treatment",
	FactStroke:                    "previous stroke",
	FactHeartAttack:               "heart attack (myocardial infarction)",
	FactHeartAttackWhen:           "date of the most recent heart attack",
	FactSubstanceUseDisorderEver:  "substance use disorder at any time",
	FactKetamineUseDisorderEver:   "ketamine use disorder at any time",
	FactBladderDisease:            "bladder pain, cystitis or urinary tract disease",
}

// Label is the fact as a prescriber reads it in a list of gaps.
func (f Fact) Label() string {
	if l, ok := factLabels[f]; ok {
		return l
	}
	return string(f)
}
