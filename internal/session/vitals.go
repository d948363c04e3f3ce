package session

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"doorway/internal/problem"
)

// Measure is one thing a protocol asks to be recorded.
type Measure string

const (
	BP        Measure = "bp"        // blood pressure, systolic and diastolic
	HR        Measure = "hr"        // heart rate
	SpO2      Measure = "spo2"      // oxygen saturation
	Alertness Measure = "alertness" // MOAA/S sedation score
)

var measureLabels = map[Measure]string{
	BP:        "blood pressure",
	HR:        "heart rate",
	SpO2:      "SpO2",
	Alertness: "alertness (MOAA/S)",
}

// Label is the measure's name for people.
func (m Measure) Label() string { return measureLabels[m] }

// Valid reports whether m is a measure Doorway knows.
func (m Measure) Valid() bool { _, ok := measureLabels[m]; return ok }

// Vitals is one set of readings taken together. A measure that was not taken
// is zero, except Sedation, which is nil: a MOAA/S of 0 is a real score.
// (So an SpO2 of 0%, which no living person shows and an oximeter reports
// only when it has lost the signal, cannot be recorded.)
type Vitals struct {
	At        time.Time
	Systolic  int // mmHg
	Diastolic int // mmHg
	HeartRate int // beats per minute
	SpO2      int // percent
	Sedation  *Sedation
	// Confirmed: the person entering the reading has confirmed the values
	// that Unusual lists, after Validate asked (UnusualReading). Without it
	// an unusual reading is not recorded; with it, it is, as entered.
	Confirmed bool
}

// ZeroReading is the answer to a measurement given as 0: a Vitals holds 0
// for "not taken", so a typed or sent 0 would be kept as not measured,
// silently. The forms and the API refuse it with these words instead.
const ZeroReading = "A reading of 0 cannot be recorded: it would be kept as not measured. Check the value, or leave it out if it was not taken."

// Has reports whether the reading includes m.
func (v Vitals) Has(m Measure) bool {
	switch m {
	case BP:
		return v.Systolic != 0 && v.Diastolic != 0
	case HR:
		return v.HeartRate != 0
	case SpO2:
		return v.SpO2 != 0
	case Alertness:
		return v.Sedation != nil
	}
	return false
}

// BPText is "184/112", or "" when blood pressure was not taken.
func (v Vitals) BPText() string {
	if !v.Has(BP) {
		return ""
	}
	return fmt.Sprintf("%d/%d", v.Systolic, v.Diastolic)
}

// Any reading a living person can show, and a monitor can measure, can be
// recorded (CLINICAL.md §3): what is merely abnormal is exactly what the
// alerts are for. Two sets of bounds say so.
//
// Outside the possible bounds a reading is refused: no cuff reads a
// systolic pressure above 300 mmHg, no heart beats 400 times a minute, no
// saturation passes 100%, and a diastolic at or above the systolic has the
// numbers swapped. Inside them, but outside the usual bounds, it is
// recorded only once confirmed: it may be real (a systolic of 55 in a
// collapse, an SpO2 of 45 before an oximeter loses the signal) or a slip of
// the keyboard (9 for 97, 30 for 130, 1400 for 140 is refused outright), and
// only the person at the bedside can say which. A low SpO2 such as 70 is
// usual enough to record at once, and the alert says what it means.
const (
	possibleSystolicMin, possibleSystolicMax   = 20, 300
	possibleDiastolicMin, possibleDiastolicMax = 10, 200
	possibleHeartRateMin, possibleHeartRateMax = 10, 300
	possibleSpO2Min, possibleSpO2Max           = 1, 100

	usualSystolicMin, usualSystolicMax   = 60, 260
	usualDiastolicMin, usualDiastolicMax = 30, 160
	usualHeartRateMin, usualHeartRateMax = 30, 200
	// Pulse oximeters are not calibrated below about 70% and read little of
	// use below 50%.
	usualSpO2Min = 50

	// Adults only; 350 kg is above any weight a clinic scale or chair takes.
	minWeight, maxWeight = Kg(250), Kg(3500)
)

// Unusual is one value of a reading that is possible but far from usual:
// the field it is in and a question for the person who entered it.
type Unusual struct {
	Field   string // "systolic", "diastolic", "heart_rate", "spo2"
	Message string // e.g. "A systolic pressure of 55 mmHg is unusual (usually 60–260)."
}

// UnusualReading is the error Validate returns for a possible reading with
// unusual values that is not marked Confirmed. It is a problem.Invalid (its
// Unwrap gives the *problem.Error), so a caller that does not know it still
// refuses the reading with a message saying what to check; a caller that
// does (AsUnusual) shows the values and offers to record them as entered,
// setting Vitals.Confirmed.
type UnusualReading struct {
	Unusual []Unusual
	err     *problem.Error
}

func (e *UnusualReading) Error() string { return e.err.Error() }

