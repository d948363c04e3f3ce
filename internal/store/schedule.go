package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/problem"
	"doorway/internal/seal"
)

// The calendar: rooms, and appointments (preparation, medicine and
// integration sessions) with the clients and clinicians in them. A room or a
// clinician is never booked twice at once; BookAppointment checks and inserts
// in one transaction under a per-clinic lock, so two instances booking at the
// same moment cannot both win.

// Clinic settings of the calendar. A missing row takes the default.
const (
	// SettingMedicineMinutes is how long a medicine session is booked for
	// when the form leaves the length empty. The default of 3 hours covers
	// arrival and checks, the 120-minute minimum observation (CLINICAL.md §3)
	// and discharge.
	SettingMedicineMinutes = "schedule.medicine_minutes"
	// SettingFastingHours is how long before the dose the client stops
	// eating (default 4 h [V R39]; some clinics ask 6 [V R40a]).
	SettingFastingHours = "care.fasting_hours"

	DefaultMedicineMinutes = 180
	DefaultSessionMinutes  = 60 // preparation and integration
	DefaultFastingHours    = 4
)

// AppointmentKind is what a session is for. The values are stored.
type AppointmentKind string

const (
	KindPreparation AppointmentKind = "preparation"
	KindMedicine    AppointmentKind = "medicine"
	KindIntegration AppointmentKind = "integration"
)

// AppointmentKinds lists the kinds in the order a form offers them.
var AppointmentKinds = []AppointmentKind{KindPreparation, KindMedicine, KindIntegration}

// Valid reports whether k is a known kind.
func (k AppointmentKind) Valid() bool {
	return k == KindPreparation || k == KindMedicine || k == KindIntegration
}

// Label names the kind for people: "Medicine session".
func (k AppointmentKind) Label() string {
	switch k {
	case KindPreparation:
		return "Preparation session"
	case KindMedicine:
		return "Medicine session"
	case KindIntegration:
		return "Integration session"
	}
	return string(k)
}

// Appointment statuses.
const (
	StatusScheduled = "scheduled"
	StatusCancelled = "cancelled"
	StatusCompleted = "completed"
)

// Limits on what a booking may hold.
const (
	maxRoomNameRunes     = 60
	maxClientNotesRunes  = 2000
	maxCancelReasonRunes = 500
	maxAppointmentLength = 12 * time.Hour
)

// Room is a place sessions happen in.
type Room struct {
	ID        string
	ClinicID  string
	Name      string
	Active    bool
	CreatedAt time.Time
}

func checkRoomName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", problem.Invalidf("name", "Give the room a name.")
	case utf8.RuneCountInString(name) > maxRoomNameRunes:
		return "", problem.Invalidf("name", "Keep the room's name under %d characters.", maxRoomNameRunes)
	}
	return name, problem.Line("name", "The room's name", name, maxRoomNameRunes)
}

// CreateRoom stores a new room. Names are unique within a clinic.
func (t *Tx) CreateRoom(ctx context.Context, r *Room) error {
	name, err := checkRoomName(r.Name)
	if err != nil {
		return err
	}
	r.Name = name
	_, err = t.exec(ctx, `INSERT INTO rooms (id, clinic_id, name, active, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.ClinicID, r.Name, b2i(r.Active), r.CreatedAt)
	return roomNameTaken(err, r.Name)
}

// UpdateRoom renames a room and sets whether it can be booked. A room is
// never deleted: past appointments still name it.
func (t *Tx) UpdateRoom(ctx context.Context, clinicID, id, name string, active bool) error {
	name, err := checkRoomName(name)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE rooms SET name = ?, active = ? WHERE id = ? AND clinic_id = ?`, name, b2i(active), id, clinicID)
	if err != nil {
		return roomNameTaken(err, name)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.NotFound, "The room was not found.")
	}
	return nil
}

func roomNameTaken(err error, name string) error {
	if isUniqueViolation(err) {
		return problem.Invalidf("name", "There is already a room called %s.", name)
	}
	return err
}

func scanRoom(sc interface{ Scan(...any) error }) (Room, error) {
	var r Room
	var active int
	err := sc.Scan(&r.ID, &r.ClinicID, &r.Name, &active, &r.CreatedAt)
	r.Active, r.CreatedAt = active == 1, r.CreatedAt.UTC()
	return r, err
}

