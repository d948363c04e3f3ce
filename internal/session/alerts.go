package session

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/problem"
	"doorway/internal/timefmt"
)

// AlertKind names an alert rule. The values are stored, inside alert keys.
type AlertKind string

const (
	AlertBPSustained AlertKind = "bp_sustained" // BP at/above the limit across two readings minutes apart
	AlertBPSevere    AlertKind = "bp_severe"    // BP at/above the severe limit once
	AlertHRSustained AlertKind = "hr_sustained" // heart rate above the limit across readings minutes apart
	AlertSpO2Low     AlertKind = "spo2_low"     // SpO2 below the limit
	AlertSedation    AlertKind = "sedation"     // MOAA/S at or below the limit: deep sedation
	AlertHRLow       AlertKind = "hr_low"       // heart rate below the limit
	AlertSystolicLow AlertKind = "systolic_low" // systolic pressure below the limit
)

// AlertLimits are the thresholds for alerts during a session.
type AlertLimits struct {
	BPSustained        BPLimit // reached on readings spanning BPSustainedMinutes
	BPSustainedMinutes int
	BPSevere           BPLimit // reached once
	HRAbove            int     // beats per minute, strictly above, spanning HRSustainedMinutes
	HRSustainedMinutes int
	SpO2Below          int // percent, strictly below
	// SedationAtOrBelow: a MOAA/S score at or below it (1: responds only
	// to a painful stimulus, or not at all) is deep sedation.
	SedationAtOrBelow Sedation
	HRBelow           int // beats per minute, strictly below, once
	SystolicBelow     int // mmHg, strictly below, once
}

// DefaultAlertLimits: BP ≥ 180/110 on two readings 5 min apart or ≥ 200/120
// once; HR > 120 for 5 min [S R36, C]; SpO2 < 92% [C]; MOAA/S ≤ 1, deep
// sedation [V R3, R61]; HR < 50 or systolic < 90 [C].
func DefaultAlertLimits() AlertLimits {
	return AlertLimits{
		BPSustained: BPLimit{180, 110}, BPSustainedMinutes: 5,
		BPSevere: BPLimit{200, 120},
		HRAbove:  120, HRSustainedMinutes: 5,
		SpO2Below:         92,
		SedationAtOrBelow: 1,
		HRBelow:           50,
		SystolicBelow:     90,
	}
}

func (l AlertLimits) validate() error {
	if err := l.BPSustained.validate("alerts.bp_sustained"); err != nil {
		return err
	}
	if err := l.BPSevere.validate("alerts.bp_severe"); err != nil {
		return err
	}
	switch {
	case l.BPSustainedMinutes < 1 || l.BPSustainedMinutes > 60:
		return problem.Invalidf("alerts.bp_sustained_minutes", "Between 1 and 60 minutes.")
	case l.HRSustainedMinutes < 1 || l.HRSustainedMinutes > 60:
		return problem.Invalidf("alerts.hr_sustained_minutes", "Between 1 and 60 minutes.")
	case l.HRAbove < usualHeartRateMin || l.HRAbove > usualHeartRateMax:
		return problem.Invalidf("alerts.hr_above", "Between %d and %d beats per minute.", usualHeartRateMin, usualHeartRateMax)
	case l.SpO2Below < usualSpO2Min || l.SpO2Below > possibleSpO2Max:
		return problem.Invalidf("alerts.spo2_below", "Between %d and %d%%.", usualSpO2Min, possibleSpO2Max)
	case l.SedationAtOrBelow < Unresponsive || l.SedationAtOrBelow >= FullyAlert:
		// At 5 every fully alert client would raise it.
		return problem.Invalidf("alerts.sedation_at_or_below", "A MOAA/S score from 0 to 4.")
	case l.HRBelow < usualHeartRateMin || l.HRBelow >= l.HRAbove:
		return problem.Invalidf("alerts.hr_below", "Between %d beats per minute and the upper heart-rate line (%d).", usualHeartRateMin, l.HRAbove)
	case l.SystolicBelow < usualSystolicMin || l.SystolicBelow >= l.BPSustained.Systolic:
		return problem.Invalidf("alerts.systolic_below", "Between %d mmHg and the sustained blood-pressure line (%d).", usualSystolicMin, l.BPSustained.Systolic)
	}
	return nil
}

