package care

import (
	"fmt"
	"math"
	"time"
)

// dayOfGates works out the pre-dose checks (CLINICAL.md §3), then the
// safety gates (safetyGates). With no checks begun (PreDose nil) each check
// fails with "not recorded yet", so the session page can show the whole
// checklist from the start; the safety gates read only the flags and
// C-SSRS results in the input.
func dayOfGates(in GateInput, s Settings, now time.Time) []Gate {
	p := in.PreDose
	if p == nil {
		p = &PreDose{}
	}
	gates := []Gate{
		rideGate(p),
		fastingGate(p, s, now),
		substancesGate(p),
		stimulantsGate(p),
		medicationsGate(p),
		intentionGate(p),
		bpGate(p, s, now),
		vitalsGate(p, s, now),
	}
	gates = append(gates, safetyGates(in, s, now)...)
	// A confirmation of a reading must come after the reading: if the
	// vitals are taken again, the earlier confirmation no longer covers them.
	afterReading := func(o Override) bool { return p.Vitals != nil && !o.At.Before(p.Vitals.At) }
	for i := range gates {
		gates[i].Scope = DayOfScope
		var check func(Override) bool
		switch gates[i].ID {
		case GateBP, GateVitals:
			check = afterReading
		case GateCSSRSHigh:
			check = afterLatest(in.CSSRSHighAt)
		}
		gates[i].applyOverride(in.Overrides, check)
	}
	return gates
}

func rideGate(p *PreDose) Gate {
	g := Gate{ID: GateRide, Title: "Ride home or companion", Overridable: true}
	switch {
	case p.Companion == "":
		g.Why = "No ride home or companion is named."
	case p.CompanionPhone == "":
		g.Why = fmt.Sprintf("The companion, %s, has no phone number recorded.", p.Companion)
	case !p.RideConfirmed:
		g.Why = fmt.Sprintf("The ride home with %s (%s) has not been confirmed.", p.Companion, p.CompanionPhone)
	default:
		g.Pass, g.Overridable = true, false
		g.Why = fmt.Sprintf("%s (%s) is confirmed to take the client home.", p.Companion, p.CompanionPhone)
	}
	return g
}

func fastingGate(p *PreDose, s Settings, now time.Time) Gate {
	g := Gate{ID: GateFasting, Title: "Fasting", Overridable: true}
	need := time.Duration(s.FastingHours * float64(time.Hour))
	since := now.Sub(p.LastFood)
	switch {
	case p.LastFood.IsZero():
		g.Why = "Fasting has not been confirmed: record when the client last ate."
	case since < 0:
		g.Why = "The time the client last ate is later than now; check it."
	case since < need:
		g.Why = fmt.Sprintf("The client last ate %s ago; the clinic asks for at least %s without food.", span(since), span(need))
	default:
		g.Pass, g.Overridable = true, false
		g.Why = fmt.Sprintf("Last ate %s ago (at least %s).", span(since), span(need))
	}
	return g
}

