package screening

import (
	"fmt"
	"slices"
	"strings"

	"doorway/internal/calendar"
)

// rules is CLINICAL.md §1's table. Where a line of the table joins several
// conditions with "or", it stays one rule reading several facts, so the IDs
// match the lines a clinician sees in the reference.
var rules = []Rule{
	// Exclude: hard stops.
	{
		ID: "exclude.aneurysm_avm", Tier: Exclude,
		Title:   "Aneurysm or arteriovenous malformation",
		Facts:   []Fact{FactAneurysmOrAVM},
		Reason:  "Ketamine pushes blood pressure up for a while after each dose. In a weakened or malformed blood vessel that rise could cause a bleed.",
		Sources: verified("R4"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactAneurysmOrAVM, f.AneurysmOrAVM, "aneurysmal vascular disease or an arteriovenous malformation is recorded"})
		},
	},
	{
		ID: "exclude.ich", Tier: Exclude,
		Title:   "History of intracerebral haemorrhage",
		Facts:   []Fact{FactIntracerebralHaemorrhage},
		Reason:  "Someone who has had a bleed inside the brain could bleed again during the rise in blood pressure that follows a dose.",
		Sources: verified("R4"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactIntracerebralHaemorrhage, f.IntracerebralHaemorrhage, "a past intracerebral haemorrhage is recorded"})
		},
	},
	{
		ID: "exclude.hypersensitivity", Tier: Exclude,
		Title:   "Hypersensitivity to ketamine or esketamine",
		Facts:   []Fact{FactKetamineHypersensitivity},
		Reason:  "A previous allergic or hypersensitive reaction to ketamine or esketamine means the medicine itself is not safe to give.",
		Sources: verified("R4"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactKetamineHypersensitivity, f.KetamineHypersensitivity, "a hypersensitivity to ketamine or esketamine is recorded"})
		},
	},
	{
		ID: "exclude.pregnancy", Tier: Exclude,
		Title:   "Pregnant or breastfeeding",
		Facts:   []Fact{FactPregnant, FactBreastfeeding},
		Reason:  "Ketamine reaches the baby through the placenta and through breast milk, and its safety for the baby has not been shown.",
		Sources: verified("R10", "R17a"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(
				flag{FactPregnant, f.Pregnant, "currently pregnant"},
				flag{FactBreastfeeding, f.Breastfeeding, "currently breastfeeding"},
			)
		},
	},
	{
		ID: "exclude.psychosis_mania", Tier: Exclude,
		Title:   "Current psychosis or mania",
		Facts:   []Fact{FactPsychosisOrManiaNow},
		Reason:  "Ketamine alters perception and can make active psychosis or mania worse; treatment waits until the episode has settled.",
		Sources: verified("R18"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactPsychosisOrManiaNow, f.PsychosisOrManiaNow, "current psychosis or mania is recorded"})
		},
	},
	{
		ID: "exclude.uncontrolled_bp", Tier: Exclude,
		Title:   "Resting blood pressure too high and not controlled",
		Facts:   []Fact{FactRestingBP, FactHypertension},
		Reason:  "Ketamine raises blood pressure further for up to a few hours. Starting from a very high, uncontrolled level risks a stroke or heart strain.",
		Sources: verified("R12"),
		check:   checkRestingBP,
	},
	{
		ID: "exclude.stroke", Tier: Exclude,
		Title:   "Previous stroke",
		Facts:   []Fact{FactStroke},
		Reason:  "Someone who has had a stroke has blood vessels in the brain that have already failed once; the rise in blood pressure after each dose could bring on another.",
		Sources: verified("R12", "R11b"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactStroke, f.Stroke, "a previous stroke is recorded"})
		},
	},
	{
		ID: "exclude.hyperthyroidism", Tier: Exclude,
		Title:   "Untreated or poorly treated hyperthyroidism",
		Facts:   []Fact{FactUntreatedHyperthyroidism},
		Reason:  "An overactive thyroid that is not under control already speeds the heart and raises blood pressure; ketamine adds to both, so treatment waits until the thyroid is controlled.",
		Sources: verified("R12"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactUntreatedHyperthyroidism, f.UntreatedHyperthyroidism, "hyperthyroidism that is untreated or not under control is recorded"})
		},
	},
	{
		ID: "exclude.recent_heart_attack", Tier: Exclude,
		Title:   "Heart attack in the past 6 weeks",
		Facts:   []Fact{FactHeartAttack, FactHeartAttackWhen},
		Reason:  "A heart muscle that is still healing from a heart attack should not meet the extra work that ketamine's rise in heart rate and blood pressure asks of it.",
		Sources: verified("R9b"),
		check:   checkRecentHeartAttack,
	},
	{
		ID: "exclude.under_18", Tier: Exclude,
		Title:   "Under 18 years of age",
		Facts:   []Fact{FactDateOfBirth, FactAsOf},
		Reason:  "Ketamine-assisted psychotherapy is for adults; its safety for children and adolescents has not been shown, and the sources exclude them.",
		Sources: verified("R4", "R16"),
		check:   checkMinAge,
	},

	// Review: a prescriber must weigh these and write down why.
	{
		ID: "review.psychosis_history", Tier: Review,
		Title:  "Past psychotic disorder, or psychosis in the family",
		Facts:  []Fact{FactPsychoticDisorderHistory, FactFirstDegreePsychosis},
		Reason: "A personal or close family history of psychosis raises the chance that ketamine's effects on perception bring on psychotic symptoms.",
		// Many KAP practices treat it as relative, so Doorway defaults to
		// review and says so beside R16, which lists it as an exclusion.
		Sources: listsAsExclusion(verified("R16", "R3"), "R16"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(
				flag{FactPsychoticDisorderHistory, f.PsychoticDisorderHistory, "a past psychotic disorder is recorded"},
				flag{FactFirstDegreePsychosis, f.FirstDegreePsychosis, "a parent, sibling or child has had psychosis"},
			)
		},
	},
	{
		ID: "review.substance_use", Tier: Review,
		Title:   "Substance use or substance use disorder",
		Facts:   []Fact{FactSubstanceUseDisorder12M, FactSubstanceUse3M, FactSubstanceUseDisorderEver, FactKetamineUseDisorderEver},
		Reason:  "Ketamine can itself be misused, a past substance or ketamine use disorder can return, and recent drug use changes both the risks of a session and how the client responds.",
		Sources: verified("R4", "R16", "R17a"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(
				flag{FactSubstanceUseDisorder12M, f.SubstanceUseDisorder12Months, "a substance use disorder in the past 12 months"},
				flag{FactSubstanceUse3M, f.SubstanceUse3Months, "non-prescribed drug use in the past 3 months"},
				flag{FactSubstanceUseDisorderEver, f.SubstanceUseDisorderEver, "a substance use disorder at some time in the past"},
				flag{FactKetamineUseDisorderEver, f.KetamineUseDisorderEver, "a ketamine use disorder at some time in the past"},
			)
		},
	},
	{
		ID: "review.benzodiazepine", Tier: Review,
		Title:   "High benzodiazepine dose",
		Facts:   []Fact{FactMedications},
		Reason:  "Benzodiazepines at higher doses seem to blunt the benefit of ketamine, and together they add to sedation.",
		Sources: append(verified("R23"), ashtonSource),
		check:   checkBenzodiazepines,
	},
	{
		ID: "review.maoi_stimulant", Tier: Review,
		Title:   "MAOI or stimulant medicine",
		Facts:   []Fact{FactMedications},
		Reason:  "MAOIs and stimulants raise blood pressure, and so does ketamine; together the rise can be larger.",
		Sources: verified("R10", "R6"),
		check: func(f Facts, _ Settings) outcome {
			return medicinesIn(f, MAOI, Stimulant)
		},
	},
	{
		ID: "review.opioid_sedative", Tier: Review,
		Title:   "Opioid or other sedating medicine",
		Facts:   []Fact{FactMedications},
		Reason:  "Opioids and other sedating medicines add to ketamine's sedation and can slow breathing.",
		Sources: verified("R10"),
		check: func(f Facts, _ Settings) outcome {
			return medicinesIn(f, Opioid, Sedative)
		},
	},
	{
		ID: "review.hypertension", Tier: Review,
		Title:   "Hypertension, or a resting blood pressure above 140/90",
		Facts:   []Fact{FactHypertension, FactRestingBP},
		Reason:  "Ketamine raises blood pressure for a while after each dose. Starting from high blood pressure, treated or not, the rise goes higher, so a prescriber weighs it and plans the monitoring.",
		Sources: verified("R2", "R8", "R12"),
		check:   checkHypertension,
	},
	{
		ID: "review.cardiovascular", Tier: Review,
		Title:   "Heart or cerebrovascular disease",
		Facts:   []Fact{FactHeartOrCerebrovascular, FactHeartAttack},
		Reason:  "Ketamine raises blood pressure and heart rate for a while; a heart or circulation that is already under strain needs a prescriber's judgement first.",
		Sources: verified("R11", "R18"),
		check: func(f Facts, _ Settings) outcome {
			// A heart attack of any date is heart disease; one in the past 6
			// weeks also excludes (exclude.recent_heart_attack).
			return anyOf(
				flag{FactHeartOrCerebrovascular, f.HeartOrCerebrovascularDisease, "heart or cerebrovascular disease is recorded"},
				flag{FactHeartAttack, f.HeartAttack, "a past heart attack is recorded"},
			)
		},
	},
	{
		ID: "review.raised_pressure", Tier: Review,
		Title:   "Raised pressure inside the head or eye",
		Facts:   []Fact{FactRaisedIntracranialPress, FactRaisedIntraocularPressure},
		Reason:  "Ketamine can raise pressure inside the skull and inside the eye, which matters when either is already high (for example some glaucoma).",
		Sources: verified("R11"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(
				flag{FactRaisedIntracranialPress, f.RaisedIntracranialPressure, "raised intracranial pressure is recorded"},
				flag{FactRaisedIntraocularPressure, f.RaisedIntraocularPressure, "raised intraocular pressure is recorded"},
			)
		},
	},
	{
		ID: "review.bladder", Tier: Review,
		Title:   "Bladder pain, cystitis or urinary tract disease",
		Facts:   []Fact{FactBladderDisease},
		Reason:  "Ketamine can inflame and scar the bladder and urinary tract, mostly with frequent use; existing bladder or urinary disease needs a prescriber's judgement and a watch for new symptoms.",
		Sources: verified("R11c"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactBladderDisease, f.BladderDisease, "bladder pain, cystitis or urinary tract disease is recorded"})
		},
	},
	{
		ID: "review.liver", Tier: Review,
		Title:   "Liver disease",
		Facts:   []Fact{FactLiverDisease},
		Reason:  "The liver clears ketamine, and repeated use has been linked to liver strain, so existing liver disease deserves a closer look.",
		Sources: []Source{{Tag: Convention, Citation: "common clinical convention; no primary source found"}},
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactLiverDisease, f.LiverDisease, "liver disease is recorded"})
		},
	},
	{
		ID: "review.bmi", Tier: Review,
		Title:   "High BMI",
		Facts:   []Fact{FactHeight, FactWeight},
		Reason:  "A high body weight makes breathing problems under sedation more likely and makes weight-based doses larger.",
		Sources: verified("R17a"),
		check:   checkBMI,
	},
	{
		ID: "review.sleep_apnoea", Tier: Review,
		Title:   "Sleep apnoea",
		Facts:   []Fact{FactSleepApnoea, FactStopBang},
		Reason:  "People whose airway closes in sleep are more likely to have breathing trouble while sedated.",
		Sources: verified("R19"),
		check:   checkSleepApnoea,
	},
	{
		ID: "review.personality_disorder", Tier: Review,
		Title:  "Severe personality disorder",
		Facts:  []Fact{FactSeverePersonalityDisorder},
		Reason: "An intense altered state can be destabilising; the therapist and prescriber should plan together how to keep the work safe.",
		// As for psychosis history: R16 lists it as an exclusion.
		Sources: listsAsExclusion(verified("R16"), "R16"),
		check: func(f Facts, _ Settings) outcome {
			return anyOf(flag{FactSeverePersonalityDisorder, f.SeverePersonalityDisorder, "a severe personality disorder is recorded"})
		},
	},
	{
		ID: "review.suicidality", Tier: Review,
		Title:   "Suicidal thoughts with intent or a plan, or a moderate C-SSRS result",
		Facts:   []Fact{FactCSSRS, FactSuicidalIntentOrPlan},
		Reason:  "Suicidal thinking with intent or a plan needs an immediate safety assessment, and thoughts of a method (a moderate C-SSRS result) a careful one; the treatment plan has to be built around them.",
		Sources: verified("R16", "R46a"),
		check:   checkSuicidality,
	},

	// Info: shown to the care team.
	{
		ID: "info.lamotrigine", Tier: Info,
		Title:   "Takes lamotrigine",
		Facts:   []Fact{FactMedications},
		Reason:  "Lamotrigine may soften some of ketamine's side effects; whether it changes the benefit is not known.",
		Sources: verified("R21"),
		check: func(f Facts, _ Settings) outcome {
			return medicinesIn(f, Lamotrigine)
		},
	},
	{
		ID: "info.age", Tier: Info,
		Title:   "Older adult",
		Facts:   []Fact{FactDateOfBirth},
		Reason:  "Older adults can feel ketamine more strongly and are more sensitive to its effect on blood pressure, so doses and monitoring may be adjusted.",
		Sources: verified("R9"),
		check:   checkAge,
	},
	{
		ID: "info.no_indication", Tier: Info,
		Title:   "No clear reason for treatment",
		Facts:   []Fact{FactIndication},
		Reason:  "Curiosity alone is not a clinical reason for ketamine; the team should talk through what the client hopes for.",
		Sources: verified("R16"),
		check: func(f Facts, _ Settings) outcome {
			switch f.Indication {
			case IndicationUnknown:
				return lacking(FactIndication.Label())
			case IndicationCuriosity:
				return fired("no clear indication: curiosity alone")
			}
			return outcome{}
		},
	},
}

