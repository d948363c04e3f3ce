// Package care is the journey of one course of ketamine-assisted
// psychotherapy: the states a course moves through, the gates a medicine
// session must pass, and the one-line summary the caseload board shows.
//
// Everything here is pure. The store loads what a course has (a GateInput),
// these functions decide, and the web layer shows the answer; nothing in this
// package reads a clock, a database or a request.
package care

import (
	"fmt"
	"slices"
	"strings"

	"doorway/internal/problem"
)

// State is where a course stands in the journey (DESIGN.md §3).
type State string

const (
	Inquiry     State = "inquiry"
	Intake      State = "intake"
	Screening   State = "screening"
	Preparation State = "preparation"
	// Active covers both medicine sessions and the integration between them:
	// they alternate within a course, so a state for each would churn.
	Active      State = "active"
	Completed   State = "completed"
	Paused      State = "paused"
	Maintenance State = "maintenance"
	// Declined is the end of a course whose screening found it not a fit.
	Declined State = "declined"
)

// states in journey order, with their labels.
var states = []struct {
	s     State
	label string
}{
	{Inquiry, "Inquiry"},
	{Intake, "Intake"},
	{Screening, "Screening"},
	{Preparation, "Preparation"},
	{Active, "Active (medicine sessions and integration)"},
	{Maintenance, "Maintenance"},
	{Paused, "Paused"},
	{Completed, "Completed"},
	{Declined, "Declined (not a fit)"},
}

// next lists the moves each state allows. Besides the main line of the
// journey: screening may send a course back to intake for missing answers,
// preparation may go back to screening when new medical facts come up before
// the first dose (or the prescriber, renewing a lapsed approval, may decline
// it), and paused or maintenance courses may resume. A client may
// stop before any medicine session, so intake, screening and preparation may
// close as completed (declined is the prescriber's word, not the client's).
// Completed and declined are closed: a client who returns starts a new
// course, which also means a fresh screening.
var next = map[State][]State{
	Inquiry:     {Intake},
	Intake:      {Screening, Completed},
	Screening:   {Preparation, Declined, Intake, Completed},
	Preparation: {Active, Screening, Completed, Declined},
	Active:      {Completed, Paused, Maintenance},
	Paused:      {Active, Completed},
	Maintenance: {Active, Paused, Completed},
	Completed:   nil,
	Declined:    nil,
}

// States returns every state in journey order.
func States() []State {
	out := make([]State, len(states))
	for i, s := range states {
		out[i] = s.s
	}
	return out
}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	_, ok := next[s]
	return ok
}

// Label is the state as a person reads it.
func (s State) Label() string {
	for _, x := range states {
		if x.s == s {
			return x.label
		}
	}
	return string(s)
}

// Closed reports whether the course is over and can no longer change state.
func (s State) Closed() bool { return s == Completed || s == Declined }

// Next lists the states a course in s may move to.
func (s State) Next() []State { return slices.Clone(next[s]) }

// Transition says whether a course may move from one state to another, and
// if not, why, in words for the person who tried.
func Transition(from, to State) error {
	if !from.Valid() {
		return problem.Invalidf("state", "Unknown course state %q.", string(from))
	}
	if !to.Valid() {
		return problem.Invalidf("state", "Unknown course state %q.", string(to))
	}
	if from == to {
		return problem.Invalidf("state", "The course is already in %s.", from.Label())
	}
	allowed := next[from]
	if slices.Contains(allowed, to) {
		return nil
	}
	if from.Closed() {
		return problem.Invalidf("state", "This course is %s and closed; start a new course instead.", strings.ToLower(from.Label()))
	}
	labels := make([]string, len(allowed))
	for i, s := range allowed {
		labels[i] = s.Label()
	}
	return problem.Invalidf("state", "A course in %s can move to %s, not to %s.", from.Label(), orList(labels), to.Label())
}

// orList joins "a", "a or b", "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return fmt.Sprintf("%s or %s", strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}

// MedicineAllowed reports whether medicine sessions may take place while a
// course is in s: active, and maintenance (occasional sessions after the
// main course).
func (s State) MedicineAllowed() bool { return s == Active || s == Maintenance }

// OpensMedicine reports whether moving from one state to another means
// medicine sessions may begin, or begin again after a pause: the moves the
// course gates must allow.
func OpensMedicine(from, to State) bool { return to.MedicineAllowed() && !from.MedicineAllowed() }

// ByDecision reports whether a move is made only as part of recording
// something else, never by a bare "move" button: a course leaves intake when
// the client finishes it, leaves screening for preparation or declined by
// the prescriber's screening decision (which may also decline a course in
// preparation when a lapsed approval is reviewed), and goes back to intake
// only with a note telling the client what to look at again.
func ByDecision(from, to State) bool {
	switch {
	case from == Intake && to == Screening:
		return true
	case from == Screening && (to == Preparation || to == Declined || to == Intake):
		return true
	case from == Preparation && to == Declined:
		return true
	}
	return false
}

// CheckMove says whether a course may move from one state to another with
// its course gates as they stand (from CourseGates or Gates): the move must
// be one Transition allows, and a move that opens medicine sessions needs
// every course gate passed or overridden. The refusal names each gate that
// blocks and why.
func CheckMove(from, to State, gates []Gate) error {
	if err := Transition(from, to); err != nil {
		return err
	}
	if !OpensMedicine(from, to) {
		return nil
	}
	var course, blocking []Gate
	for _, g := range gates {
		if g.Scope != CourseScope {
			continue
		}
		course = append(course, g)
		if !g.Cleared() {
			blocking = append(blocking, g)
		}
	}
	if len(course) == 0 {
		// A caller that forgot the gates must not open sessions by accident.
		return problem.Invalidf("state", "The course gates have not been worked out, so medicine sessions cannot begin.")
	}
	if len(blocking) == 0 {
		return nil
	}
	parts := make([]string, len(blocking))
	for i, g := range blocking {
		parts[i] = g.Title + ": " + g.Why
	}
	what := "this gate is"
	if len(blocking) > 1 {
		what = fmt.Sprintf("these %d gates are", len(blocking))
	}
	return problem.Invalidf("state", "The course cannot move to %s: medicine sessions may begin only when every course gate is passed or overridden, and %s not: %s",
		to.Label(), what, strings.Join(parts, " "))
}
