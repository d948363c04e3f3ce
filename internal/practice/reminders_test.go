package practice_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/export"
	"doorway/internal/export/icaltest"
	"doorway/internal/jobs"
	"doorway/internal/mail"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// TestBookingRemindsTheDayBefore: a medicine session booked three days
// ahead sends the client, who has the defaults, a booking e-mail at once,
// with the session as an .ics file that a strict RFC 5545 reading and an
// iCalendar library both read as booked; the clinician, who has the
// defaults of staff, hears nothing. The day before, at the very hour, the
// reminder goes: plain text and HTML, saying when and where, and nothing of
// what kind of session it is, since the client has not chosen details.
func TestBookingRemindsTheDayBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		appt := p.book("A", 3, "10:00")
		if n := p.runDue(); n != 1 {
			t.Fatalf("%d jobs ran at the booking, want the booking e-mail alone", n)
		}
		msgs := p.sent()
		if len(msgs) != 1 {
			t.Fatalf("%d messages at the booking, want 1", len(msgs))
		}
		booked := readLetter(t, msgs[0])
		loc := p.Clinic.Location()
		if booked.To != "clienta@example.org" || booked.Subject != "Booked: Saturday 20 June at 10:00" || booked.Header.Get("Reply-To") != "hello@main.example" {
			t.Errorf("booking e-mail to %s: %q", booked.To, booked.Subject)
		}
		for _, want := range []string{"Your appointment at Main Clinic is booked Saturday 20 June, 10:00 to 13:00 PDT.",
			"The calendar file attached adds it to your calendar.", mailBase + "/portal/sessions/" + appt.ID,
			"We will e-mail you a reminder the day before."} {
			if !strings.Contains(booked.Text, want) {
				t.Errorf("the booking e-mail's text lacks %q:\n%s", want, booked.Text)
			}
		}
		if strings.Contains(strings.ToLower(booked.Text+booked.HTML+booked.Attachments["session.ics"]), "medicine") {
			t.Errorf("a client who chose no details is told the kind of session:\n%s", booked.Text)
		}
		if !strings.Contains(booked.HTML, "Main Clinic") || !strings.HasPrefix(booked.HTML, "<!DOCTYPE html>") {
			t.Errorf("the HTML alternative: %q", booked.HTML)
		}
		want := export.Calendar{Zone: loc, Method: export.MethodPublish, Organizer: export.Person{Name: "Main Clinic", Email: "hello@main.example"},
			Events: []export.Event{{UID: "appointment-" + appt.ID + "@doorway", Start: appt.StartsAt, End: appt.EndsAt,
				Summary: "Appointment at Main Clinic", Description: "Details and how to get ready: " + mailBase + "/portal/sessions/" + appt.ID,
				Updated: appt.CreatedAt}}}
		ics := booked.Attachments["session.ics"]
		icaltest.Check(t, ics, want)
		icaltest.ParseWithLibrary(t, ics, want)
		if ct := booked.AttachTypes["session.ics"]; ct != want.ContentType() {
			t.Errorf("the .ics goes as %q, want %q", ct, want.ContentType())
		}

		// The day before, a minute early: nothing; at the hour: the reminder.
		if n := p.advance(2*24*time.Hour - 31*time.Minute); n != 0 || len(p.sent()) != 1 {
			t.Fatalf("a minute before the day before: %d jobs ran, %d messages", n, len(p.sent()))
		}
		p.advance(time.Minute)
		msgs = p.sent()
		if len(msgs) != 2 {
			t.Fatalf("%d messages by the day before, want the reminder too", len(msgs))
		}
		rem := readLetter(t, msgs[1])
		if rem.Subject != "Reminder: tomorrow at 10:00" || !strings.Contains(rem.Text, "Your appointment at Main Clinic is tomorrow, Saturday 20 June, 10:00 to 13:00 PDT.") {
			t.Errorf("reminder %q:\n%s", rem.Subject, rem.Text)
		}
		if strings.Contains(rem.Text, "Stop eating") || strings.Contains(rem.Text, "Robin Vale") {
			t.Errorf("a reminder without details holds the checklist:\n%s", rem.Text)
		}
		if !strings.Contains(rem.Text, "(541) 555-0199 or hello@main.example") || !strings.Contains(rem.Text, mailBase+"/portal/notifications") {
			t.Errorf("the reminder lacks how to reach the clinic or where to change what is e-mailed:\n%s", rem.Text)
		}
		if id := rem.Header.Get("Message-ID"); id != "<"+p.job("reminder:session:"+appt.ID+":"+p.Users["clientA"].ID+":24h").ID+"@doorway.test>" {
			t.Errorf("the reminder's Message-ID %s is not its job's", id)
		}
		if out := p.outbox(); len(out) != 2 || !out[0].Sent || out[0].Text != "" {
			t.Errorf("the outbox keeps %d messages, the newest sent %v with text %q; want 2, sent, without their words", len(out), out[0].Sent, out[0].Text)
		}
	})
}

