package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// A course's phase and its gates: the moves the care team makes, and the
// prescribers' overrides of a gate that does not pass.

// Course problems name the part of the course page they are about.
const (
	FieldState = "state" // the move asked for
	FieldGate  = "gate"  // the gate to override
)

var (
	opCourseMove   = op{action: "course.state"}
	opGateOverride = op{action: "gate.override"}
)

// MoveCourse moves a client's current course to another phase. Moves made
// by recording something else (finishing intake, the screening decision,
// sending it back to intake) are refused with where they are made; a move
// that opens medicine sessions needs every course gate passed or
// overridden, as the gates stand inside this transaction.
func (s *Service) MoveCourse(ctx context.Context, a Actor, clientID string, to care.State) (store.Course, error) {
	var course store.Course
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, cur, err := s.courseFor(ctx, tx, a, opCourseMove, clientID, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		course = cur
		if care.ByDecision(course.State, to) && care.Transition(course.State, to) == nil {
			return problem.Invalidf(FieldState, "%s", byDecisionText(course.State, to))
		}
		gates, err := s.courseGates(ctx, tx, a, course, now)
		if err != nil {
			return err
		}
		if err := care.CheckMove(course.State, to, gates); err != nil {
			return err
		}
		if err := tx.SetCourseState(ctx, course, to, now); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opCourseMove.action, ResourceType: "course", ResourceID: course.ID, ClientID: ch.Client.ID,
			Detail: string(course.State) + " -> " + string(to)})
	})
	// Whatever refuses the move is said by the move's buttons.
	if problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) != FieldState {
		err = problem.Invalidf(FieldState, "%s", problem.MessageOf(err))
	}
	return course, err
}

// byDecisionText says where a move that is not a bare button is made.
func byDecisionText(from, to care.State) string {
	switch {
	case from == care.Intake:
		return "The course moves to screening when the client finishes their intake in the portal."
	case to == care.Intake:
		return "To send the course back to intake, use the intake page, with a note telling the client what to look at again."
	}
	return "The prescriber's screening decision moves a course on to preparation or declines it; it is recorded on the screening page."
}

// OverrideGate records a prescriber's override of one of a course's gates,
// with their reason. Access has said the actor is a prescriber on the care
// team; care.CheckOverride says whether this gate may be overridden as it
// stands, and with what reason.
func (s *Service) OverrideGate(ctx context.Context, a Actor, clientID, gateID, reason string) (store.GateOverride, error) {
	var so store.GateOverride
	now := s.Now()
	reason = strings.TrimSpace(reason)
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opGateOverride, clientID, access.PrescriberOrder, access.Write)
		if err != nil {
			return err
		}
		gates, err := s.courseGates(ctx, tx, a, course, now)
		if err != nil {
			return err
		}
		gate := care.FindGate(gates, gateID)
		if gate == nil {
			return problem.Invalidf(FieldGate, "Choose one of the course's gates.")
		}
		o := care.Override{GateID: gate.ID, Reason: reason, By: a.Name, ByPrescriber: true, At: now}
		if err := care.CheckOverride(*gate, o); err != nil {
			// Who may override is access's to say, and it has: a refusal
			// by "by" is about the gate as the form offers it.
			if problem.FieldOf(err) == "by" {
				return problem.Invalidf(FieldGate, "%s", problem.MessageOf(err))
			}
			return err
		}
		so = store.GateOverride{ID: auth.NewID(), ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, CourseID: course.ID, GateID: gate.ID,
			Reason: reason, By: a.P.UserID, At: now}
		if err := tx.AddGateOverride(ctx, &so); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opGateOverride.action, ResourceType: "gate_override", ResourceID: so.ID, ClientID: ch.Client.ID,
			Severity: audit.High, Detail: gate.ID})
	})
	return so, err
}
