// Package intake is the client's intake questionnaire: its sections and
// questions as data, the answers as one document, and what screening reads
// from them (Facts). It is pure: the store seals and keeps the answers, the
// web layer renders the questions.
package intake

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/screening"
)

// Kind is how a question is asked.
type Kind string

const (
	YesNo    Kind = "yesno"    // a radio pair; unanswered stays unknown
	Text     Kind = "text"     // one line
	LongText Kind = "longtext" // a few sentences
	Number   Kind = "number"   // a decimal within Min..Max
	Choice   Kind = "choice"   // one of Choices
)

// Format is a shape a Text answer must have, beyond being text.
type Format string

// DateOrMonth is a date written 2006-01-02, or a month written 2006-01
// (screening.ParseDateOrMonth), for things people remember only roughly.
const DateOrMonth Format = "date_or_month"

// Option is one answer of a Choice question.
type Option struct{ Value, Label string }

// Question is one item of a section.
type Question struct {
	ID       string
	Kind     Kind
	Label    string
	Hint     string
	Optional bool // may be left blank and still count the section as done
	Min, Max float64
	Unit     string
	Options  []Option
	// Format, for a Text question, is the shape its answer must have; the
	// page renders it as a one-line text field with the Hint.
	Format Format
}

// Section is one form of intake, saved on its own.
type Section struct {
	ID        string
	Title     string
	Intro     string
	Questions []Question
	// Medications marks the section that holds the repeatable medicines list.
	Medications bool
}

// Answers is everything the client has told us. Values holds each answered
// question by id ("yes"/"no" for YesNo); Saved lists the sections saved.
type Answers struct {
	Values      map[string]string `json:"values"`
	Medications []Medication      `json:"medications"`
	Saved       []string          `json:"saved"`
}

// Medication is one medicine as the client wrote it.
type Medication struct {
	Name        string             `json:"name"`
	DoseMG      float64            `json:"dose_mg"`
	TimesPerDay float64            `json:"times_per_day"`
	Class       screening.MedClass `json:"class"`
}

// DailyMG is the dose times how often it is taken.
func (m Medication) DailyMG() float64 { return math.Round(m.DoseMG*m.TimesPerDay*1000) / 1000 }

// DiazepamEquivalent is the daily dose of a benzodiazepine in mg of
// diazepam, when the medicine is one and is in the conversion table. The
// name decides, whatever class the client chose: lorazepam filed under
// "other" is still a benzodiazepine.
func (m Medication) DiazepamEquivalent() (float64, bool) {
	return screening.DiazepamEquivalentMG(m.Name, m.DailyMG())
}

// Recognised is what screening recognises in the medicine's name, for a page
// that shows "not recognised" beside a name it could not check.
func (m Medication) Recognised() []screening.Recognised { return screening.RecogniseMedicine(m.Name) }

// MedClasses are the classes a client picks from, in their words.
var MedClasses = []Option{
	{string(screening.OtherMed), "Other (antidepressants, blood pressure, everything else)"},
	{string(screening.Benzodiazepine), "Benzodiazepine (such as lorazepam, diazepam, alprazolam, clonazepam)"},
	{string(screening.Sedative), "Other sleeping or sedating medicine (such as zopiclone, zolpidem)"},
	{string(screening.Opioid), "Opioid painkiller (such as codeine, tramadol, oxycodone)"},
	{string(screening.Stimulant), "Stimulant (such as methylphenidate, lisdexamfetamine)"},
	{string(screening.MAOI), "MAOI antidepressant (such as phenelzine, tranylcypromine)"},
	{string(screening.Lamotrigine), "Lamotrigine"},
}

// Done reports whether the section has been saved.
func (a Answers) Done(section string) bool { return slices.Contains(a.Saved, section) }

// Complete reports whether every section has been saved.
func (a Answers) Complete() bool {
	for _, s := range sections {
		if !a.Done(s.ID) {
			return false
		}
	}
	return true
}

// Sections returns the sections in order.
func Sections() []Section { return slices.Clone(sections) }

// SectionByID finds a section.
func SectionByID(id string) (Section, bool) {
	i := slices.IndexFunc(sections, func(s Section) bool { return s.ID == id })
	if i < 0 {
		return Section{}, false
	}
	return sections[i], true
}

