package care

// Summary is what the caseload board shows for one course: where it is and
// the first thing standing in its way.
type Summary struct {
	State State
	Phase string // the state's label
	// Blocked is the first course gate that blocks, in journey order; nil
	// when none does or the course is closed.
	Blocked *Gate
	// Text is the line for the board, e.g. "Preparation: waiting on Consent:
	// KAP informed consent. Consent 'KAP informed consent' version 3 is not
	// signed; the client signed version 2."
	Text string
}

// Summarize reads the course gates (from CourseGates; any day-of gates in
// the list are ignored, since the board is not the day of a session) and
// says what blocks the course.
func Summarize(state State, gates []Gate) Summary {
	sum := Summary{State: state, Phase: state.Label()}
	switch {
	case state.Closed():
		sum.Text = sum.Phase + "."
		return sum
	case state == Paused:
		// A paused course is waiting on a decision to resume, not on a gate;
		// a gate would be stale news until then.
		sum.Text = "Paused."
		return sum
	}
	for _, g := range gates {
		if g.Scope == CourseScope && !g.Cleared() {
			sum.Blocked = &g
			sum.Text = sum.Phase + ": waiting on " + g.Title + ". " + g.Why
			return sum
		}
	}
	sum.Text = sum.Phase + ": ready for a medicine session once the day's checks pass."
	return sum
}
