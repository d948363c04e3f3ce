package session

import (
	"fmt"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/timefmt"
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

	// Back to the client's own level (PADSS [V R62]): the last BP (both
	// numbers) and heart rate within WithinPercent of the pre-dose reading,
	// or else BP not above ReturnBP with heart rate ReturnHRMin–ReturnHRMax.
	WithinPercent            int
	ReturnBP                 BPLimit
	ReturnHRMin, ReturnHRMax int
}

// DefaultDischargeLimits have no number of their own in CLINICAL.md ("last
// vitals within thresholds"), so they reuse the session's other lines [C]:
// blood pressure not above the pre-dose hold line (180/100), since we would
// not send someone home at a pressure we would not dose at; heart rate not
// above the alert line (120); SpO2 not below the alert line (92%). The last
// reading must be from the last 15 minutes.
//
// Besides those, the last BP and HR must be back near the client's own
// pre-dose reading: within 20% of it, or at or below 140/90 with HR 50–100
// (CLINICAL.md §3, PADSS [V R62]).
func DefaultDischargeLimits() DischargeLimits {
	return DischargeLimits{BP: BPLimit{180, 100}, HeartRate: 120, SpO2: 92, MaxAgeMinutes: 15,
		WithinPercent: 20, ReturnBP: BPLimit{140, 90}, ReturnHRMin: 50, ReturnHRMax: 100}
}

func (l DischargeLimits) validate() error {
	if err := l.BP.validate("discharge.bp"); err != nil {
		return err
	}
	switch {
	case l.HeartRate < usualHeartRateMin || l.HeartRate > usualHeartRateMax:
		return problem.Invalidf("discharge.heart_rate", "Between %d and %d beats per minute.", usualHeartRateMin, usualHeartRateMax)
	case l.SpO2 < usualSpO2Min || l.SpO2 > possibleSpO2Max:
		return problem.Invalidf("discharge.spo2", "Between %d and %d%%.", usualSpO2Min, possibleSpO2Max)
	case l.MaxAgeMinutes < 1 || l.MaxAgeMinutes > 120:
		return problem.Invalidf("discharge.max_age_minutes", "Between 1 and 120 minutes.")
	case l.WithinPercent < 1 || l.WithinPercent > 50:
		return problem.Invalidf("discharge.within_percent", "Between 1 and 50%%.")
	}
	if err := l.ReturnBP.validate("discharge.return_bp"); err != nil {
		return err
	}
	switch {
	case l.ReturnBP.Systolic > l.BP.Systolic || l.ReturnBP.Diastolic > l.BP.Diastolic:
		return problem.Invalidf("discharge.return_bp", "The blood pressure a client returns to (%s) must not be above the discharge limit (%s).", l.ReturnBP, l.BP)
	case l.ReturnHRMin < usualHeartRateMin || l.ReturnHRMin >= l.ReturnHRMax:
		return problem.Invalidf("discharge.return_hr_min", "Between %d beats per minute and the upper end of the range (%d).", usualHeartRateMin, l.ReturnHRMax)
	case l.ReturnHRMax > l.HeartRate:
		return problem.Invalidf("discharge.return_hr_max", "At most the discharge heart-rate limit (%d).", l.HeartRate)
	}
	return nil
}

// DischargeInput is what the discharge decision rests on.
type DischargeInput struct {
	Protocol Protocol
	Limits   DischargeLimits
	DoseTime time.Time
	// Administration is the dose as given; the minimum observation counts
	// from its end (Administration.Ended). Nil counts from DoseTime, as
	// before the end of administration was recorded: pass it.
	Administration *Administration
	// PreDose is the reading taken before the dose, which the last reading
	// is compared with; nil when there is none.
	PreDose *Vitals
	Now     time.Time
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
	// Time writes the times the reasons name: the clinic's zone and clock.
	Time timefmt.Format
}

