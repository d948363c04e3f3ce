package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The calendar of sessions: a week per clinician, room or client, booking a
// session (with no room or clinician booked twice) and cancelling one. The
// rooms admin page is in rooms.go, the client's view in portal_sessions.go.

func (s *Server) scheduleRoutes() []Route {
	return []Route{
		{"GET", "/schedule", StaffOnly, s.showSchedule},
		{"GET", "/schedule/new", StaffOnly, s.showBook},
		{"POST", "/schedule", StaffOnly, s.doBook},
		{"GET", "/schedule/{appt}", StaffOnly, s.showAppointment},
		{"POST", "/schedule/{appt}/cancel", StaffOnly, s.doCancelAppointment},
		{"GET", "/admin/rooms", StaffOnly, s.showRooms},
		{"POST", "/admin/rooms", StaffOnly, s.doAddRoom},
		{"POST", "/admin/rooms/{room}", StaffOnly, s.doUpdateRoom},
		{"GET", "/clients/{id}/dosing-order", StaffOnly, s.showDosingOrder},
		{"POST", "/clients/{id}/dosing-order", StaffOnly, s.doDosingOrder},
		{"GET", "/portal/sessions/{appt}", ClientOnly, s.showPortalSession},
	}
}

// isClinician reports whether a staff member can be present at a session.
func isClinician(u store.User) bool {
	return u.HasRole(store.RoleTherapist) || u.HasRole(store.RolePrescriber)
}

// scheduleFacts is what the calendar pages load besides the appointments:
// the clinic's staff and rooms, and the clients and care teams behind the
// appointments, so each one can be shown or hidden by access.Allow.
type scheduleFacts struct {
	staff   map[string]store.User
	rooms   map[string]store.Room
	clients map[string]store.Client
	teams   map[string][]string
}

func loadScheduleFacts(ctx context.Context, tx *store.Tx, clinicID string, list []store.Appointment) (scheduleFacts, error) {
	f, err := loadStaffAndRooms(ctx, tx, clinicID)
	if err != nil {
		return f, err
	}
	return f, f.loadClients(ctx, tx, clinicID, list)
}

