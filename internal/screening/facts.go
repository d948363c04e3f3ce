package screening

import (
	"fmt"
	"strings"
	"time"

	"doorway/internal/calendar"
)

// Facts is what intake and the measures know about a client at one date.
//
// Unknown is always representable and always distinct from "no": a nil
// pointer, an empty enum, a zero time or an unset Known flag means nobody has
// told us. A rule never fires on an unknown fact; Evaluate lists it in
// Result.Missing instead, so the prescriber sees the gap.
type Facts struct {
	// AsOf is the date the facts describe, normally the day intake was
	// completed. Age is computed on this date; without it age is unknown.
	AsOf        time.Time
	DateOfBirth time.Time

	AneurysmOrAVM            *bool // aneurysmal vascular disease or arteriovenous malformation
	IntracerebralHaemorrhage *bool // ever
	KetamineHypersensitivity *bool // to ketamine or esketamine
	Pregnant                 *bool
	Breastfeeding            *bool
	PsychosisOrManiaNow      *bool

	RestingBP    *BP
	Hypertension Hypertension

	PsychoticDisorderHistory *bool
	FirstDegreePsychosis     *bool // psychosis in a parent, sibling or child

	// SubstanceUseDisorder12Months: the client met criteria for a substance
	// use disorder (alcohol included) at any time in the 12 months before AsOf.
	SubstanceUseDisorder12Months *bool
	// SubstanceUse3Months: in the 3 months before AsOf the client used any of
	//   - an illegal or recreational drug, cannabis included (also ketamine,
	//     psychedelics, MDMA, cocaine, amphetamines), whether once or often;
	//   - a prescription medicine not prescribed to them, or taken other than
	//     as prescribed (more, more often, or by another route).
	// It does not count caffeine, nicotine, alcohol, or medicines taken as
	// prescribed: heavy drinking belongs to SubstanceUseDisorder12Months, and
	// prescribed medicines are weighed through Medications.
	// The 12-month and 3-month windows are part of the intake questions' own
	// wording, which is why they are facts here and not settings.
	SubstanceUse3Months *bool
	// SubstanceUseDisorderEver and KetamineUseDisorderEver: the client met
	// criteria for a substance use disorder (any substance), or a ketamine
	// use disorder, at any time in their life [V R4, R16, R17a].
	SubstanceUseDisorderEver *bool
	KetamineUseDisorderEver  *bool

	// Medications is the current list; it means something only when
	// MedicationsKnown is set (an empty known list means "takes nothing").
	Medications      []Medication
	MedicationsKnown bool

	// HeartOrCerebrovascularDisease is heart disease, or a disease of the
	// brain's blood vessels other than a stroke (a mini-stroke, say); a
	// stroke itself is Stroke, and a heart attack HeartAttack.
	HeartOrCerebrovascularDisease *bool
	Stroke                        *bool // a previous stroke (cerebrovascular accident), ever
	// HeartAttack: a myocardial infarction, ever. HeartAttackWhen is when the
	// most recent one was, to the day or only to the month; nil when not
	// given.
	HeartAttack     *bool
	HeartAttackWhen *DateOrMonth
	// BladderDisease: bladder pain, cystitis or another disease of the
	// bladder or urinary tract.
	BladderDisease             *bool
	RaisedIntracranialPressure *bool
	RaisedIntraocularPressure  *bool
	LiverDisease               *bool

	HeightCM *float64
	WeightKG *float64

	SleepApnoea *bool // diagnosed obstructive sleep apnoea
	StopBang    *int  // STOP-BANG score, 0 to 8

	// UntreatedHyperthyroidism: an overactive thyroid that is untreated,
	// or treated but not yet under control [V R12].
	UntreatedHyperthyroidism  *bool
	SeverePersonalityDisorder *bool

	// CSSRS is the highest C-SSRS screener tier; SuicidalIntentOrPlan is the
	// plain intake question clinics use when the C-SSRS is switched off.
	// Either one is enough to decide the suicidality rule.
	CSSRS                CSSRSTier
	SuicidalIntentOrPlan *bool

	Indication Indication
}

// BP is a blood pressure in mmHg.
type BP struct {
	Systolic, Diastolic int
}

func (b BP) String() string { return fmt.Sprintf("%d/%d", b.Systolic, b.Diastolic) }

// Above reports whether either number is strictly above the limit's: "above
// 180/100" means systolic over 180 or diastolic over 100, so 180/100 itself is
// not above it.
func (b BP) Above(limit BP) bool {
	return b.Systolic > limit.Systolic || b.Diastolic > limit.Diastolic
}

// Hypertension is what is known about the client's high blood pressure.
type Hypertension string

const (
	HypertensionUnknown           Hypertension = ""
	HypertensionNone              Hypertension = "none"
	HypertensionUntreated         Hypertension = "untreated"
	HypertensionTreatedControlled Hypertension = "treated_controlled"
	HypertensionTreatedPoorly     Hypertension = "treated_poorly_controlled"
)