// span prints a duration to the minute as people say it: "4 h", "3 h 30 min", "45 min".
func span(d time.Duration) string {
	m := int(math.Floor(d.Minutes()))
	h, m := m/60, m%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

func substancesGate(p *PreDose) Gate {
	g := Gate{ID: GateSubstances, Title: "No alcohol or drugs for 24 hours", Overridable: true}
	switch {
	case p.NoAlcoholOrDrugs == nil:
		g.Why = "The client has not yet been asked about alcohol and other drugs in the last 24 hours."
	case !*p.NoAlcoholOrDrugs:
		g.Why = "The client reports alcohol or other drugs in the last 24 hours."
	default:
		g.Pass, g.Overridable = true, false
		g.Why = "The client confirms no alcohol or other drugs in the last 24 hours."
	}
	return g
}

func stimulantsGate(p *PreDose) Gate {
	g := Gate{ID: GateStimulants, Title: "Stimulants paused", Overridable: true}
	switch {
	case p.StimulantsPaused == nil:
		g.Why = "The client has not yet been asked whether they took a stimulant today."
	case !*p.StimulantsPaused:
		g.Why = "The client took a stimulant today; stimulants should be paused on the day of a session."
	default:
		g.Pass, g.Overridable = true, false
		g.Why = "No stimulant taken today."
	}
	return g
}

func medicationsGate(p *PreDose) Gate {
	g := Gate{ID: GateMedications, Title: "Interacting medications reviewed"}
	if p.MedicationsReviewed {
		g.Pass = true
		g.Why = "Interacting medications reviewed today."
	} else {
		g.Why = "Interacting medications have not been reviewed today."
		g.Overridable = true
	}
	return g
}

func intentionGate(p *PreDose) Gate {
	g := Gate{ID: GateIntention, Title: "Intention recorded"}
	if p.IntentionRecorded {
		g.Pass = true
		g.Why = "The client's intention for this session is recorded."
	} else {
		g.Why = "No intention is recorded for this session."
		g.Overridable = true
	}
	return g
}

// AboveHoldLine reports whether the pre-dose blood pressure is above the
// hold line: no dose today, whoever asks and however long ago the reading
// was. A reading that is merely too old to count is not a hold; it is taken
// again.
func AboveHoldLine(p *PreDose, s Settings) bool {
	if p == nil || p.Vitals == nil {
		return false
	}
	return p.Vitals.BP.Systolic > 0 && p.Vitals.BP.Diastolic > 0 && p.Vitals.BP.Above(s.withDefaults().HoldBP)
}

// bpGate applies CLINICAL.md's two pre-dose lines: above ConfirmBP a
// prescriber must confirm (an override of this gate is that confirmation);
// above HoldBP there is no dose today whoever asks. Below the hold line the
// reading counts only within the PreDoseVitalsMinutes before the dose.
func bpGate(p *PreDose, s Settings, now time.Time) Gate {
	g := Gate{ID: GateBP, Title: "Pre-dose blood pressure"}
	v := p.Vitals
	switch {
	case v == nil || v.BP.Systolic <= 0 || v.BP.Diastolic <= 0:
		g.Why = "Pre-dose blood pressure has not been recorded."
		g.fixed = "the reading must be taken."
	case v.BP.Above(s.HoldBP):
		// A hold stands for the day, however long ago the reading was.
		g.Why = fmt.Sprintf("Blood pressure %s is above %s: hold, no dose today.", v.BP, s.HoldBP)
		g.fixed = fmt.Sprintf("a reading above %s means no dose today.", s.HoldBP)
	case !readingInWindow(p, s, now):
		g.Why = readingWindowWhy("blood pressure", p, s, now)
		g.fixed = "the reading must be taken again."
	case v.BP.Above(s.ConfirmBP):
		g.Why = fmt.Sprintf("Blood pressure %s is above %s: a prescriber must confirm before dosing.", v.BP, s.ConfirmBP)
		g.Overridable = true
	default:
		g.Pass = true
		g.Why = fmt.Sprintf("Blood pressure %s (not above %s).", v.BP, s.ConfirmBP)
	}
	return g
}

// vitalsGate covers heart rate and SpO2. Missing readings cannot be
// overridden (they are the baseline for the monitoring that follows);
// readings outside the lines need a prescriber's confirmation.
func vitalsGate(p *PreDose, s Settings, now time.Time) Gate {
	g := Gate{ID: GateVitals, Title: "Pre-dose heart rate and SpO2"}
	v := p.Vitals
	if v == nil {
		v = &Vitals{}
	}
	var missing []string
	if v.HeartRate <= 0 {
		missing = append(missing, "heart rate")
	}
	if v.SpO2 <= 0 {
		missing = append(missing, "SpO2")
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		g.Why = fmt.Sprintf("Pre-dose %s %s not recorded.", andList(missing), verb)
		g.fixed = "the readings must be taken."
		return g
	}
	if !readingInWindow(p, s, now) {
		g.Why = readingWindowWhy("heart rate and SpO2", p, s, now)
		g.fixed = "the readings must be taken again."
		return g
	}
	var out []string
	if v.HeartRate > s.MaxHeartRate {
		out = append(out, fmt.Sprintf("heart rate %d is above %d", v.HeartRate, s.MaxHeartRate))
	}
	if v.SpO2 < s.MinSpO2 {
		out = append(out, fmt.Sprintf("SpO2 %d%% is below %d%%", v.SpO2, s.MinSpO2))
	}
	if len(out) > 0 {
		g.Why = fmt.Sprintf("Pre-dose %s: a prescriber must confirm before dosing.", andList(out))
		g.Overridable = true
		return g
	}
	g.Pass = true
	g.Why = fmt.Sprintf("Heart rate %d, SpO2 %d%%.", v.HeartRate, v.SpO2)
	return g
}

// windowEnd is the instant the pre-dose reading must come before: the dose
// once it is given, now until then.
func windowEnd(p *PreDose, now time.Time) (time.Time, string) {
	if !p.DosedAt.IsZero() {
		return p.DosedAt, "the dose"
	}
	return now, "now"
}

// readingInWindow reports whether the pre-dose reading was taken within the
// PreDoseVitalsMinutes before the dose (before now while the dose is not
// given): exactly 60 minutes before still counts, and a reading timed after
// the dose, or after now, does not.
func readingInWindow(p *PreDose, s Settings, now time.Time) bool {
	end, _ := windowEnd(p, now)
	age := end.Sub(p.Vitals.At)
	return age >= 0 && age <= time.Duration(s.PreDoseVitalsMinutes)*time.Minute
}

// readingWindowWhy says why the reading does not count, with its time and
// what it was measured against, on the clinic's clock.
func readingWindowWhy(what string, p *PreDose, s Settings, now time.Time) string {
	end, endName := windowEnd(p, now)
	at := p.Vitals.At
	if at.After(end) {
		return fmt.Sprintf("The pre-dose %s is timed %s, after %s (%s); check the time, or take the reading again.", what, s.clock(at), endName, s.clock(end))
	}
	return fmt.Sprintf("The pre-dose %s was taken at %s, %s before %s (%s); it counts only within the %d minutes before the dose. Take it again.",
		what, s.clock(at), span(end.Sub(at)), endName, s.clock(end), s.PreDoseVitalsMinutes)
}