func checkRestingBP(f Facts, s Settings) outcome {
	if f.RestingBP == nil {
		return lacking(FactRestingBP.Label())
	}
	bp := *f.RestingBP
	if !bp.Above(s.RestingBPLimit) {
		return outcome{}
	}
	// Only a record that the hypertension is treated and controlled spares a
	// high reading; unknown treatment does not, because a resting reading this
	// high is itself evidence that the pressure is not controlled.
	switch f.Hypertension {
	case HypertensionTreatedControlled:
		return outcome{}
	case HypertensionUnknown:
		return fired(fmt.Sprintf("resting BP %s is above %s; treatment is not recorded, and a reading this high is not controlled", bp, s.RestingBPLimit))
	case HypertensionNone, HypertensionUntreated:
		return fired(fmt.Sprintf("resting BP %s is above %s; not treated for high blood pressure", bp, s.RestingBPLimit))
	}
	return fired(fmt.Sprintf("resting BP %s is above %s; %s", bp, s.RestingBPLimit, f.Hypertension.label()))
}

// checkHypertension: hypertension, treated or not, or a known resting BP
// above ReviewBPAbove. A treated-and-controlled client is spared the exclude
// rule even with a reading above its line; say so here, so the prescriber
// weighing it sees the number.
func checkHypertension(f Facts, s Settings) outcome {
	var has, high *bool
	if f.Hypertension != HypertensionUnknown {
		has = new(f.Hypertension != HypertensionNone)
	}
	bpText := ""
	if f.RestingBP != nil {
		bp := *f.RestingBP
		high = new(bp.Above(s.ReviewBPAbove))
		bpText = fmt.Sprintf("resting BP %s is above %s", bp, s.ReviewBPAbove)
		if f.Hypertension == HypertensionTreatedControlled && bp.Above(s.RestingBPLimit) {
			bpText = fmt.Sprintf("resting BP %s is above %s although recorded as controlled", bp, s.RestingBPLimit)
		}
	}
	return anyOf(
		flag{FactHypertension, has, f.Hypertension.label()},
		flag{FactRestingBP, high, bpText},
	)
}

