package measures

import (
	"math"

	"doorway/internal/problem"
)

// ChangeRule holds one instrument's change thresholds, in points of its total.
// On every instrument here a lower total is better.
type ChangeRule struct {
	// ReliableChange is the drop that counts as reliable improvement; a rise
	// as large counts as reliable deterioration. 0: no rule.
	ReliableChange int
	// MeaningfulChange is the drop that counts as clinically meaningful.
	// 0: no rule.
	MeaningfulChange int
	// HasRemission says whether the instrument has a remission rule; when it
	// does, a latest total at or below RemissionAtMost is remission.
	HasRemission    bool
	RemissionAtMost int
	Source          string // shown beside the figures
}

// Thresholds are the clinic's change-over-time settings.
type Thresholds struct {
	Rules map[string]ChangeRule // by instrument ID
	// ResponseDrop is the fraction of the baseline total a score must fall by
	// to count as response (0.5).
	ResponseDrop float64
	// Recovery (NHS Talking Therapies): caseness is PHQ-9 at or above
	// RecoveryPHQ9 or GAD-7 at or above RecoveryGAD7.
	RecoveryPHQ9 int
	RecoveryGAD7 int
	// RCICritical is the |RCI| above which change is reliable (1.96).
	RCICritical float64
}

// DefaultThresholds returns the defaults from CLINICAL.md §4.
func DefaultThresholds() Thresholds {
	return Thresholds{
		Rules: map[string]ChangeRule{
			PHQ9: {ReliableChange: 6, HasRemission: true, RemissionAtMost: 4,
				Source: "Reliable change: NHS Talking Therapies. Remission (below 5): common convention."},
			GAD7:     {ReliableChange: 4, Source: "NHS Talking Therapies."},
			PCL5:     {ReliableChange: 5, MeaningfulChange: 10, Source: "PCL-5 scoring guidance: 5 points reliable, 10 clinically meaningful."},
			QIDSSR16: {HasRemission: true, RemissionAtMost: 5, Source: "Remission at 5 or less: STAR*D convention."},
		},
		ResponseDrop: 0.5,
		RecoveryPHQ9: 10,
		RecoveryGAD7: 8,
		RCICritical:  1.96,
	}
}

// Change compares a latest total with the course's baseline.
type Change struct {
	InstrumentID string
	Baseline     int
	Latest       int
	Delta        int // Latest − Baseline: negative is improvement
	// Percent is Delta as a percentage of Baseline; HasPercent is false when
	// the baseline is 0, where no percentage exists.
	Percent    float64
	HasPercent bool

	ReliableImprovement   bool
	ReliableDeterioration bool
	ClinicallyMeaningful  bool
	// Response is a fall of at least ResponseDrop of the baseline. A baseline
	// of 0 cannot halve, so it never shows response.
	Response bool
	// Remission is a property of the latest total alone, whatever the
	// baseline; the UI shows it beside the baseline band.
	Remission bool
	Rule      ChangeRule // the thresholds applied, to show with the figures
}

// Compare works out the change figures between a baseline and a latest result
// of the same instrument.
func Compare(baseline, latest Result, t Thresholds) (Change, error) {
	if baseline.InstrumentID != latest.InstrumentID {
		return Change{}, problem.Invalidf("instrument", "Cannot compare %s with %s.", baseline.InstrumentID, latest.InstrumentID)
	}
	if !baseline.HasTotal || !latest.HasTotal {
		return Change{}, problem.Invalidf("instrument", "The %s has no total to compare.", baseline.InstrumentID)
	}
	rule := t.Rules[baseline.InstrumentID]
	c := Change{
		InstrumentID: baseline.InstrumentID,
		Baseline:     baseline.Total,
		Latest:       latest.Total,
		Delta:        latest.Total - baseline.Total,
		Rule:         rule,
	}
	drop := -c.Delta
	if baseline.Total > 0 {
		c.HasPercent = true
		c.Percent = 100 * float64(c.Delta) / float64(baseline.Total)
		c.Response = float64(drop) >= t.ResponseDrop*float64(baseline.Total)
	}
	if rule.ReliableChange > 0 {
		c.ReliableImprovement = drop >= rule.ReliableChange
		c.ReliableDeterioration = -drop >= rule.ReliableChange
	}
	if rule.MeaningfulChange > 0 {
		c.ClinicallyMeaningful = drop >= rule.MeaningfulChange
	}
	if rule.HasRemission {
		c.Remission = latest.Total <= rule.RemissionAtMost
	}
	return c, nil
}

// Recovery is the NHS Talking Therapies figure over PHQ-9 and GAD-7 together.
type Recovery struct {
	// Caseness: at baseline PHQ-9 or GAD-7 was at or above its threshold.
	// Recovery means nothing for someone who started below both.
	Caseness bool
	// Recovered: at caseness at baseline, and now below both thresholds.
	Recovered bool
}

// RecoveryOf takes the PHQ-9 and GAD-7 changes of the same course.
func RecoveryOf(phq9, gad7 Change, t Thresholds) (Recovery, error) {
	if phq9.InstrumentID != PHQ9 || gad7.InstrumentID != GAD7 {
		return Recovery{}, problem.Invalidf("instrument", "Recovery needs a PHQ-9 and a GAD-7 change.")
	}
	var r Recovery
	r.Caseness = phq9.Baseline >= t.RecoveryPHQ9 || gad7.Baseline >= t.RecoveryGAD7
	r.Recovered = r.Caseness && phq9.Latest < t.RecoveryPHQ9 && gad7.Latest < t.RecoveryGAD7
	return r, nil
}

// Reference is a clinic-entered reference for the reliable change index: the
// standard deviation of the instrument's total in a reference group at
// baseline, and the instrument's reliability (e.g. Cronbach's alpha or
// test-retest r).
type Reference struct {
	SD          float64
	Reliability float64
}

// RCI is a Jacobson-Truax reliable change index.
type RCI struct {
	Index float64 // (latest − baseline) / SDiff; negative is improvement here
	// SDiff is the standard error of the difference between two scores.
	SDiff float64
	// MinChange is the smallest change in points that is reliable at the
	// critical value: critical × SDiff.
	MinChange float64
	Reliable  bool // |Index| > critical
}

// ReliableChangeIndex computes RCI = (x2 − x1) / sqrt(2·(s1·sqrt(1 − r))²)
// (Jacobson & Truax 1991). critical is usually Thresholds.RCICritical.
func ReliableChangeIndex(baseline, latest float64, ref Reference, critical float64) (RCI, error) {
	if !(ref.SD > 0) || math.IsInf(ref.SD, 0) {
		return RCI{}, problem.Invalidf("sd", "The reference standard deviation must be above 0.")
	}
	// r = 1 would mean a perfectly reliable measure and a zero denominator.
	if !(ref.Reliability >= 0 && ref.Reliability < 1) {
		return RCI{}, problem.Invalidf("reliability", "The reliability must be at least 0 and below 1.")
	}
	if !(critical > 0) {
		return RCI{}, problem.Invalidf("rci_critical", "The critical value must be above 0.")
	}
	sem := ref.SD * math.Sqrt(1-ref.Reliability)
	sdiff := math.Sqrt(2 * sem * sem)
	idx := (latest - baseline) / sdiff
	return RCI{Index: idx, SDiff: sdiff, MinChange: critical * sdiff, Reliable: math.Abs(idx) > critical}, nil
}