// Criterion keys, stable for templates and the record.
const (
	CriterionObservation = "observation"
	CriterionVitals      = "vitals"
	CriterionOwnLevel    = "own_level"
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
	if in.DoseTime.IsZero() && in.Administration != nil {
		in.DoseTime = in.Administration.Started
	}
	d := Discharge{
		Criteria: []Criterion{
			observationCriterion(in),
			vitalsCriterion(in),
			ownLevelCriterion(in),
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

// observationCriterion counts the minimum observation from the end of
// administration (CLINICAL.md §3): the end of an IV infusion, the last
// esketamine device, the lozenge spat out.
func observationCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionObservation, Label: "Minimum observation time"}
	from, since := in.DoseTime, "the dose"
	if in.Administration != nil {
		from, since = in.Administration.Ended(in.Time)
	}
	if from.IsZero() {
		c.Reason = "The dose time is not recorded."
		return c
	}
	if in.Protocol.MinObservation <= 0 {
		// A protocol that lost its minimum must not read as "no minimum".
		c.Reason = "The monitoring protocol sets no minimum observation time."
		return c
	}
	least := time.Duration(in.Protocol.MinObservation) * time.Minute
	elapsed := in.Now.Sub(from)
	if elapsed >= least {
		c.Passed = true
		c.Reason = fmt.Sprintf("%d minutes since %s; the minimum is %d.", floorMinutes(elapsed), since, in.Protocol.MinObservation)
		return c
	}
	// Round the time left up: "0 minutes remain" must never be said while
	// any time remains.
	remain := int((least - elapsed + time.Minute - 1) / time.Minute)
	left := fmt.Sprintf("%d minutes remain", remain)
	if remain == 1 {
		left = "1 minute remains"
	}
	c.Reason = fmt.Sprintf("%d minutes since %s; the minimum is %d, so %s.",
		max(floorMinutes(elapsed), 0), since, in.Protocol.MinObservation, left)
	return c
}

// ownLevelCriterion: the last BP and HR back near the client's own
// pre-dose reading, within WithinPercent of it (systolic, diastolic and
// heart rate each), or else BP at or below ReturnBP with HR within
// ReturnHRMin–ReturnHRMax. Either way the reason names the last reading and
// what it was compared with. It looks at the last reading whatever its age;
// the vitals criterion says when it is too old.
func ownLevelCriterion(in DischargeInput) Criterion {
	c := Criterion{Key: CriterionOwnLevel, Label: "Back to the client's own level"}
	v, l := in.LastVitals, in.Limits
	if v.At.IsZero() {
		c.Reason = "No vital signs are recorded."
		return c
	}
	if !v.Has(BP) || !v.Has(HR) {
		c.Reason = fmt.Sprintf("The last reading, at %s, needs both blood pressure and heart rate to compare with the client's own level.", in.Time.Time(v.At))
		return c
	}
	last := fmt.Sprintf("Blood pressure %s and heart rate %d at %s", v.BPText(), v.HeartRate, in.Time.Time(v.At))
	line := fmt.Sprintf("at or below %s with heart rate %d–%d", l.ReturnBP, l.ReturnHRMin, l.ReturnHRMax)

	var own string // the pre-dose reading and the range around it
	var outOwn []string
	if p := in.PreDose; p != nil && p.Has(BP) && p.Has(HR) {
		pct := l.WithinPercent
		own = fmt.Sprintf("the pre-dose %s and heart rate %d at %s (within %d%%: systolic %s, diastolic %s, heart rate %s)",
			p.BPText(), p.HeartRate, in.Time.Time(p.At), pct, band(p.Systolic, pct), band(p.Diastolic, pct), band(p.HeartRate, pct))
		outOwn = outsideBand(outOwn, "systolic", v.Systolic, p.Systolic, pct)
		outOwn = outsideBand(outOwn, "diastolic", v.Diastolic, p.Diastolic, pct)
		outOwn = outsideBand(outOwn, "heart rate", v.HeartRate, p.HeartRate, pct)
		if len(outOwn) == 0 {
			c.Passed = true
			c.Reason = fmt.Sprintf("%s are within %d%% of the pre-dose %s and heart rate %d at %s.", last, pct, p.BPText(), p.HeartRate, in.Time.Time(p.At))
			return c
		}
	}
	var outLine []string
	if v.Systolic > l.ReturnBP.Systolic {
		outLine = append(outLine, fmt.Sprintf("systolic %d is above %d", v.Systolic, l.ReturnBP.Systolic))
	}
	if v.Diastolic > l.ReturnBP.Diastolic {
		outLine = append(outLine, fmt.Sprintf("diastolic %d is above %d", v.Diastolic, l.ReturnBP.Diastolic))
	}
	if v.HeartRate < l.ReturnHRMin || v.HeartRate > l.ReturnHRMax {
		outLine = append(outLine, fmt.Sprintf("heart rate %d is outside %d–%d", v.HeartRate, l.ReturnHRMin, l.ReturnHRMax))
	}
	if len(outLine) == 0 {
		c.Passed = true
		c.Reason = fmt.Sprintf("%s are %s.", last, line)
		if own != "" {
			c.Reason += fmt.Sprintf(" (Not within %d%% of %s: %s.)", l.WithinPercent, own, strings.Join(outOwn, ", "))
		}
		return c
	}
	if own == "" {
		c.Reason = fmt.Sprintf("%s: there is no pre-dose reading with blood pressure and heart rate to compare with, and they are not %s: %s.",
			last, line, strings.Join(outLine, ", "))
		return c
	}
	c.Reason = fmt.Sprintf("%s are not yet back to the client's own level. Compared with %s: %s. Nor are they %s: %s.",
		last, own, strings.Join(outOwn, ", "), line, strings.Join(outLine, ", "))
	return c
}

// within reports whether x is within pct% of ref: |x − ref| × 100 ≤ pct ×
// ref, in integers, so 20% of 130 (26) puts 104 and 156 inside.
func within(x, ref, pct int) bool {
	d := x - ref
	if d < 0 {
		d = -d
	}
	return d*100 <= pct*ref
}

// band is the whole readings within pct% of ref, "104–156": from ref −
// pct% rounded up to ref + pct% rounded down.
func band(ref, pct int) string {
	lo := (ref*(100-pct) + 99) / 100
	hi := ref * (100 + pct) / 100
	return fmt.Sprintf("%d–%d", lo, hi)
}

// outsideBand adds "systolic 160 is 25% above 128" when x is not within
// pct% of ref; the percentage is rounded down, so a reading just outside
// never reads as exactly at the line ("20%"), and says "more than" then.
func outsideBand(out []string, what string, x, ref, pct int) []string {
	if within(x, ref, pct) {
		return out
	}
	d, dir := x-ref, "above"
	if d < 0 {
		d, dir = -d, "below"
	}
	p := d * 100 / ref
	amount := fmt.Sprintf("%d%%", p)
	if p <= pct {
		amount = fmt.Sprintf("more than %d%%", pct)
	}
	return append(out, fmt.Sprintf("%s %d is %s %s %d", what, x, amount, dir, ref))
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
	c.Reason = fmt.Sprintf("Within the discharge limits at %s.", in.Time.Time(v.At))
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
