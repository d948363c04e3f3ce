package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// The client's preparation checklist in their portal: what they do to be
// ready for a medicine session, which the care team sees on the course
// page and the day's checks ask about again.

// PortalChecklist is the signed-in client's checklist on their current
// course, with how long the clinic asks them to fast.
type PortalChecklist struct {
	HasCourse    bool
	Checklist    store.Checklist
	FastingHours float64
}

var (
	opChecklistRead = op{action: "checklist.read"}
	opChecklistSave = op{action: "checklist.save"}
)

// MyPreparation is the signed-in client's checklist; the reading is
// recorded.
func (s *Service) MyPreparation(ctx context.Context, a Actor) (PortalChecklist, error) {
	var out PortalChecklist
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opChecklistRead, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		// The fasting time the day-of checks hold the client to.
		out.FastingHours = st.Gates.FastingHours
		course, has, err := tx.CurrentCourse(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil || !has {
			return err
		}
		out.HasCourse = true
		out.Checklist, _, err = tx.CourseChecklist(ctx, course.ClinicID, course.ID)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opChecklistRead.action, ResourceType: "checklist", ClientID: a.P.ClientID})
}

// SaveChecklist saves the signed-in client's ticks and their companion's
// details on their current course's checklist.
func (s *Service) SaveChecklist(ctx context.Context, a Actor, cl store.Checklist) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		_, course, err := s.courseFor(ctx, tx, a, opChecklistSave, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		cl.CourseID, cl.ClinicID, cl.ClientID, cl.UpdatedBy, cl.UpdatedAt = course.ID, course.ClinicID, course.ClientID, a.P.UserID, now
		if err := tx.SaveChecklist(ctx, &cl); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opChecklistSave.action, ResourceType: "checklist", ResourceID: course.ID, ClientID: course.ClientID})
	})
}
