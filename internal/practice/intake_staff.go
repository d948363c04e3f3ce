package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The care team's side of intake: every answer, read-only, and sending a
// course in screening back to intake with a note the client reads.

// StaffIntake is a client's intake on their current course as the care
// team reads it.
type StaffIntake struct {
	Client    store.Client
	HasCourse bool
	Course    store.Course
	Intake    store.Intake
	// Returned is the latest note that sent the course back to intake.
	Returned *store.IntakeReturn
	// CanReturn: the viewer may send the course back (a clinician on the
	// team), and it is in screening with its intake finished.
	CanReturn bool
}

var (
	opStaffIntake  = op{action: "intake.read"}
	opIntakeReturn = op{action: "intake.return"}
)

// StaffIntake is a client's intake for their care team; the reading is
// recorded.
func (s *Service) StaffIntake(ctx context.Context, a Actor, clientID string) (StaffIntake, error) {
	var out StaffIntake
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opStaffIntake, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		c := ch.Client
		out.Client = c
		if out.Course, out.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !out.HasCourse {
			return err
		}
		if out.Intake, err = courseIntake(ctx, tx, out.Course); err != nil {
			return err
		}
		ret, ok, err := tx.LatestIntakeReturn(ctx, c.ClinicID, out.Course.ID)
		if ok {
			out.Returned = &ret
		}
		out.CanReturn = out.Course.State == care.Screening && out.Intake.CompletedAt != nil && ch.may(a, access.Write, access.ClinicalCare)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opStaffIntake.action, ResourceType: "intake", ResourceID: out.Course.ID, ClientID: out.Client.ID,
		Detail: "care team"})
}

// ReturnToIntake sends a course waiting for its screening decision back to
// intake: the client may change their answers again, and reads the note in
// their portal. The course, the answers and the note change together. It
// returns the client, for the page to name them.
func (s *Service) ReturnToIntake(ctx context.Context, a Actor, clientID, note string) (store.Client, error) {
	var c store.Client
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opIntakeReturn, clientID, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		c = ch.Client
		if course.State != care.Screening {
			return problem.Invalidf("note", "Only a course waiting for its screening decision can go back to intake; this one is in %s.", course.State.Label())
		}
		if err := tx.SetCourseState(ctx, course, care.Intake, now); err != nil {
			return err
		}
		ret := store.IntakeReturn{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: course.ID, Note: note, By: a.P.UserID, At: now}
		if err := tx.ReturnToIntake(ctx, &ret); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opIntakeReturn.action, ResourceType: "intake", ResourceID: course.ID, ClientID: c.ID,
			Detail: "screening -> intake"})
	})
	return c, err
}
