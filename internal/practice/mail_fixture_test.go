package practice_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/jobs"
	"doorway/internal/mail"
	"doorway/internal/mail/mailtest"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// mailPractice is storetest's practice with the use cases and a job runner
// over it, on a clock the test moves, sending through a real SMTP server
// (mailtest) or, without one, into the outbox.
type mailPractice struct {
	t      *testing.T
	st     *store.Store
	app    *practice.Service
	runner *jobs.Runner
	smtp   *mailtest.Server // nil: no SMTP, messages recorded in the outbox
	course store.Course     // client A's course, with a companion named
	mu     sync.Mutex
	now    time.Time
	*storetest.Practice
}

const mailBase = "https://doorway.test"

func newMailPractice(t *testing.T, st *store.Store, withSMTP bool) *mailPractice {
	t.Helper()
	p := &mailPractice{t: t, st: st, now: storetest.Now, Practice: storetest.NewPractice(t, st, storetest.Now)}
	var sender mail.Sender
	if withSMTP {
		p.smtp = mailtest.Start(t)
		s, err := mail.Parse(p.smtp.URL())
		if err != nil {
			t.Fatal(err)
		}
		sender = s
	}
	p.app = practice.New(practice.Config{Store: st, Mailer: sender, Now: p.clock, BaseURL: func() string { return mailBase }})
	p.runner = jobs.New(jobs.Config{Store: st, Now: p.clock, Name: "test"})
	p.app.RegisterJobs(p.runner)
	ctx := context.Background()
	p.Clinic.ContactEmail, p.Clinic.ContactPhone = "hello@main.example", "(541) 555-0199"
	p.course = store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, State: care.Active,
		StartedAt: storetest.Now.AddDate(0, -1, 0), CreatedAt: storetest.Now.AddDate(0, -1, 0)}
	err := st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateClinic(ctx, &p.Clinic); err != nil {
			return err
		}
		if err := tx.CreateCourse(ctx, &p.course); err != nil {
			return err
		}
		return tx.SaveChecklist(ctx, &store.Checklist{CourseID: p.course.ID, ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID,
			CompanionName: "Robin Vale", CompanionPhone: "(541) 555-0142", UpdatedBy: p.Users["clientA"].ID, UpdatedAt: storetest.Now})
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *mailPractice) clock() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now
}

// advance moves the clock on and runs whatever has fallen due.
func (p *mailPractice) advance(d time.Duration) int {
	p.t.Helper()
	p.mu.Lock()
	p.now = p.now.Add(d)
	p.mu.Unlock()
	return p.runDue()
}

func (p *mailPractice) runDue() int {
	p.t.Helper()
	n, err := p.runner.RunDue(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// as is a request by one of the practice's principals.
func (p *mailPractice) as(who string) practice.Actor {
	u := p.Users[who]
	clientID := ""
	if who == "clientA" {
		clientID = p.Clients["A"].ID
	}
	if who == "clientB" {
		clientID = p.Clients["B"].ID
	}
	a := practice.NewActor(u.Principal(clientID), u.Name, p.Clinic, "req-"+who, "192.0.2.1", practice.Pages)
	a.BaseURL = mailBase
	return a
}

// book books a medicine session for a client, days ahead at clock (15:04,
// the clinic's), with the assigned therapist.
func (p *mailPractice) book(client string, days int, clock string) store.Appointment {
	p.t.Helper()
	day := calendar.Of(p.clock(), p.Clinic.Location()).AddDays(days)
	appt, err := p.app.BookAppointment(context.Background(), p.as("assigned"), practice.BookingInput{ClientID: p.Clients[client].ID,
		Kind: store.KindMedicine, Date: day.String(), Time: clock, StaffIDs: []string{p.Users["assigned"].ID}})
	if err != nil {
		p.t.Fatalf("book %s: %v", client, err)
	}
	return appt
}

func (p *mailPractice) choose(who string, c practice.NotificationChoices) {
	p.t.Helper()
	if err := p.app.SaveMyNotifications(context.Background(), p.as(who), c); err != nil {
		p.t.Fatal(err)
	}
}

func (p *mailPractice) job(key string) store.Job {
	p.t.Helper()
	var j store.Job
	if err := p.st.Read(context.Background(), func(tx *store.Tx) (err error) { j, err = tx.JobByKey(context.Background(), key); return err }); err != nil {
		p.t.Fatalf("job %s: %v", key, err)
	}
	return j
}

func (p *mailPractice) outbox() []store.OutboxMessage {
	p.t.Helper()
	var out []store.OutboxMessage
	if err := p.st.Read(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.Outbox(context.Background(), p.Clinic.ID, 500)
		return err
	}); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// sent are the messages the SMTP server has accepted.
func (p *mailPractice) sent() []mailtest.Message { return p.smtp.Messages() }

// letter is one message as a mail reader reads it: the plain text, the
// HTML and each attachment by file name, decoded.
type letter struct {
	Subject     string
	To          string
	Header      netmail.Header
	Text, HTML  string
	Attachments map[string]string
	AttachTypes map[string]string
}

func readLetter(t *testing.T, m mailtest.Message) letter {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(m.Raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	l := letter{Subject: subject, To: m.To[0], Header: msg.Header, Attachments: map[string]string{}, AttachTypes: map[string]string{}}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(part.Header, part)
			}
		}
		var data []byte
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			data, err = io.ReadAll(quotedprintable.NewReader(body))
		case "base64":
			data, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
		default:
			data, err = io.ReadAll(body)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, dp, _ := mime.ParseMediaType(get("Content-Disposition"))
		switch {
		case dp["filename"] != "":
			l.Attachments[dp["filename"]] = string(data)
			l.AttachTypes[dp["filename"]] = get("Content-Type")
		case mt == "text/html":
			l.HTML = string(data)
		default:
			l.Text = strings.ReplaceAll(string(data), "\r\n", "\n")
		}
	}
	walk(msg.Header, msg.Body)
	return l
}

// extraClient adds a client of the clinic with an active portal account
// under the key name (in Users), on the assigned therapist's care team.
func (p *mailPractice) extraClient(name string) store.Client {
	p.t.Helper()
	ctx := context.Background()
	u := store.User{ID: auth.NewID(), ClinicID: p.Clinic.ID, Email: name + "@example.org", Name: "Client " + name, Kind: "client",
		PasswordHash: "not a real hash", CreatedAt: storetest.Now}
	c := store.Client{ID: auth.NewID(), ClinicID: p.Clinic.ID, UserID: u.ID, GivenName: "Client", FamilyName: name, CreatedAt: storetest.Now}
	err := p.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &c); err != nil {
			return err
		}
		return tx.AddToCareTeam(ctx, c.ID, p.Users["assigned"].ID, storetest.Now)
	})
	if err != nil {
		p.t.Fatal(err)
	}
	p.Users[name] = u
	return c
}
