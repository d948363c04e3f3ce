package practice

import (
	"context"
	"encoding/json"
	"errors"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/jobs"
	"doorway/internal/mail"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The practice's scheduled work (DESIGN.md §6): every e-mail goes as a job
// of internal/jobs, queued in the same transaction as what calls for it (a
// booking, a cancellation) or by the hourly sweep (reminders_sweep.go), and
// sent by whichever instance claims it, once. A message reads the record
// and the person's choices when it goes, not when it was queued. Without
// an SMTP server the message is recorded in the outbox instead, with its
// words, for the admins to see what would have gone.

// The kinds of scheduled work.
const (
	KindSessionReminder = "mail.session_reminder" // the day before a session
	KindBookingMail     = "mail.booking"          // a session booked, with its calendar file
	KindCancelMail      = "mail.cancellation"     // a session cancelled, with the calendar's cancellation
	KindMeasureDue      = "mail.measure_due"      // a questionnaire falls due
	KindPromptOpen      = "mail.prompt_open"      // reflection prompts open after a medicine session
	KindSeriesConfirm   = "mail.series_confirm"   // confirm an address for the article series
	KindSeriesChapter   = "mail.series_chapter"   // one article of the series, a week apart
	KindSweep           = "sweep.reminders"       // the hourly look for what falls due
)

// mailJob is the payload of a message's job: ids and the facts it was
// queued on, never words.
type mailJob struct {
	User        string    `json:"user,omitempty"`
	Appointment string    `json:"appointment,omitempty"`
	Start       time.Time `json:"start,omitzero"` // the session's start when the reminder was queued
	Client      string    `json:"client,omitempty"`
	Instrument  string    `json:"instrument,omitempty"`
	Due         string    `json:"due,omitempty"` // an assignment's id, or a scheduled occasion's DueKey
	Session     string    `json:"session,omitempty"`
	Set         string    `json:"set,omitempty"`
	Reader      string    `json:"reader,omitempty"`
	Chapter     int       `json:"chapter,omitempty"`
}

// RegisterJobs gives r the practice's handlers: the messages and the sweep.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Handle(KindSessionReminder, s.sendSessionReminder)
	r.Handle(KindBookingMail, s.sendBookingMail)
	r.Handle(KindCancelMail, s.sendCancelMail)
	r.Handle(KindMeasureDue, s.sendMeasureDue)
	r.Handle(KindPromptOpen, s.sendPromptOpen)
	r.Handle(KindSeriesConfirm, s.sendSeriesConfirm)
	r.Handle(KindSeriesChapter, s.sendSeriesChapter)
	r.Handle(KindSweep, s.runSweep)
}

// queue enqueues one job in tx unless its key was ever queued.
func (s *Service) queue(ctx context.Context, tx *store.Tx, clinicID, kind, key string, p mailJob, runAt time.Time) error {
	_, err := s.enqueue(ctx, tx, pending{clinicID, kind, key, p, runAt})
	return err
}

// enqueue is queue, saying whether the job is new.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, f pending) (bool, error) {
	payload, err := json.Marshal(f.payload)
	if err != nil {
		return false, err
	}
	return tx.EnqueueJob(ctx, &store.Job{ClinicID: f.clinicID, Kind: f.kind, Key: f.key, Payload: string(payload),
		RunAt: f.at.UTC(), CreatedAt: s.Now()})
}

// payloadOf reads a job's payload; one that does not read never will.
func payloadOf(j store.Job) (mailJob, error) {
	var p mailJob
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return p, jobs.Permanent(err)
	}
	return p, nil
}

// systemActor is Doorway itself at work for a clinic: what the log says
// did what the scheduled work does.
func systemActor(clinic store.Clinic, j store.Job) Actor {
	return NewActor(access.Principal{ClinicID: clinic.ID}, "", clinic, "job-"+j.ID, "", System)
}

// outgoing is one message ready to go.
type outgoing struct {
	Clinic store.Clinic
	// UserID is the person it goes to; "" for a reader of the series,
	// whose ReaderID it is.
	UserID   string
	ReaderID string
	To       string
	// ClientID is the client whose record it speaks of, if any: the client's
	// accounting of access shows that it went.
	ClientID   string
	Subject    string
	Letter     letter
	Attachment *mail.Attachment
	Headers    []mail.Header
	// Secrets are parts of the words (a link's signed token) the outbox
	// never keeps: a message recorded in place of sending must not let
	// whoever reads the outbox act as its recipient.
	Secrets []string
}

