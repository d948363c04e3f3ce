package care

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"doorway/internal/calendar"
)

// safetyGates are CLINICAL.md §3's safety flags before a dose: an open
// safety flag blocks the dose until a clinician acknowledges it, and a
// C-SSRS result at the high tier within the past month blocks it until a
// prescriber on the care team overrides with a written reason, even once
// its flag is acknowledged [V R46a, R16]. Both are day-of gates marked
// Safety, so a page shows them first.
func safetyGates(in GateInput, s Settings, now time.Time) []Gate {
	today := s.dayOf(now)
	return []Gate{openFlagsGate(in.OpenFlags, s, today), cssrsHighGate(in.CSSRSHighAt, s, today)}
}

// openFlagsGate cannot be overridden: what clears it is a clinician reading
// the flag and acknowledging it with a note, which an override would skip.
func openFlagsGate(flags []SafetyFlag, s Settings, today calendar.Day) Gate {
	g := Gate{ID: GateSafetyFlags, Title: "No open safety flag", Safety: true,
		fixed: "a clinician must acknowledge the flag with a note; an override cannot stand in for that."}
	if len(flags) == 0 {
		g.Pass = true
		g.Why = "No safety flag is waiting for a clinician."
		return g
	}
	fs := slices.Clone(flags)
	slices.SortStableFunc(fs, func(a, b SafetyFlag) int { return a.RaisedAt.Compare(b.RaisedAt) })
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("a %s from the %s, open since %s", flagKind(f.Kind), f.Instrument, dayText(s.dayOf(f.RaisedAt), today))
		if r := strings.TrimSpace(f.Reason); r != "" {
			parts[i] += " (" + strings.TrimSuffix(r, ".") + ")"
		}
	}
	if len(fs) == 1 {
		g.Why = fmt.Sprintf("There is %s. No dose until a clinician acknowledges it with a note.", parts[0])
	} else {
		g.Why = fmt.Sprintf("%d safety flags are open: %s. No dose until a clinician acknowledges each with a note.", len(fs), strings.Join(parts, "; "))
	}
	return g
}

// flagKind names a flag kind in words.
func flagKind(kind string) string {
	switch kind {
	case "suicide_risk":
		return "suicide-risk flag"
	case "":
		return "safety flag"
	}
	return "safety flag (" + strings.ReplaceAll(kind, "_", " ") + ")"
}

// cssrsHighGate blocks from the day of a high result through the same date
// CSSRSHighMonths later (the last day of the month when that month is
// shorter), both on the clinic's calendar: "within the past month" read
// inclusively, erring towards the block.
func cssrsHighGate(highs []time.Time, s Settings, today calendar.Day) Gate {
	g := Gate{ID: GateCSSRSHigh, Title: "No high C-SSRS result in the past month", Safety: true, careTeamOnly: true}
	span, period := "a month", "the past month"
	if s.CSSRSHighMonths != 1 {
		span = fmt.Sprintf("%d months", s.CSSRSHighMonths)
		period = "the past " + span
		g.Title = "No high C-SSRS result in " + period
	}
	var latest time.Time
	for _, at := range highs {
		if at.After(latest) {
			latest = at
		}
	}
	if latest.IsZero() {
		g.Pass = true
		g.Why = fmt.Sprintf("No C-SSRS result at the high tier in %s.", period)
		return g
	}
	day := s.dayOf(latest)
	through := day.AddMonths(s.CSSRSHighMonths)
	if today.After(through) {
		g.Pass = true
		g.Why = fmt.Sprintf("The last C-SSRS result at the high tier, on %s, is more than %s ago.", dayText(day, today), span)
		return g
	}
	g.Overridable = true
	g.Why = fmt.Sprintf("A C-SSRS result reached the high tier on %s, within %s. No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged; without one it blocks doses through %s.",
		dayText(day, today), period, dayText(through, today))
	return g
}

// afterLatest accepts only an override made at or after the latest of the
// given instants: a prescriber's decision about one high result does not
// cover a newer one.
func afterLatest(highs []time.Time) func(Override) bool {
	var latest time.Time
	for _, at := range highs {
		if at.After(latest) {
			latest = at
		}
	}
	return func(o Override) bool { return !o.At.Before(latest) }
}