// Rooms lists a clinic's rooms, active ones first, by name.
func (t *Tx) Rooms(ctx context.Context, clinicID string) ([]Room, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, name, active, created_at FROM rooms WHERE clinic_id = ? ORDER BY active DESC, name, id`, clinicID)
	if err != nil {
		return nil, err
	}
	var out []Room
	err = eachRow(rows, func() error {
		r, err := scanRoom(rows)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// Room loads one of a clinic's rooms.
func (t *Tx) Room(ctx context.Context, clinicID, id string) (Room, error) {
	r, err := scanRoom(t.queryRow(ctx, `SELECT id, clinic_id, name, active, created_at FROM rooms WHERE id = ? AND clinic_id = ?`, id, clinicID))
	return r, notFound(err, "The room")
}

// Appointment is one session on the calendar.
type Appointment struct {
	ID       string
	ClinicID string
	Kind     AppointmentKind
	StartsAt time.Time
	EndsAt   time.Time
	RoomID   string // "" when no room is booked (a video session, say)
	Status   string
	// NotesForClient is what the client reads: what to bring, where to park.
	// It is sealed at rest. Listings leave it empty; Appointment fills it.
	NotesForClient string
	CreatedBy      string
	CreatedAt      time.Time
	CancelledAt    *time.Time
	CancelledBy    string
	CancelReason   string // sealed at rest; filled by Appointment only

	// Clients are the one or two clients in the session (two for a couple's
	// joint session), each with the course it belongs to.
	Clients []AppointmentClient
	// Staff are the user ids of the clinicians present.
	Staff []string
}

// AppointmentClient is one client in an appointment.
type AppointmentClient struct {
	ClientID string
	CourseID string // "" if the client has no course yet
}

// HasClient reports whether the client is in the appointment.
func (a Appointment) HasClient(clientID string) bool {
	for _, c := range a.Clients {
		if c.ClientID == clientID {
			return true
		}
	}
	return false
}

// ClientIDs lists the appointment's clients.
func (a Appointment) ClientIDs() []string {
	out := make([]string, len(a.Clients))
	for i, c := range a.Clients {
		out[i] = c.ClientID
	}
	return out
}

// validate checks what the calendar itself requires; the web layer checks
// that the people and the room belong to the clinic before it gets here.
func (a *Appointment) validate() error {
	switch {
	case !a.Kind.Valid():
		return problem.Invalidf("kind", "Choose preparation, medicine or integration.")
	case len(a.Clients) == 0:
		return problem.Invalidf("client", "Choose the client.")
	case len(a.Clients) > 2:
		return problem.Invalidf("partner", "A session has one client, or two for a couple.")
	case len(a.Clients) == 2 && a.Clients[0].ClientID == a.Clients[1].ClientID:
		return problem.Invalidf("partner", "Choose a different person as the partner, or leave it empty.")
	case len(a.Staff) == 0:
		return problem.Invalidf("staff", "Choose who will be there: at least one clinician.")
	case a.StartsAt.IsZero():
		return problem.Invalidf("date", "Give the date and start time.")
	case !a.EndsAt.After(a.StartsAt):
		return problem.Invalidf("duration", "The session must end after it starts.")
	case a.EndsAt.Sub(a.StartsAt) > maxAppointmentLength:
		return problem.Invalidf("duration", "A session is at most 12 hours long.")
	case utf8.RuneCountInString(a.NotesForClient) > maxClientNotesRunes:
		return problem.Invalidf("notes", "Keep the notes for the client under %d characters.", maxClientNotesRunes)
	}
	if a.Status == "" {
		a.Status = StatusScheduled
	}
	if a.Status != StatusScheduled && a.Status != StatusCompleted {
		return problem.Invalidf("status", "A new session is scheduled or completed.")
	}
	return nil
}

// BookAppointment stores a new appointment unless one of its room, its
// clinicians or its clients already has an overlapping appointment that is
// not cancelled. The refusal names the clash in the clinic's time zone and
// says nothing about the other session's client.
func (t *Tx) BookAppointment(ctx context.Context, a *Appointment) error {
	if err := a.validate(); err != nil {
		return err
	}
	if err := t.lockClinic(ctx, "schedule", a.ClinicID); err != nil {
		return err
	}
	if err := t.checkClashes(ctx, a); err != nil {
		return err
	}
	notes, err := t.sealText(ctx, seal.Binding{ClinicID: a.ClinicID, Table: "appointments", Column: "notes_for_client", RowID: a.ID}, a.NotesForClient)
	if err != nil {
		return err
	}
	var room any
	if a.RoomID != "" {
		room = a.RoomID
	}
	if _, err := t.exec(ctx, `INSERT INTO appointments (id, clinic_id, kind, starts_at, ends_at, room_id, status, notes_for_client, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ClinicID, string(a.Kind), a.StartsAt, a.EndsAt, room, a.Status, notes, a.CreatedBy, a.CreatedAt); err != nil {
		return err
	}
	for _, c := range a.Clients {
		var course any
		if c.CourseID != "" {
			course = c.CourseID
		}
		if _, err := t.exec(ctx, `INSERT INTO appointment_clients (appointment_id, client_id, course_id) VALUES (?, ?, ?)`, a.ID, c.ClientID, course); err != nil {
			return err
		}
	}
	for _, uid := range dedupe(a.Staff) {
		if _, err := t.exec(ctx, `INSERT INTO appointment_staff (appointment_id, user_id) VALUES (?, ?)`, a.ID, uid); err != nil {
			return err
		}
	}
	return nil
}