// loadStaffAndRooms is scheduleFacts with the clinic's staff and rooms and
// no clients yet (loadClients adds them).
func loadStaffAndRooms(ctx context.Context, tx *store.Tx, clinicID string) (scheduleFacts, error) {
	f := scheduleFacts{staff: map[string]store.User{}, rooms: map[string]store.Room{}, clients: map[string]store.Client{}, teams: map[string][]string{}}
	staff, err := tx.Staff(ctx, clinicID)
	if err != nil {
		return f, err
	}
	for _, u := range staff {
		f.staff[u.ID] = u
	}
	rooms, err := tx.Rooms(ctx, clinicID)
	if err != nil {
		return f, err
	}
	for _, r := range rooms {
		f.rooms[r.ID] = r
	}
	return f, nil
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

// may reports whether p may act on every client of the appointment.
func (f scheduleFacts) may(p access.Principal, act access.Action, a store.Appointment) bool {
	for _, id := range a.ClientIDs() {
		c := f.clients[id]
		if !access.Allow(p, act, access.Resource{Type: access.ClientRecord, ClinicID: c.ClinicID, ClientID: id, CareTeam: f.teams[id]}) {
			return false
		}
	}
	return len(a.Clients) > 0
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

// weekStart is the Monday 00:00 (clinic time) of the week holding day.
func weekStart(day time.Time, loc *time.Location) time.Time {
	d := day.In(loc)
	offset := (int(d.Weekday()) + 6) % 7
	return time.Date(d.Year(), d.Month(), d.Day()-offset, 0, 0, 0, 0, loc)
}

// span is "10:00–13:00" in the clinic's zone.
func span(a store.Appointment, loc *time.Location) string {
	return a.StartsAt.In(loc).Format("15:04") + "–" + a.EndsAt.In(loc).Format("15:04")
}

func (s *Server) showSchedule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !access.Allow(v.P, access.List, access.Resource{Type: access.ClientList, ClinicID: v.P.ClinicID}) {
		s.deny(w, r, "schedule", "")
		return
	}
	loc := v.Clinic.Location()
	q := r.URL.Query()
	now := s.now()
	day := now
	if wk := q.Get("week"); wk != "" {
		d, err := time.ParseInLocation("2006-01-02", wk, loc)
		if err != nil {
			s.fail(w, r, problem.Invalidf("week", "Give the week as a date, such as 2026-03-02."))
			return
		}
		day = d
	}
	start := weekStart(day, loc)
	end := start.AddDate(0, 0, 7)

	of := q.Get("of")
	if of == "" {
		of = "all"
		if v.P.Has(access.Therapist) || v.P.Has(access.Prescriber) {
			of = "staff:" + v.P.UserID
		}
	}
	kind, id, _ := strings.Cut(of, ":")
	filter := store.AppointmentFilter{ClinicID: v.P.ClinicID, From: start, To: end, IncludeCancelled: true}
	var list []store.Appointment
	var facts scheduleFacts
	var heading string
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if facts, err = loadStaffAndRooms(ctx, tx, v.P.ClinicID); err != nil {
			return err
		}
		switch kind {
		case "all":
			heading = "Schedule: everyone"
		case "staff":
			u, ok := facts.staff[id]
			if !ok {
				return problem.Invalidf("of", "Choose a clinician or a room from the list.")
			}
			filter.StaffID, heading = id, "Schedule: "+u.Name
		case "room":
			rm, ok := facts.rooms[id]
			if !ok {
				return problem.Invalidf("of", "Choose a clinician or a room from the list.")
			}
			filter.RoomID, heading = id, "Schedule: "+rm.Name
		case "client":
			c, err := tx.Client(ctx, v.P.ClinicID, id)
			if err != nil {
				return err
			}
			team, err := tx.CareTeam(ctx, c.ID)
			if err != nil {
				return err
			}
			if !access.Allow(v.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: c.ClinicID, ClientID: c.ID, CareTeam: team}) {
				return problem.New(problem.NotFound, "The client was not found.")
			}
			filter.ClientID, heading = id, "Sessions: "+c.DisplayName()
		default:
			return problem.Invalidf("of", "Choose a clinician or a room from the list.")
		}
		if list, err = tx.Appointments(ctx, filter); err != nil {
			return err
		}
		return facts.loadClients(ctx, tx, v.P.ClinicID, list)
	})
	if err != nil {
		if kind == "client" && problem.CodeOf(err) == problem.NotFound {
			s.failClient(w, r, id, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	detail := kind
	if filter.ClientID != "" {
		detail = "client"
	}
	s.record(r, audit.Entry{Action: "schedule.read", ResourceType: "schedule", ResourceID: id, ClientID: filter.ClientID,
		Detail: detail + "; week of " + start.Format("2006-01-02") + "; " + plural(len(list), "session")})

	sv := view.ScheduleView{Heading: heading, Week: start.Format("2006-01-02"), Zone: loc.String(), IsAdmin: v.P.Has(access.Admin),
		Range: start.Format("2 January") + " – " + end.AddDate(0, 0, -1).Format("2 January 2006"), BookHref: "/schedule/new"}
	if filter.ClientID != "" {
		sv.BookHref += "?client=" + url.QueryEscape(filter.ClientID)
	}
	weekQuery := func(t time.Time) string {
		return url.Values{"of": {of}, "week": {t.Format("2006-01-02")}}.Encode()
	}
	sv.PrevWeek, sv.NextWeek, sv.ThisWeek = weekQuery(start.AddDate(0, 0, -7)), weekQuery(end), weekQuery(weekStart(now, loc))
	sv.Of = append(sv.Of, view.Option{Value: "all", Label: "Everyone", Selected: of == "all"})
	for _, u := range sortedStaff(facts.staff) {
		if isClinician(u) && u.DisabledAt == nil {
			sv.Of = append(sv.Of, view.Option{Value: "staff:" + u.ID, Label: u.Name, Selected: of == "staff:"+u.ID})
		}
	}
	for _, rm := range sortedRooms(facts.rooms) {
		if rm.Active {
			sv.Of = append(sv.Of, view.Option{Value: "room:" + rm.ID, Label: rm.Name, Selected: of == "room:"+rm.ID})
		}
	}
	if filter.ClientID != "" {
		sv.Of = append(sv.Of, view.Option{Value: of, Label: strings.TrimPrefix(heading, "Sessions: "), Selected: true})
	}
	today := now.In(loc).Format("2006-01-02")
	for i := range 7 {
		d := start.AddDate(0, 0, i)
		day := view.ScheduleDay{ID: "day-" + d.Format("2006-01-02"), Heading: d.Format("Monday 2 January"), Today: d.Format("2006-01-02") == today}
		for _, a := range list {
			if a.StartsAt.In(loc).Format("2006-01-02") != d.Format("2006-01-02") {
				continue
			}
			it := view.ScheduleItem{Time: span(a, loc), Kind: a.Kind.Label(), Cancelled: a.Status == store.StatusCancelled,
				Room: facts.rooms[a.RoomID].Name, Staff: strings.Join(facts.staffNames(a.Staff), ", ")}
			for _, cid := range a.ClientIDs() {
				c := facts.clients[cid]
				if access.Allow(v.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: c.ClinicID, ClientID: cid, CareTeam: facts.teams[cid]}) {
					it.Clients = append(it.Clients, view.ClientLink{ID: cid, Name: c.DisplayName()})
				}
			}
			// Someone else's client: the slot shows as booked, with no name
			// and no staff, since who runs it can hint at who it is for.
			if len(it.Clients) == 0 {
				it.Hidden, it.Kind, it.Staff = true, "", ""
			}
			// The session's page opens to one who may read every client
			// of it (facts.may), which the names above already say.
			if len(it.Clients) > 0 && len(it.Clients) == len(a.Clients) {
				it.Href = "/schedule/" + a.ID
			}
			day.Sessions = append(day.Sessions, it)
		}
		sv.Days = append(sv.Days, day)
	}
	s.render(w, r, http.StatusOK, view.Schedule(s.page(r, heading, "/schedule"), sv))
}

func sortedStaff(m map[string]store.User) []store.User {
	return sortedBy(m, func(u store.User) string { return u.Name + u.ID })
}

func sortedRooms(m map[string]store.Room) []store.Room {
	return sortedBy(m, func(r store.Room) string { return r.Name + r.ID })
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

// bookingInput is the booking form as typed.
type bookingInput struct {
	client, partner, kind, date, time, duration, room, notes string
	staff                                                    []string
}

// bookForm builds the form: the clients the viewer may book, the clinic's
// clinicians and active rooms, with what was typed kept.
func (s *Server) bookForm(ctx context.Context, in bookingInput, errs view.FieldErrors) (view.BookForm, error) {
	v := viewerOf(ctx)
	f := view.BookForm{Date: in.date, Time: in.time, Duration: in.duration, Notes: in.notes, Errors: errs}
	filter := store.ClientFilter{ClinicID: v.P.ClinicID}
	if !v.P.Has(access.Admin) {
		filter.CareTeamOf = v.P.UserID
	}
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		clients, _, err := tx.Clients(ctx, filter)
		if err != nil {
			return err
		}
		for _, c := range clients {
			f.Clients = append(f.Clients, view.Option{Value: c.ID, Label: c.DisplayName(), Selected: c.ID == in.client})
			f.Partners = append(f.Partners, view.Option{Value: c.ID, Label: c.DisplayName(), Selected: c.ID == in.partner})
		}
		staff, err := tx.Staff(ctx, v.P.ClinicID)
		if err != nil {
			return err
		}
		for _, u := range staff {
			if isClinician(u) && u.DisabledAt == nil {
				f.Staff = append(f.Staff, view.StaffCheck{ID: u.ID, Name: u.Name, Roles: roleList(u.Roles), Checked: slices.Contains(in.staff, u.ID)})
			}
		}
		rooms, err := tx.Rooms(ctx, v.P.ClinicID)
		if err != nil {
			return err
		}
		for _, rm := range rooms {
			if rm.Active {
				f.Rooms = append(f.Rooms, view.Option{Value: rm.ID, Label: rm.Name, Selected: rm.ID == in.room})
			}
		}
		rules, err := tx.SessionRules(ctx, v.P.ClinicID)
		f.MedicineMinutes = rules.MedicineMinutes
		return err
	})
	for _, k := range store.AppointmentKinds {
		f.Kinds = append(f.Kinds, view.Option{Value: string(k), Label: k.Label(), Selected: string(k) == in.kind})
	}
	return f, err
}