// checkRecentHeartAttack reads the latest day the heart attack can have
// been (the month's last day when only the month is known) and fires when
// it is within HeartAttackWeeks × 7 days before the screening, the last of
// those days included. A heart attack without its date, or a screening
// without one, cannot be decided, and blocks an approval until it is.
func checkRecentHeartAttack(f Facts, s Settings) outcome {
	switch {
	case f.HeartAttack == nil:
		return lacking(FactHeartAttack.Label())
	case !*f.HeartAttack:
		return outcome{}
	case f.HeartAttackWhen == nil:
		return cannotDecide("a heart attack is recorded without its date, so it cannot be ruled out that it was in the past "+weeks(s.HeartAttackWeeks),
			FactHeartAttackWhen.Label())
	case f.AsOf.IsZero():
		return cannotDecide("the screening has no date, so it cannot be told whether the heart attack was in the past "+weeks(s.HeartAttackWeeks),
			FactAsOf.Label())
	}
	when := *f.HeartAttackWhen
	latest := when.Latest()
	asOf := calendar.Of(f.AsOf, f.AsOf.Location())
	ago := latest.DaysUntil(asOf)
	limit := s.HeartAttackWeeks * 7
	if ago < 0 {
		return cannotDecide(fmt.Sprintf("the heart attack is dated %s, after the screening (%s); check the date", when.text(), asOf.Format("2 Jan 2006")),
			FactHeartAttackWhen.Label())
	}
	if ago > limit {
		return outcome{}
	}
	if when.Day == 0 {
		return fired(fmt.Sprintf("a heart attack in %s: only the month is known, and its last day, %s, is %d days before the screening on %s; within %s (%d days)",
			when.text(), latest.Format("2 Jan"), ago, asOf.Format("2 Jan 2006"), weeks(s.HeartAttackWeeks), limit))
	}
	return fired(fmt.Sprintf("a heart attack on %s, %d days before the screening on %s; within %s (%d days)",
		when.text(), ago, asOf.Format("2 Jan 2006"), weeks(s.HeartAttackWeeks), limit))
}

