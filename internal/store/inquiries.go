package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/seal"
)

// Inquiries from the public form, and the per-address count that keeps
// robots out.

// Inquiry statuses.
const (
	InquiryNew       = "new"
	InquiryContacted = "contacted"
	InquiryConverted = "converted"
	InquiryClosed    = "closed"
)

// Inquiry is a message sent from the public inquiry form. It is not a client
// record: a person becomes a client only when staff convert the inquiry.
type Inquiry struct {
	ID          string
	ClinicID    string
	Name        string
	Email       string
	Phone       string
	Message     string // sealed at rest
	Consent     bool
	Status      string
	CloseReason string
	ClientID    string
	ReceivedAt  time.Time
	UpdatedAt   time.Time
	UpdatedBy   string
}

func inquiryBinding(clinicID, id, column string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "inquiries", Column: column, RowID: id}
}

// CreateInquiry stores a new inquiry with its message sealed, and the
// person's name, address and phone too: no query looks them up, and that
// someone wrote to a ketamine clinic is itself private.
func (t *Tx) CreateInquiry(ctx context.Context, q *Inquiry) error {
	msg, err := t.sealText(ctx, inquiryBinding(q.ClinicID, q.ID, "message"), q.Message)
	if err != nil {
		return err
	}
	name, err := t.sealText(ctx, inquiryBinding(q.ClinicID, q.ID, "name"), q.Name)
	if err != nil {
		return err
	}
	email, err := t.sealText(ctx, inquiryBinding(q.ClinicID, q.ID, "email"), q.Email)
	if err != nil {
		return err
	}
	phone, err := t.sealText(ctx, inquiryBinding(q.ClinicID, q.ID, "phone"), q.Phone)
	if err != nil {
		return err
	}
	if q.Status == "" {
		q.Status = InquiryNew
	}
	_, err = t.exec(ctx, `INSERT INTO inquiries (id, clinic_id, name, email, phone, message, consent, status, received_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, q.ClinicID, name, email, phone, msg, b2i(q.Consent), q.Status, q.ReceivedAt, q.ReceivedAt)
	return err
}

const inquiryCols = `id, clinic_id, name, email, phone, message, consent, status, close_reason, client_id, received_at, updated_at, updated_by`

// scanInquiry reads a row with the message still sealed: opening it may
// query the key table, which SQLite's one writer connection cannot do while
// a result set is open.
func scanInquiry(sc interface{ Scan(...any) error }) (Inquiry, error) {
	var q Inquiry
	var client sql.NullString
	err := sc.Scan(&q.ID, &q.ClinicID, &q.Name, &q.Email, &q.Phone, &q.Message, &q.Consent, &q.Status, &q.CloseReason, &client,
		&q.ReceivedAt, &q.UpdatedAt, &q.UpdatedBy)
	q.ClientID = client.String
	q.ReceivedAt, q.UpdatedAt = q.ReceivedAt.UTC(), q.UpdatedAt.UTC()
	return q, err
}

func (t *Tx) openInquiry(ctx context.Context, q *Inquiry) (err error) {
	if q.Message, err = t.openText(ctx, inquiryBinding(q.ClinicID, q.ID, "message"), q.Message); err != nil {
		return err
	}
	// Sealed since migration 0020; older rows hold them in clear.
	for _, f := range []struct {
		column string
		value  *string
	}{{"name", &q.Name}, {"email", &q.Email}, {"phone", &q.Phone}, {"close_reason", &q.CloseReason}} {
		if *f.value, err = t.openOrClear(ctx, inquiryBinding(q.ClinicID, q.ID, f.column), *f.value); err != nil {
			return err
		}
	}
	return nil
}

// Inquiries lists a clinic's inquiries, newest first; status "" means all.
func (t *Tx) Inquiries(ctx context.Context, clinicID, status string) ([]Inquiry, error) {
	q := `SELECT ` + inquiryCols + ` FROM inquiries WHERE clinic_id = ?`
	args := []any{clinicID}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	rows, err := t.query(ctx, q+` ORDER BY received_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(q *Inquiry) (err error) {
		*q, err = scanInquiry(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range list {
		if err := t.openInquiry(ctx, &list[i]); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Inquiry loads one inquiry of a clinic.
func (t *Tx) Inquiry(ctx context.Context, clinicID, id string) (Inquiry, error) {
	q, err := scanInquiry(t.queryRow(ctx, `SELECT `+inquiryCols+` FROM inquiries WHERE clinic_id = ? AND id = ?`, clinicID, id))
	if err != nil {
		return q, notFound(err, "The inquiry")
	}
	return q, t.openInquiry(ctx, &q)
}

// SetInquiryStatus moves an inquiry on. Converted and closed inquiries are
// finished and do not move again; a close needs a reason, and a conversion
// names the client it became.
func (t *Tx) SetInquiryStatus(ctx context.Context, q Inquiry, status, reason, clientID, by string, at time.Time) error {
	switch status {
	case InquiryContacted, InquiryConverted:
	case InquiryClosed:
		if strings.TrimSpace(reason) == "" {
			return problem.Invalidf("reason", "Please say why the inquiry is closed.")
		}
	default:
		return problem.Invalidf("status", "Unknown inquiry status %q.", status)
	}
	if status == InquiryConverted && clientID == "" {
		return problem.Invalidf("status", "A converted inquiry needs its client.")
	}
	var client any
	if clientID != "" {
		client = clientID
	}
	reason, err := t.sealText(ctx, inquiryBinding(q.ClinicID, q.ID, "close_reason"), strings.TrimSpace(reason))
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE inquiries SET status = ?, close_reason = ?, client_id = COALESCE(?, client_id), updated_at = ?, updated_by = ?
		WHERE clinic_id = ? AND id = ? AND status IN ('new', 'contacted')`,
		status, reason, client, at, by, q.ClinicID, q.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "This inquiry is already converted or closed.")
	}
	return nil
}

// RecordInquiryAttempt counts one submission of the inquiry form from an
// address; InquiryAttempts counts them since a time. They are in the
// database so the limit holds across instances.
func (t *Tx) RecordInquiryAttempt(ctx context.Context, id, ip string, at time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM inquiry_attempts WHERE at < ?`, at.Add(-24*time.Hour)); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO inquiry_attempts (id, ip, at) VALUES (?, ?, ?)`, id, ip, at)
	return err
}

// InquiryAttempts counts an address's submissions since a time.
func (t *Tx) InquiryAttempts(ctx context.Context, ip string, since time.Time) (n int, err error) {
	err = t.queryRow(ctx, `SELECT COUNT(*) FROM inquiry_attempts WHERE ip = ? AND at >= ?`, ip, since).Scan(&n)
	return n, err
}

// --- intake ---