// Save checks one section's submitted values and, if every one is valid,
// stores them in the answers and marks the section saved. On error the
// answers are unchanged and the problem names the field.
func (a *Answers) Save(sec Section, form map[string]string, meds []Medication) error {
	clean := map[string]string{}
	for _, q := range sec.Questions {
		v := strings.TrimSpace(form[q.ID])
		if err := q.check(v); err != nil {
			return err
		}
		clean[q.ID] = v
	}
	if (clean["bp_systolic"] == "") != (clean["bp_diastolic"] == "") && sec.ID == "body" {
		return problem.Invalidf("bp_systolic", "Please give both blood pressure numbers, or leave both empty.")
	}
	// When a heart attack is recorded, when it was decides whether it
	// excludes (screening's 6 weeks); without one, a date means nothing.
	if sec.ID == "medical" {
		switch clean["heart_attack"] {
		case "yes":
			if clean["heart_attack_when"] == "" {
				return problem.Invalidf("heart_attack_when", "Please say when your most recent heart attack was: the date, or at least the month (such as 2025-11).")
			}
		case "no":
			clean["heart_attack_when"] = ""
		}
	}
	if sec.Medications {
		for i, m := range meds {
			if err := m.check(i); err != nil {
				return err
			}
		}
		if len(meds) == 0 && clean["no_medications"] != "yes" {
			return problem.Invalidf("no_medications", "Add the medicines you take, or tick that you take none.")
		}
	}
	if a.Values == nil {
		a.Values = map[string]string{}
	}
	for k, v := range clean {
		if v == "" {
			delete(a.Values, k)
		} else {
			a.Values[k] = v
		}
	}
	if sec.Medications {
		a.Medications = meds
	}
	if !a.Done(sec.ID) {
		a.Saved = append(a.Saved, sec.ID)
	}
	return nil
}

func (q Question) check(v string) error {
	if v == "" {
		if q.Optional {
			return nil
		}
		return problem.Invalidf(q.ID, "Please answer this question.")
	}
	switch q.Kind {
	case YesNo:
		if v != "yes" && v != "no" {
			return problem.Invalidf(q.ID, "Please choose yes or no.")
		}
	case Number:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < q.Min || n > q.Max {
			return problem.Invalidf(q.ID, "Please give a number between %s and %s%s.", num(q.Min), num(q.Max), unit(q.Unit))
		}
	case Choice:
		if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
			return problem.Invalidf(q.ID, "Please choose one of the answers.")
		}
	case Text, LongText:
		if len(v) > 4000 {
			return problem.Invalidf(q.ID, "That is a little long: please keep it under 4,000 characters.")
		}
	}
	if q.Format == DateOrMonth {
		if _, ok := screening.ParseDateOrMonth(v); !ok {
			return problem.Invalidf(q.ID, "Please write the date as 2025-11-20, or the month as 2025-11.")
		}
	}
	return nil
}