// Unwrap is the problem.Invalid behind it, naming the first unusual field.
func (e *UnusualReading) Unwrap() error { return e.err }

// AsUnusual reports whether err is an UnusualReading, and returns it.
func AsUnusual(err error) (*UnusualReading, bool) {
	var u *UnusualReading
	ok := errors.As(err, &u)
	return u, ok
}

// Validate checks a reading as it is entered, naming the field at fault.
// It refuses (problem.Invalid) what is not possible, and returns an
// UnusualReading for what is possible but unusual unless v.Confirmed.
func (v Vitals) Validate() error {
	if v.At.IsZero() {
		return problem.Invalidf("at", "Record when the reading was taken.")
	}
	if v.Systolic == 0 && v.Diastolic == 0 && v.HeartRate == 0 && v.SpO2 == 0 && v.Sedation == nil {
		return problem.Invalidf("systolic", "Record at least one measurement.")
	}
	if v.Systolic != 0 || v.Diastolic != 0 {
		if err := validateBP(v.Systolic, v.Diastolic); err != nil {
			return err
		}
	}
	if v.HeartRate != 0 && (v.HeartRate < possibleHeartRateMin || v.HeartRate > possibleHeartRateMax) {
		return problem.Invalidf("heart_rate", "A heart rate of %d is not possible; check the reading (%d–%d beats per minute).", v.HeartRate, possibleHeartRateMin, possibleHeartRateMax)
	}
	if v.SpO2 != 0 && (v.SpO2 < possibleSpO2Min || v.SpO2 > possibleSpO2Max) {
		return problem.Invalidf("spo2", "An SpO2 of %d%% is not possible; check the reading (%d–%d%%).", v.SpO2, possibleSpO2Min, possibleSpO2Max)
	}
	if v.Sedation != nil && !v.Sedation.Valid() {
		return problem.Invalidf("sedation", "MOAA/S is a score from 0 to 5.")
	}
	if u := v.Unusual(); len(u) > 0 && !v.Confirmed {
		msgs := make([]string, len(u))
		for i, x := range u {
			msgs[i] = x.Message
		}
		return &UnusualReading{Unusual: u, err: problem.Invalidf(u[0].Field,
			"%s If the reading is right, confirm it to record it as it is; otherwise check it and enter it again.", strings.Join(msgs, " "))}
	}
	return nil
}

// Unusual lists the values of a possible reading that lie outside the usual
// bounds, in the order of the form; empty for a usual reading. It does not
// check that the reading is possible: Validate does.
func (v Vitals) Unusual() []Unusual {
	var out []Unusual
	out = outside(out, "systolic", "A systolic pressure of %d mmHg is unusual (usually %d–%d).", v.Systolic, usualSystolicMin, usualSystolicMax)
	out = outside(out, "diastolic", "A diastolic pressure of %d mmHg is unusual (usually %d–%d).", v.Diastolic, usualDiastolicMin, usualDiastolicMax)
	out = outside(out, "heart_rate", "A heart rate of %d is unusual (usually %d–%d beats per minute).", v.HeartRate, usualHeartRateMin, usualHeartRateMax)
	out = outside(out, "spo2", "An SpO2 of %d%% is unusual (usually %d–%d%%).", v.SpO2, usualSpO2Min, possibleSpO2Max)
	return out
}

// outside adds an Unusual for a value taken (not zero) outside lo–hi.
func outside(out []Unusual, field, format string, v, lo, hi int) []Unusual {
	if v != 0 && (v < lo || v > hi) {
		out = append(out, Unusual{Field: field, Message: fmt.Sprintf(format, v, lo, hi)})
	}
	return out
}

// validateBP refuses a blood pressure that is not possible: one number
// without the other, either outside what can be measured, or the diastolic
// at or above the systolic.
func validateBP(sys, dia int) error {
	switch {
	case sys == 0:
		return problem.Invalidf("systolic", "Record the systolic pressure as well as the diastolic.")
	case dia == 0:
		return problem.Invalidf("diastolic", "Record the diastolic pressure as well as the systolic.")
	case sys < possibleSystolicMin || sys > possibleSystolicMax:
		return problem.Invalidf("systolic", "A systolic pressure of %d is not possible; check the reading (%d–%d mmHg).", sys, possibleSystolicMin, possibleSystolicMax)
	case dia < possibleDiastolicMin || dia > possibleDiastolicMax:
		return problem.Invalidf("diastolic", "A diastolic pressure of %d is not possible; check the reading (%d–%d mmHg).", dia, possibleDiastolicMin, possibleDiastolicMax)
	case dia >= sys:
		return problem.Invalidf("diastolic", "The diastolic pressure (%d) must be below the systolic (%d); are they swapped?", dia, sys)
	}
	return nil
}

