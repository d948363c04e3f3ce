package store

import (
	"context"
	"database/sql"
	"time"

	"doorway/internal/seal"
)

// Readers of the article series by e-mail (migration 0013): an address,
// sealed and found by a keyed hash the caller makes, and when it was given
// and confirmed. Nothing else is known of them.

// SeriesReader is one reader.
type SeriesReader struct {
	ID          string
	ClinicID    string
	Email       string // sealed at rest
	CreatedAt   time.Time
	ConfirmedAt *time.Time
}

func readerBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "series_readers", Column: "email", RowID: id}
}

// AddSeriesReader keeps r under emailHash unless the clinic has a reader
// with that hash already; added says which.
func (t *Tx) AddSeriesReader(ctx context.Context, r SeriesReader, emailHash string) (added bool, err error) {
	sealed, err := t.sealText(ctx, readerBinding(r.ClinicID, r.ID), r.Email)
	if err != nil {
		return false, err
	}
	res, err := t.exec(ctx, `INSERT INTO series_readers (id, clinic_id, email_hash, email, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (clinic_id, email_hash) DO NOTHING`, r.ID, r.ClinicID, emailHash, sealed, r.CreatedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SeriesReader loads a reader with their address opened.
func (t *Tx) SeriesReader(ctx context.Context, id string) (SeriesReader, error) {
	var r SeriesReader
	var confirmed sql.NullTime
	var sealed string
	err := t.queryRow(ctx, `SELECT id, clinic_id, email, created_at, confirmed_at FROM series_readers WHERE id = ?`, id).
		Scan(&r.ID, &r.ClinicID, &sealed, &r.CreatedAt, &confirmed)
	if err != nil {
		return r, notFound(err, "That reader")
	}
	r.CreatedAt, r.ConfirmedAt = r.CreatedAt.UTC(), nullTime(confirmed)
	r.Email, err = t.openText(ctx, readerBinding(r.ClinicID, r.ID), sealed)
	return r, err
}

// ConfirmSeriesReader marks a reader's address confirmed at at, unless it
// is already; confirmed is false when there was nothing to confirm.
func (t *Tx) ConfirmSeriesReader(ctx context.Context, id string, at time.Time) (confirmed bool, err error) {
	res, err := t.exec(ctx, `UPDATE series_readers SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL`, at, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteSeriesReader forgets a reader; deleted is false when there was none.
func (t *Tx) DeleteSeriesReader(ctx context.Context, id string) (deleted bool, err error) {
	res, err := t.exec(ctx, `DELETE FROM series_readers WHERE id = ?`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ForgetUnconfirmedSeriesReaders deletes the addresses given before before
// and never confirmed, and reports how many.
func (t *Tx) ForgetUnconfirmedSeriesReaders(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM series_readers WHERE confirmed_at IS NULL AND created_at < ?`, before)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// SeriesReaderCount counts a clinic's confirmed readers.
func (t *Tx) SeriesReaderCount(ctx context.Context, clinicID string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM series_readers WHERE clinic_id = ? AND confirmed_at IS NOT NULL`, clinicID).Scan(&n)
	return n, err
}
