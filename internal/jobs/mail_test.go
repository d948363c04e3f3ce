package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"doorway/internal/export"
	"doorway/internal/jobs"
	"doorway/internal/mail"
	"doorway/internal/mail/mailtest"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// booking is the payload of the tests' booking e-mail: ids and an address,
// as a real handler's would be (it would read the rest from the record).
type booking struct {
	To          string    `json:"to"`
	Appointment string    `json:"appointment"`
	Start       time.Time `json:"start"`
}

// bookingMail is a handler that sends a booking e-mail, plain text and
// HTML with the session as an .ics file, through sender. Its Message-ID is
// made from the job's id, so a repeat would be recognisable.
func bookingMail(sender mail.Sender) jobs.Handler {
	return func(ctx context.Context, j store.Job) error {
		var b booking
		if err := json.Unmarshal([]byte(j.Payload), &b); err != nil {
			return jobs.Permanent(err)
		}
		la, err := time.LoadLocation("America/Los_Angeles")
		if err != nil {
			return err
		}
		cal := export.Calendar{Zone: la, Method: export.MethodPublish,
			Organizer: export.Person{Name: "Stillwater Ketamine Therapy", Email: mailtest.From},
			Events: []export.Event{{UID: b.Appointment + "@doorway.test", Start: b.Start, End: b.Start.Add(4 * time.Hour),
				Summary: "Medicine session", Location: "Stillwater, room 2", Updated: j.CreatedAt}}}
		var ics bytes.Buffer
		if err := export.ICalendar(&ics, cal); err != nil {
			return jobs.Permanent(err)
		}
		when := b.Start.In(la).Format("Monday 2 January at 15:04")
		return sender.Send(ctx, mail.Message{
			To:          b.To,
			Subject:     "Your medicine session on " + when,
			Body:        "Your medicine session is on " + when + ".\n",
			HTML:        "<p>Your medicine session is on <strong>" + when + "</strong>.</p>",
			Attachments: []mail.Attachment{{Filename: "session.ics", ContentType: cal.ContentType(), Data: ics.Bytes()}},
			MessageID:   j.ID + "@doorway.test",
		})
	}
}

