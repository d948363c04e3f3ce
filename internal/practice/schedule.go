package practice

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/calendar"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The calendar of sessions: a week per clinician, room or client. Every
// session shows as booked, so nobody books over it, but a client appears
// only to those who may read their record. Booking and an appointment's own
// page are in appointment_book.go and appointment.go.

// IsClinician reports whether a staff member can be present at a session.
func IsClinician(u store.User) bool {
	return u.HasRole(store.RoleTherapist) || u.HasRole(store.RolePrescriber)
}

// activeClinician is a clinician who can be booked today.
func activeClinician(u store.User) bool { return IsClinician(u) && u.DisabledAt == nil }

// scheduleFacts is what the calendar loads besides the appointments: the
// clinic's staff and rooms, and the clients and care teams behind the
// appointments, so each client is shown or hidden by access.Allow.
type scheduleFacts struct {
	staff   map[string]store.User
	rooms   map[string]store.Room
	clients map[string]store.Client
	teams   map[string][]string
}

func newScheduleFacts() scheduleFacts {
	return scheduleFacts{staff: map[string]store.User{}, rooms: map[string]store.Room{}, clients: map[string]store.Client{}, teams: map[string][]string{}}
}

// loadStaffAndRooms adds the clinic's staff and rooms.
func (f scheduleFacts) loadStaffAndRooms(ctx context.Context, tx *store.Tx, clinicID string) error {
	staff, err := tx.Staff(ctx, clinicID)
	if err != nil {
		return err
	}
	for _, u := range staff {
		f.staff[u.ID] = u
	}
	rooms, err := tx.Rooms(ctx, clinicID)
	if err != nil {
		return err
	}
	for _, r := range rooms {
		f.rooms[r.ID] = r
	}
	return nil
}