// overlaps is the SQL condition for a live appointment overlapping [?, ?):
// it starts before the new one ends and ends after it starts. Sessions that
// merely touch (one ends at 13:00, the next starts at 13:00) do not clash.
//
// It is bounded below as well as above: no appointment lasts longer than
// maxAppointmentLength, so only those that start within that much before
// the new one can reach into it. Bounded above alone, the search of a room's
// or the clinic's appointments by start time walked every appointment ever
// held, and booking grew slower with every week of a practice's history.
const overlaps = `a.clinic_id = ? AND a.status <> 'cancelled' AND a.starts_at < ? AND a.starts_at > ? AND a.ends_at > ?`

// checkClashes refuses a booking that overlaps a live appointment of the same
// room, clinician or client.
func (t *Tx) checkClashes(ctx context.Context, a *Appointment) error {
	clinic, err := t.Clinic(ctx, a.ClinicID)
	if err != nil {
		return err
	}
	// clash is the refusal, naming the other session's times on the
	// clinic's clock, which is read only when there is one.
	clash := func(field string, s, e time.Time, message func(span string) string) error {
		tf, err := t.clinicTimeFormat(ctx, clinic)
		if err != nil {
			return err
		}
		return &problem.Error{Code: problem.Conflict, Field: field, Message: message(tf.Span(s, e))}
	}
	var s, e time.Time
	if a.RoomID != "" {
		var name string
		err := t.queryRow(ctx, `SELECT r.name, a.starts_at, a.ends_at FROM appointments a JOIN rooms r ON r.id = a.room_id
			WHERE a.room_id = ? AND `+overlaps+` ORDER BY a.starts_at LIMIT 1`,
			a.RoomID, a.ClinicID, a.EndsAt, a.StartsAt.Add(-maxAppointmentLength), a.StartsAt).Scan(&name, &s, &e)
		if err == nil {
			return clash("room", s, e, func(span string) string { return name + " is booked " + span + " for another session." })
		} else if err != sql.ErrNoRows {
			return err
		}
	}
	for _, uid := range dedupe(a.Staff) {
		var name string
		err := t.queryRow(ctx, `SELECT u.name, a.starts_at, a.ends_at FROM appointments a
			JOIN appointment_staff st ON st.appointment_id = a.id JOIN users u ON u.id = st.user_id
			WHERE st.user_id = ? AND `+overlaps+` ORDER BY a.starts_at LIMIT 1`,
			uid, a.ClinicID, a.EndsAt, a.StartsAt.Add(-maxAppointmentLength), a.StartsAt).Scan(&name, &s, &e)
		if err == nil {
			return clash("staff", s, e, func(span string) string { return name + " is booked " + span + " for another session." })
		} else if err != sql.ErrNoRows {
			return err
		}
	}
	// A client's clashes are looked for among their own appointments, a
	// handful, rather than among the clinic's that day, which are as many as
	// the clinic has clinicians. SQLite, planning without statistics, takes
	// the clinic's time index for the cheaper path (it also gives the order
	// asked for), so CROSS JOIN, which SQLite documents as fixing the order of
	// the loops, has it start from the client's; PostgreSQL reads it as the
	// plain join it is.
	for _, c := range a.Clients {
		var given, family, preferred string
		err := t.queryRow(ctx, `SELECT c.given_name, c.family_name, c.preferred_name, a.starts_at, a.ends_at
			FROM appointment_clients ac CROSS JOIN appointments a JOIN clients c ON c.id = ac.client_id
			WHERE ac.appointment_id = a.id AND ac.client_id = ? AND `+overlaps+` ORDER BY a.starts_at LIMIT 1`,
			c.ClientID, a.ClinicID, a.EndsAt, a.StartsAt.Add(-maxAppointmentLength), a.StartsAt).Scan(&given, &family, &preferred, &s, &e)
		if err == nil {
			name := Client{GivenName: given, FamilyName: family, PreferredName: preferred}.DisplayName()
			return clash("client", s, e, func(span string) string { return name + " already has a session " + span + "." })
		} else if err != sql.ErrNoRows {
			return err
		}
	}
	return nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

const appointmentCols = `a.id, a.clinic_id, a.kind, a.starts_at, a.ends_at, COALESCE(a.room_id, ''), a.status, a.created_by, a.created_at,
	a.cancelled_at, a.cancelled_by`

// scanAppointment reads appointmentCols, then any extra columns into extra.
func scanAppointment(sc interface{ Scan(...any) error }, extra ...any) (Appointment, error) {
	var a Appointment
	var kind string
	var cancelled sql.NullTime
	err := sc.Scan(append([]any{&a.ID, &a.ClinicID, &kind, &a.StartsAt, &a.EndsAt, &a.RoomID, &a.Status, &a.CreatedBy, &a.CreatedAt,
		&cancelled, &a.CancelledBy}, extra...)...)
	a.Kind = AppointmentKind(kind)
	a.StartsAt, a.EndsAt, a.CreatedAt = a.StartsAt.UTC(), a.EndsAt.UTC(), a.CreatedAt.UTC()
	a.CancelledAt = nullTime(cancelled)
	return a, err
}

// Appointment loads one appointment of a clinic with its clients, its staff
// and its sealed text opened.
func (t *Tx) Appointment(ctx context.Context, clinicID, id string) (Appointment, error) {
	var notes, reason string
	a, err := scanAppointment(t.queryRow(ctx, `SELECT `+appointmentCols+`, a.notes_for_client, a.cancel_reason
		FROM appointments a WHERE a.id = ? AND a.clinic_id = ?`, id, clinicID), &notes, &reason)
	if err != nil {
		return a, notFound(err, "The session")
	}
	b := seal.Binding{ClinicID: clinicID, Table: "appointments", RowID: a.ID}
	b.Column = "notes_for_client"
	if a.NotesForClient, err = t.openText(ctx, b, notes); err != nil {
		return a, err
	}
	b.Column = "cancel_reason"
	if a.CancelReason, err = t.openText(ctx, b, reason); err != nil {
		return a, err
	}
	list := []Appointment{a}
	if err := t.loadAppointmentPeople(ctx, list); err != nil {
		return a, err
	}
	return list[0], nil
}

// AppointmentFilter narrows a listing. ClinicID and the time window are
// required; at most one of StaffID, RoomID and ClientID is usually set.
type AppointmentFilter struct {
	ClinicID string
	// From and To bound the window: appointments that overlap [From, To).
	From, To time.Time
	StaffID  string
	RoomID   string
	ClientID string
	// ClientIDs, when set, keeps the appointments of any of these clients.
	ClientIDs []string
	// IncludeCancelled keeps cancelled appointments (shown struck through on
	// a calendar); a client's list leaves them out.
	IncludeCancelled bool
	Limit            int
}

// Appointments lists a clinic's appointments in time order, with their
// clients and staff but without their sealed text.
func (t *Tx) Appointments(ctx context.Context, f AppointmentFilter) ([]Appointment, error) {
	// No appointment is longer than maxAppointmentLength, so one that
	// overlaps the window starts less than that before it: the bound lets
	// the index of start times read the window, not every appointment
	// before its end.
	where := []string{"a.clinic_id = ?", "a.starts_at < ?", "a.starts_at > ?", "a.ends_at > ?"}
	args := []any{f.ClinicID, f.To, f.From.Add(-maxAppointmentLength), f.From}
	from := " FROM appointments a"
	if !f.IncludeCancelled {
		where = append(where, "a.status <> 'cancelled'")
	}
	if f.StaffID != "" {
		where = append(where, "EXISTS (SELECT 1 FROM appointment_staff st WHERE st.appointment_id = a.id AND st.user_id = ?)")
		args = append(args, f.StaffID)
	}
	if f.RoomID != "" {
		where = append(where, "a.room_id = ?")
		args = append(args, f.RoomID)
	}
	clients := f.ClientIDs
	if f.ClientID != "" {
		clients = append(clients, f.ClientID)
	}
	if clients != nil {
		// A client's appointments are few beside a clinic's: start from
		// them (CROSS JOIN is how SQLite is told to; PostgreSQL plans it
		// itself).
		in, ids := inList("client_id", clients)
		from = " FROM (SELECT DISTINCT appointment_id FROM appointment_clients WHERE " + in + ") ac CROSS JOIN appointments a"
		where = append(where, "a.id = ac.appointment_id")
		args = append(ids, args...)
	}
	limit := f.Limit
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	rows, err := t.query(ctx, `SELECT `+appointmentCols+from+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY a.starts_at, a.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(a *Appointment) (err error) {
		*a, err = scanAppointment(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, t.loadAppointmentPeople(ctx, out)
}

// loadAppointmentPeople fills in the clients and staff of each appointment,
// with one query for the clients of them all and one for the staff.
func (t *Tx) loadAppointmentPeople(ctx context.Context, list []Appointment) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]any, len(list))
	index := make(map[string]int, len(list))
	for i, a := range list {
		ids[i] = a.ID
		index[a.ID] = i
	}
	in := placeholders(len(ids))
	type person struct {
		apptID string
		client AppointmentClient
	}
	rows, err := t.query(ctx, `SELECT appointment_id, client_id, COALESCE(course_id, '') FROM appointment_clients
		WHERE appointment_id IN (`+in+`) ORDER BY appointment_id, client_id`, ids...)
	if err != nil {
		return err
	}
	clients, err := scanAll(rows, func(p *person) error { return rows.Scan(&p.apptID, &p.client.ClientID, &p.client.CourseID) })
	if err != nil {
		return err
	}
	for _, p := range clients {
		a := &list[index[p.apptID]]
		a.Clients = append(a.Clients, p.client)
	}
	rows, err = t.query(ctx, `SELECT appointment_id, user_id FROM appointment_staff
		WHERE appointment_id IN (`+in+`) ORDER BY appointment_id, user_id`, ids...)
	if err != nil {
		return err
	}
	staff, err := scanAll(rows, func(p *[2]string) error { return rows.Scan(&p[0], &p[1]) })
	if err != nil {
		return err
	}
	for _, p := range staff {
		a := &list[index[p[0]]]
		a.Staff = append(a.Staff, p[1])
	}
	return nil
}

// CancelAppointment marks a scheduled appointment cancelled, with who, when
// and why. A cancelled appointment no longer blocks its room or its people.
func (t *Tx) CancelAppointment(ctx context.Context, clinicID, id, by, reason string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return problem.Invalidf("reason", "Say briefly why the session is cancelled.")
	case utf8.RuneCountInString(reason) > maxCancelReasonRunes:
		return problem.Invalidf("reason", "Keep the reason under %d characters.", maxCancelReasonRunes)
	}
	var status string
	if err := t.queryRow(ctx, `SELECT status FROM appointments WHERE id = ? AND clinic_id = ?`, id, clinicID).Scan(&status); err != nil {
		return notFound(err, "The session")
	}
	if status != StatusScheduled {
		return problem.New(problem.Conflict, "This session is already %s.", status)
	}
	sealed, err := t.sealText(ctx, seal.Binding{ClinicID: clinicID, Table: "appointments", Column: "cancel_reason", RowID: id}, reason)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE appointments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?
		WHERE id = ? AND clinic_id = ? AND status = 'scheduled'`, at, by, sealed, id, clinicID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		// Someone else cancelled it (or moved it on) since it was read.
		return problem.New(problem.Conflict, "This session was changed by someone else at the same moment; it is no longer scheduled.")
	}
	return nil
}