// Alert is a rule that fired. Alerts never act on their own: they are shown at
// once on the live view and wait for a clinician to acknowledge them.
type Alert struct {
	// Key identifies the alert across re-evaluations: the rule and the time of
	// the first reading of the episode that raised it. Later readings in the
	// same episode do not change it, so an acknowledgement stays attached.
	Key      string
	Kind     AlertKind
	Message  string
	Readings []Vitals  // the readings of the episode, oldest first
	At       time.Time // when the rule was first met
}

// EvaluateAlerts runs the alert rules over a session's whole vitals timeline.
//
// Readings are grouped into episodes: a run of consecutive readings of one
// measure (readings without it are skipped) all past a threshold. A reading
// back within the threshold ends the episode; a later rise starts a new one,
// with a new alert. Each episode gives at most one alert per rule:
//   - BP ≥ BPSustained: when the episode spans at least BPSustainedMinutes
//     from its first reading. "Two readings 5 min apart" is read as a repeat
//     reading, at least 5 minutes after the first, still at or above the
//     limit with no normal reading between: a repeat taken too soon that is
//     still high neither raises the alert nor resets the clock, and a normal
//     reading between two high ones means the pressure came down.
//   - BP ≥ BPSevere: at the first reading.
//   - HR > HRAbove: as for sustained BP, over HRSustainedMinutes.
//   - SpO2 < SpO2Below: at the first reading.
//   - MOAA/S ≤ SedationAtOrBelow: at the first reading (the score is in
//     Vitals.Sedation; SedationReadings turns observations into readings).
//   - HR < HRBelow, systolic < SystolicBelow: at the first reading.
//
// A reading at or above both BP limits can raise both alerts; they are
// different rules and each is acknowledged on its own. The messages write
// times as tf does: the clinic's zone and clock.
func EvaluateAlerts(readings []Vitals, l AlertLimits, tf timefmt.Format) []Alert {
	rs := slices.Clone(readings)
	slices.SortStableFunc(rs, func(a, b Vitals) int { return a.At.Compare(b.At) })

	var out []Alert
	for _, ep := range episodes(rs, BP, func(v Vitals) bool { return l.BPSevere.Reached(v.Systolic, v.Diastolic) }) {
		out = append(out, newAlert(AlertBPSevere, ep, ep[0].At,
			fmt.Sprintf("Blood pressure %s at %s is at or above %s.", ep[0].BPText(), tf.Time(ep[0].At), l.BPSevere)))
	}
	for _, ep := range episodes(rs, BP, func(v Vitals) bool { return l.BPSustained.Reached(v.Systolic, v.Diastolic) }) {
		if j := spanIndex(ep, l.BPSustainedMinutes); j > 0 {
			out = append(out, newAlert(AlertBPSustained, ep, ep[j].At,
				fmt.Sprintf("Blood pressure at or above %s on readings %d min apart: %s at %s, %s at %s.",
					l.BPSustained, floorMinutes(ep[j].At.Sub(ep[0].At)), ep[0].BPText(), tf.Time(ep[0].At), ep[j].BPText(), tf.Time(ep[j].At))))
		}
	}
	for _, ep := range episodes(rs, HR, func(v Vitals) bool { return v.HeartRate > l.HRAbove }) {
		if j := spanIndex(ep, l.HRSustainedMinutes); j > 0 {
			out = append(out, newAlert(AlertHRSustained, ep, ep[j].At,
				fmt.Sprintf("Heart rate above %d for %d min: %d at %s, %d at %s.",
					l.HRAbove, floorMinutes(ep[j].At.Sub(ep[0].At)), ep[0].HeartRate, tf.Time(ep[0].At), ep[j].HeartRate, tf.Time(ep[j].At))))
		}
	}
	for _, ep := range episodes(rs, SpO2, func(v Vitals) bool { return v.SpO2 < l.SpO2Below }) {
		out = append(out, newAlert(AlertSpO2Low, ep, ep[0].At,
			fmt.Sprintf("SpO2 %d%% at %s is below %d%%.", ep[0].SpO2, tf.Time(ep[0].At), l.SpO2Below)))
	}
	for _, ep := range episodes(rs, Alertness, func(v Vitals) bool { return *v.Sedation <= l.SedationAtOrBelow }) {
		s := *ep[0].Sedation
		out = append(out, newAlert(AlertSedation, ep, ep[0].At,
			fmt.Sprintf("MOAA/S %d at %s (%s): deep sedation, at or below %d.", s, tf.Time(ep[0].At), strings.ToLower(s.Label()), l.SedationAtOrBelow)))
	}
	for _, ep := range episodes(rs, HR, func(v Vitals) bool { return v.HeartRate < l.HRBelow }) {
		out = append(out, newAlert(AlertHRLow, ep, ep[0].At,
			fmt.Sprintf("Heart rate %d at %s is below %d.", ep[0].HeartRate, tf.Time(ep[0].At), l.HRBelow)))
	}
	for _, ep := range episodes(rs, BP, func(v Vitals) bool { return v.Systolic < l.SystolicBelow }) {
		out = append(out, newAlert(AlertSystolicLow, ep, ep[0].At,
			fmt.Sprintf("Systolic pressure %d at %s is below %d (blood pressure %s).", ep[0].Systolic, tf.Time(ep[0].At), l.SystolicBelow, ep[0].BPText())))
	}
	slices.SortStableFunc(out, func(a, b Alert) int { return a.At.Compare(b.At) })
	return out
}