func bookingJob(t *testing.T, n int, runAt time.Time) store.Job {
	t.Helper()
	p, err := json.Marshal(booking{To: fmt.Sprintf("client%d@example.org", n), Appointment: fmt.Sprint("appt-", n),
		Start: time.Date(2026, 6, 23, 16, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return store.Job{Kind: "mail.booking", Key: fmt.Sprintf("mail:booking:appt-%d:client-%d", n, n), Payload: string(p), RunAt: runAt, CreatedAt: runAt}
}

// TestMailSentOnceAfterAnHourOutage: the SMTP server refuses every
// connection for an hour. On a fixed clock stepped a minute at a time, with
// the default backoff, the runner tries at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and
// 31.5 minutes (each a real SMTP conversation, turned away with 421), and
// the eighth attempt, at 61.5 minutes, delivers the message: once.
func TestMailSentOnceAfterAnHourOutage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := mailtest.Start(t)
		sender, err := mail.Parse(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		t0 := storetest.Now
		now := t0
		r := jobs.New(jobs.Config{Store: s, Name: "clock", Now: func() time.Time { return now }})
		r.Handle("mail.booking", bookingMail(sender))
		job := bookingJob(t, 1, t0)
		mustEnqueue(t, s, job)

		srv.Refuse(true)
		var tries []string
		for minute := 0.0; minute <= 120; minute += 0.5 {
			now = t0.Add(time.Duration(minute * float64(time.Minute)))
			if minute == 60 {
				srv.Refuse(false) // the server is back
			}
			n, err := r.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				tries = append(tries, fmt.Sprint(minute))
			}
		}
		want := []string{"0", "0.5", "1.5", "3.5", "7.5", "15.5", "31.5", "61.5"}
		if strings.Join(tries, " ") != strings.Join(want, " ") {
			t.Errorf("attempts at minutes %v, want %v", tries, want)
		}
		if got := srv.Refused(); got != 7 {
			t.Errorf("the server turned away %d connections, want 7", got)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "client1@example.org" {
			t.Fatalf("%d messages arrived, want 1 to client1: %+v", len(msgs), msgs)
		}
		j := mustJob(t, s, job.Key)
		if j.DoneAt == nil || !j.DoneAt.Equal(t0.Add(61*time.Minute+30*time.Second)) || j.Attempts != 8 || !strings.Contains(j.LastError, "421") {
			t.Errorf("the job: done %v after %d attempts, last error %q", j.DoneAt, j.Attempts, j.LastError)
		}
		t.Logf("an hour's outage: %d attempts, delivered at +%v, %d message", j.Attempts, j.DoneAt.Sub(t0), len(msgs))
	})
}

// TestMailThroughAnOutageFromTwoInstances: two runners on two store handles
// send five booking e-mails while the SMTP server is first down (nothing
// listens), then up but refusing (421), then accepting. Each e-mail arrives
// exactly once, as multipart/mixed with the plain and HTML text and the
// session's .ics, under the Message-ID made from its job.
func TestMailThroughAnOutageFromTwoInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s1, s2 := storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)
			addr := mailtest.FreeAddr(t)
			sender, err := mail.Parse(mailtest.URLFor(addr))
			if err != nil {
				t.Fatal(err)
			}
			const n = 5
			for i := range n {
				j := bookingJob(t, i, time.Now())
				j.MaxAttempts = 100
				mustEnqueue(t, s1, j)
			}
			for i, s := range []*store.Store{s1, s2} {
				r := newRunner(s, fmt.Sprint("instance-", i+1), func(c *jobs.Config) {
					c.Backoff = jobs.Exponential(20*time.Millisecond, 80*time.Millisecond)
				})
				r.Handle("mail.booking", bookingMail(sender))
				mustStart(t, r)
			}
			// Down: every attempt fails to connect.
			eventually(t, 10*time.Second, "attempts while the server was down", func() bool {
				return mustJob(t, s1, bookingJob(t, 0, time.Now()).Key).Attempts >= 3
			})
			// Up, but refusing.
			srv := mailtest.StartAt(t, addr)
			srv.Refuse(true)
			eventually(t, 10*time.Second, "attempts refused by the server", func() bool { return srv.Refused() >= 10 })
			srv.Refuse(false)
			msgs := srv.Wait(t, n, 10*time.Second)
			time.Sleep(300 * time.Millisecond) // room for a duplicate to arrive
			msgs = srv.Messages()

			seen := map[string]int{}
			for _, m := range msgs {
				seen[m.To[0]]++
			}
			dups := 0
			for to, c := range seen {
				if c != 1 {
					dups++
					t.Errorf("%s received %d messages", to, c)
				}
			}
			if len(msgs) != n || len(seen) != n {
				t.Fatalf("%d messages to %d recipients, want %d each once", len(msgs), len(seen), n)
			}
			attempts := 0
			for i := range n {
				j := mustJob(t, s2, bookingJob(t, i, time.Now()).Key)
				attempts += j.Attempts
				if j.DoneAt == nil || j.Attempts < 2 {
					t.Errorf("job %s: done %v after %d attempts", j.Key, j.DoneAt, j.Attempts)
				}
				checkBookingMail(t, msgs, j)
			}
			t.Logf("%d e-mails through an outage: %d attempts in all, %d refused at the greeting, %d messages received, %d duplicates",
				n, attempts, srv.Refused(), len(msgs), dups)
		})
	}
}

// checkBookingMail finds j's message among msgs by its Message-ID and reads
// it as a mail reader would.
func checkBookingMail(t *testing.T, msgs []mailtest.Message, j store.Job) {
	t.Helper()
	var raw string
	for _, m := range msgs {
		if m.Header.Get("Message-ID") == "<"+j.ID+"@doorway.test>" {
			raw = m.Raw
		}
	}
	if raw == "" {
		t.Errorf("no message has job %s's Message-ID", j.ID)
		return
	}
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	var types []string
	mixed := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mixed.NextPart()
		if err != nil {
			break
		}
		ct, ps, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct == "multipart/alternative" {
			alt := multipart.NewReader(p, ps["boundary"])
			for {
				q, err := alt.NextPart()
				if err != nil {
					break
				}
				qt, _, _ := mime.ParseMediaType(q.Header.Get("Content-Type"))
				types = append(types, qt)
			}
			continue
		}
		types = append(types, ct+" "+p.FileName())
	}
	if got := strings.Join(types, ", "); got != "text/plain, text/html, text/calendar session.ics" {
		t.Errorf("message parts: %s", got)
	}
}
