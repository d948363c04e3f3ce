package care

import "doorway/internal/problem"

// At the end of a course the care team looks back at each goal and
// intention with the client and says how it ended. The words are kinder
// than a pass or fail: a goal partly reached is not a failure, and one not
// reached yet may be the work of the next course.

// GoalOutcome is how a goal or intention ended, in the care team's review.
type GoalOutcome string

const (
	OutcomeAchieved GoalOutcome = "achieved"
	OutcomePartly   GoalOutcome = "partly"
	OutcomeNotYet   GoalOutcome = "not_yet"
	OutcomeDropped  GoalOutcome = "dropped"
)

// GoalOutcomes are the outcomes in the order a review offers them.
func GoalOutcomes() []GoalOutcome {
	return []GoalOutcome{OutcomeAchieved, OutcomePartly, OutcomeNotYet, OutcomeDropped}
}

// Label is the outcome in words.
func (o GoalOutcome) Label() string {
	switch o {
	case OutcomeAchieved:
		return "Achieved"
	case OutcomePartly:
		return "Partly achieved"
	case OutcomeNotYet:
		return "Not yet"
	case OutcomeDropped:
		return "Dropped"
	}
	return "Not reviewed yet"
}

// ParseGoalOutcome reads an outcome as a form sends it.
func ParseGoalOutcome(s string) (GoalOutcome, error) {
	for _, o := range GoalOutcomes() {
		if string(o) == s {
			return o, nil
		}
	}
	return "", problem.Invalidf("outcome", "Choose how this goal ended: achieved, partly, not yet or dropped.")
}

// Final reports whether reviewing a goal with this outcome also closes the
// goal itself (marked achieved or dropped, as on the course page); partly
// and not yet leave it open.
func (o GoalOutcome) Final() bool { return o == OutcomeAchieved || o == OutcomeDropped }

// ReviewOpen reports whether a course has come far enough for its goals to
// be reviewed: once medicine sessions have begun, so that a review can be
// written as the course draws to a close, and after it has ended. A course
// declined at screening never had goals to reach.
func ReviewOpen(s State) bool {
	switch s {
	case Active, Maintenance, Paused, Completed:
		return true
	}
	return false
}