// SedationReadings turns the sedation scores of observations into readings
// for EvaluateAlerts, so a MOAA/S noted as an observation raises the
// sedation alert as one taken with the vital signs does. Observations
// without a score are left out.
func SedationReadings(obs []Observation) []Vitals {
	var out []Vitals
	for _, o := range obs {
		if o.Sedation != nil {
			s := *o.Sedation
			out = append(out, Vitals{At: o.At, Sedation: &s})
		}
	}
	return out
}

// episodes splits the readings holding m into runs of consecutive readings
// for which past is true. rs must be sorted by time.
func episodes(rs []Vitals, m Measure, past func(Vitals) bool) [][]Vitals {
	var out [][]Vitals
	var cur []Vitals
	for _, v := range rs {
		if !v.Has(m) {
			continue
		}
		if past(v) {
			cur = append(cur, v)
			continue
		}
		if cur != nil {
			out = append(out, cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// spanIndex is the index of the first reading at least minutes after the
// episode's first, or -1.
func spanIndex(ep []Vitals, minutes int) int {
	need := time.Duration(minutes) * time.Minute
	for j := 1; j < len(ep); j++ {
		if ep[j].At.Sub(ep[0].At) >= need {
			return j
		}
	}
	return -1
}

func newAlert(kind AlertKind, ep []Vitals, at time.Time, msg string) Alert {
	return Alert{
		Key:      string(kind) + "@" + ep[0].At.UTC().Format("20060102T150405Z"),
		Kind:     kind,
		Message:  msg,
		Readings: slices.Clone(ep),
		At:       at,
	}
}

// Ack is a clinician's acknowledgement of an alert. The store keeps it, by the
// alert's key.
type Ack struct {
	By   string // who acknowledged
	Note string // what was done or decided; required
	At   time.Time
}

// Validate checks an acknowledgement as it is entered: CLINICAL.md asks for a
// note with every one.
func (a Ack) Validate() error {
	switch {
	case strings.TrimSpace(a.By) == "":
		return problem.Invalidf("by", "Say who is acknowledging the alert.")
	case strings.TrimSpace(a.Note) == "":
		return problem.Invalidf("note", "Add a note: what was done, or why no action is needed.")
	case utf8.RuneCountInString(a.Note) > maxNotesRunes:
		return problem.Invalidf("note", "Notes are limited to %d characters.", maxNotesRunes)
	case a.At.IsZero():
		return problem.Invalidf("at", "Record when the alert was acknowledged.")
	}
	return nil
}

// AlertState is an evaluated alert with its acknowledgement, if any.
type AlertState struct {
	Alert
	Ack *Ack // nil while open
}

// Open reports whether the alert still waits for acknowledgement.
func (s AlertState) Open() bool { return s.Ack == nil }

// MergeAcks pairs freshly evaluated alerts with stored acknowledgements, by
// key. An acknowledgement whose alert no longer evaluates (a reading was
// corrected) is simply not shown here; the store keeps it in the record.
func MergeAcks(alerts []Alert, acks map[string]Ack) []AlertState {
	out := make([]AlertState, len(alerts))
	for i, a := range alerts {
		out[i] = AlertState{Alert: a}
		if ack, ok := acks[a.Key]; ok {
			out[i].Ack = &ack
		}
	}
	return out
}

// OpenAlerts lists the alerts not yet acknowledged.
func OpenAlerts(states []AlertState) []Alert {
	var out []Alert
	for _, s := range states {
		if s.Open() {
			out = append(out, s.Alert)
		}
	}
	return out
}
