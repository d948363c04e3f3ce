package practice

import (
	"context"
	"slices"
	"strconv"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Booking a session: one client, or a couple for a joint session, with the
// clinicians present and a room. The store refuses a room, a clinician or a
// client booked twice at once (store.Tx.BookAppointment).

// Booking problems name the part of the booking they are about.
const (
	FieldClient   = "client"
	FieldPartner  = "partner"
	FieldKind     = "kind"
	FieldDate     = "date"
	FieldTime     = "time"
	FieldDuration = "duration"
	FieldRoom     = "room"
	FieldStaff    = "staff"
)

// BookingChoices are what a booking can be made of: the clients the actor
// may book for, the clinic's active clinicians and rooms, and how long a
// medicine session is booked for when no length is given.
type BookingChoices struct {
	Clients         []store.Client
	Clinicians      []store.User
	Rooms           []store.Room
	MedicineMinutes int
}

var opBook = op{action: "appointment.create"}

// BookingChoices loads the booking form's lists. An admin may book for any
// client of the clinic; a clinician for the clients on their care teams.
func (s *Service) BookingChoices(ctx context.Context, a Actor) (BookingChoices, error) {
	if err := s.settle(ctx, a, s.clinicWide(a, opBook, access.ClientList, access.List, "schedule", "")); err != nil {
		return BookingChoices{}, err
	}
	var out BookingChoices
	filter := store.ClientFilter{ClinicID: a.P.ClinicID}
	if !a.P.Has(access.Admin) {
		filter.CareTeamOf = a.P.UserID
	}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		var err error
		if out.Clients, _, err = tx.Clients(ctx, filter); err != nil {
			return err
		}
		staff, err := tx.Staff(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		for _, u := range staff {
			if activeClinician(u) {
				out.Clinicians = append(out.Clinicians, u)
			}
		}
		rooms, err := tx.Rooms(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		for _, r := range rooms {
			if r.Active {
				out.Rooms = append(out.Rooms, r)
			}
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		out.MedicineMinutes = st.Session.MedicineMinutes
		return nil
	})
	return out, err
}

// BookingInput is a booking as the form gave it. The date, the time and
// the length come as typed, so that whether the actor may book for the
// clients is asked before anything typed is judged.
type BookingInput struct {
	ClientID string
	// PartnerID is the second client of a couple's joint session; "" for none.
	PartnerID string
	Kind      store.AppointmentKind
	Date      string // the clinic's calendar day, 2006-01-02
	Time      string // the start, 15:04 in the clinic's zone
	// Minutes is the length; "" books the clinic's usual length.
	Minutes  string
	RoomID   string // "" for no room
	StaffIDs []string
	Notes    string // for the client: what to bring, where to park
}

// Lengths a session may be booked for, in minutes.
const (
	minBookingMinutes = 15
	maxBookingMinutes = 720
)

// BookAppointment books a session. Each client must be one the actor may
// change the record of (anyone else is refused as absent); the clinicians
// and the room must be the clinic's and active; each client's session
// counts toward their current course. The booking and one entry per client
// are stored together.
func (s *Service) BookAppointment(ctx context.Context, a Actor, in BookingInput) (store.Appointment, error) {
	// Asked before the transaction opens, so a refusal is recorded without
	// holding the database's writer.
	if err := s.settle(ctx, a, s.clinicWide(a, opBook, access.ClientList, access.List, "schedule", "")); err != nil {
		return store.Appointment{}, err
	}
	var out store.Appointment
	err := s.write(ctx, a, func(tx *store.Tx) error {
		if in.ClientID == "" {
			return problem.Invalidf(FieldClient, "Choose the client.")
		}
		var clients []store.Client
		for _, id := range []string{in.ClientID, in.PartnerID} {
			if id == "" {
				continue
			}
			ch, err := s.chartFor(ctx, tx, a, opBook, id, access.ClientRecord, access.Write)
			if err != nil {
				return err
			}
			clients = append(clients, ch.Client)
		}
		appt, err := s.booking(ctx, tx, a, in, clients)
		if err != nil {
			return err
		}
		if len(clients) == 2 {
			if err := s.mayBookJoint(ctx, tx, a, clients[0], clients[1]); err != nil {
				return err
			}
		}
		for i, c := range clients {
			course, ok, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
			if err != nil {
				return err
			}
			if ok {
				appt.Clients[i].CourseID = course.ID
			}
		}
		if err := tx.BookAppointment(ctx, &appt); err != nil {
			return err
		}
		for _, c := range clients {
			if err := s.appendTx(ctx, tx, a, audit.Entry{Action: opBook.action, ResourceType: "appointment", ResourceID: appt.ID, ClientID: c.ID,
				Detail: string(appt.Kind) + " " + appt.StartsAt.Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		// Its e-mails and reminders are queued with it (session_mail.go).
		if err := s.queueBookingMail(ctx, tx, appt); err != nil {
			return err
		}
		out = appt
		return nil
	})
	return out, err
}

// booking turns the input into an appointment, checking every field; the
// store then checks for clashes.
func (s *Service) booking(ctx context.Context, tx *store.Tx, a Actor, in BookingInput, clients []store.Client) (store.Appointment, error) {
	loc := a.Location()
	now := s.Now()
	appt := store.Appointment{ID: auth.NewID(), ClinicID: a.P.ClinicID, Kind: in.Kind, NotesForClient: in.Notes, CreatedBy: a.P.UserID, CreatedAt: now}
	for _, c := range clients {
		appt.Clients = append(appt.Clients, store.AppointmentClient{ClientID: c.ID})
	}
	if !appt.Kind.Valid() {
		return appt, problem.Invalidf(FieldKind, "Choose preparation, medicine or integration.")
	}
	day, err := calendar.Parse(in.Date)
	if err != nil {
		return appt, problem.Invalidf(FieldDate, "Give the date, such as 2026-03-10.")
	}
	clock, err := time.Parse("15:04", in.Time)
	if err != nil {
		return appt, problem.Invalidf(FieldTime, "Give the start time as hours and minutes, such as 09:30.")
	}
	appt.StartsAt = time.Date(day.Year, day.Month, day.Date, clock.Hour(), clock.Minute(), 0, 0, loc).UTC()
	if appt.StartsAt.Before(now) {
		return appt, problem.Invalidf(FieldDate, "That time has already passed; choose a later one.")
	}
	if in.RoomID != "" {
		room, err := tx.Room(ctx, a.P.ClinicID, in.RoomID)
		if problem.CodeOf(err) == problem.NotFound || (err == nil && !room.Active) {
			return appt, problem.Invalidf(FieldRoom, "Choose a room from the list.")
		}
		if err != nil {
			return appt, err
		}
		appt.RoomID = room.ID
	}
	minutes := store.DefaultSessionMinutes
	if appt.Kind == store.KindMedicine {
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return appt, err
		}
		minutes = st.Session.MedicineMinutes
	}
	if in.Minutes != "" {
		if minutes, err = strconv.Atoi(in.Minutes); err != nil || minutes < minBookingMinutes || minutes > maxBookingMinutes {
			return appt, problem.Invalidf(FieldDuration, "Give the length in minutes, from %d to %d.", minBookingMinutes, maxBookingMinutes)
		}
	}
	appt.EndsAt = appt.StartsAt.Add(time.Duration(minutes) * time.Minute)
	// The people chosen are checked against this clinic's active
	// clinicians: nobody from elsewhere can be put in a session.
	if len(in.StaffIDs) > 0 {
		staff, err := tx.Staff(ctx, a.P.ClinicID)
		if err != nil {
			return appt, err
		}
		for _, id := range in.StaffIDs {
			i := slices.IndexFunc(staff, func(u store.User) bool { return u.ID == id })
			if i < 0 || !activeClinician(staff[i]) {
				return appt, problem.Invalidf(FieldStaff, "Choose who will be there from the list.")
			}
			appt.Staff = append(appt.Staff, id)
		}
	}
	return appt, nil
}
