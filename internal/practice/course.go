package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// A client's course: the care team's course page, and what every change to
// a course (its phase, gates, goals, notes) and the client's preparation in
// their portal share.

// ClientCourse is what the care team's course page shows of a client: the
// phase with every course gate and why it passes or fails, the client's
// consent and checklist, goals with their latest scores, preparation notes
// and medicine sessions, and what the viewer may change.
type ClientCourse struct {
	Client    store.Client
	HasCourse bool
	Course    store.Course
	Gates     []care.Gate
	Consents  ClientConsents
	Checklist store.Checklist
	Goals     []store.Goal
	// Latest is the client's latest total of each instrument, which a
	// goal's target is measured against.
	Latest map[string]int
	Notes  []store.PrepNote
	// Partners names the other client of each joint session's note, by id.
	Partners map[string]string
	// CoupleWith is the partner's name while the client is in couples
	// work, for the note form's joint-session choice; "" otherwise.
	CoupleWith string
	Sessions   []CourseSession
	// StaffNames are the clinic's staff names by id, for who wrote, agreed
	// or marked what.
	StaffNames map[string]string
	// CanWrite: the viewer may change the course (a clinician on the
	// team); CanOverride: they may override a gate (a prescriber on it).
	CanWrite, CanOverride bool
}

// CourseSession is one medicine session of a client's course, newest
// first: the appointment and the session's record, when it has begun.
type CourseSession struct {
	Appointment store.Appointment
	Session     store.MedicineSession
	Started     bool
}

var opCourseRead = op{action: "course.read"}

// Course is the course page's view of a client, worked out with the
// clinic's settings in one snapshot; the reading is recorded.
func (s *Service) Course(ctx context.Context, a Actor, clientID string) (ClientCourse, error) {
	var out ClientCourse
	now := s.Now()
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opCourseRead, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		c := ch.Client
		out.Client = c
		out.CanWrite = ch.may(a, access.Write, access.ClinicalCare)
		out.CanOverride = ch.may(a, access.Write, access.PrescriberOrder)
		if out.Course, out.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !out.HasCourse {
			return err
		}
		if out.Gates, err = s.courseGates(ctx, tx, a, out.Course, now); err != nil {
			return err
		}
		if out.Consents, err = consentsOf(ctx, tx, c); err != nil {
			return err
		}
		if out.Checklist, _, err = tx.CourseChecklist(ctx, c.ClinicID, out.Course.ID); err != nil {
			return err
		}
		if out.StaffNames, err = tx.StaffNames(ctx, c.ClinicID); err != nil {
			return err
		}
		if out.Goals, err = tx.Goals(ctx, c.ClinicID, out.Course.ID); err != nil {
			return err
		}
		if out.Latest, err = latestTotals(ctx, tx, c); err != nil {
			return err
		}
		if out.Notes, err = tx.PrepNotes(ctx, c.ClinicID, out.Course.ID); err != nil {
			return err
		}
		out.Partners = map[string]string{}
		for _, n := range out.Notes {
			if n.JointWith != "" && out.Partners[n.JointWith] == "" {
				if p, err := tx.Client(ctx, c.ClinicID, n.JointWith); err == nil {
					out.Partners[n.JointWith] = p.DisplayName()
				}
			}
		}
		if live, ok, err := tx.LiveCoupleOf(ctx, c.ClinicID, c.ID); err != nil {
			return err
		} else if ok {
			p, err := tx.Client(ctx, c.ClinicID, live.Partner(c.ID))
			if err != nil {
				return err
			}
			out.CoupleWith = p.DisplayName()
		}
		out.Sessions, err = courseSessions(ctx, tx, c, now)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opCourseRead.action, ResourceType: "course", ResourceID: out.Course.ID, ClientID: out.Client.ID})
}

// courseSessions are a client's medicine sessions from two years back to
// two months ahead, newest first.
func courseSessions(ctx context.Context, tx *store.Tx, c store.Client, now time.Time) ([]CourseSession, error) {
	list, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: c.ClinicID, ClientID: c.ID,
		From: now.AddDate(-2, 0, 0), To: now.AddDate(0, 0, 60)})
	if err != nil {
		return nil, err
	}
	// The client's records in one read, matched to their appointments,
	// rather than one read per appointment.
	records, err := tx.ClientMedicineSessions(ctx, c.ClinicID, c.ID)
	if err != nil {
		return nil, err
	}
	byAppointment := make(map[string]store.MedicineSession, len(records))
	for _, m := range records {
		byAppointment[m.AppointmentID] = m
	}
	var out []CourseSession
	for i := len(list) - 1; i >= 0; i-- {
		appt := list[i]
		if appt.Kind != store.KindMedicine {
			continue
		}
		m, ok := byAppointment[appt.ID]
		out = append(out, CourseSession{Appointment: appt, Session: m, Started: ok})
	}
	return out, nil
}

// courseFor loads a client's current course, once access allows the actor
// to act on their record as t (a client in their own portal asks as
// access.ClientPortal). A client without a course is a Conflict, worded
// for who asks: there is nothing to change or fill in yet.
func (s *Service) courseFor(ctx context.Context, tx *store.Tx, a Actor, o op, clientID string, t access.Type, act access.Action) (chart, store.Course, error) {
	ch, err := s.chartFor(ctx, tx, a, o, clientID, t, act)
	if err != nil {
		return ch, store.Course{}, err
	}
	course, has, err := tx.CurrentCourse(ctx, ch.Client.ClinicID, ch.Client.ID)
	if err == nil && !has {
		none := "This client has no course yet."
		if t == access.ClientPortal {
			none = "Your care team has not opened your course yet."
		}
		err = problem.New(problem.Conflict, "%s", none)
	}
	return ch, course, err
}

// courseGates works out the gates of a course with the clinic's settings,
// from what tx holds: inside a write, a consent withdrawn a moment ago
// still blocks the move it decides on.
func (s *Service) courseGates(ctx context.Context, tx *store.Tx, a Actor, course store.Course, now time.Time) ([]care.Gate, error) {
	st, err := s.settings(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	in, err := tx.GateInput(ctx, course)
	if err != nil {
		return nil, err
	}
	return care.CourseGates(in, st.Gates, now), nil
}

// latestTotals is the client's latest total on each instrument.
func latestTotals(ctx context.Context, tx *store.Tx, c store.Client) (map[string]int, error) {
	return tx.LatestTotals(ctx, c.ClinicID, c.ID)
}