func weeks(n int) string {
	if n == 1 {
		return "week"
	}
	return fmt.Sprintf("%d weeks", n)
}

// checkMinAge excludes a client under MinAge on the day of the screening.
// Without a date of birth (or with one after the screening) the client's
// age cannot be known, and that blocks an approval: the date of birth is
// required for screening.
func checkMinAge(f Facts, s Settings) outcome {
	switch {
	case f.DateOfBirth.IsZero():
		return cannotDecide(fmt.Sprintf("the date of birth is not recorded, so it cannot be confirmed that the client is %d or over", s.MinAge),
			FactDateOfBirth.Label())
	case f.AsOf.IsZero():
		return cannotDecide(fmt.Sprintf("the screening has no date, so it cannot be confirmed that the client is %d or over", s.MinAge),
			FactAsOf.Label())
	case f.DateOfBirth.After(f.AsOf):
		return cannotDecide("the date of birth is after the date of the screening; check it", FactDateOfBirth.Label())
	}
	if age, _ := f.Age(); age < s.MinAge {
		return fired(fmt.Sprintf("aged %d on %s (under %d)", age, f.AsOf.Format("2 Jan 2006"), s.MinAge))
	}
	return outcome{}
}

// isBenzodiazepine trusts the class the client gave, and also catches a
// benzodiazepine recognised by name that was filed under another class.
func isBenzodiazepine(m Medication) bool {
	if m.Class == Benzodiazepine {
		return true
	}
	_, ok := recognisedIn(m.Name, Benzodiazepine)
	return ok
}