// TestReminderDetailsAsChosen: with details chosen, the reminder has the
// checklist as CLINICAL.md says it, with clock times: stop eating four
// hours before (06:00 for a 10:00 session), nothing of alcohol from 10:00
// the day before, the companion the client named with their phone. The
// choice is read when the reminder goes, not when it was queued.
func TestReminderDetailsAsChosen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		p.book("A", 3, "10:00")
		p.runDue()
		p.choose("clientA", practice.NotificationChoices{SessionReminders: true, Bookings: true, Details: true})
		p.advance(2*24*time.Hour - 30*time.Minute)
		msgs := p.sent()
		if len(msgs) != 2 {
			t.Fatalf("%d messages, want the booking and the reminder", len(msgs))
		}
		rem := readLetter(t, msgs[1])
		for _, want := range []string{
			"Your medicine session at Main Clinic is tomorrow, Saturday 20 June, 10:00 to 13:00 PDT.",
			"- Stop eating at 06:00 on Saturday 20 June, 4 hours before your session.",
			"- No alcohol or other drugs from 10:00 on Friday 19 June, the 24 hours before.",
			"- Your companion, Robin Vale ((541) 555-0142), takes you home afterwards",
			"- Comfortable, loose clothes and a warm layer",
		} {
			if !strings.Contains(rem.Text, want) {
				t.Errorf("the reminder with details lacks %q:\n%s", want, rem.Text)
			}
		}
		if !strings.Contains(rem.HTML, "<li style=\"margin:0 0 8px\">Stop eating at 06:00 on Saturday 20 June") {
			t.Errorf("the HTML lacks the checklist as a list:\n%s", rem.HTML)
		}
	})
}

// TestMailsOnTheClinicsClock: a clinic on the 12-hour clock writes its
// booking, reminder and cancellation e-mails so, subject and body, and the
// getting-ready times too: a session at 14:30 on Saturday 20 June is
// "2:30 PM", the fast begins at "10:30 AM" four hours before.
func TestMailsOnTheClinicsClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		ctx := context.Background()
		if err := st.Write(ctx, func(tx *store.Tx) error {
			return tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingClock, timefmt.Clock12, p.Users["admin"].ID, storetest.Now)
		}); err != nil {
			t.Fatal(err)
		}
		appt := p.book("A", 3, "14:30")
		p.choose("clientA", practice.NotificationChoices{SessionReminders: true, Bookings: true, Details: true})
		p.runDue()
		p.advance(2*24*time.Hour + 4*time.Hour)
		if err := p.app.CancelAppointment(ctx, p.as("assigned"), appt.ID, "The room flooded."); err != nil {
			t.Fatal(err)
		}
		p.runDue()
		msgs := p.sent()
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want the booking, the reminder and the cancellation", len(msgs))
		}
		for i, want := range []struct {
			subject string
			lines   []string
		}{
			{"Booked: Saturday 20 June at 2:30 PM", []string{"Your medicine session at Main Clinic is booked Saturday 20 June, 2:30 PM to 5:30 PM PDT."}},
			{"Reminder: tomorrow at 2:30 PM", []string{"Your medicine session at Main Clinic is tomorrow, Saturday 20 June, 2:30 PM to 5:30 PM PDT.",
				"- Stop eating at 10:30 AM on Saturday 20 June, 4 hours before your session.",
				"- No alcohol or other drugs from 2:30 PM on Friday 19 June, the 24 hours before."}},
			{"Cancelled: Saturday 20 June at 2:30 PM", []string{"Your medicine session at Main Clinic is cancelled tomorrow, Saturday 20 June, 2:30 PM to 5:30 PM PDT."}},
		} {
			l := readLetter(t, msgs[i])
			if l.Subject != want.subject {
				t.Errorf("subject %q, want %q", l.Subject, want.subject)
			}
			for _, line := range want.lines {
				if !strings.Contains(l.Text, line) {
					t.Errorf("%q lacks %q:\n%s", l.Subject, line, l.Text)
				}
			}
		}
	})
}

