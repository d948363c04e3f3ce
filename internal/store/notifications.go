package store

import (
	"context"
	"database/sql"
	"time"

	"doorway/internal/seal"
)

// What each person is told by e-mail and their calendar feed (migration
// 0013 says why each is kept as it is). Which messages a choice covers and
// the defaults are internal/practice's; this file keeps the choices.

// NotificationPrefs are one person's choices of e-mail.
type NotificationPrefs struct {
	UserID           string
	ClinicID         string
	SessionReminders bool // the day before each session
	Bookings         bool // a session booked or cancelled, with its calendar file
	Measures         bool // a questionnaire falls due (clients)
	Prompts          bool // reflection prompts open after a session (clients)
	// Details lets messages say what a session or a questionnaire is;
	// without it they say only that there is something to see.
	Details   bool
	UpdatedAt time.Time
}

// NotificationPrefs loads a person's saved choices; ok is false when they
// have saved none.
func (t *Tx) NotificationPrefs(ctx context.Context, userID string) (p NotificationPrefs, ok bool, err error) {
	var rem, book, meas, prom, det int
	err = t.queryRow(ctx, `SELECT user_id, clinic_id, session_reminders, bookings, measures, prompts, details, updated_at
		FROM notification_prefs WHERE user_id = ?`, userID).Scan(&p.UserID, &p.ClinicID, &rem, &book, &meas, &prom, &det, &p.UpdatedAt)
	if err == sql.ErrNoRows {
		return NotificationPrefs{}, false, nil
	}
	if err != nil {
		return NotificationPrefs{}, false, err
	}
	p.SessionReminders, p.Bookings, p.Measures, p.Prompts, p.Details = rem == 1, book == 1, meas == 1, prom == 1, det == 1
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, true, nil
}

// SaveNotificationPrefs writes a person's choices, replacing any before.
func (t *Tx) SaveNotificationPrefs(ctx context.Context, p NotificationPrefs) error {
	args := []any{b2i(p.SessionReminders), b2i(p.Bookings), b2i(p.Measures), b2i(p.Prompts), b2i(p.Details), p.UpdatedAt}
	res, err := t.exec(ctx, `UPDATE notification_prefs SET session_reminders = ?, bookings = ?, measures = ?, prompts = ?, details = ?,
		updated_at = ? WHERE user_id = ? AND clinic_id = ?`, append(args, p.UserID, p.ClinicID)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	_, err = t.exec(ctx, `INSERT INTO notification_prefs (session_reminders, bookings, measures, prompts, details, updated_at, user_id, clinic_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, append(args, p.UserID, p.ClinicID)...)
	return err
}

// CalendarFeed is a person's secret calendar feed.
type CalendarFeed struct {
	UserID   string
	ClinicID string
	// Token is the secret in the feed's address; sealed at rest, and left
	// empty by CalendarFeedByHash, whose caller already has it.
	Token      string
	CreatedAt  time.Time
	LastReadAt *time.Time
}

func feedBinding(clinicID, userID string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "calendar_feeds", Column: "token", RowID: userID}
}

// ReplaceCalendarFeed gives the person f's token, found later by its hash;
// the token they had before stops working in the same transaction.
func (t *Tx) ReplaceCalendarFeed(ctx context.Context, f CalendarFeed, tokenHash string) error {
	sealed, err := t.sealText(ctx, feedBinding(f.ClinicID, f.UserID), f.Token)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE user_id = ?`, f.UserID); err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO calendar_feeds (user_id, clinic_id, token_hash, token, created_at) VALUES (?, ?, ?, ?, ?)`,
		f.UserID, f.ClinicID, tokenHash, sealed, f.CreatedAt)
	return err
}

// CalendarFeedOf loads a person's feed with its token opened; ok is false
// when they have none.
func (t *Tx) CalendarFeedOf(ctx context.Context, clinicID, userID string) (f CalendarFeed, ok bool, err error) {
	var sealed string
	var last sql.NullTime
	err = t.queryRow(ctx, `SELECT user_id, clinic_id, token, created_at, last_read_at FROM calendar_feeds WHERE user_id = ? AND clinic_id = ?`,
		userID, clinicID).Scan(&f.UserID, &f.ClinicID, &sealed, &f.CreatedAt, &last)
	if err == sql.ErrNoRows {
		return CalendarFeed{}, false, nil
	}
	if err != nil {
		return CalendarFeed{}, false, err
	}
	f.CreatedAt, f.LastReadAt = f.CreatedAt.UTC(), nullTime(last)
	f.Token, err = t.openText(ctx, feedBinding(f.ClinicID, f.UserID), sealed)
	return f, err == nil, err
}

// CalendarFeedByHash finds the feed whose token hashes to tokenHash.
func (t *Tx) CalendarFeedByHash(ctx context.Context, tokenHash string) (CalendarFeed, error) {
	var f CalendarFeed
	var last sql.NullTime
	err := t.queryRow(ctx, `SELECT user_id, clinic_id, created_at, last_read_at FROM calendar_feeds WHERE token_hash = ?`, tokenHash).
		Scan(&f.UserID, &f.ClinicID, &f.CreatedAt, &last)
	f.CreatedAt, f.LastReadAt = f.CreatedAt.UTC(), nullTime(last)
	return f, notFound(err, "That calendar")
}

// MarkCalendarFeedRead notes a read of the feed at at, unless it was last
// read after notBefore; read is false then, and nothing is written. The
// check and the write are one statement, so two instances serving the same
// feed at once count one read.
func (t *Tx) MarkCalendarFeedRead(ctx context.Context, userID string, at, notBefore time.Time) (read bool, err error) {
	res, err := t.exec(ctx, `UPDATE calendar_feeds SET last_read_at = ? WHERE user_id = ? AND (last_read_at IS NULL OR last_read_at <= ?)`,
		at, userID, notBefore)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// NotificationPrefsOf loads the saved choices of everyone in a clinic who
// has saved any, by user id: what the hourly sweep reads once per clinic.
func (t *Tx) NotificationPrefsOf(ctx context.Context, clinicID string) (map[string]NotificationPrefs, error) {
	rows, err := t.query(ctx, `SELECT user_id, clinic_id, session_reminders, bookings, measures, prompts, details, updated_at
		FROM notification_prefs WHERE clinic_id = ?`, clinicID)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(p *NotificationPrefs) error {
		var rem, book, meas, prom, det int
		err := rows.Scan(&p.UserID, &p.ClinicID, &rem, &book, &meas, &prom, &det, &p.UpdatedAt)
		p.SessionReminders, p.Bookings, p.Measures, p.Prompts, p.Details = rem == 1, book == 1, meas == 1, prom == 1, det == 1
		p.UpdatedAt = p.UpdatedAt.UTC()
		return err
	})
	out := make(map[string]NotificationPrefs, len(list))
	for _, p := range list {
		out[p.UserID] = p
	}
	return out, err
}

// ClientsWithAccounts lists every client of a clinic whose portal account
// is active (a password chosen, not disabled): those who can be e-mailed.
func (t *Tx) ClientsWithAccounts(ctx context.Context, clinicID string) ([]Client, error) {
	rows, err := t.query(ctx, clientSelect+` WHERE c.clinic_id = ? AND u.id IS NOT NULL AND u.disabled_at IS NULL AND u.password_hash <> ''
		ORDER BY c.id`, clinicID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(c *Client) (err error) { *c, err = scanClient(rows); return err })
}