func checkBenzodiazepines(f Facts, s Settings) outcome {
	if !f.MedicationsKnown {
		return lacking(FactMedications.Label())
	}
	var parts, gaps []string
	total := 0.0
	for _, m := range f.Medications {
		if !isBenzodiazepine(m) {
			continue
		}
		name := medName(m.Name, Benzodiazepine)
		de, ok := DiazepamEquivalentMG(m.Name, m.DailyMG)
		switch {
		case ok:
			total += de
			parts = append(parts, fmt.Sprintf("%s %s mg/day = %s mg diazepam-equivalent", name, mg(m.DailyMG), mg(de)))
		case m.DailyMG <= 0:
			gaps = append(gaps, "daily dose of "+name)
		default:
			gaps = append(gaps, "diazepam equivalent of "+name+" (not in the conversion table)")
		}
	}
	total = roundMG(total)
	if total <= s.BenzodiazepineLimitMG {
		return lacking(gaps...)
	}
	ev := strings.Join(parts, "; ")
	if len(parts) > 1 {
		ev += fmt.Sprintf("; total %s mg diazepam-equivalent per day", mg(total))
	}
	ev += fmt.Sprintf(" (limit %s mg/day)", mg(s.BenzodiazepineLimitMG))
	if len(gaps) > 0 {
		ev += "; not counted: " + strings.Join(gaps, ", ")
	}
	return fired(ev)
}