// ValidateWeight checks the weight recorded at a medicine session.
func ValidateWeight(w Kg) error {
	if w == 0 {
		return problem.Invalidf("weight_kg", "Record today's weight.")
	}
	if w < minWeight || w > maxWeight {
		return problem.Invalidf("weight_kg", "A weight of %s is outside %s–%s; check the number and the unit (kg, not lb).", w, minWeight, maxWeight)
	}
	return nil
}

// BPLimit is a blood-pressure threshold, as written "180/100".
type BPLimit struct{ Systolic, Diastolic int }

func (l BPLimit) String() string { return fmt.Sprintf("%d/%d", l.Systolic, l.Diastolic) }

// Above is true when either pressure is strictly over the limit: 141/80 and
// 120/91 are both above 140/90; 140/90 is not. Either number alone is enough,
// as in every hypertension threshold.
func (l BPLimit) Above(sys, dia int) bool { return sys > l.Systolic || dia > l.Diastolic }

// Reached is true when either pressure is at or over the limit: 180/90 and
// 150/110 both reach 180/110.
func (l BPLimit) Reached(sys, dia int) bool { return sys >= l.Systolic || dia >= l.Diastolic }

func (l BPLimit) validate(field string) error {
	if err := validateBP(l.Systolic, l.Diastolic); err != nil {
		return problem.Invalidf(field, "%s is not a usable threshold: %s", l, problem.MessageOf(err))
	}
	return nil
}

// PreDoseLimits are the pre-dose blood-pressure gates.
type PreDoseLimits struct {
	Confirm BPLimit // above this, a prescriber must confirm before dosing
	Hold    BPLimit // above this, no dose today
}

// DefaultPreDoseLimits: above 140/90 confirm [S R8]; above 180/100 hold [V R12].
func DefaultPreDoseLimits() PreDoseLimits {
	return PreDoseLimits{Confirm: BPLimit{140, 90}, Hold: BPLimit{180, 100}}
}

func (l PreDoseLimits) validate() error {
	if err := l.Confirm.validate("pre_dose.confirm"); err != nil {
		return err
	}
	if err := l.Hold.validate("pre_dose.hold"); err != nil {
		return err
	}
	if l.Hold.Systolic < l.Confirm.Systolic || l.Hold.Diastolic < l.Confirm.Diastolic {
		return problem.Invalidf("pre_dose.hold", "The hold threshold (%s) must not be below the confirm threshold (%s).", l.Hold, l.Confirm)
	}
	return nil
}

// PreDoseStatus is the verdict on the pre-dose blood pressure.
type PreDoseStatus string

const (
	PreDoseOK      PreDoseStatus = "ok"      // dose may go ahead
	PreDoseConfirm PreDoseStatus = "confirm" // a prescriber must confirm before dosing
	PreDoseHold    PreDoseStatus = "hold"    // no dose today
)

// PreDoseBP is the pre-dose verdict with its reason.
type PreDoseBP struct {
	Status PreDoseStatus
	Reason string
}

// ClassifyPreDoseBP applies the pre-dose gates to a blood pressure. Each gate
// is "above" in the sense of BPLimit.Above, so with the defaults 140/90 is ok,
// 141/90 or 140/91 needs confirmation, 180/100 still only confirmation, and
// 181/100 or 180/101 is a hold.
func ClassifyPreDoseBP(sys, dia int, l PreDoseLimits) (PreDoseBP, error) {
	if err := validateBP(sys, dia); err != nil {
		return PreDoseBP{}, err
	}
	bp := fmt.Sprintf("%d/%d", sys, dia)
	switch {
	case l.Hold.Above(sys, dia):
		return PreDoseBP{PreDoseHold, fmt.Sprintf("Blood pressure %s is above %s: no dose today.", bp, l.Hold)}, nil
	case l.Confirm.Above(sys, dia):
		return PreDoseBP{PreDoseConfirm, fmt.Sprintf("Blood pressure %s is above %s: a prescriber must confirm before dosing.", bp, l.Confirm)}, nil
	}
	return PreDoseBP{PreDoseOK, fmt.Sprintf("Blood pressure %s is within %s.", bp, l.Confirm)}, nil
}

// CheckPreDose checks the pre-dose reading: it must be valid, include blood
// pressure, heart rate and SpO2, and its blood pressure passes the gates.
func CheckPreDose(v Vitals, l PreDoseLimits) (PreDoseBP, error) {
	if err := v.Validate(); err != nil {
		return PreDoseBP{}, err
	}
	for _, m := range []struct {
		measure Measure
		field   string
	}{{BP, "systolic"}, {HR, "heart_rate"}, {SpO2, "spo2"}} {
		if !v.Has(m.measure) {
			return PreDoseBP{}, problem.Invalidf(m.field, "Record the pre-dose %s.", m.measure.Label())
		}
	}
	return ClassifyPreDoseBP(v.Systolic, v.Diastolic, l)
}
