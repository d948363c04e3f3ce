package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/care"
	"doorway/internal/store"
)

// PortalHome is what the client's portal opens on: who their care team
// is, where their course stands, what is due, their sessions to come, the
// consents they have yet to sign, and, when their intake was sent back,
// the note that says why.
type PortalHome struct {
	Client    store.Client
	Course    store.Course
	HasCourse bool
	// Team are the active staff on the care team.
	Team     []store.User
	Due      []Due
	Upcoming []store.Appointment
	// Documents and Signatures are the clinic's consent documents in force
	// and the client's signatures, to say what is still to sign.
	Documents  []store.ConsentDocument
	Signatures []store.ConsentSignature
	// Returned is the note that sent the course back to intake, while it is
	// in intake again.
	Returned *store.IntakeReturn
	// Crisis is the clinic's crisis resources, always on the home page.
	Crisis Crisis
}

var opPortalHome = op{action: "portal.read"}

// MyPortal loads the signed-in client's portal home in one read.
func (s *Service) MyPortal(ctx context.Context, a Actor) (PortalHome, error) {
	var h PortalHome
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPortalHome, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		c := ch.Client
		h.Client = c
		team, err := tx.StaffNamed(ctx, c.ClinicID, ch.Team)
		if err != nil {
			return err
		}
		for _, u := range team {
			if u.DisabledAt == nil {
				h.Team = append(h.Team, u)
			}
		}
		if h.Course, h.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		now := s.Now()
		cm, err := clientMeasures(ctx, tx, st.Clinic, c.ID, now)
		if err != nil {
			return err
		}
		h.Due, h.Crisis = st.DueNow(cm, now), st.Crisis
		if h.Upcoming, err = tx.Appointments(ctx, store.AppointmentFilter{ClinicID: c.ClinicID, ClientID: c.ID, From: now, To: now.Add(upcomingHorizon)}); err != nil {
			return err
		}
		if h.Documents, err = tx.CurrentConsentDocuments(ctx, c.ClinicID); err != nil {
			return err
		}
		if h.Signatures, err = tx.ConsentSignatures(ctx, c.ClinicID, c.ID); err != nil {
			return err
		}
		if h.HasCourse && h.Course.State == care.Intake {
			ret, ok, err := tx.LatestIntakeReturn(ctx, c.ClinicID, h.Course.ID)
			if err != nil {
				return err
			}
			if ok {
				h.Returned = &ret
			}
		}
		return nil
	})
	return h, err
}