// deliver sends o as j's message, or records it in the outbox when no SMTP
// server is configured, and then keeps it in the outbox with its entry in
// the log. The Message-ID is made from the job, so a repeat after a crash
// between the server's acceptance and the job's completion is the same
// message, and the outbox keeps it once. A refusal no retry can mend (a
// 5xx reply: no such mailbox) fails the job at once.
func (s *Service) deliver(ctx context.Context, j store.Job, o outgoing) error {
	if o.Clinic.Demo {
		o.Letter.blocks = append([]letterBlock{{kind: "p", text: "This is a demo of Doorway: the people and the sessions are invented."}}, o.Letter.blocks...)
	}
	if addr := o.Clinic.ContactEmail; addr != "" && !strings.ContainsAny(addr, "\r\n") {
		// Replies go to the clinic, not to the sending address.
		o.Headers = append(o.Headers, mail.Header{Name: "Reply-To", Value: addr})
	}
	m := mail.Message{To: o.To, Subject: o.Subject, Body: o.Letter.text(), HTML: o.Letter.html(o.Subject),
		MessageID: j.ID + "@" + s.mailDomain(), Headers: o.Headers}
	if o.Attachment != nil {
		m.Attachments = []mail.Attachment{*o.Attachment}
	}
	sent := s.mailer != nil
	if sent {
		if err := s.mailer.Send(ctx, m); err != nil {
			var te *textproto.Error
			if errors.As(err, &te) && te.Code >= 500 {
				return jobs.Permanent(err)
			}
			return err
		}
	}
	msg := store.OutboxMessage{ID: auth.NewID(), ClinicID: o.Clinic.ID, JobID: j.ID, Kind: j.Kind, UserID: o.UserID, Subject: o.Subject,
		Text: m.Body, HTML: m.HTML, Sent: sent, CreatedAt: s.Now()}
	for _, secret := range o.Secrets {
		msg.Text = strings.ReplaceAll(msg.Text, secret, "(withheld)")
		msg.HTML = strings.ReplaceAll(msg.HTML, secret, "(withheld)")
	}
	if o.Attachment != nil {
		msg.Attachment = o.Attachment.Filename
	}
	a := systemActor(o.Clinic, j)
	// Kept even if the runner is stopping: the message has gone.
	wctx := context.WithoutCancel(ctx)
	return s.st.Write(wctx, func(tx *store.Tx) error {
		first, err := tx.RecordOutbox(wctx, &msg)
		if err != nil || !first {
			return err
		}
		e := audit.Entry{Action: "notification.email", ResourceType: "user", ResourceID: o.UserID, ClientID: o.ClientID,
			Detail: strings.TrimPrefix(j.Kind, "mail.")}
		if !sent {
			e.Detail += " (recorded: no SMTP server)"
		}
		if o.UserID == "" {
			e.ResourceType, e.ResourceID = "series_reader", o.ReaderID
		}
		return s.appendTx(wctx, tx, a, e)
	})
}

// baseURL is the site's public address for links in e-mails, without a
// trailing slash.
func (s *Service) baseURL() string { return strings.TrimRight(s.base(), "/") }

// mailDomain is the right-hand side of the Message-IDs the jobs make: the
// site's host, or a name that can never be anyone's.
func (s *Service) mailDomain() string {
	if u, err := url.Parse(s.baseURL()); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "doorway.invalid"
}

// settingsLink is where a person changes what Doorway e-mails them.
func (s *Service) settingsLink(forClient bool) string {
	if forClient {
		return s.baseURL() + "/portal/notifications"
	}
	return s.baseURL() + "/account#notifications"
}

// skip ends a job without a message: what it was about has gone, or the
// person no longer wants it. It is logged, never an error.
func (s *Service) skip(j store.Job, why string) error {
	s.log.Debug("scheduled message not sent", "kind", j.Kind, "job", j.ID, "why", why)
	return nil
}

// recipient is a person a message may go to, with their choices.
type recipient struct {
	User  store.User
	Prefs Notifications
}

// recipientFor loads a person a job's message goes to: an active account of
// the clinic, with their choices now. ok is false when there is none to
// write to.
func recipientFor(ctx context.Context, tx *store.Tx, clinicID, userID string) (r recipient, ok bool, err error) {
	u, err := tx.User(ctx, userID)
	if err != nil || u.ClinicID != clinicID || u.DisabledAt != nil || u.Email == "" {
		if err != nil && problem.CodeOf(err) != problem.NotFound {
			return r, false, err
		}
		return r, false, nil
	}
	p, err := notificationsOf(ctx, tx, u)
	return recipient{User: u, Prefs: p}, err == nil, err
}