// medName is a medicine's name as written, with the generic name the class
// recognised in it when that differs: "Xanax 0.5 mg (alprazolam)".
func medName(written string, class MedClass) string {
	name := strings.TrimSpace(written)
	if r, ok := recognisedIn(name, class); ok && !strings.EqualFold(name, r.Generic) {
		name += " (" + r.Generic + ")"
	}
	return name
}

// medicinesIn fires when any medicine is in one of the classes, by the
// class the client ticked or by its name, whichever; what names the rule's
// classes, e.g. "MAOI or stimulant". The evidence says how each was known:
// "phenelzine (MAOI)", "Vyvanse 30 mg (lisdexamfetamine, stimulant)",
// "kratom (opioid, as ticked; the name is not recognised)".
func medicinesIn(f Facts, classes ...MedClass) outcome {
	if !f.MedicationsKnown {
		return lacking(FactMedications.Label())
	}
	var found []string
	for _, m := range f.Medications {
		name := strings.TrimSpace(m.Name)
		recognised := RecogniseMedicine(name)
		var byName *Recognised
		for _, r := range recognised {
			if slices.Contains(classes, r.Class) {
				byName = &r
				break
			}
		}
		switch {
		case byName != nil:
			var detail []string
			if !strings.EqualFold(name, byName.Generic) {
				detail = append(detail, byName.Generic)
			}
			if l := byName.Class.label(); l != byName.Generic {
				detail = append(detail, l)
			}
			if len(detail) > 0 {
				name += " (" + strings.Join(detail, ", ") + ")"
			}
			found = append(found, name)
		case slices.Contains(classes, m.Class) && len(recognised) == 0:
			found = append(found, fmt.Sprintf("%s (%s, as ticked; the name is not recognised)", name, m.Class.label()))
		case slices.Contains(classes, m.Class):
			found = append(found, fmt.Sprintf("%s (%s, as ticked)", name, m.Class.label()))
		}
	}
	if len(found) == 0 {
		return outcome{}
	}
	return fired("takes " + strings.Join(found, ", "))
}