// TestChoicesReadWhenTheMessageGoes: a reminder queued while reminders
// were on is not sent once they are turned off: the job ends done, with no
// message and nothing in the outbox. The booking e-mail, turned off before
// it ran, is not sent either.
func TestChoicesReadWhenTheMessageGoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		appt := p.book("A", 3, "10:00")
		p.choose("clientA", practice.NotificationChoices{})
		p.advance(3 * 24 * time.Hour)
		if n := len(p.sent()); n != 0 {
			t.Fatalf("%d messages went after every e-mail was turned off", n)
		}
		key := "reminder:session:" + appt.ID + ":" + p.Users["clientA"].ID + ":24h"
		if j := p.job(key); j.DoneAt == nil || j.Attempts != 1 {
			t.Errorf("the reminder's job: done %v after %d attempts, want done once", j.DoneAt, j.Attempts)
		}
		if n := len(p.outbox()); n != 0 {
			t.Errorf("%d messages in the outbox", n)
		}
	})
}

// TestCancellationCancelsTheReminder: cancelling a session cancels its
// reminder in the same transaction and sends the calendar's cancellation
// (METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE:1, the same UID), which a
// strict reading and the library both accept; the day before, nothing goes.
// A session cancelled before its booking e-mail went gets neither.
func TestCancellationCancelsTheReminder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		appt := p.book("A", 3, "10:00")
		p.runDue()
		p.advance(time.Hour)
		if err := p.app.CancelAppointment(context.Background(), p.as("assigned"), appt.ID, "The room flooded."); err != nil {
			t.Fatal(err)
		}
		key := "reminder:session:" + appt.ID + ":" + p.Users["clientA"].ID + ":24h"
		if j := p.job(key); j.CancelledAt == nil {
			t.Fatalf("the reminder was not cancelled with the session: %+v", j)
		}
		p.runDue()
		msgs := p.sent()
		if len(msgs) != 2 {
			t.Fatalf("%d messages, want the booking and the cancellation", len(msgs))
		}
		c := readLetter(t, msgs[1])
		if c.Subject != "Cancelled: Saturday 20 June at 10:00" || !strings.Contains(c.Text, "Your appointment at Main Clinic is cancelled Saturday 20 June") ||
			strings.Contains(c.Text, "flooded") {
			t.Errorf("cancellation %q:\n%s", c.Subject, c.Text)
		}
		cancelledAt := p.clock()
		want := export.Calendar{Zone: p.Clinic.Location(), Method: export.MethodCancel,
			Organizer: export.Person{Name: "Main Clinic", Email: "hello@main.example"},
			Attendees: []export.Person{{Name: p.Users["clientA"].Name, Email: "clienta@example.org"}},
			Events: []export.Event{{UID: "appointment-" + appt.ID + "@doorway", Start: appt.StartsAt, End: appt.EndsAt,
				Summary: "Appointment at Main Clinic", Description: "Details and how to get ready: " + mailBase + "/portal/sessions/" + appt.ID,
				Cancelled: true, Sequence: 1, Updated: cancelledAt}}}
		ics := c.Attachments["cancelled.ics"]
		icaltest.Check(t, ics, want)
		icaltest.ParseWithLibrary(t, ics, want)
		p.advance(3 * 24 * time.Hour)
		if n := len(p.sent()); n != 2 {
			t.Errorf("%d messages after the session's day, want no reminder", n)
		}
		// Booked and cancelled before the booking e-mail went: neither goes.
		other := p.book("A", 3, "10:00")
		if err := p.app.CancelAppointment(context.Background(), p.as("assigned"), other.ID, "Booked by mistake."); err != nil {
			t.Fatal(err)
		}
		p.runDue()
		if n := len(p.sent()); n != 2 {
			t.Errorf("%d messages after a booking cancelled at once, want none more", n)
		}
	})
}

