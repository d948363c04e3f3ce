package session

import (
	"fmt"
	"strings"
	"time"

	"doorway/internal/problem"
)

// NoDrivingInstruction is given to every client at discharge [V R3, R37].
const NoDrivingInstruction = "Do not drive, cycle or operate machinery until the next day, after a night's sleep."

// DischargeLimits are what the last vital signs must show before discharge.
type DischargeLimits struct {
	// BP must not be above this (BPLimit.Above).
	BP BPLimit
	// HeartRate must not be above this.
	HeartRate int
	// SpO2 must not be below this.
	SpO2 int
	// MaxAgeMinutes is how recent the last reading must be: vitals from an
	// hour ago say little about the person leaving now.
	MaxAgeMinutes int
}

// DefaultDischargeLimits have no number of their own in CLINICAL.md ("last
// vitals within thresholds"), so they reuse the session's other lines [C]:
// blood pressure not above the pre-dose hold line (180/100), since we would
// not send someone home at a pressure we would not dose at; heart rate not
// above the alert line (120); SpO2 not below the alert line (92%). The last
// reading must be from the last 15 minutes.
func DefaultDischargeLimits() DischargeLimits {
	return DischargeLimits{BP: BPLimit{180, 100}, HeartRate: 120, SpO2: 92, MaxAgeMinutes: 15}
}

func (l DischargeLimits) validate() error {
	if err := l.BP.validate("discharge.bp"); err != nil {
		return err
	}
	switch {
	case l.HeartRate < minHeartRate || l.HeartRate > maxHeartRate:
		return problem.Invalidf("discharge.heart_rate", "Between %d and %d beats per minute.", minHeartRate, maxHeartRate)
	case l.SpO2 < minSpO2 || l.SpO2 > maxSpO2:
		return problem.Invalidf("discharge.spo2", "Between %d and %d%%.", minSpO2, maxSpO2)
	case l.MaxAgeMinutes < 1 || l.MaxAgeMinutes > 120:
		return problem.Invalidf("discharge.max_age_minutes", "Between 1 and 120 minutes.")
	}
	return nil
}

// DischargeInput is what the discharge decision rests on.
type DischargeInput struct {
	Protocol Protocol
	Limits   DischargeLimits
	DoseTime time.Time
	Now      time.Time
	// LastVitals is the most recent reading.
	LastVitals Vitals
	// AlertAndOriented is the clinician's statement that the client is.
	AlertAndOriented bool
	// Companion is the ride or companion named before the dose; ReleasedTo
	// is who the client is leaving with.
	Companion  string
	ReleasedTo string
	// OpenAlerts are the alerts not yet acknowledged (OpenAlerts).
	OpenAlerts []Alert
}

// Criterion keys, stable for templates and the record.
const (
	CriterionObservation = "observation"
	CriterionVitals      = "vitals"
	CriterionAlert       = "alert_oriented"
	CriterionCompanion   = "companion"
	CriterionAlerts      = "alerts"
)

// Criterion is one discharge criterion, with a reason in plain words whether
// it passes or fails.
type Criterion struct {
	Key    string
	Label  string
	Passed bool
	Reason string
}

// Discharge is the verdict: ready only when every criterion passes.
type Discharge struct {
	Criteria     []Criterion
	Ready        bool
	Instructions []string
}

// CheckDischarge tests every discharge criterion, always all of them, so the
// page can show everything still to do rather than one thing at a time.
func CheckDischarge(in DischargeInput) Discharge {
	d := Discharge{
		Criteria: []Criterion{
			observationCriterion(in),
			vitalsCriterion(in),
			alertCriterion(in),
			companionCriterion(in),
			alertsCriterion(in),
		},
		Ready:        true,
		Instructions: []string{NoDrivingInstruction},
	}
	for _, c := range d.Criteria {
		d.Ready = d.Ready && c.Passed
	}
	return d
}

func observationCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionObservation, Label: "Minimum observation time"}
	if in.DoseTime.IsZero() {
		c.Reason = "The dose time is not recorded."
		return c
	}
	if in.Protocol.MinObservation <= 0 {
		// A protocol that lost its minimum must not read as "no minimum".
		c.Reason = "The monitoring protocol sets no minimum observation time."
		return c
	}
	least := time.Duration(in.Protocol.MinObservation) * time.Minute
	elapsed := in.Now.Sub(in.DoseTime)
	if elapsed >= least {
		c.Passed = true
		c.Reason = fmt.Sprintf("%d minutes since the dose; the minimum is %d.", floorMinutes(elapsed), in.Protocol.MinObservation)
		return c
	}
	// Round the time left up: "0 minutes remain" must never be said while
	// any time remains.
	remain := int((least - elapsed + time.Minute - 1) / time.Minute)
	left := fmt.Sprintf("%d minutes remain", remain)
	if remain == 1 {
		left = "1 minute remains"
	}
	c.Reason = fmt.Sprintf("%d minutes since the dose; the minimum is %d, so %s.",
		max(floorMinutes(elapsed), 0), in.Protocol.MinObservation, left)
	return c
}

func vitalsCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionVitals, Label: "Last vital signs"}
	v, l := in.LastVitals, in.Limits
	if v.At.IsZero() {
		c.Reason = "No vital signs are recorded."
		return c
	}
	if !in.DoseTime.IsZero() && !v.At.After(in.DoseTime) {
		c.Reason = "The last reading was taken before the dose; take discharge vitals."
		return c
	}
	if v.At.After(in.Now) {
		c.Reason = "The last reading is timed after now; check the clock and the reading's time."
		return c
	}
	if age := in.Now.Sub(v.At); age > time.Duration(l.MaxAgeMinutes)*time.Minute {
		c.Reason = fmt.Sprintf("The last reading is %d minutes old; take discharge vitals (within %d minutes).", floorMinutes(age), l.MaxAgeMinutes)
		return c
	}
	var gaps []string
	if m := missing(in.Protocol.DischargeMeasures, []Vitals{v}); len(m) > 0 {
		labels := make([]string, len(m))
		for i, x := range m {
			labels[i] = x.Label()
		}
		gaps = append(gaps, "the last reading has no "+strings.Join(labels, ", "))
	}
	if v.Has(BP) && l.BP.Above(v.Systolic, v.Diastolic) {
		gaps = append(gaps, fmt.Sprintf("blood pressure %s is above %s", v.BPText(), l.BP))
	}
	if v.Has(HR) && v.HeartRate > l.HeartRate {
		gaps = append(gaps, fmt.Sprintf("heart rate %d is above %d", v.HeartRate, l.HeartRate))
	}
	if v.Has(SpO2) && v.SpO2 < l.SpO2 {
		gaps = append(gaps, fmt.Sprintf("SpO2 %d%% is below %d%%", v.SpO2, l.SpO2))
	}
	if len(gaps) > 0 {
		c.Reason = Capitalise(strings.Join(gaps, "; ")) + "."
		return c
	}
	c.Passed = true
	c.Reason = fmt.Sprintf("Within the discharge limits at %s.", clock(v.At))
	return c
}

func alertCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionAlert, Label: "Alert and oriented"}
	if s := in.LastVitals.Sedation; s != nil && *s != FullyAlert {
		c.Reason = fmt.Sprintf("The last MOAA/S is %d (%s); discharge needs 5.", *s, strings.ToLower(s.Label()))
		return c
	}
	if !in.AlertAndOriented {
		c.Reason = "Not yet recorded as alert and oriented."
		return c
	}
	c.Passed = true
	c.Reason = "Recorded as alert and oriented."
	return c
}

func companionCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionCompanion, Label: "Released to the named companion"}
	named, to := strings.TrimSpace(in.Companion), strings.TrimSpace(in.ReleasedTo)
	switch {
	case named == "":
		c.Reason = "No companion was named before the dose."
	case to == "":
		c.Reason = fmt.Sprintf("Record who the client is leaving with; the named companion is %s.", named)
	case !sameName(named, to):
		c.Reason = fmt.Sprintf("Released to %s, but the named companion is %s; confirm with the client and update the companion first.", to, named)
	default:
		c.Passed = true
		c.Reason = fmt.Sprintf("Released to %s, the named companion.", named)
	}
	return c
}

// sameName compares names as people write them: case and spacing aside.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func alertsCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionAlerts, Label: "No unacknowledged alert"}
	switch n := len(in.OpenAlerts); n {
	case 0:
		c.Passed = true
		c.Reason = "Every alert is acknowledged."
	case 1:
		c.Reason = "1 alert is not acknowledged: " + in.OpenAlerts[0].Message
	default:
		c.Reason = fmt.Sprintf("%d alerts are not acknowledged.", n)
	}
	return c
}

// Capitalise upper-cases the first letter of a phrase for the start of a
// sentence.
func Capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
