// Package screening decides whether ketamine-assisted psychotherapy looks like a
// safe fit for a client, as a list of rules a prescriber can read.
//
// The rules are data (Rules): each names the facts it reads, a tier, a reason in
// plain words and where it comes from (CLINICAL.md §1), with a note where
// Doorway's tier departs from a source's. Evaluate applies them to what intake
// and the measures provide and reports the rules that fired, the overall tier,
// the facts that were unknown, the rules that could not be decided and must be
// (the age limit without a date of birth, a heart attack without its date), and
// the medicines whose names it did not recognise. The tier never decides
// alone: a prescriber records a Decision, and CheckDecision refuses the
// decisions the rules forbid (approval over an exclude-tier rule, over an
// undecided rule, or over review-tier rules without a written reason).
//
// The package is pure: no clock, no storage, no I/O. Callers pass in dates.
package screening

import "fmt"

// Tier is how serious a rule is, and also the overall result of a screening.
type Tier string

const (
	// Clear is the overall tier when no rule fired. No rule has this tier.
	Clear Tier = "clear"
	// Info rules are shown to the care team and ask nothing of anyone.
	Info Tier = "info"
	// Review rules allow medicine sessions only after a prescriber approves
	// with a written reason.
	Review Tier = "review"
	// Exclude rules are hard stops: no medicine sessions, and no override.
	Exclude Tier = "exclude"
)

// rank orders tiers by severity; an unknown tier ranks below Clear so it can
// never make a result look more permissive than it is by accident of order.
func (t Tier) rank() int {
	switch t {
	case Clear:
		return 1
	case Info:
		return 2
	case Review:
		return 3
	case Exclude:
		return 4
	}
	return 0
}

// Valid reports whether t is one of the four tiers.
func (t Tier) Valid() bool { return t.rank() > 0 }

// MoreSevere reports whether t is strictly more severe than u.
func (t Tier) MoreSevere(u Tier) bool { return t.rank() > u.rank() }

// Label is the tier as a clinician reads it.
func (t Tier) Label() string {
	switch t {
	case Clear:
		return "Clear"
	case Info:
		return "For information"
	case Review:
		return "Prescriber review"
	case Exclude:
		return "Excluded"
	}
	return fmt.Sprintf("Unknown tier %q", string(t))
}
