package screening

import (
	"strings"
	"time"

	"doorway/internal/calendar"
	"doorway/internal/problem"
)

// DecisionKind is what the prescriber decided.
type DecisionKind string

const (
	Approve               DecisionKind = "approve"
	ApproveWithConditions DecisionKind = "approve_with_conditions"
	Decline               DecisionKind = "decline"
)

// Approves reports whether the decision lets the course go on to preparation.
func (k DecisionKind) Approves() bool { return k == Approve || k == ApproveWithConditions }

// Label is the kind as a person reads it.
func (k DecisionKind) Label() string {
	switch k {
	case Approve:
		return "Approved"
	case ApproveWithConditions:
		return "Approved with conditions"
	case Decline:
		return "Declined"
	}
	return string(k)
}

// Decision is a prescriber's review of a screening Result. The note is
// required whatever the kind: it is the written reason for an approval over
// review-tier rules, the conditions of a conditional approval, and what the
// client is told when declined.
type Decision struct {
	Kind DecisionKind
	Note string
}

// CheckDecision says whether the decision may be recorded for this result.
// It refuses, with a message for the prescriber, an unknown kind, a missing
// note, and any approval when an exclude-tier rule fired (those are hard
// stops nobody may override).
func CheckDecision(res Result, d Decision) error {
	switch d.Kind {
	case Approve, ApproveWithConditions, Decline:
	default:
		return problem.Invalidf("kind", "Choose approve, approve with conditions, or decline.")
	}
	if d.Kind.Approves() {
		if ex := res.InTier(Exclude); len(ex) > 0 {
			return problem.Invalidf("kind", "This client cannot be approved: %s. These rules are hard stops that no one may override; record a decline instead.", titles(ex))
		}
		if len(res.Undecided) > 0 {
			reasons := make([]string, len(res.Undecided))
			for i, u := range res.Undecided {
				reasons[i] = u.Reason
			}
			return problem.Invalidf("kind", "This client cannot be approved yet: %s. Record what is missing and look at the screening again.", strings.Join(reasons, "; "))
		}
	}
	if strings.TrimSpace(d.Note) != "" {
		return nil
	}
	switch {
	case d.Kind.Approves() && len(res.InTier(Review)) > 0:
		return problem.Invalidf("note", "Approving needs a written reason because these rules asked for review: %s.", titles(res.InTier(Review)))
	case d.Kind == ApproveWithConditions:
		return problem.Invalidf("note", "Write down the conditions of this approval.")
	case d.Kind == Decline:
		return problem.Invalidf("note", "Write a note saying why the client is declined.")
	}
	return problem.Invalidf("note", "Write a short note with the decision.")
}

func titles(fs []Fired) string {
	t := make([]string, len(fs))
	for i, f := range fs {
		t[i] = f.Rule.Title
	}
	return strings.Join(t, "; ")
}

// ExpiresAt is when an approval given at decidedAt stops being valid: the
// same clock time ApprovalDays calendar days later, in decidedAt's location
// (calendar days, so a change to or from summer time does not shift it).
func ExpiresAt(decidedAt time.Time, s Settings) time.Time {
	s = s.withDefaults()
	return decidedAt.AddDate(0, 0, s.ApprovalDays)
}

// ExpiryDay is the clinic calendar day on which an approval decided on the
// day decided stops being valid: ApprovalDays calendar days later. The
// approval holds through the day before, so one given on 1 Feb for 180 days
// holds through 30 Jul and has expired on 31 Jul, whatever the hour and
// whatever a daylight-saving change did in between. The gates count days
// this way (CLINICAL.md §3); ExpiresAt is the instant recorded with a
// decision, from which a caller can recover how many days it was given for.
func ExpiryDay(decided calendar.Day, s Settings) calendar.Day {
	s = s.withDefaults()
	return decided.AddDays(s.ApprovalDays)
}

// Expired reports whether an approval given at decidedAt has lapsed by now.
// It is valid up to, not including, ExpiresAt: exactly 180 days on, it has
// expired.
func Expired(decidedAt, now time.Time, s Settings) bool {
	return !now.Before(ExpiresAt(decidedAt, s))
}
