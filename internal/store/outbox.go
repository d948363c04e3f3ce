package store

import (
	"context"
	"time"

	"doorway/internal/seal"
)

// The outbox: every message the scheduled work sent, or recorded in place
// of sending when no SMTP server is configured (migration 0013).

// OutboxMessage is one message, sent or recorded.
type OutboxMessage struct {
	ID       string
	ClinicID string
	JobID    string // the job that made it: one message per job, however many tries
	Kind     string // the job's kind, such as "mail.session_reminder"
	UserID   string // "" for a reader of the article series
	Subject  string
	// Text and HTML are kept, sealed, only for a message recorded and not
	// sent; a sent message keeps its subject and recipient alone.
	Text       string
	HTML       string
	Attachment string // the attached file's name, if any
	Sent       bool
	CreatedAt  time.Time
}

func outboxBinding(clinicID, id, column string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "outbox", Column: column, RowID: id}
}

// RecordOutbox keeps m unless its job's message is kept already (a repeat
// after the mail server accepted it but before the job was marked done);
// recorded says which.
func (t *Tx) RecordOutbox(ctx context.Context, m *OutboxMessage) (recorded bool, err error) {
	if m.Sent {
		m.Text, m.HTML = "", ""
	}
	text, err := t.sealText(ctx, outboxBinding(m.ClinicID, m.ID, "body_text"), m.Text)
	if err != nil {
		return false, err
	}
	html, err := t.sealText(ctx, outboxBinding(m.ClinicID, m.ID, "body_html"), m.HTML)
	if err != nil {
		return false, err
	}
	res, err := t.exec(ctx, `INSERT INTO outbox (id, clinic_id, job_id, kind, user_id, subject, body_text, body_html, attachment, sent, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING`,
		m.ID, m.ClinicID, m.JobID, m.Kind, nullString(m.UserID), m.Subject, text, html, m.Attachment, b2i(m.Sent), m.CreatedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Outbox lists up to limit of the clinic's messages, newest first, with
// the text of those recorded opened.
func (t *Tx) Outbox(ctx context.Context, clinicID string, limit int) ([]OutboxMessage, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, job_id, kind, COALESCE(user_id, ''), subject, body_text, body_html, attachment, sent, created_at
		FROM outbox WHERE clinic_id = ? ORDER BY created_at DESC, id LIMIT ?`, clinicID, limit)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(m *OutboxMessage) error {
		var sent int
		err := rows.Scan(&m.ID, &m.ClinicID, &m.JobID, &m.Kind, &m.UserID, &m.Subject, &m.Text, &m.HTML, &m.Attachment, &sent, &m.CreatedAt)
		m.Sent, m.CreatedAt = sent == 1, m.CreatedAt.UTC()
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range list {
		m := &list[i]
		if m.Text, err = t.openText(ctx, outboxBinding(m.ClinicID, m.ID, "body_text"), m.Text); err != nil {
			return nil, err
		}
		if m.HTML, err = t.openText(ctx, outboxBinding(m.ClinicID, m.ID, "body_html"), m.HTML); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// PruneOutbox removes the messages kept since before before, and reports
// how many.
func (t *Tx) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM outbox WHERE created_at < ?`, before)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