// TestWithoutSMTPTheOutboxKeepsTheWords: with no SMTP server configured,
// each message is recorded in the outbox with its words, once per job,
// and the client's accounting of access shows that it went.
func TestWithoutSMTPTheOutboxKeepsTheWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, false)
		p.book("A", 3, "10:00")
		p.runDue()
		out := p.outbox()
		if len(out) != 1 || out[0].Sent || out[0].Kind != practice.KindBookingMail || out[0].Attachment != "session.ics" ||
			!strings.Contains(out[0].Text, "is booked Saturday 20 June") || !strings.Contains(out[0].HTML, "Main Clinic") ||
			out[0].UserID != p.Users["clientA"].ID {
			t.Fatalf("the outbox: %+v", out)
		}
		var entries int
		err := st.Read(context.Background(), func(tx *store.Tx) error {
			es, err := tx.AuditEntries(context.Background(), store.AuditFilter{ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, Limit: 100})
			for _, e := range es {
				if e.Action == "notification.email" && strings.Contains(e.Detail, "no SMTP") {
					entries++
				}
			}
			return err
		})
		if err != nil || entries != 1 {
			t.Errorf("%d notification entries in client A's log (%v), want 1", entries, err)
		}
	})
}

// TestReminderThroughAnHourOfOutage: the SMTP server turns every
// connection away for an hour from the moment the reminder falls due. On
// a fixed clock stepped half a minute at a time, with the default backoff,
// the reminder is tried at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 minutes,
// and delivered at 61.5, once; the outbox keeps it once.
func TestReminderThroughAnHourOfOutage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		appt := p.book("A", 3, "10:00")
		p.runDue()
		p.advance(2*24*time.Hour - 30*time.Minute - 30*time.Second)
		due := p.clock().Add(30 * time.Second)
		p.smtp.Refuse(true)
		var tries []string
		for half := 1; half <= 240; half++ {
			if half == 121 {
				p.smtp.Refuse(false)
			}
			if p.advance(30*time.Second) > 0 {
				tries = append(tries, fmt.Sprint(float64(half-1)/2))
			}
		}
		if got := strings.Join(tries, " "); got != "0 0.5 1.5 3.5 7.5 15.5 31.5 61.5" {
			t.Errorf("attempts at minutes %s", got)
		}
		msgs := p.sent()
		if len(msgs) != 2 || p.smtp.Refused() != 7 {
			t.Fatalf("%d messages (want the booking and one reminder), %d refused (want 7)", len(msgs), p.smtp.Refused())
		}
		j := p.job("reminder:session:" + appt.ID + ":" + p.Users["clientA"].ID + ":24h")
		if j.DoneAt == nil || j.Attempts != 8 || !strings.Contains(j.LastError, "421") {
			t.Errorf("the reminder's job: done %v after %d attempts, last error %q", j.DoneAt, j.Attempts, j.LastError)
		}
		if n := len(p.outbox()); n != 2 {
			t.Errorf("the outbox keeps %d messages, want 2", n)
		}
		t.Logf("a reminder through an hour's outage: %d attempts, %d refused, delivered at +%v, %d message",
			j.Attempts, p.smtp.Refused(), j.DoneAt.Sub(due), len(msgs)-1)
	})
}

