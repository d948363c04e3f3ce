package practice

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/export"
	"doorway/internal/mail"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// The e-mails about a session: a booking (with the session as an .ics
// file), a cancellation (with the calendar's cancellation), and the
// reminder the day before, for each client in it with a portal account and
// each clinician, as each has chosen. A booking queues the booking e-mails
// and the reminders in its own transaction; a cancellation cancels the
// reminders and queues the cancellation e-mails in its own; the hourly
// sweep queues any reminder a session still lacks (one booked before
// someone chose reminders, or by the demo). Each key is queued once, so
// the booking and the sweep never make two.

// reminderLead is how long before a session its reminder goes.
const reminderLead = 24 * time.Hour

// lateReminderLead is the least time before a session worth a late
// reminder, for one booked (or first chosen) inside the day before: there
// is still time to stop eating and to arrange a ride.
const lateReminderLead = 2 * time.Hour

// reminderTime is when a session starting at start is reminded of, seen at
// now: the day before, or now when that has passed but the session is
// still far enough off; ok is false when it is too late.
func reminderTime(start, now time.Time) (at time.Time, ok bool) {
	if at = start.Add(-reminderLead); at.After(now) {
		return at, true
	}
	return now, start.Sub(now) >= lateReminderLead
}

func reminderKey(apptID, userID string) string {
	return "reminder:session:" + apptID + ":" + userID + ":24h"
}
func bookingKey(apptID, userID string) string { return "mail:booking:" + apptID + ":" + userID }
func cancelKey(apptID, userID string) string  { return "mail:cancel:" + apptID + ":" + userID }