// loadClients adds the clients of the appointments and their care teams,
// all at once.
func (f scheduleFacts) loadClients(ctx context.Context, tx *store.Tx, clinicID string, list []store.Appointment) error {
	var ids []string
	for _, a := range list {
		for _, id := range a.ClientIDs() {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, _, err := tx.SearchClients(ctx, store.ClientQuery{ClinicID: clinicID, IDs: ids, Limit: len(ids)})
	if err != nil {
		return err
	}
	for _, c := range found {
		f.clients[c.ID] = c
	}
	for _, id := range ids {
		if _, ok := f.clients[id]; !ok {
			// Not of this clinic: Client says so as it always has.
			if _, err := tx.Client(ctx, clinicID, id); err != nil {
				return err
			}
		}
	}
	teams, err := tx.CareTeams(ctx, ids)
	if err != nil {
		return err
	}
	maps.Copy(f.teams, teams)
	return nil
}

// mayClient reports whether the actor may act on one client's record.
func (f scheduleFacts) mayClient(a Actor, act access.Action, clientID string) bool {
	c := f.clients[clientID]
	return access.Allow(a.P, act, access.Resource{Type: access.ClientRecord, ClinicID: c.ClinicID, ClientID: clientID, CareTeam: f.teams[clientID]})
}

// may reports whether the actor may act on every client of the appointment.
func (f scheduleFacts) may(a Actor, act access.Action, appt store.Appointment) bool {
	for _, id := range appt.ClientIDs() {
		if !f.mayClient(a, act, id) {
			return false
		}
	}
	return len(appt.Clients) > 0
}

// staffNames lists the names of the people present, in name order.
func (f scheduleFacts) staffNames(ids []string) []string {
	var out []string
	for _, id := range ids {
		if u, ok := f.staff[id]; ok {
			out = append(out, u.Name)
		}
	}
	slices.Sort(out)
	return out
}

// ScheduleKind says whose week a calendar shows.
type ScheduleKind string

const (
	ScheduleAll    ScheduleKind = "all"
	ScheduleStaff  ScheduleKind = "staff"
	ScheduleRoom   ScheduleKind = "room"
	ScheduleClient ScheduleKind = "client"
)

// ScheduleOf is whose week: everyone's, or one clinician's, room's or
// client's (ID). The zero ScheduleOf asks for the actor's usual calendar.
type ScheduleOf struct {
	Kind ScheduleKind
	ID   string
}

// String is the calendar as one word: "all", or "staff:<id>".
func (o ScheduleOf) String() string {
	if o.Kind == ScheduleAll {
		return string(o.Kind)
	}
	return string(o.Kind) + ":" + o.ID
}

// Schedule problems name the part of the request they are about.
const (
	FieldWeek = "week" // the week asked for
	FieldOf   = "of"   // whose calendar
)

// Week is a calendar's week as the actor may see it.
type Week struct {
	// Of is whose week it is: the one asked for, or by default the actor's
	// own when they are a clinician, everyone's otherwise.
	Of     ScheduleOf
	Monday calendar.Day
	// Clinician, Room or Client is whose week it is, by Of's kind.
	Clinician store.User
	Room      store.Room
	Client    store.Client
	// Slots are the week's sessions, cancelled ones included, in time order.
	Slots []Slot
	// Clinicians and Rooms are the calendars there are to choose from: the
	// clinic's active clinicians and rooms, by name.
	Clinicians []store.User
	Rooms      []store.Room
}

// Slot is one session on a calendar. Every session shows, so nobody books
// over it; one whose clients the actor may not read shows only as booked,
// with no names, not even the staff's, since who runs it can hint at who
// it is for.
type Slot struct {
	StartsAt, EndsAt time.Time
	Cancelled        bool
	Room             string // the room's name; "" for none
	// Hidden is true when the actor may read none of its clients; Kind and
	// Staff are then empty.
	Hidden bool
	Kind   store.AppointmentKind
	Staff  []string // names, in name order
	// Clients are those the actor may read.
	Clients []store.Client
	// ID is set only when the actor may open the session's page: when they
	// may read every client of it.
	ID string
}

var opSchedule = op{action: "schedule.read"}

// Schedule is a week of the clinic's calendar: everyone's, a clinician's,
// a room's or a client's, from the week holding the day week names
// (2006-01-02; "" for this week). A client's calendar is refused, as absent,
// to one who may not read their record. The reading is recorded.
func (s *Service) Schedule(ctx context.Context, a Actor, of ScheduleOf, week string) (Week, error) {
	if err := s.settle(ctx, a, s.clinicWide(a, opSchedule, access.ClientList, access.List, "schedule", "")); err != nil {
		return Week{}, err
	}
	if of == (ScheduleOf{}) {
		of.Kind = ScheduleAll
		if a.P.Has(access.Therapist) || a.P.Has(access.Prescriber) {
			of = ScheduleOf{Kind: ScheduleStaff, ID: a.P.UserID}
		}
	}
	out := Week{Of: of}
	loc := a.Location()
	var list []store.Appointment
	err := s.read(ctx, a, func(tx *store.Tx) error {
		facts := newScheduleFacts()
		if err := facts.loadStaffAndRooms(ctx, tx, a.P.ClinicID); err != nil {
			return err
		}
		filter := store.AppointmentFilter{ClinicID: a.P.ClinicID, IncludeCancelled: true}
		notListed := problem.Invalidf(FieldOf, "Choose a clinician or a room from the list.")
		switch of.Kind {
		case ScheduleAll:
		case ScheduleStaff:
			u, ok := facts.staff[of.ID]
			if !ok {
				return notListed
			}
			out.Clinician, filter.StaffID = u, u.ID
		case ScheduleRoom:
			rm, ok := facts.rooms[of.ID]
			if !ok {
				return notListed
			}
			out.Room, filter.RoomID = rm, rm.ID
		case ScheduleClient:
			ch, err := s.chartFor(ctx, tx, a, opSchedule, of.ID, access.ClientRecord, access.Read)
			if err != nil {
				return err
			}
			out.Client, filter.ClientID = ch.Client, ch.Client.ID
		default:
			return notListed
		}
		day := calendar.Of(s.Now(), loc)
		if week != "" {
			var err error
			if day, err = calendar.Parse(week); err != nil {
				return problem.Invalidf(FieldWeek, "Give the week as a date, such as 2026-03-02.")
			}
		}
		out.Monday = day.Monday()
		filter.From, filter.To = out.Monday.Start(loc), out.Monday.AddDays(7).Start(loc)
		var err error
		if list, err = tx.Appointments(ctx, filter); err != nil {
			return err
		}
		if err := facts.loadClients(ctx, tx, a.P.ClinicID, list); err != nil {
			return err
		}
		out.Slots = facts.slots(a, list)
		out.Clinicians, out.Rooms = facts.choices()
		return nil
	})
	if err != nil {
		return Week{}, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opSchedule.action, ResourceType: "schedule", ResourceID: of.ID, ClientID: out.Client.ID,
		Detail: string(of.Kind) + "; week of " + out.Monday.String() + "; " + sessionCount(len(list))})
}

// sessionCount is "1 session", "3 sessions".
func sessionCount(n int) string {
	if n == 1 {
		return "1 session"
	}
	return strconv.Itoa(n) + " sessions"
}

// slots are the appointments as the actor may see them.
func (f scheduleFacts) slots(a Actor, list []store.Appointment) []Slot {
	out := make([]Slot, 0, len(list))
	for _, appt := range list {
		sl := Slot{StartsAt: appt.StartsAt, EndsAt: appt.EndsAt, Cancelled: appt.Status == store.StatusCancelled, Room: f.rooms[appt.RoomID].Name}
		for _, id := range appt.ClientIDs() {
			if f.mayClient(a, access.Read, id) {
				sl.Clients = append(sl.Clients, f.clients[id])
			}
		}
		sl.Hidden = len(sl.Clients) == 0
		if !sl.Hidden {
			sl.Kind, sl.Staff = appt.Kind, f.staffNames(appt.Staff)
		}
		if !sl.Hidden && len(sl.Clients) == len(appt.Clients) {
			sl.ID = appt.ID
		}
		out = append(out, sl)
	}
	return out
}

// choices are the clinic's active clinicians and rooms, by name.
func (f scheduleFacts) choices() ([]store.User, []store.Room) {
	var staff []store.User
	for _, u := range sortedBy(f.staff, func(u store.User) string { return u.Name + u.ID }) {
		if activeClinician(u) {
			staff = append(staff, u)
		}
	}
	var rooms []store.Room
	for _, r := range sortedBy(f.rooms, func(r store.Room) string { return r.Name + r.ID }) {
		if r.Active {
			rooms = append(rooms, r)
		}
	}
	return staff, rooms
}

// sortedBy lists a map's values in the order of key, so a list reads the
// same way every time.
func sortedBy[T any](m map[string]T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}
