package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/calendar"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The calendar of sessions: a week per clinician, room or client, booking a
// session (with no room or clinician booked twice) and cancelling one. The
// use cases are internal/practice's (schedule.go, appointment_book.go,
// appointment.go); the rooms admin page is in rooms.go, the client's view
// in portal_sessions.go.

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

// span is "10:00–13:00" in the clinic's zone.
func span(a store.Appointment, tf timefmt.Format) string {
	return clockSpan(a.StartsAt, a.EndsAt, tf)
}

func clockSpan(from, to time.Time, tf timefmt.Format) string {
	return tf.Time(from) + "–" + tf.Time(to)
}

func (s *Server) showSchedule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := s.actor(r)
	q := r.URL.Query()
	// "of" names the calendar as "staff:<id>", "room:<id>", "client:<id>"
	// or "all"; empty, the use case picks the viewer's usual one.
	of := q.Get("of")
	kind, id, _ := strings.Cut(of, ":")
	wk, err := s.app.Schedule(ctx, a, practice.ScheduleOf{Kind: practice.ScheduleKind(kind), ID: id}, q.Get("week"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if of == "" {
		of = wk.Of.String()
	}
	heading := "Schedule: everyone"
	switch wk.Of.Kind {
	case practice.ScheduleStaff:
		heading = "Schedule: " + wk.Clinician.Name
	case practice.ScheduleRoom:
		heading = "Schedule: " + wk.Room.Name
	case practice.ScheduleClient:
		heading = "Sessions: " + wk.Client.DisplayName()
	}
	tf := s.timeFormat(r)
	now := s.now()
	sv := view.ScheduleView{Heading: heading, Week: wk.Monday.String(), Zone: tf.Loc.String(), IsAdmin: a.P.Has(access.Admin),
		Range:    tf.Short(wk.Monday.Start(tf.Loc)) + " – " + tf.Date(wk.Monday.AddDays(6).Start(tf.Loc)),
		BookHref: "/schedule/new"}
	if wk.Of.Kind == practice.ScheduleClient {
		sv.BookHref += "?client=" + url.QueryEscape(wk.Client.ID)
	}
	weekQuery := func(d calendar.Day) string {
		return url.Values{"of": {of}, "week": {d.String()}}.Encode()
	}
	sv.PrevWeek, sv.NextWeek, sv.ThisWeek = weekQuery(wk.Monday.AddDays(-7)), weekQuery(wk.Monday.AddDays(7)), weekQuery(calendar.Of(now, tf.Loc).Monday())
	sv.Of = append(sv.Of, view.Option{Value: "all", Label: "Everyone", Selected: of == "all"})
	for _, u := range wk.Clinicians {
		sv.Of = append(sv.Of, view.Option{Value: "staff:" + u.ID, Label: u.Name, Selected: of == "staff:"+u.ID})
	}
	for _, rm := range wk.Rooms {
		sv.Of = append(sv.Of, view.Option{Value: "room:" + rm.ID, Label: rm.Name, Selected: of == "room:"+rm.ID})
	}
	if wk.Of.Kind == practice.ScheduleClient {
		sv.Of = append(sv.Of, view.Option{Value: of, Label: wk.Client.DisplayName(), Selected: true})
	}
	today := calendar.Of(now, tf.Loc)
	for i := range 7 {
		d := wk.Monday.AddDays(i)
		day := view.ScheduleDay{ID: "day-" + d.String(), Heading: tf.DayMonth(d.Start(tf.Loc)), Today: d == today}
		for _, sl := range wk.Slots {
			if calendar.Of(sl.StartsAt, tf.Loc) != d {
				continue
			}
			it := view.ScheduleItem{Time: clockSpan(sl.StartsAt, sl.EndsAt, tf), Kind: sl.Kind.Label(), Cancelled: sl.Cancelled,
				Room: sl.Room, Staff: strings.Join(sl.Staff, ", "), Hidden: sl.Hidden}
			for _, c := range sl.Clients {
				it.Clients = append(it.Clients, view.ClientLink{ID: c.ID, Name: c.DisplayName()})
			}
			if sl.ID != "" {
				it.Href = "/schedule/" + sl.ID
			}
			day.Sessions = append(day.Sessions, it)
		}
		sv.Days = append(sv.Days, day)
	}
	s.render(w, r, http.StatusOK, view.Schedule(s.page(r, heading, "/schedule"), sv))
}

// bookForm builds the form: the clients the viewer may book, the clinic's
// clinicians and active rooms, with what was typed kept.
func (s *Server) bookForm(r *http.Request, in practice.BookingInput, errs view.FieldErrors) (view.BookForm, error) {
	choices, err := s.app.BookingChoices(r.Context(), s.actor(r))
	if err != nil {
		return view.BookForm{}, err
	}
	f := view.BookForm{Date: in.Date, Time: in.Time, Duration: in.Minutes, Notes: in.Notes, Errors: errs, MedicineMinutes: choices.MedicineMinutes}
	for _, c := range choices.Clients {
		f.Clients = append(f.Clients, view.Option{Value: c.ID, Label: c.DisplayName(), Selected: c.ID == in.ClientID})
		f.Partners = append(f.Partners, view.Option{Value: c.ID, Label: c.DisplayName(), Selected: c.ID == in.PartnerID})
	}
	for _, u := range choices.Clinicians {
		f.Staff = append(f.Staff, view.StaffCheck{ID: u.ID, Name: u.Name, Roles: roleList(u.Roles), Checked: slices.Contains(in.StaffIDs, u.ID)})
	}
	for _, rm := range choices.Rooms {
		f.Rooms = append(f.Rooms, view.Option{Value: rm.ID, Label: rm.Name, Selected: rm.ID == in.RoomID})
	}
	for _, k := range store.AppointmentKinds {
		f.Kinds = append(f.Kinds, view.Option{Value: string(k), Label: k.Label(), Selected: k == in.Kind})
	}
	return f, nil
}

func (s *Server) renderBook(w http.ResponseWriter, r *http.Request, status int, in practice.BookingInput, errs view.FieldErrors) {
	f, err := s.bookForm(r, in, errs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, view.BookSession(s.page(r, "Book a session", "/schedule"), f))
}

func (s *Server) showBook(w http.ResponseWriter, r *http.Request) {
	a := s.actor(r)
	in := practice.BookingInput{ClientID: r.URL.Query().Get("client"), Kind: store.KindMedicine,
		Date: calendar.Of(s.now(), a.Location()).AddDays(1).String(), Time: "10:00"}
	if a.P.Has(access.Therapist) || a.P.Has(access.Prescriber) {
		in.StaffIDs = []string{a.P.UserID}
	}
	s.renderBook(w, r, http.StatusOK, in, nil)
}

func (s *Server) doBook(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	form := r.PostForm
	in := practice.BookingInput{ClientID: form.Get("client"), PartnerID: form.Get("partner"), Kind: store.AppointmentKind(form.Get("kind")),
		Date: strings.TrimSpace(form.Get("date")), Time: strings.TrimSpace(form.Get("time")), Minutes: strings.TrimSpace(form.Get("duration")),
		RoomID: form.Get("room"), Notes: strings.TrimSpace(form.Get("notes")), StaffIDs: form["staff"]}
	appt, err := s.app.BookAppointment(r.Context(), s.actor(r), in)
	if err != nil {
		// The booking's fields are the form's inputs; a clash names the
		// room, clinician or client booked already.
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
		return
	}
	http.Redirect(w, r, "/schedule/"+appt.ID+"?booked=1", http.StatusSeeOther)
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
	a := s.actor(r)
	pg, err := s.app.Appointment(r.Context(), a, r.PathValue("appt"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	appt, tf := pg.Appointment, s.timeFormat(r)
	av := view.AppointmentView{ID: appt.ID, Kind: appt.Kind.Label(), Room: pg.Room, Staff: pg.Staff,
		Notes: appt.NotesForClient, Status: appt.Status, Reason: reason, Errors: errs,
		When:      tf.Date(appt.StartsAt) + ", " + span(appt, tf) + " (" + tf.Loc.String() + ")",
		CanCancel: pg.CanCancel}
	for _, c := range pg.Clients {
		av.Clients = append(av.Clients, view.ClientLink{ID: c.ID, Name: c.DisplayName()})
	}
	if appt.CancelledAt != nil {
		av.CancelledBy, av.CancelledAt, av.CancelReason = pg.CancelledBy, view.When(*appt.CancelledAt, tf), appt.CancelReason
	}
	// Each client of a medicine session links to their record of it
	// (sessionPath and recordState are the record's, medicine_session.go).
	for _, rec := range pg.Records {
		av.Records = append(av.Records, view.SessionRecordLink{Href: sessionPath(rec.Client.ID, appt.ID),
			Label: rec.Client.DisplayName() + ": session record", State: recordState(rec.Session, rec.Started)})
	}
	p := s.page(r, appt.Kind.Label(), "/schedule")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Appointment(p, av))
}

func (s *Server) doCancelAppointment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("appt")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	err := s.app.CancelAppointment(r.Context(), s.actor(r), id, reason)
	if field := problem.FieldOf(err); field != "" {
		s.renderAppointment(w, r, http.StatusBadRequest, "", reason, view.FieldErrors{field: problem.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schedule/"+id+"?cancelled=1", http.StatusSeeOther)
}