func (s *Server) renderBook(w http.ResponseWriter, r *http.Request, status int, in bookingInput, errs view.FieldErrors) {
	f, err := s.bookForm(r.Context(), in, errs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, view.BookSession(s.page(r, "Book a session", "/schedule"), f))
}

func (s *Server) showBook(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	if !access.Allow(v.P, access.List, access.Resource{Type: access.ClientList, ClinicID: v.P.ClinicID}) {
		s.deny(w, r, "schedule", "")
		return
	}
	in := bookingInput{client: r.URL.Query().Get("client"), kind: string(store.KindMedicine),
		date: s.now().In(v.Clinic.Location()).AddDate(0, 0, 1).Format("2006-01-02"), time: "10:00"}
	if v.P.Has(access.Therapist) || v.P.Has(access.Prescriber) {
		in.staff = []string{v.P.UserID}
	}
	s.renderBook(w, r, http.StatusOK, in, nil)
}

func (s *Server) doBook(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !access.Allow(v.P, access.List, access.Resource{Type: access.ClientList, ClinicID: v.P.ClinicID}) {
		s.deny(w, r, "schedule", "")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	in := bookingInput{client: r.PostForm.Get("client"), partner: r.PostForm.Get("partner"), kind: r.PostForm.Get("kind"),
		date: strings.TrimSpace(r.PostForm.Get("date")), time: strings.TrimSpace(r.PostForm.Get("time")),
		duration: strings.TrimSpace(r.PostForm.Get("duration")), room: r.PostForm.Get("room"),
		notes: strings.TrimSpace(r.PostForm.Get("notes")), staff: r.PostForm["staff"]}
	invalid := func(err error) {
		field := problem.FieldOf(err)
		if field == "" {
			s.fail(w, r, err)
			return
		}
		status := http.StatusBadRequest
		if problem.CodeOf(err) == problem.Conflict {
			status = http.StatusConflict
		}
		s.renderBook(w, r, status, in, view.FieldErrors{field: problem.MessageOf(err)})
	}
	if in.client == "" {
		invalid(problem.Invalidf("client", "Choose the client."))
		return
	}
	// Each client must be one the viewer may book for; anyone else is
	// refused as if absent.
	var clients []store.Client
	for _, id := range []string{in.client, in.partner} {
		if id == "" {
			continue
		}
		c, _, err := s.clientRecord(ctx, id, access.ClientRecord, access.Write)
		if err != nil {
			s.failClient(w, r, id, err)
			return
		}
		clients = append(clients, c)
	}
	a, err := s.parseBooking(ctx, in, clients)
	if err != nil {
		invalid(err)
		return
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		for i, c := range clients {
			course, ok, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
			if err != nil {
				return err
			}
			if ok {
				a.Clients[i].CourseID = course.ID
			}
		}
		if err := tx.BookAppointment(ctx, &a); err != nil {
			return err
		}
		for _, c := range clients {
			if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "appointment.create", ResourceType: "appointment", ResourceID: a.ID, ClientID: c.ID,
				Detail: string(a.Kind) + " " + a.StartsAt.Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		invalid(err)
		return
	}
	http.Redirect(w, r, "/schedule/"+a.ID+"?booked=1", http.StatusSeeOther)
}

// parseBooking turns the form into an appointment, checking every field; the
// store then checks for clashes.
func (s *Server) parseBooking(ctx context.Context, in bookingInput, clients []store.Client) (store.Appointment, error) {
	v := viewerOf(ctx)
	loc := v.Clinic.Location()
	now := s.now()
	a := store.Appointment{ID: auth.NewID(), ClinicID: v.P.ClinicID, Kind: store.AppointmentKind(in.kind), NotesForClient: in.notes,
		CreatedBy: v.P.UserID, CreatedAt: now}
	for _, c := range clients {
		a.Clients = append(a.Clients, store.AppointmentClient{ClientID: c.ID})
	}
	if !a.Kind.Valid() {
		return a, problem.Invalidf("kind", "Choose preparation, medicine or integration.")
	}
	day, err := time.ParseInLocation("2006-01-02", in.date, loc)
	if err != nil {
		return a, problem.Invalidf("date", "Give the date, such as 2026-03-10.")
	}
	clock, err := time.Parse("15:04", in.time)
	if err != nil {
		return a, problem.Invalidf("time", "Give the start time as hours and minutes, such as 09:30.")
	}
	a.StartsAt = time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc).UTC()
	if a.StartsAt.Before(now) {
		return a, problem.Invalidf("date", "That time has already passed; choose a later one.")
	}
	var rules store.SessionRules
	var staff []store.User
	var room store.Room
	err = s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if rules, err = tx.SessionRules(ctx, v.P.ClinicID); err != nil {
			return err
		}
		if staff, err = tx.Staff(ctx, v.P.ClinicID); err != nil {
			return err
		}
		if in.room != "" {
			if room, err = tx.Room(ctx, v.P.ClinicID, in.room); problem.CodeOf(err) == problem.NotFound || (err == nil && !room.Active) {
				return problem.Invalidf("room", "Choose a room from the list.")
			}
		}
		return err
	})
	if err != nil {
		return a, err
	}
	a.RoomID = room.ID
	minutes := store.DefaultSessionMinutes
	if a.Kind == store.KindMedicine {
		minutes = rules.MedicineMinutes
	}
	if in.duration != "" {
		if minutes, err = strconv.Atoi(in.duration); err != nil || minutes < 15 || minutes > 720 {
			return a, problem.Invalidf("duration", "Give the length in minutes, from 15 to 720.")
		}
	}
	a.EndsAt = a.StartsAt.Add(time.Duration(minutes) * time.Minute)
	// People from the form are checked against this clinic's active
	// clinicians: nobody from elsewhere can be put in a session.
	for _, id := range in.staff {
		i := slices.IndexFunc(staff, func(u store.User) bool { return u.ID == id })
		if i < 0 || !isClinician(staff[i]) || staff[i].DisabledAt != nil {
			return a, problem.Invalidf("staff", "Choose who will be there from the list.")
		}
		a.Staff = append(a.Staff, id)
	}
	return a, nil
}

