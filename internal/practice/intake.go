package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/intake"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Intake in the client's portal: one section at a time, each saved on its
// own so the client can stop and come back; finishing it runs screening
// and moves the course on to the prescriber's decision.

// PortalIntake is the signed-in client's intake on their current course.
type PortalIntake struct {
	Client store.Client
	Course store.Course
	Intake store.Intake
	// Section is the section opened, when one was asked for.
	Section intake.Section
	// Returned is the note that sent the course back to intake, while it
	// is in intake again (only on the overview); nil otherwise.
	Returned *store.IntakeReturn
}

// IntakeSectionInput is one section of the intake as the client filled it:
// the answers by question id, and the medicines on the medicines section.
type IntakeSectionInput struct {
	Section     string
	Answers     map[string]string
	Medications []intake.Medication
}

var (
	opIntakeRead   = op{action: "intake.read"}
	opIntakeSave   = op{action: "intake.save"}
	opIntakeFinish = op{action: "intake.complete"}
)

// errIntakeClosed refuses a change to an intake the course has moved on
// from.
func errIntakeClosed() error {
	return problem.New(problem.Conflict, "Your intake is finished; your care team can help with any changes.")
}

// Intake is the overview of the signed-in client's intake, with the note
// that sent it back, if it was; the reading is recorded.
func (s *Service) Intake(ctx context.Context, a Actor) (PortalIntake, error) {
	return s.openIntake(ctx, a, "")
}

// IntakeSection is the signed-in client's intake with one section open to
// fill in; a section that does not exist is NotFound. The reading is
// recorded with the section.
func (s *Service) IntakeSection(ctx context.Context, a Actor, sectionID string) (PortalIntake, error) {
	if sectionID == "" {
		return PortalIntake{}, problem.New(problem.NotFound, "There is no such section of the intake.")
	}
	return s.openIntake(ctx, a, sectionID)
}

func (s *Service) openIntake(ctx context.Context, a Actor, sectionID string) (PortalIntake, error) {
	var out PortalIntake
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opIntakeRead, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		out.Client, out.Course = ch.Client, course
		if sectionID != "" {
			var ok bool
			if out.Section, ok = intake.SectionByID(sectionID); !ok {
				return problem.New(problem.NotFound, "There is no such section of the intake.")
			}
		}
		if out.Intake, err = courseIntake(ctx, tx, course); err != nil {
			return err
		}
		if sectionID == "" && course.State == care.Intake {
			ret, ok, err := tx.LatestIntakeReturn(ctx, course.ClinicID, course.ID)
			if ok {
				out.Returned = &ret
			}
			return err
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opIntakeRead.action, ResourceType: "intake", ResourceID: out.Course.ID, ClientID: out.Client.ID,
		Detail: sectionID})
}

// courseIntake is a course's intake, empty when nothing is saved yet.
func courseIntake(ctx context.Context, tx *store.Tx, course store.Course) (store.Intake, error) {
	in, _, err := tx.CourseIntake(ctx, course.ClinicID, course.ID)
	in.CourseID, in.ClinicID, in.ClientID = course.ID, course.ClinicID, course.ClientID
	return in, err
}

// SaveIntakeSection saves one section of the signed-in client's intake
// while the course is in intake. Answers are checked by the section's
// questions; a refused one names its question.
func (s *Service) SaveIntakeSection(ctx context.Context, a Actor, in IntakeSectionInput) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		_, course, err := s.courseFor(ctx, tx, a, opIntakeSave, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		sec, ok := intake.SectionByID(in.Section)
		if !ok {
			return problem.New(problem.NotFound, "There is no such section of the intake.")
		}
		if course.State != care.Intake {
			return errIntakeClosed()
		}
		saved, err := courseIntake(ctx, tx, course)
		if err != nil {
			return err
		}
		saved.UpdatedAt = now
		if err := saved.Answers.Save(sec, in.Answers, in.Medications); err != nil {
			return err
		}
		if err := tx.SaveIntake(ctx, saved); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opIntakeSave.action, ResourceType: "intake", ResourceID: course.ID, ClientID: course.ClientID,
			Detail: sec.ID})
	})
}

// FinishIntake closes the signed-in client's intake once every section is
// saved, moves the course to screening, and records the screening tier for
// the prescriber, as of now, in one transaction.
func (s *Service) FinishIntake(ctx context.Context, a Actor) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opIntakeFinish, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		if course.State != care.Intake {
			return errIntakeClosed()
		}
		in, err := courseIntake(ctx, tx, course)
		if err != nil {
			return err
		}
		if !in.Answers.Complete() {
			return problem.Invalidf("intake", "A few sections are still to do; each one is marked on this page.")
		}
		in.CompletedAt, in.UpdatedAt = &now, now
		if err := tx.SaveIntake(ctx, in); err != nil {
			return err
		}
		if err := tx.SetCourseState(ctx, course, care.Screening, now); err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		_, err = evaluateScreening(ctx, tx, ch.Client, in, st.Screening)
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opIntakeFinish.action, ResourceType: "intake", ResourceID: course.ID, ClientID: ch.Client.ID,
			Detail: "screening evaluated"}) // its result is in the record
	})
}
