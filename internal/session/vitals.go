package session

import (
	"fmt"
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
type Vitals struct {
	At        time.Time
	Systolic  int // mmHg
	Diastolic int // mmHg
	HeartRate int // beats per minute
	SpO2      int // percent
	Sedation  *Sedation
}

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

// The bounds of a possible reading. They refuse what no living, measurable
// person shows (a slip such as 1400 for 140, or systolic and diastolic
// swapped), never what is merely abnormal: a pressure of 230/130 must be
// recordable, because that is exactly what the alerts are for.
const (
	minSystolic, maxSystolic   = 50, 300
	minDiastolic, maxDiastolic = 20, 200
	minHeartRate, maxHeartRate = 20, 250
	// Pulse oximeters are not calibrated below about 70% and read nothing
	// useful below 50%; 100% is the ceiling of a saturation.
	minSpO2, maxSpO2 = 50, 100
	// Adults only; 350 kg is above any weight a clinic scale or chair takes.
	minWeight, maxWeight = Kg(250), Kg(3500)
)

// Validate checks a reading as it is entered, naming the field at fault.
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
	if v.HeartRate != 0 && (v.HeartRate < minHeartRate || v.HeartRate > maxHeartRate) {
		return problem.Invalidf("heart_rate", "A heart rate of %d is not possible; check the reading (%d–%d beats per minute).", v.HeartRate, minHeartRate, maxHeartRate)
	}
	if v.SpO2 != 0 && (v.SpO2 < minSpO2 || v.SpO2 > maxSpO2) {
		return problem.Invalidf("spo2", "An SpO2 of %d%% is not a reading to record; check it (%d–%d%%).", v.SpO2, minSpO2, maxSpO2)
	}
	if v.Sedation != nil && !v.Sedation.Valid() {
		return problem.Invalidf("sedation", "MOAA/S is a score from 0 to 5.")
	}
	return nil
}

func validateBP(sys, dia int) error {
	switch {
	case sys == 0:
		return problem.Invalidf("systolic", "Record the systolic pressure as well as the diastolic.")
	case dia == 0:
		return problem.Invalidf("diastolic", "Record the diastolic pressure as well as the systolic.")
	case sys < minSystolic || sys > maxSystolic:
		return problem.Invalidf("systolic", "A systolic pressure of %d is not possible; check the reading (%d–%d mmHg).", sys, minSystolic, maxSystolic)
	case dia < minDiastolic || dia > maxDiastolic:
		return problem.Invalidf("diastolic", "A diastolic pressure of %d is not possible; check the reading (%d–%d mmHg).", dia, minDiastolic, maxDiastolic)
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
