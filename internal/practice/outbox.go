package practice

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/store"
)

// The clinic's outbox, for its admins: what is waiting to go in the week
// ahead, what went (or, without an SMTP server, what was recorded in place
// of going, with its words), and the scheduled work that failed, with its
// last error and a way to try it again once the cause is mended.

// Outbox is what the outbox page shows.
type Outbox struct {
	// Sending is true when an SMTP server is configured: messages go. When
	// false they are recorded here instead, and nothing leaves.
	Sending  bool
	Waiting  []OutboxJob
	Messages []store.OutboxMessage
	Failed   []OutboxJob
	// Names are the clinic's people (staff and clients with accounts) by
	// user id, to say whom each message is for.
	Names map[string]string
	// Readers counts the confirmed readers of the series by e-mail.
	Readers int
}

// OutboxJob is a job of the outbox: the job, and whom it is for.
type OutboxJob struct {
	Job store.Job
	// To is the person's name; "" for a reader of the series (who is shown
	// as such, never by address) and for work that is nobody's message.
	To     string
	Reader bool
}

// outboxWindow is how far ahead the page lists what is waiting, and how
// many rows of each list it shows.
const (
	outboxWindow = 8 * 24 * time.Hour
	outboxRows   = 200
)

var opOutbox = op{action: "outbox.read"}

// Outbox loads the clinic's outbox, for its admins; the look is recorded.
func (s *Service) Outbox(ctx context.Context, a Actor) (Outbox, error) {
	if err := s.allowClinic(ctx, a, opOutbox, access.ClinicSettings, access.Read); err != nil {
		return Outbox{}, err
	}
	out := Outbox{Sending: s.mailer != nil, Names: map[string]string{}}
	now := s.Now()
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		waiting, err := tx.PendingJobs(ctx, a.P.ClinicID, "mail.", now.Add(outboxWindow), outboxRows)
		if err != nil {
			return err
		}
		failed, err := tx.FailedJobs(ctx, a.P.ClinicID, outboxRows)
		if err != nil {
			return err
		}
		if out.Messages, err = tx.Outbox(ctx, a.P.ClinicID, outboxRows); err != nil {
			return err
		}
		if out.Readers, err = tx.SeriesReaderCount(ctx, a.P.ClinicID); err != nil {
			return err
		}
		staff, err := tx.StaffNames(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		for id, name := range staff {
			out.Names[id] = name
		}
		clients, err := tx.ClientsWithAccounts(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		for _, c := range clients {
			out.Names[c.UserID] = c.DisplayName()
		}
		out.Waiting, out.Failed = outboxJobs(waiting, out.Names), outboxJobs(failed, out.Names)
		return nil
	})
	if err != nil {
		return Outbox{}, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opOutbox.action, ResourceType: "outbox"})
}

// outboxJobs says whom each job is for, from its payload.
func outboxJobs(list []store.Job, names map[string]string) []OutboxJob {
	out := make([]OutboxJob, len(list))
	for i, j := range list {
		var p mailJob
		json.Unmarshal([]byte(j.Payload), &p) // #nosec G104 -- a payload that does not read names no one, which is what the zero value says
		out[i] = OutboxJob{Job: j, To: names[p.User], Reader: p.Reader != ""}
	}
	return out
}

var opRetryJob = op{action: "job.retry"}

// RetryJob gives a failed job of the clinic its attempts back, due now: an
// admin's "try again" once the cause (a wrong SMTP password, a full
// mailbox) is mended.
func (s *Service) RetryJob(ctx context.Context, a Actor, id string) error {
	if err := s.allowClinic(ctx, a, opRetryJob, access.ClinicSettings, access.Write); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *store.Tx) error {
		if !auth.ValidID(id) {
			return s.refuse(a, opRetryJob, "job", "", "malformed id", "That failed job was not found.")
		}
		j, err := tx.FailedJob(ctx, a.P.ClinicID, id)
		if err != nil {
			return s.refuse(a, opRetryJob, "job", id, "no such failed job", "That failed job was not found.")
		}
		if err := tx.RequeueJob(ctx, a.P.ClinicID, j.ID, s.Now()); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opRetryJob.action, ResourceType: "job", ResourceID: j.ID,
			Detail: strings.TrimPrefix(j.Kind, "mail.")})
	})
}