func (c MedClass) label() string {
	switch c {
	case MAOI:
		return "MAOI"
	case Stimulant:
		return "stimulant"
	case Opioid:
		return "opioid"
	case Sedative:
		return "sedative"
	case Benzodiazepine:
		return "benzodiazepine"
	case Lamotrigine:
		return "lamotrigine"
	}
	return string(c)
}

func checkBMI(f Facts, s Settings) outcome {
	bmi, ok := f.BMI()
	if !ok {
		var gaps []string
		if f.HeightCM == nil || *f.HeightCM <= 0 {
			gaps = append(gaps, FactHeight.Label())
		}
		if f.WeightKG == nil || *f.WeightKG <= 0 {
			gaps = append(gaps, FactWeight.Label())
		}
		return lacking(gaps...)
	}
	if bmi <= s.BMILimit {
		return outcome{}
	}
	// One decimal is what a clinician expects, but 35.04 would print as 35.0
	// and look as if it sat on the limit; show a second decimal then.
	shown := fmt.Sprintf("%.1f", bmi)
	if shown == fmt.Sprintf("%.1f", s.BMILimit) {
		shown = fmt.Sprintf("%.2f", bmi)
	}
	return fired(fmt.Sprintf("BMI %s (%s kg, %s cm) is above %s", shown, mg(*f.WeightKG), mg(*f.HeightCM), mg(s.BMILimit)))
}

func checkSleepApnoea(f Facts, s Settings) outcome {
	var high *bool
	if f.StopBang != nil {
		high = new(*f.StopBang >= s.StopBangFrom)
	}
	score := ""
	if f.StopBang != nil {
		score = fmt.Sprintf("STOP-BANG score %d (review from %d)", *f.StopBang, s.StopBangFrom)
	}
	// Both are needed to clear the rule: a diagnosis can be missed by the
	// questionnaire once treated, and the questionnaire finds undiagnosed cases.
	return anyOf(
		flag{FactSleepApnoea, f.SleepApnoea, "diagnosed sleep apnoea"},
		flag{FactStopBang, high, score},
	)
}

func checkSuicidality(f Facts, _ Settings) outcome {
	var yes []string
	switch f.CSSRS {
	case CSSRSHigh:
		yes = append(yes, "C-SSRS screener tier high")
	case CSSRSModerate:
		yes = append(yes, "C-SSRS screener tier moderate")
	}
	if f.SuicidalIntentOrPlan != nil && *f.SuicidalIntentOrPlan {
		yes = append(yes, "suicidal ideation with intent or plan reported")
	}
	if len(yes) > 0 {
		return fired(strings.Join(yes, "; "))
	}
	// Either source settles a "no": the C-SSRS asks about intent and plan
	// itself (questions 4 and 5), and clinics with it switched off ask the
	// plain question instead.
	if f.CSSRS != CSSRSUnknown || f.SuicidalIntentOrPlan != nil {
		return outcome{}
	}
	return lacking(FactCSSRS.Label() + " or " + FactSuicidalIntentOrPlan.Label())
}

func checkAge(f Facts, s Settings) outcome {
	age, ok := f.Age()
	if !ok {
		var gaps []string
		if f.DateOfBirth.IsZero() || (!f.AsOf.IsZero() && f.DateOfBirth.After(f.AsOf)) {
			gaps = append(gaps, FactDateOfBirth.Label())
		}
		if f.AsOf.IsZero() {
			gaps = append(gaps, FactAsOf.Label())
		}
		return lacking(gaps...)
	}
	if age < s.AgeFrom {
		return outcome{}
	}
	return fired(fmt.Sprintf("aged %d on %s (flagged from %d)", age, f.AsOf.Format("2 Jan 2006"), s.AgeFrom))
}

// Label names the class for people: "MAOI", "stimulant".
func (c MedClass) Label() string { return c.label() }
