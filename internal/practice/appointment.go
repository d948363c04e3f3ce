package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// One session on the calendar, as staff see it: its page and cancelling
// it. A session opens only to one who may act on every client in it.

// notFoundAppointment is what a person is told of a session they may not see.
const notFoundAppointment = "The session was not found."

// appointmentFor loads one of the clinic's appointments, with its clients
// and their care teams into facts, and asks access whether the actor may act
// on every client in it. Absent and refused answer the same refusal.
func (s *Service) appointmentFor(ctx context.Context, tx *store.Tx, a Actor, o op, id string, act access.Action, facts scheduleFacts) (store.Appointment, error) {
	if !auth.ValidID(id) {
		return store.Appointment{}, s.refuse(a, o, "appointment", "", "malformed id", notFoundAppointment)
	}
	appt, err := tx.Appointment(ctx, a.P.ClinicID, id)
	if problem.CodeOf(err) == problem.NotFound {
		return appt, s.refuse(a, o, "appointment", id, "no such record", notFoundAppointment)
	}
	if err != nil {
		return appt, err
	}
	err = facts.loadClients(ctx, tx, a.P.ClinicID, []store.Appointment{appt})
	if problem.CodeOf(err) == problem.NotFound {
		return appt, s.refuse(a, o, "appointment", id, "a client of another clinic", notFoundAppointment)
	}
	if err != nil {
		return appt, err
	}
	if !facts.may(a, act, appt) {
		return store.Appointment{}, s.refuse(a, o, "appointment", id, "out of scope", notFoundAppointment)
	}
	return appt, nil
}

// AppointmentPage is a session's page.
type AppointmentPage struct {
	Appointment store.Appointment
	Room        string   // the room's name; "" for none
	Staff       []string // the clinicians' names, in name order
	// Clients are the session's clients, in its order.
	Clients     []store.Client
	CancelledBy string // the name of who cancelled it
	// CanCancel is true while it is scheduled, to one who may change the
	// record of every client in it.
	CanCancel bool
	// Records are the clients' medicine-session records, for a medicine
	// session that is not cancelled.
	Records []AppointmentRecord
}

// AppointmentRecord is where one client's record of a medicine session
// stands.
type AppointmentRecord struct {
	Client  store.Client
	Session store.MedicineSession
	// Started is false until the pre-dose checks are first saved.
	Started bool
}

var opAppointment = op{action: "appointment.read"}

// Appointment is a session's page, for one who may read the record of
// every client in it. Its reading is recorded once per client, so each
// client's accounting of access shows it.
func (s *Service) Appointment(ctx context.Context, a Actor, id string) (AppointmentPage, error) {
	var out AppointmentPage
	err := s.read(ctx, a, func(tx *store.Tx) error {
		facts := newScheduleFacts()
		appt, err := s.appointmentFor(ctx, tx, a, opAppointment, id, access.Read, facts)
		if err != nil {
			return err
		}
		if err := facts.loadStaffAndRooms(ctx, tx, a.P.ClinicID); err != nil {
			return err
		}
		out = AppointmentPage{Appointment: appt, Room: facts.rooms[appt.RoomID].Name, Staff: facts.staffNames(appt.Staff),
			CancelledBy: facts.staff[appt.CancelledBy].Name,
			CanCancel:   appt.Status == store.StatusScheduled && facts.may(a, access.Write, appt)}
		for _, cid := range appt.ClientIDs() {
			out.Clients = append(out.Clients, facts.clients[cid])
		}
		if appt.Kind != store.KindMedicine || appt.Status == store.StatusCancelled {
			return nil
		}
		for _, c := range out.Clients {
			m, ok, err := tx.MedicineSessionFor(ctx, appt.ClinicID, appt.ID, c.ID)
			if err != nil {
				return err
			}
			out.Records = append(out.Records, AppointmentRecord{Client: c, Session: m, Started: ok})
		}
		return nil
	})
	if err != nil {
		return AppointmentPage{}, err
	}
	var entries []audit.Entry
	for _, c := range out.Clients {
		entries = append(entries, audit.Entry{Action: opAppointment.action, ResourceType: "appointment", ResourceID: id, ClientID: c.ID})
	}
	return out, s.Record(ctx, a, entries...)
}

var opCancel = op{action: "appointment.cancel"}

// CancelAppointment cancels a scheduled session, saying why; its room and
// its people are free again. One who may change the record of every client
// in it cancels it; the change is recorded once per client.
func (s *Service) CancelAppointment(ctx context.Context, a Actor, id, reason string) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		appt, err := s.appointmentFor(ctx, tx, a, opCancel, id, access.Write, newScheduleFacts())
		if err != nil {
			return err
		}
		if err := tx.CancelAppointment(ctx, a.P.ClinicID, appt.ID, a.P.UserID, reason, s.Now()); err != nil {
			return err
		}
		for _, cid := range appt.ClientIDs() {
			if err := s.appendTx(ctx, tx, a, audit.Entry{Action: opCancel.action, ResourceType: "appointment", ResourceID: appt.ID, ClientID: cid}); err != nil {
				return err
			}
		}
		// Its reminders are cancelled, and its cancellation e-mails queued,
		// with it (session_mail.go).
		return s.queueCancelMail(ctx, tx, appt)
	})
}