func (h Hypertension) treated() bool {
	return h == HypertensionTreatedControlled || h == HypertensionTreatedPoorly
}

func (h Hypertension) label() string {
	switch h {
	case HypertensionNone:
		return "no hypertension recorded"
	case HypertensionUntreated:
		return "hypertension untreated"
	case HypertensionTreatedControlled:
		return "hypertension treated and controlled"
	case HypertensionTreatedPoorly:
		return "hypertension treated but poorly controlled"
	}
	return "hypertension treatment not recorded"
}

// CSSRSTier is the highest tier reached on the C-SSRS screener.
type CSSRSTier string

const (
	CSSRSUnknown  CSSRSTier = ""
	CSSRSNone     CSSRSTier = "none"
	CSSRSLow      CSSRSTier = "low"
	CSSRSModerate CSSRSTier = "moderate"
	CSSRSHigh     CSSRSTier = "high"
)

// Indication is whether the client brings a reason for treatment.
type Indication string

const (
	IndicationUnknown Indication = ""
	// IndicationClinical: a clinical reason such as depression, anxiety,
	// trauma, grief or an existential question that is causing distress.
	IndicationClinical Indication = "clinical"
	// IndicationCuriosity: no clear indication; curiosity alone.
	IndicationCuriosity Indication = "curiosity"
)

// MedClass groups medicines by what matters for ketamine.
type MedClass string

const (
	Benzodiazepine MedClass = "benzodiazepine"
	MAOI           MedClass = "maoi"
	Stimulant      MedClass = "stimulant"
	Opioid         MedClass = "opioid"
	Sedative       MedClass = "sedative" // other than benzodiazepines (z-drugs, barbiturates, sedating antihistamines...)
	Lamotrigine    MedClass = "lamotrigine"
	OtherMed       MedClass = "other"
)

// Medication is one medicine the client takes.
type Medication struct {
	Name string // generic name, e.g. "lorazepam"
	// DailyMG is the usual total per day in mg; 0 means not recorded, since a
	// medicine someone takes always has a dose.
	DailyMG float64
	Class   MedClass
}

// DateOrMonth is a date known to the day, or only to the month (Day 0), as
// people remember when something happened: "2026-01-20" or "2026-01".
type DateOrMonth struct {
	Year  int
	Month time.Month
	Day   int // 0 when only the month is known
}

// ParseDateOrMonth reads "2006-01-02" or "2006-01".
func ParseDateOrMonth(s string) (DateOrMonth, bool) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return DateOrMonth{d.Year(), d.Month(), d.Day()}, true
	}
	if d, err := time.Parse("2006-01", s); err == nil {
		return DateOrMonth{d.Year(), d.Month(), 0}, true
	}
	return DateOrMonth{}, false
}

// String writes it back as it is read: "2026-01-20" or "2026-01".
func (d DateOrMonth) String() string {
	if d.Day == 0 {
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Latest is the latest calendar day it can be: the day itself, or the
// last day of the month when only the month is known. A rule about "the
// past 6 weeks" reads this day, so not knowing the day never makes an
// event look older than it may be.
func (d DateOrMonth) Latest() calendar.Day {
	if d.Day != 0 {
		return calendar.Day{Year: d.Year, Month: d.Month, Date: d.Day}
	}
	return calendar.Day{Year: d.Year, Month: d.Month, Date: 1}.AddMonths(1).AddDays(-1)
}

// text says it for a person: "20 Jan 2026", or "Jan 2026" for a month.
func (d DateOrMonth) text() string {
	if d.Day == 0 {
		return calendar.Day{Year: d.Year, Month: d.Month, Date: 1}.Format("Jan 2006")
	}
	return d.Latest().Format("2 Jan 2006")
}

// BMI is weight in kilograms over the square of height in metres.
func BMI(heightCM, weightKG float64) float64 {
	m := heightCM / 100
	return weightKG / (m * m)
}

// BMI returns the client's BMI, and false when height or weight is unknown or
// not a positive number.
func (f Facts) BMI() (float64, bool) {
	if f.HeightCM == nil || f.WeightKG == nil || *f.HeightCM <= 0 || *f.WeightKG <= 0 {
		return 0, false
	}
	return BMI(*f.HeightCM, *f.WeightKG), true
}

// Age is the number of whole years from dob to on, counted by calendar date:
// the age goes up on the birthday itself. Someone born on 29 February turns a
// year older on 1 March in years without one.
func Age(dob, on time.Time) int {
	years := on.Year() - dob.Year()
	if on.Month() < dob.Month() || (on.Month() == dob.Month() && on.Day() < dob.Day()) {
		years--
	}
	return years
}

// Age returns the client's age on AsOf, and false when either date is unknown
// or the birth date is after AsOf.
func (f Facts) Age() (int, bool) {
	if f.DateOfBirth.IsZero() || f.AsOf.IsZero() || f.DateOfBirth.After(f.AsOf) {
		return 0, false
	}
	return Age(f.DateOfBirth, f.AsOf), true
}
