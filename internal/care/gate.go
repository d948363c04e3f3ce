package care

import (
	"strings"

	"doorway/internal/problem"
)

// Scope says when a gate can be judged.
type Scope string

const (
	// CourseScope gates hold for the course as a whole; the caseload board
	// shows them.
	CourseScope Scope = "course"
	// DayOfScope gates are the pre-dose checks, judged on the day of a
	// medicine session.
	DayOfScope Scope = "day_of"
)

// Gate IDs. Consent gates are ConsentGatePrefix + the document's ID, one per
// required document, so an override or a link names the exact document.
const (
	GateScreening   = "screening"
	GateConsent     = "consent" // only when the clinic requires no document at all
	GateBaseline    = "baseline"
	GateDosingOrder = "dosing_order"
	GatePreparation = "preparation"

	GateRide        = "predose.ride"
	GateFasting     = "predose.fasting"
	GateSubstances  = "predose.substances"
	GateStimulants  = "predose.stimulants"
	GateMedications = "predose.medications"
	GateIntention   = "predose.intention"
	GateBP          = "predose.bp"
	GateVitals      = "predose.vitals"

	// The safety gates: an open safety flag, and a recent C-SSRS result at
	// the high tier. Pages show them before every other gate (Gate.Safety,
	// SafetyFirst).
	GateSafetyFlags = "safety.flags"
	GateCSSRSHigh   = "safety.cssrs_high"

	ConsentGatePrefix = "consent:"
)

// Gate is one condition a medicine session needs, as it stands now.
type Gate struct {
	ID    string
	Title string
	Scope Scope
	Pass  bool
	// Why is one plain sentence (or two) saying what was found: for a failed
	// gate what is wrong and what would fix it, for a passed one what
	// satisfied it.
	Why string
	// Overridable: a prescriber's written override may clear this gate as it
	// stands. Always false for a gate that passes, and for hard stops.
	Overridable bool
	// Override is the prescriber's override that clears this gate, if any.
	Override *Override
	// Safety marks the gates about the client's safety (open suicide-risk
	// flags, a recent high C-SSRS result): a page shows them first, passed
	// or not, before the course gates and the rest of the day's checks.
	Safety bool

	// fixed says why an override cannot apply, for CheckOverride's message.
	fixed string
	// careTeamOnly: only a prescriber on the client's care team may
	// override this gate, not any prescriber of the clinic.
	careTeamOnly bool
}

// Cleared reports whether the gate lets the session go ahead: it passed, or
// a prescriber overrode it.
func (g Gate) Cleared() bool { return g.Pass || g.Override != nil }

// Ready reports whether a medicine session may start. It needs the full list
// from Gates: a list without the day-of checks is never ready, so the course
// gates alone cannot start a session by mistake.
func Ready(gates []Gate) bool {
	dayOf := false
	for _, g := range gates {
		if !g.Cleared() {
			return false
		}
		if g.Scope == DayOfScope {
			dayOf = true
		}
	}
	return dayOf
}

// Blocking returns the gates that are neither passed nor overridden, in order.
func Blocking(gates []Gate) []Gate {
	var out []Gate
	for _, g := range gates {
		if !g.Cleared() {
			out = append(out, g)
		}
	}
	return out
}

// SafetyFirst returns the gates with the safety gates moved to the front,
// each group in its own order, for a page that shows the whole list: an
// open suicide-risk flag must be the first thing anyone reads. Gates keeps
// the list in DESIGN.md's order, safety last; the slice given is unchanged.
func SafetyFirst(gates []Gate) []Gate {
	out := make([]Gate, 0, len(gates))
	for _, g := range gates {
		if g.Safety {
			out = append(out, g)
		}
	}
	for _, g := range gates {
		if !g.Safety {
			out = append(out, g)
		}
	}
	return out
}

// FindGate is the gate with this id in the list, or nil; a prescriber's
// override names its gate this way.
func FindGate(gates []Gate, id string) *Gate {
	for i := range gates {
		if gates[i].ID == id {
			return &gates[i]
		}
	}
	return nil
}

// CheckOverride says whether a prescriber's override may be recorded against
// this gate as it now stands. The store calls it before saving; Gates applies
// only overrides that would have passed it.
func CheckOverride(g Gate, o Override) error {
	switch {
	case o.GateID != g.ID:
		return problem.Invalidf("gate", "This override is for %q, not for %q.", o.GateID, g.ID)
	case g.Pass:
		return problem.Invalidf("gate", "%s already passes; there is nothing to override.", g.Title)
	case !g.Overridable:
		return problem.Invalidf("gate", "%s cannot be overridden: %s", g.Title, g.fixed)
	case !o.ByPrescriber:
		return problem.Invalidf("by", "Only a prescriber can override a gate.")
	case g.careTeamOnly && !o.OnCareTeam:
		return problem.Invalidf("by", "Only a prescriber on the client's care team can override this gate (%s).", g.Title)
	case strings.TrimSpace(o.Reason) == "":
		return problem.Invalidf("reason", "Write the reason for overriding %s; it is audited and shown on the session record.", g.Title)
	}
	return nil
}

// applyOverride clears a failed gate with the latest override that may apply
// to it. notBefore, when set, is the earliest an override may have been made
// (a confirmation of a reading cannot come before the reading).
func (g *Gate) applyOverride(overrides []Override, notBefore func(Override) bool) {
	if g.Pass {
		return
	}
	var best *Override
	for i := range overrides {
		o := overrides[i]
		if o.GateID != g.ID || (notBefore != nil && !notBefore(o)) {
			continue
		}
		if err := CheckOverride(*g, o); err != nil {
			// Say so: whoever believes the gate was overridden should see
			// that the override did not count, and why.
			note := " An override was recorded but cannot clear this gate."
			if g.Overridable {
				note = " An override by " + o.By + " was not counted: " + problem.MessageOf(err)
			}
			if !strings.Contains(g.Why, note) {
				g.Why += note
			}
			continue
		}
		if best == nil || o.At.After(best.At) {
			best = &o
		}
	}
	g.Override = best
}
