package practice

import (
	"context"
	"slices"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The client's side of the calendar: their upcoming sessions in the
// portal, and a page per session with when, where, who, and for a medicine
// session how to get ready (CLINICAL.md §3).

var opPortalSession = op{action: "appointment.read"}

// upcomingHorizon is how far ahead the portal lists sessions.
const upcomingHorizon = 180 * 24 * time.Hour

// PortalUpcoming lists the signed-in client's sessions from now on,
// soonest first.
func (s *Service) PortalUpcoming(ctx context.Context, a Actor) ([]store.Appointment, error) {
	var list []store.Appointment
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPortalSession, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		now := s.Now()
		list, err = tx.Appointments(ctx, store.AppointmentFilter{ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, From: now, To: now.Add(upcomingHorizon)})
		return err
	})
	return list, err
}

// PortalSessionPage is one of the client's sessions, as their portal shows
// it.
type PortalSessionPage struct {
	Appointment store.Appointment
	RoomName    string
	// Partners are the other clients of a joint session.
	Partners []store.Client
	// StaffNames are the names of the staff in the session, sorted.
	StaffNames []string
	// FastingHours is how long before a medicine session the client stops
	// eating: the fasting the day-of checks hold them to, as the
	// preparation checklist shows it.
	FastingHours float64
}

// PortalSession loads one of the signed-in client's sessions and records
// the look. An appointment that is not theirs is a refusal.
func (s *Service) PortalSession(ctx context.Context, a Actor, apptID string) (*PortalSessionPage, error) {
	p := &PortalSessionPage{}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opPortalSession, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		if !auth.ValidID(apptID) { // names nothing; PostgreSQL refuses text that is not UTF-8
			return s.refuse(a, opPortalSession, "appointment", "", "malformed id", sessionNotFound)
		}
		clinicID := ch.Client.ClinicID
		appt, err := tx.Appointment(ctx, clinicID, apptID)
		if problem.CodeOf(err) == problem.NotFound || (err == nil && !appt.HasClient(ch.Client.ID)) {
			return s.refuse(a, opPortalSession, "appointment", apptID, "not a session of this client", sessionNotFound)
		}
		if err != nil {
			return err
		}
		p.Appointment = appt
		if appt.RoomID != "" {
			room, err := tx.Room(ctx, clinicID, appt.RoomID)
			if err != nil && problem.CodeOf(err) != problem.NotFound {
				return err
			}
			p.RoomName = room.Name
		}
		for _, id := range appt.ClientIDs() {
			if id == ch.Client.ID {
				continue
			}
			c, err := tx.Client(ctx, clinicID, id)
			if err != nil {
				return err
			}
			p.Partners = append(p.Partners, c)
		}
		staff, err := tx.StaffNamed(ctx, clinicID, appt.Staff)
		if err != nil {
			return err
		}
		for _, u := range staff {
			p.StaffNames = append(p.StaffNames, u.Name)
		}
		slices.Sort(p.StaffNames)
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		p.FastingHours = st.Gates.FastingHours
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, s.Record(ctx, a, audit.Entry{Action: opPortalSession.action, ResourceType: "appointment", ResourceID: p.Appointment.ID, ClientID: a.P.ClientID})
}