// TestRemindersOnceFromTwoInstances: two instances (two store handles, two
// use-case services, two runners of four workers each) share one database
// and one SMTP server. Ten clients are booked for the same day, and the
// clock stands where every reminder is due and no session has begun: the
// ten booking e-mails and ten reminders arrive once each, under twenty
// Message-IDs, and the outbox keeps twenty rows.
func TestRemindersOnceFromTwoInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			st1, st2 := storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)
			p := newMailPractice(t, st1, true)
			const n = 10
			var appts []store.Appointment
			for i := range n {
				c := p.extraClient(fmt.Sprintf("extra%d", i))
				day := calendar.Of(p.clock(), p.Clinic.Location()).AddDays(3)
				appt, err := p.app.BookAppointment(context.Background(), p.as("admin"), practice.BookingInput{ClientID: c.ID,
					Kind: store.KindIntegration, Date: day.String(), Time: fmt.Sprintf("%02d:00", 7+i), StaffIDs: []string{p.Users["assigned"].ID}})
				if err != nil {
					t.Fatal(err)
				}
				appts = append(appts, appt)
			}
			// The evening before: every reminder (07:00 to 16:00 the day
			// before) has fallen due, and no session has begun.
			p.mu.Lock()
			p.now = appts[0].StartsAt.Add(-time.Hour)
			p.mu.Unlock()
			sender, err := mail.Parse(p.smtp.URL())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for i, st := range []*store.Store{st1, st2} {
				app := practice.New(practice.Config{Store: st, Mailer: sender, Now: p.clock, BaseURL: func() string { return mailBase }})
				r := jobs.New(jobs.Config{Store: st, Now: p.clock, Name: fmt.Sprint("instance-", i+1), PollEvery: 10 * time.Millisecond, Workers: 4})
				app.RegisterJobs(r)
				wg.Go(func() { r.Run(ctx) })
			}
			msgs := p.smtp.Wait(t, 2*n, 20*time.Second)
			time.Sleep(300 * time.Millisecond) // room for a duplicate to arrive
			cancel()
			wg.Wait()
			msgs = p.smtp.Messages()
			ids := map[string]int{}
			subjects := map[string]int{}
			for _, m := range msgs {
				ids[m.Header.Get("Message-ID")]++
				subjects[strings.Fields(readLetter(t, m).Subject)[0]]++
			}
			if len(msgs) != 2*n || len(ids) != 2*n || subjects["Booked:"] != n || subjects["Reminder:"] != n {
				t.Errorf("%d messages under %d Message-IDs (%v), want %d once each", len(msgs), len(ids), subjects, 2*n)
			}
			claimedBy := map[string]int{}
			for i, a := range appts {
				user := p.Users[fmt.Sprintf("extra%d", i)].ID
				for _, key := range []string{"mail:booking:" + a.ID + ":" + user, "reminder:session:" + a.ID + ":" + user + ":24h"} {
					j := p.job(key)
					claimedBy[j.ClaimedBy]++
					if j.Attempts != 1 || j.DoneAt == nil {
						t.Errorf("job %s: %d attempts, done %v", j.Key, j.Attempts, j.DoneAt)
					}
				}
			}
			if got := len(p.outbox()); got != 2*n {
				t.Errorf("the outbox keeps %d messages, want %d", got, 2*n)
			}
			t.Logf("two instances, %d e-mails: %d received, %d distinct Message-IDs, work shared %v", 2*n, len(msgs), len(ids), claimedBy)
		})
	}
}

