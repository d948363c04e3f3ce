package session

import (
	"fmt"
	"slices"
	"strings"

	"doorway/internal/problem"
)

// The record of one client's medicine session (CLINICAL.md §3) moves one
// way through its states:
//
//	checklist → dosed → discharged
//	checklist → held              pre-dose blood pressure above the hold line
//	checklist or dosed → stopped  ended early, with a reason
//
// A session that has ended (discharged, held or stopped) is signed, and the
// signature locks the record: nothing in it changes again, and corrections
// are added as addenda. These are the rules of what may change when; the
// store keeps the state, refuses a move someone else made in between, and
// its database triggers refuse any change to a signed record whatever the
// code above them does.

// State is where a session record stands. The values are stored.
type State string

const (
	Checklist  State = "checklist"  // pre-dose checks under way
	Dosed      State = "dosed"      // the dose is given; monitoring
	Discharged State = "discharged" // the client has gone home
	Held       State = "held"       // no dose today: pre-dose blood pressure above the hold line
	Stopped    State = "stopped"    // ended early, with a reason
)

// States lists every state, in the order a session meets them.
func States() []State { return []State{Checklist, Dosed, Discharged, Held, Stopped} }

// Label names the state for people.
func (s State) Label() string {
	switch s {
	case Checklist:
		return "Pre-dose checks"
	case Dosed:
		return "Dosed: monitoring"
	case Discharged:
		return "Discharged"
	case Held:
		return "Held: no dose today"
	case Stopped:
		return "Stopped"
	}
	return string(s)
}

// Ended reports whether the session is over and its record may be signed.
func (s State) Ended() bool { return s == Discharged || s == Held || s == Stopped }

// moves are the states each state may move to. An ended state moves
// nowhere.
var moves = map[State][]State{
	Checklist: {Dosed, Held, Stopped},
	Dosed:     {Discharged, Stopped},
}

// moveRefused says what cannot be done when a move is refused, by the
// state moved to.
var moveRefused = map[State]string{
	Dosed:      "The dose cannot be recorded",
	Held:       "The session cannot be held",
	Stopped:    "The session cannot be stopped",
	Discharged: "The client cannot be discharged",
}

// Part is a part of the record that a change touches.
type Part string

const (
	PartChecks            Part = "checks"                // the day's checklist
	PartWeight            Part = "weight"                // the day's weight, taken before the dose
	PartPreDoseReading    Part = "pre-dose reading"      // vital signs taken with the checks
	PartOverride          Part = "override"              // a prescriber's override of a gate, for this session
	PartDoseConfirmation  Part = "dose confirmation"     // a prescriber's confirmation of a dose
	PartReading           Part = "reading"               // vital signs after the dose
	PartObservation       Part = "observation"           // sedation, dissociation, a note
	PartAdministrationEnd Part = "end of administration" // the end of an infusion, the last device, the lozenge spat out
	PartStrike            Part = "strike"                // striking a reading through
	PartSetting           Part = "setting"               // the room, and the staff present
	PartAlertAck          Part = "alert ack"             // acknowledging an alert
	PartAdverseEvent      Part = "adverse event"         // an event, and its outcome once known
	PartAddendum          Part = "addendum"              // a correction or addition after the signature
)

// Parts lists every part.
func Parts() []Part {
	return []Part{PartChecks, PartWeight, PartPreDoseReading, PartOverride, PartDoseConfirmation, PartReading, PartObservation,
		PartAdministrationEnd, PartStrike, PartSetting, PartAlertAck, PartAdverseEvent, PartAddendum}
}

// partRule is when a part may change before the signature: in the states
// listed, or in any state when states is nil; refused says what cannot be
// done otherwise.
type partRule struct {
	states  []State
	refused string
}

var partRules = map[Part]partRule{
	PartChecks:           {[]State{Checklist}, "The checklist can no longer be changed"},
	PartWeight:           {[]State{Checklist}, "The day's weight can no longer be recorded"},
	PartPreDoseReading:   {[]State{Checklist}, "A pre-dose reading can no longer be added"},
	PartOverride:         {[]State{Checklist}, "A gate can no longer be overridden"},
	PartDoseConfirmation: {[]State{Checklist}, "The dose can no longer be confirmed"},
	PartReading:          {[]State{Dosed}, "Readings are taken after the dose"},
	PartObservation:      {[]State{Dosed}, "Observations are made after the dose"},
	// The minimum observation counts from the end of administration, so
	// it is recorded while the client is watched, before discharge.
	PartAdministrationEnd: {[]State{Dosed}, "The end of administration is recorded after the dose, before discharge"},
	// A reading entered in error is struck through whenever it is found.
	PartStrike: {},
	// Who was in the room is often settled as the session goes on.
	PartSetting: {},
	// A pre-dose reading can raise an alert on a session that is then
	// held, and that alert still needs its note.
	PartAlertAck: {},
	// An event can come before the dose (anxiety during the checks), in a
	// held session, or be reported after discharge.
	PartAdverseEvent: {},
}

// RecordField names the record in a refusal about where it stands, so an
// adapter can say which element is at fault.
const RecordField = "session"

// Record is a session record as these rules see it.
type Record struct {
	State  State
	Signed bool // signed and locked
}

// errSigned refuses any change to a signed record but an addendum.
func errSigned() error {
	return &problem.Error{Code: problem.Conflict, Field: RecordField,
		Message: "This session record is signed and locked; corrections are added as addenda."}
}

// errState refuses what the record's state does not allow.
func (r Record) errState(what string) error {
	return &problem.Error{Code: problem.Conflict, Field: RecordField,
		Message: fmt.Sprintf("%s: the session is now %s. Reload the page to see where it stands.", what, strings.ToLower(r.State.Label()))}
}

// CanMove reports whether the record's state may move to to.
func (r Record) CanMove(to State) bool { return !r.Signed && slices.Contains(moves[r.State], to) }

// Move refuses a move the record does not allow, saying why.
func (r Record) Move(to State) error {
	switch {
	case r.Signed:
		return errSigned()
	case !r.CanMove(to):
		what, ok := moveRefused[to]
		if !ok {
			what = "The session cannot become " + strings.ToLower(to.Label())
		}
		return r.errState(what)
	}
	return nil
}

// Change refuses a change to a part of the record that its state does not
// allow, saying why. Only an addendum is added to a signed record, and
// only to a signed one.
func (r Record) Change(p Part) error {
	if p == PartAddendum {
		if !r.Signed {
			return problem.New(problem.Conflict, "The record is not signed yet; add to it directly.")
		}
		return nil
	}
	rule, ok := partRules[p]
	switch {
	case !ok:
		return fmt.Errorf("session: no rule for the part %q", p)
	case r.Signed:
		return errSigned()
	case rule.states != nil && !slices.Contains(rule.states, r.State):
		return r.errState(rule.refused)
	}
	return nil
}

// Sign refuses a signature the record does not allow: only a session that
// has ended is signed, and only once.
func (r Record) Sign() error {
	switch {
	case r.Signed:
		return errSigned()
	case !r.State.Ended():
		return &problem.Error{Code: problem.Conflict, Field: RecordField,
			Message: "The session has not ended: discharge the client, or record why it was held or stopped, before signing."}
	}
	return nil
}