// appointmentFor loads an appointment with its facts and checks that the
// viewer may act on every client in it; otherwise it is NotFound.
func (s *Server) appointmentFor(ctx context.Context, id string, act access.Action) (store.Appointment, scheduleFacts, error) {
	v := viewerOf(ctx)
	var a store.Appointment
	var facts scheduleFacts
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if a, err = tx.Appointment(ctx, v.P.ClinicID, id); err != nil {
			return err
		}
		facts, err = loadScheduleFacts(ctx, tx, v.P.ClinicID, []store.Appointment{a})
		return err
	})
	if err != nil {
		return a, facts, err
	}
	if !facts.may(v.P, act, a) {
		return store.Appointment{}, facts, problem.New(problem.NotFound, "The session was not found.")
	}
	return a, facts, nil
}

// failAppointment answers a NotFound as an audited denial.
func (s *Server) failAppointment(w http.ResponseWriter, r *http.Request, id string, err error) {
	s.failDenied(w, r, "appointment", id, err)
}

func (s *Server) showAppointment(w http.ResponseWriter, r *http.Request) {
	notice := ""
	switch {
	case r.URL.Query().Get("booked") == "1":
		notice = "The session is booked."
	case r.URL.Query().Get("cancelled") == "1":
		notice = "The session is cancelled."
	}
	s.renderAppointment(w, r, http.StatusOK, notice, "", nil)
}