func (m Medication) check(i int) error {
	field := fmt.Sprintf("med_%d", i)
	switch {
	case strings.TrimSpace(m.Name) == "":
		return problem.Invalidf(field, "Please give the medicine's name.")
	case m.DoseMG <= 0 || m.DoseMG > 10000:
		return problem.Invalidf(field, "Please give the dose of %s in mg (a number such as 0.5 or 20).", m.Name)
	case m.TimesPerDay <= 0 || m.TimesPerDay > 24:
		return problem.Invalidf(field, "Please say how many times a day you take %s (a number from 0.1 to 24).", m.Name)
	case !slices.ContainsFunc(MedClasses, func(o Option) bool { return o.Value == string(m.Class) }):
		return problem.Invalidf(field, "Please choose what kind of medicine %s is.", m.Name)
	}
	return nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func unit(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// yes reads a YesNo answer: nil when unanswered.
func (a Answers) yes(id string) *bool {
	switch a.Values[id] {
	case "yes":
		return new(true)
	case "no":
		return new(false)
	}
	return nil
}

func (a Answers) number(id string) *float64 {
	n, err := strconv.ParseFloat(a.Values[id], 64)
	if err != nil {
		return nil
	}
	return &n
}

// BMI is the client's BMI when height and weight are given.
func (a Answers) BMI() (float64, bool) {
	f := screening.Facts{HeightCM: a.number("height_cm"), WeightKG: a.number("weight_kg")}
	return f.BMI()
}

// Facts is what screening reads from the answers, as of a date, for a
// client born on dob ("" when unknown), with the latest C-SSRS tier if any.
// The date of birth is required for screening: without it screening cannot
// decide the age limit, and no approval can be recorded (Result.Undecided).
func (a Answers) Facts(asOf time.Time, dob string, cssrs screening.CSSRSTier) screening.Facts {
	f := screening.Facts{
		AsOf:                          asOf,
		AneurysmOrAVM:                 a.yes("aneurysm_avm"),
		IntracerebralHaemorrhage:      a.yes("ich"),
		KetamineHypersensitivity:      a.yes("ketamine_hypersensitivity"),
		Pregnant:                      a.yes("pregnant"),
		Breastfeeding:                 a.yes("breastfeeding"),
		PsychosisOrManiaNow:           a.yes("psychosis_mania_now"),
		PsychoticDisorderHistory:      a.yes("psychotic_disorder"),
		FirstDegreePsychosis:          a.yes("family_psychosis"),
		SubstanceUseDisorder12Months:  a.yes("substance_disorder_12m"),
		SubstanceUse3Months:           a.yes("substance_use_3m"),
		SubstanceUseDisorderEver:      a.yes("substance_disorder_ever"),
		KetamineUseDisorderEver:       a.yes("ketamine_disorder_ever"),
		HeartOrCerebrovascularDisease: a.yes("heart_disease"),
		Stroke:                        a.yes("stroke"),
		HeartAttack:                   a.yes("heart_attack"),
		BladderDisease:                a.yes("bladder_disease"),
		RaisedIntracranialPressure:    a.yes("intracranial_pressure"),
		RaisedIntraocularPressure:     a.yes("intraocular_pressure"),
		LiverDisease:                  a.yes("liver_disease"),
		HeightCM:                      a.number("height_cm"),
		WeightKG:                      a.number("weight_kg"),
		SleepApnoea:                   a.yes("sleep_apnoea"),
		UntreatedHyperthyroidism:      a.yes("hyperthyroidism_untreated"),
		SeverePersonalityDisorder:     a.yes("personality_disorder"),
		SuicidalIntentOrPlan:          a.yes("suicidal_intent"),
		Hypertension:                  screening.Hypertension(a.Values["hypertension"]),
		CSSRS:                         cssrs,
		Indication:                    screening.Indication(a.Values["indication"]),
	}
	if d, err := time.Parse("2006-01-02", dob); err == nil {
		f.DateOfBirth = d
	}
	if f.HeartAttack != nil && *f.HeartAttack {
		if d, ok := screening.ParseDateOrMonth(a.Values["heart_attack_when"]); ok {
			f.HeartAttackWhen = &d
		}
	}
	if sys, dia := a.number("bp_systolic"), a.number("bp_diastolic"); sys != nil && dia != nil {
		f.RestingBP = &screening.BP{Systolic: int(*sys), Diastolic: int(*dia)}
	}
	if a.Done("medications") {
		f.MedicationsKnown = true
		for _, m := range a.Medications {
			f.Medications = append(f.Medications, screening.Medication{Name: m.Name, DailyMG: m.DailyMG(), Class: m.Class})
		}
	}
	f.StopBang = a.stopBang(f)
	return f
}

// stopBang scores the STOP-BANG questionnaire when every part is known: the
// four questions asked here, plus pressure (hypertension), BMI over 35, age
// over 50 and male sex from the rest of the answers.
func (a Answers) stopBang(f screening.Facts) *int {
	parts := []*bool{a.yes("snore"), a.yes("tired"), a.yes("observed_apnoea"), a.yes("neck_large"), a.yes("male")}
	if f.Hypertension == screening.HypertensionUnknown {
		return nil
	}
	parts = append(parts, new(f.Hypertension != screening.HypertensionNone))
	bmi, ok := f.BMI()
	if !ok {
		return nil
	}
	parts = append(parts, new(bmi > 35))
	age, ok := f.Age()
	if !ok {
		return nil
	}
	parts = append(parts, new(age > 50))
	score := 0
	for _, p := range parts {
		if p == nil {
			return nil
		}
		if *p {
			score++
		}
	}
	return &score
}