// sessionPeople are the people of a session that can be e-mailed: each
// client's portal account and each clinician, with their choices now.
func sessionPeople(ctx context.Context, tx *store.Tx, appt store.Appointment) ([]recipient, error) {
	var ids []string
	for _, cid := range appt.ClientIDs() {
		c, err := tx.Client(ctx, appt.ClinicID, cid)
		if err != nil {
			return nil, err
		}
		if c.UserID != "" {
			ids = append(ids, c.UserID)
		}
	}
	ids = append(ids, appt.Staff...)
	var out []recipient
	for _, id := range ids {
		r, ok, err := recipientFor(ctx, tx, appt.ClinicID, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// queueBookingMail queues, in the booking's transaction, the booking
// e-mail of each person of the session who wants one, and the reminder of
// each who wants reminders.
func (s *Service) queueBookingMail(ctx context.Context, tx *store.Tx, appt store.Appointment) error {
	people, err := sessionPeople(ctx, tx, appt)
	if err != nil {
		return err
	}
	now := s.Now()
	for _, r := range people {
		p := mailJob{User: r.User.ID, Appointment: appt.ID, Start: appt.StartsAt}
		if r.Prefs.Bookings {
			if err := s.queue(ctx, tx, appt.ClinicID, KindBookingMail, bookingKey(appt.ID, r.User.ID), p, now); err != nil {
				return err
			}
		}
		if at, ok := reminderTime(appt.StartsAt, now); ok && r.Prefs.SessionReminders {
			if err := s.queue(ctx, tx, appt.ClinicID, KindSessionReminder, reminderKey(appt.ID, r.User.ID), p, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueCancelMail cancels, in the cancellation's transaction, the session's
// reminders and booking e-mails not yet sent, and queues a cancellation
// e-mail for each person who wants booking e-mails and may have heard of
// the session.
func (s *Service) queueCancelMail(ctx context.Context, tx *store.Tx, appt store.Appointment) error {
	people, err := sessionPeople(ctx, tx, appt)
	if err != nil {
		return err
	}
	now := s.Now()
	for _, r := range people {
		if _, err := tx.CancelJob(ctx, reminderKey(appt.ID, r.User.ID), now); err != nil {
			return err
		}
		// A booking e-mail still waiting is cancelled with the session, and
		// then there is nothing to take back: no cancellation either.
		unsent, err := tx.CancelJob(ctx, bookingKey(appt.ID, r.User.ID), now)
		if err != nil {
			return err
		}
		if r.Prefs.Bookings && !unsent {
			p := mailJob{User: r.User.ID, Appointment: appt.ID, Start: appt.StartsAt}
			if err := s.queue(ctx, tx, appt.ClinicID, KindCancelMail, cancelKey(appt.ID, r.User.ID), p, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// sessionLetter is what an e-mail about a session is written from, read
// when it goes.
type sessionLetter struct {
	Clinic store.Clinic
	Appt   store.Appointment
	Room   string
	To     recipient
	// Client is the recipient's own client record when they are a client
	// of the session; nil for a clinician.
	Client *store.Client
	// Clients are the session's clients, named to a clinician who chose
	// details.
	Clients      []store.Client
	FastingHours float64
	// Time writes the letter's days and times as the clinic does: its zone
	// and its clock.
	Time timefmt.Format
	// Companion is the recipient's preparation checklist, which names who
	// takes them home, when they have filled it in.
	Companion *store.Checklist
}

// loadSessionLetter reads what a session e-mail needs, in one snapshot;
// ok is false when the person is not (or no longer) one to write to.
func (s *Service) loadSessionLetter(ctx context.Context, j store.Job, p mailJob) (sl sessionLetter, ok bool, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		if sl.Clinic, err = tx.Clinic(ctx, j.ClinicID); err != nil {
			return err
		}
		if sl.Appt, err = tx.Appointment(ctx, j.ClinicID, p.Appointment); err != nil {
			return err
		}
		if sl.To, ok, err = recipientFor(ctx, tx, j.ClinicID, p.User); err != nil || !ok {
			return err
		}
		for _, cid := range sl.Appt.ClientIDs() {
			c, err := tx.Client(ctx, j.ClinicID, cid)
			if err != nil {
				return err
			}
			sl.Clients = append(sl.Clients, c)
			if c.UserID == p.User {
				sl.Client = &sl.Clients[len(sl.Clients)-1]
			}
		}
		if sl.Client == nil && !slices.Contains(sl.Appt.Staff, p.User) {
			ok = false // taken off the session since
			return nil
		}
		if sl.Appt.RoomID != "" {
			room, err := tx.Room(ctx, j.ClinicID, sl.Appt.RoomID)
			if err != nil && problem.CodeOf(err) != problem.NotFound {
				return err
			}
			sl.Room = room.Name
		}
		st, err := settingsOf(ctx, tx, sl.Clinic)
		if err != nil {
			return err
		}
		sl.FastingHours, sl.Time = st.Gates.FastingHours, st.Time
		if sl.Client != nil {
			for _, ac := range sl.Appt.Clients {
				if ac.ClientID != sl.Client.ID || ac.CourseID == "" {
					continue
				}
				cl, filled, err := tx.CourseChecklist(ctx, j.ClinicID, ac.CourseID)
				if err != nil {
					return err
				}
				if filled && cl.CompanionName != "" {
					sl.Companion = &cl
				}
			}
		}
		return nil
	})
	if problem.CodeOf(err) == problem.NotFound {
		return sl, false, nil // the session or its clinic has gone
	}
	return sl, ok && err == nil, err
}

// sendSessionReminder sends the reminder the day before a session, if the
// session is still booked at the time it was queued for and the person
// still wants reminders.
func (s *Service) sendSessionReminder(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	sl, ok, err := s.loadSessionLetter(ctx, j, p)
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the person or the session has gone")
	case sl.Appt.Status != store.StatusScheduled:
		return s.skip(j, "the session is no longer scheduled")
	case !sl.Appt.StartsAt.Equal(p.Start):
		return s.skip(j, "the session has moved since the reminder was queued")
	case !sl.Appt.StartsAt.After(s.Now()):
		return s.skip(j, "the session has begun")
	case !sl.To.Prefs.SessionReminders:
		return s.skip(j, "reminders are off")
	}
	o := s.sessionOutgoing(sl)
	o.Subject = "Reminder: " + dayWords(sl.Appt.StartsAt, s.Now(), sl.Time) + " at " + sl.Time.Time(sl.Appt.StartsAt)
	l := &o.Letter
	details := sl.To.Prefs.Details
	l.para("Hello " + firstNameOf(sl) + ",")
	l.para(sessionSentence(sl, details, "is", s.Now()))
	if sl.Client != nil && details && sl.Appt.Kind == store.KindMedicine {
		l.para("Getting ready:")
		l.list(gettingReady(sl)...)
		l.para("What to bring:")
		l.list("Comfortable, loose clothes and a warm layer: you will lie down for a couple of hours.",
			"An eye mask and music, if you like them. Headphones help.")
	}
	if sl.Client != nil && details && strings.TrimSpace(sl.Appt.NotesForClient) != "" {
		l.para("From your care team: " + strings.TrimSpace(sl.Appt.NotesForClient))
	}
	s.sessionLinks(l, sl)
	l.small("You receive this because session reminders are on. To change what Doorway e-mails you:", s.settingsLink(sl.Client != nil))
	return s.deliver(ctx, j, o)
}

// sendBookingMail tells a person of a session booked, with it as an .ics
// file their calendar app adds.
func (s *Service) sendBookingMail(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	sl, ok, err := s.loadSessionLetter(ctx, j, p)
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the person or the session has gone")
	case sl.Appt.Status != store.StatusScheduled:
		return s.skip(j, "the session is no longer scheduled")
	case !sl.To.Prefs.Bookings:
		return s.skip(j, "booking e-mails are off")
	}
	o := s.sessionOutgoing(sl)
	o.Subject = "Booked: " + sl.Time.LongDayMonth(sl.Appt.StartsAt) + " at " + sl.Time.Time(sl.Appt.StartsAt)
	l := &o.Letter
	l.para("Hello " + firstNameOf(sl) + ",")
	l.para(sessionSentence(sl, sl.To.Prefs.Details, "is booked", s.Now()))
	l.para("The calendar file attached adds it to your calendar.")
	if sl.Client != nil && sl.To.Prefs.SessionReminders {
		l.para("We will e-mail you a reminder the day before.")
	}
	s.sessionLinks(l, sl)
	l.small("You receive this because e-mails about bookings are on. To change what Doorway e-mails you:", s.settingsLink(sl.Client != nil))
	if o.Attachment, err = s.sessionICS(sl, export.MethodPublish); err != nil {
		return err
	}
	return s.deliver(ctx, j, o)
}

// sendCancelMail tells a person a session is cancelled, with the
// calendar's cancellation, which takes it out of their calendar.
func (s *Service) sendCancelMail(ctx context.Context, j store.Job) error {
	p, err := payloadOf(j)
	if err != nil {
		return err
	}
	sl, ok, err := s.loadSessionLetter(ctx, j, p)
	switch {
	case err != nil:
		return err
	case !ok:
		return s.skip(j, "the person or the session has gone")
	case sl.Appt.Status != store.StatusCancelled:
		return s.skip(j, "the session is not cancelled")
	case !sl.To.Prefs.Bookings:
		return s.skip(j, "booking e-mails are off")
	}
	o := s.sessionOutgoing(sl)
	o.Subject = "Cancelled: " + sl.Time.LongDayMonth(sl.Appt.StartsAt) + " at " + sl.Time.Time(sl.Appt.StartsAt)
	l := &o.Letter
	l.para("Hello " + firstNameOf(sl) + ",")
	l.para(sessionSentence(sl, sl.To.Prefs.Details, "is cancelled", s.Now()))
	if sl.Client != nil {
		l.para("Your care team will be in touch to find another time.")
	}
	l.para("The calendar file attached takes it out of your calendar.")
	l.small("You receive this because e-mails about bookings are on. To change what Doorway e-mails you:", s.settingsLink(sl.Client != nil))
	if o.Attachment, err = s.sessionICS(sl, export.MethodCancel); err != nil {
		return err
	}
	return s.deliver(ctx, j, o)
}

// sessionOutgoing starts a message about a session to its recipient.
func (s *Service) sessionOutgoing(sl sessionLetter) outgoing {
	o := outgoing{Clinic: sl.Clinic, UserID: sl.To.User.ID, To: sl.To.User.Email}
	if sl.Client != nil {
		o.ClientID = sl.Client.ID
	}
	return o
}

// firstNameOf is how a session e-mail greets its recipient.
func firstNameOf(sl sessionLetter) string {
	if sl.Client != nil {
		return clientFirstName(*sl.Client)
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(sl.To.User.Name, "Dr. "), " ")
	return first
}

// dayWords says a day as a person would from now: "today", "tomorrow", or
// "Tuesday 17 March", on the clinic's calendar.
func dayWords(t, now time.Time, tf timefmt.Format) string {
	switch calendar.Of(now, tf.Loc).DaysUntil(calendar.Of(t, tf.Loc)) {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return tf.LongDayMonth(t)
}

// sessionSentence is the sentence that says which session, when and where:
// "Your medicine session at Stillwater is tomorrow, Tuesday 17 March,
// 10:00 to 13:00 PDT, in Room 2." With details off it says only "an
// appointment" at the clinic; a clinician's names the clients only with
// details on.
func sessionSentence(sl sessionLetter, details bool, verb string, now time.Time) string {
	tf, start, end := sl.Time, sl.Appt.StartsAt, sl.Appt.EndsAt
	what := "Your appointment at " + sl.Clinic.Name
	if details && sl.Client != nil {
		what = "Your " + strings.ToLower(sl.Appt.Kind.Label()) + " at " + sl.Clinic.Name
	}
	if sl.Client == nil {
		what = "A session you are in"
		if details {
			var names []string
			for _, c := range sl.Clients {
				names = append(names, c.DisplayName())
			}
			what = "The " + strings.ToLower(sl.Appt.Kind.Label()) + " with " + strings.Join(names, " and ")
		}
	}
	day := dayWords(start, now, tf)
	if day == "today" || day == "tomorrow" {
		day += ", " + tf.LongDayMonth(start)
	}
	out := fmt.Sprintf("%s %s %s, %s to %s %s", what, verb, day, tf.Time(start), tf.Time(end), tf.Zone(start))
	if sl.Room != "" {
		out += ", in " + sl.Room
		if sl.Client != nil && sl.Clinic.Address != "" {
			out += ", " + sl.Clinic.Address
		}
	}
	return out + "."
}

// gettingReady is the checklist before a medicine session, as the portal's
// session page has it, with the clock times worked out (care's rules) and
// the companion the client named, if they have.
func gettingReady(sl sessionLetter) []string {
	at := sl.Time.TimeOn
	start := sl.Appt.StartsAt
	items := []string{
		fmt.Sprintf("Stop eating at %s, %s before your session. Ask your care team what you may drink.",
			at(care.StopEatingAt(start, sl.FastingHours)), hoursWords(sl.FastingHours)),
		fmt.Sprintf("No alcohol or other drugs from %s, the %d hours before.", at(care.SubstanceFreeFrom(start)), care.SubstanceFreeHours),
		"Pause stimulants on the day (such as ADHD medication or energy drinks), unless your prescriber has told you otherwise.",
	}
	if c := sl.Companion; c != nil {
		items = append(items, fmt.Sprintf("Your companion, %s (%s), takes you home afterwards: you cannot leave alone.", c.CompanionName, c.CompanionPhone))
	} else {
		items = append(items, "Arrange your ride home: someone you know must take you home. Bring their name and phone number; you cannot leave alone.")
	}
	return append(items, "Do not drive, cycle or operate machinery until the next day, after a night's sleep.")
}

// hoursWords says a number of hours: "4 hours", "1 hour", "6.5 hours".
func hoursWords(h float64) string {
	s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", h), "0"), ".")
	if h == 1 {
		return s + " hour"
	}
	return s + " hours"
}

// sessionLinks adds where the person sees the session, and how to reach
// the clinic.
func (s *Service) sessionLinks(l *letter, sl sessionLetter) {
	base := s.baseURL()
	if sl.Client != nil {
		l.link("See your session in your portal", base+"/portal/sessions/"+sl.Appt.ID)
		if reach := joinNonEmpty(" or ", sl.Clinic.ContactPhone, sl.Clinic.ContactEmail); reach != "" {
			l.para("If you need to change or cancel, please contact the clinic: " + reach + ".")
		} else {
			l.para("If you need to change or cancel, please contact the clinic as soon as you can.")
		}
		return
	}
	l.link("Open it on the schedule", base+"/schedule/"+sl.Appt.ID)
}

// sessionICS is the session as a calendar file for the recipient: the same
// event their feed has, sent with method (RFC 5546) when the clinic has an
// address to organise it from, and as a plain calendar otherwise.
func (s *Service) sessionICS(sl sessionLetter, method string) (*mail.Attachment, error) {
	cal := export.Calendar{Zone: sl.Clinic.Location(),
		Events: []export.Event{sessionEvent(sl.Appt, sl.Client != nil, sl.Clinic, sl.Room, s.baseURL())}}
	if sl.Clinic.ContactEmail != "" {
		cal.Method = method
		cal.Organizer = export.Person{Name: sl.Clinic.Name, Email: sl.Clinic.ContactEmail}
		cal.Attendees = []export.Person{{Name: sl.To.User.Name, Email: sl.To.User.Email}}
	}
	var b bytes.Buffer
	if err := export.ICalendar(&b, cal); err != nil && cal.Method != "" {
		// An address the calendar cannot organise from: the plain calendar.
		cal.Method, cal.Organizer, cal.Attendees = "", export.Person{}, nil
		b.Reset()
		err = export.ICalendar(&b, cal)
		if err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	name := "session.ics"
	if method == export.MethodCancel {
		name = "cancelled.ics"
	}
	return &mail.Attachment{Filename: name, ContentType: cal.ContentType(), Data: b.Bytes()}, nil
}
