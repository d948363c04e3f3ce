package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The joint live view of a couple's medicine session: one page with a
// column per partner, each headed with the partner's name, showing that
// partner's own gates, monitoring, alerts and discharge from their own
// record, so a clinician watching two people at once never has to guess
// whose reading is whose. A reader on only one partner's care team sees
// that partner's column and the other's name only.

var opJointRead = op{action: "medicine_session.joint_read"}

// JointPart is one partner's column.
type JointPart struct {
	Client store.Client
	// Page is the partner's record page; nil when the reader may not
	// read this partner's record.
	Page *SessionPage
	// Problem says why the partner's record cannot be shown (no course).
	Problem string
}

// JointSession is the joint live view of one appointment.
type JointSession struct {
	Appointment store.Appointment
	Parts       []JointPart
}

// JointSessionPage loads the joint view of a couple's medicine session
// and records a read of each partner's record shown. An appointment that
// is not a joint medicine session, or whose partners the reader may not
// read at all, is refused as absent.
func (s *Service) JointSessionPage(ctx context.Context, a Actor, apptID string) (*JointSession, error) {
	var js JointSession
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if !auth.ValidID(apptID) {
			return s.refuse(a, opJointRead, "medicine_session", "", "malformed id", sessionNotFound)
		}
		appt, err := tx.Appointment(ctx, a.P.ClinicID, apptID)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opJointRead, "medicine_session", apptID, "no such session", sessionNotFound)
		}
		if err != nil {
			return err
		}
		if appt.Kind != store.KindMedicine || len(appt.ClientIDs()) != 2 {
			return s.refuse(a, opJointRead, "medicine_session", apptID, "not a joint medicine session", sessionNotFound)
		}
		js.Appointment = appt
		seen := false
		for _, id := range appt.ClientIDs() {
			c, err := tx.Client(ctx, appt.ClinicID, id)
			if err != nil {
				return err
			}
			team, err := tx.CareTeam(ctx, id)
			if err != nil {
				return err
			}
			part := JointPart{Client: c}
			if (chart{Client: c, Team: team}).may(a, access.Read, access.ClientRecord) {
				seen = true
				part.Page, err = s.sessionPage(ctx, tx, a, opJointRead, SessionTarget{ClientID: id, AppointmentID: apptID}, access.ClientRecord, access.Read)
				if problem.CodeOf(err) == problem.Conflict {
					part.Page, part.Problem, err = nil, problem.MessageOf(err), nil
				}
				if err != nil {
					return err
				}
			}
			js.Parts = append(js.Parts, part)
		}
		if !seen {
			return s.refuse(a, opJointRead, "medicine_session", apptID, "out of scope", sessionNotFound)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var entries []audit.Entry
	for _, p := range js.Parts {
		if p.Page != nil {
			entries = append(entries, p.Page.entry(a, opJointRead, "joint view of appointment "+apptID))
		} else if p.Problem != "" {
			entries = append(entries, audit.Entry{Action: opJointRead.action, ResourceType: "medicine_session", ResourceID: apptID, ClientID: p.Client.ID, Detail: "joint view"})
		}
	}
	return &js, s.Record(ctx, a, entries...)
}
