package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Assigned is a questionnaire a clinician has asked a client to complete.
type Assigned struct {
	Client     store.Client
	Instrument *measures.Instrument
	Assignment store.Assignment
}

var opAssignQuestionnaire = op{action: "measure.assign"}

// AssignQuestionnaire asks a client to complete an instrument the clinic
// uses, due now: it shows in their portal until they answer it. A
// clinician who may change the client's record assigns it; the assignment
// belongs to the client's current course, if any.
func (s *Service) AssignQuestionnaire(ctx context.Context, a Actor, clientID, instrumentID string) (Assigned, error) {
	var out Assigned
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opAssignQuestionnaire, clientID, access.ClientRecord, access.Write)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		in, err := st.Instrument(strings.TrimSpace(instrumentID))
		if err != nil {
			// The form offers only the clinic's instruments: anything else
			// is a choice to make again, not a missing record.
			return problem.Invalidf(FieldInstrument, "Choose a questionnaire from the list.")
		}
		c := ch.Client
		asg := store.Assignment{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, InstrumentID: in.ID, Occasion: store.OccasionAssigned,
			DueAt: now, AssignedBy: a.P.UserID, CreatedAt: now}
		course, hasCourse, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		if hasCourse {
			asg.CourseID = course.ID
		}
		if err := tx.CreateAssignment(ctx, &asg); err != nil {
			return err
		}
		out = Assigned{Client: c, Instrument: in, Assignment: asg}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: a.actionOf(opAssignQuestionnaire), ResourceType: "instrument_assignment",
			ResourceID: asg.ID, ClientID: c.ID, Detail: in.ShortTitle})
	})
	return out, err
}