// TestSweepQueuesWhatFellDue: a session booked without its reminders (as
// the demo seeds them, or before anyone chose reminders) and a
// questionnaire assigned are found by the hourly sweep: the questionnaire's
// e-mail goes at once, the session's reminder the day before. The sweep
// queues the next hour's as it starts; a second sweep, and a third, queue
// nothing twice. Without details the questionnaire is not named.
func TestSweepQueuesWhatFellDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newMailPractice(t, st, true)
		ctx := context.Background()
		now := p.clock()
		day := calendar.Of(now, p.Clinic.Location()).AddDays(2)
		appt := store.Appointment{ID: auth.NewID(), ClinicID: p.Clinic.ID, Kind: store.KindPreparation,
			StartsAt: time.Date(day.Year, day.Month, day.Date, 14, 0, 0, 0, p.Clinic.Location()).UTC(),
			Clients:  []store.AppointmentClient{{ClientID: p.Clients["B"].ID}}, Staff: []string{p.Users["unassigned"].ID},
			CreatedBy: p.Users["admin"].ID, CreatedAt: now}
		appt.EndsAt = appt.StartsAt.Add(time.Hour)
		err := st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.BookAppointment(ctx, &appt); err != nil {
				return err
			}
			return tx.CreateAssignment(ctx, &store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID,
				CourseID: p.course.ID, InstrumentID: "phq9", Occasion: store.OccasionAssigned, DueAt: now, AssignedBy: p.Users["assigned"].ID, CreatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.app.StartScheduledWork(ctx); err != nil {
			t.Fatal(err)
		}
		p.runDue()
		msgs := p.sent()
		if len(msgs) != 1 {
			t.Fatalf("%d messages after the first sweep, want one naming every questionnaire due", len(msgs))
		}
		// Client A's course is a month old: besides the PHQ-9 assigned, the
		// weekly GAD-7 and the baseline PCL-5 are due. One e-mail says so.
		q := readLetter(t, msgs[0])
		if q.To != "clienta@example.org" || q.Subject != "Questionnaires are ready for you" || strings.Contains(q.Text, "PHQ") ||
			!strings.Contains(q.Text, "asks you to complete 3 short questionnaires") || !strings.Contains(q.Text, mailBase+"/portal\n") {
			t.Errorf("the questionnaire's e-mail %q to %s:\n%s", q.Subject, q.To, q.Text)
		}
		reminder := p.job("reminder:session:" + appt.ID + ":" + p.Users["clientB"].ID + ":24h")
		if !reminder.RunAt.Equal(appt.StartsAt.Add(-24*time.Hour)) || reminder.DoneAt != nil {
			t.Errorf("the sweep queued B's reminder for %v (done %v), want the day before", reminder.RunAt, reminder.DoneAt)
		}
		next := now.UTC().Truncate(time.Hour).Add(time.Hour)
		if j := p.job("sweep:reminders:" + next.Format("2006-01-02T15")); !j.RunAt.Equal(next) {
			t.Errorf("the next sweep is due %v, want %v", j.RunAt, next)
		}
		p.advance(time.Hour)
		p.advance(time.Hour)
		if n := len(p.sent()); n != 1 {
			t.Errorf("%d messages after two more sweeps, want still 1", n)
		}
		p.advance(appt.StartsAt.Add(-24 * time.Hour).Sub(p.clock()))
		msgs = p.sent()
		if len(msgs) != 2 || readLetter(t, msgs[1]).To != "clientb@example.org" {
			t.Fatalf("%d messages by the day before B's session, want B's reminder", len(msgs))
		}
		// With details, each questionnaire is named, and only what is new
		// since brings a new e-mail.
		p.choose("clientA", practice.NotificationChoices{Measures: true, Details: true})
		err = st.Write(ctx, func(tx *store.Tx) error {
			return tx.CreateAssignment(ctx, &store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID,
				CourseID: p.course.ID, InstrumentID: "pcl5", Occasion: store.OccasionAssigned, DueAt: p.clock(), AssignedBy: p.Users["assigned"].ID,
				CreatedAt: p.clock()})
		})
		if err != nil {
			t.Fatal(err)
		}
		p.advance(time.Hour)
		msgs = p.sent()
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want one more for the PCL-5 assigned", len(msgs))
		}
		if text := readLetter(t, msgs[2]).Text; !strings.Contains(text, "- Patient Health Questionnaire") || !strings.Contains(text, "PTSD") {
			t.Errorf("the e-mail with details does not name the questionnaires:\n%s", text)
		}
	})
}