func (s *Server) renderAppointment(w http.ResponseWriter, r *http.Request, status int, notice, reason string, errs view.FieldErrors) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("appt")
	a, facts, err := s.appointmentFor(ctx, id, access.Read)
	if err != nil {
		s.failAppointment(w, r, id, err)
		return
	}
	for _, cid := range a.ClientIDs() {
		s.record(r, audit.Entry{Action: "appointment.read", ResourceType: "appointment", ResourceID: a.ID, ClientID: cid})
	}
	loc := v.Clinic.Location()
	av := view.AppointmentView{ID: a.ID, Kind: a.Kind.Label(), Room: facts.rooms[a.RoomID].Name, Staff: facts.staffNames(a.Staff),
		Notes: a.NotesForClient, Status: a.Status, Reason: reason, Errors: errs,
		When:      a.StartsAt.In(loc).Format("Monday 2 January 2006") + ", " + span(a, loc) + " (" + loc.String() + ")",
		CanCancel: a.Status == store.StatusScheduled && facts.may(v.P, access.Write, a)}
	for _, cid := range a.ClientIDs() {
		av.Clients = append(av.Clients, view.ClientLink{ID: cid, Name: facts.clients[cid].DisplayName()})
	}
	if a.CancelledAt != nil {
		av.CancelledBy, av.CancelledAt, av.CancelReason = facts.staff[a.CancelledBy].Name, view.When(*a.CancelledAt, loc), a.CancelReason
	}
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		av.Records, err = appointmentRecords(ctx, tx, a, facts.clients)
		return err
	}); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, a.Kind.Label(), "/schedule")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Appointment(p, av))
}

func (s *Server) doCancelAppointment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("appt")
	a, _, err := s.appointmentFor(ctx, id, access.Write)
	if err != nil {
		s.failAppointment(w, r, id, err)
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CancelAppointment(ctx, v.P.ClinicID, a.ID, v.P.UserID, reason, s.now()); err != nil {
			return err
		}
		for _, cid := range a.ClientIDs() {
			if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "appointment.cancel", ResourceType: "appointment", ResourceID: a.ID, ClientID: cid}); err != nil {
				return err
			}
		}
		return nil
	})
	if field := problem.FieldOf(err); field != "" {
		s.renderAppointment(w, r, http.StatusBadRequest, "", reason, view.FieldErrors{field: problem.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schedule/"+a.ID+"?cancelled=1", http.StatusSeeOther)
}
