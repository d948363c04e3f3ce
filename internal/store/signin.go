package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/problem"
)

// Session is a signed-in browser. Only the hash of its token is stored, so a
// copy of the database cannot be used to sign in.
type Session struct {
	TokenHash  string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute lifetime
	MFADone    bool
	IP         string
}

// CreateSession stores a new session.
func (t *Tx) CreateSession(ctx context.Context, s *Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, mfa_done, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.TokenHash, s.UserID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, b2i(s.MFADone), s.IP)
	return err
}

// TouchSession records activity, which extends the idle timeout.
func (t *Tx) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, at, tokenHash)
	return err
}

// CompleteMFA marks a session as past its second factor.
func (t *Tx) CompleteMFA(ctx context.Context, tokenHash string) error {
	_, err := t.exec(ctx, `UPDATE sessions SET mfa_done = 1 WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteSession ends a session on the server.
func (t *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteUserSessions ends every session of a user (after a password reset).
func (t *Tx) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

// DeleteExpiredSessions removes sessions past their absolute lifetime or idle
// since before idleCutoff.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now, idleCutoff time.Time) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?`, now, idleCutoff)
	return err
}

// APIToken is a bearer token for the FHIR API, stored hashed.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// CreateAPIToken stores a token.
func (t *Tx) CreateAPIToken(ctx context.Context, k *APIToken) error {
	_, err := t.exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		k.ID, k.UserID, k.Name, k.TokenHash, k.CreatedAt)
	return err
}

func scanToken(sc interface{ Scan(...any) error }) (APIToken, error) {
	var k APIToken
	var used, rev sql.NullTime
	err := sc.Scan(&k.ID, &k.UserID, &k.Name, &k.TokenHash, &k.CreatedAt, &used, &rev)
	k.LastUsedAt, k.RevokedAt = nullTime(used), nullTime(rev)
	return k, err
}

// APITokenByHash finds a token that has not been revoked.
func (t *Tx) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	k, err := scanToken(t.queryRow(ctx, `SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, hash))
	return k, notFound(err, "The token")
}

// APITokens lists a user's tokens with their last use.
func (t *Tx) APITokens(ctx context.Context, userID string) ([]APIToken, error) {
	rows, err := t.query(ctx, `SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(k *APIToken) (err error) { *k, err = scanToken(rows); return err })
}

// MarkAPITokenUsed records a token's last use, at most once a minute so a busy
// integration does not turn every read into a write.
func (t *Tx) MarkAPITokenUsed(ctx context.Context, id string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		at, id, at.Add(-time.Minute))
	return err
}

// RevokeAPIToken revokes one of a user's tokens.
func (t *Tx) RevokeAPIToken(ctx context.Context, userID, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, at, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.NotFound, "That token was not found.")
	}
	return nil
}

// Link is a one-time link: an invitation or a password reset.
type Link struct {
	TokenHash string
	UserID    string
	Purpose   string // "invite" or "reset"
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// CreateLink stores a one-time link; earlier unused links of the same purpose
// for the same user stop working, so only the newest email counts.
func (t *Tx) CreateLink(ctx context.Context, l *Link) error {
	if _, err := t.exec(ctx, `UPDATE one_time_links SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
		l.CreatedAt, l.UserID, l.Purpose); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO one_time_links (token_hash, user_id, purpose, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		l.TokenHash, l.UserID, l.Purpose, l.CreatedBy, l.CreatedAt, l.ExpiresAt)
	return err
}

// LinkByHash loads a link that is unused and unexpired.
func (t *Tx) LinkByHash(ctx context.Context, hash string, now time.Time) (Link, error) {
	var l Link
	var used sql.NullTime
	err := t.queryRow(ctx, `SELECT token_hash, user_id, purpose, created_by, created_at, expires_at, used_at
		FROM one_time_links WHERE token_hash = ?`, hash).Scan(&l.TokenHash, &l.UserID, &l.Purpose, &l.CreatedBy, &l.CreatedAt, &l.ExpiresAt, &used)
	l.UsedAt = nullTime(used)
	if err == sql.ErrNoRows || (err == nil && (l.UsedAt != nil || !now.Before(l.ExpiresAt))) {
		return Link{}, problem.New(problem.NotFound, "This link has expired or has already been used. Ask your clinic for a new one.")
	}
	return l, err
}

// UseLink marks a link used, refusing a second use.
func (t *Tx) UseLink(ctx context.Context, hash string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE one_time_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, at, hash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.NotFound, "This link has already been used.")
	}
	return nil
}

// RecordLoginFailure notes a failed sign-in for throttling.
func (t *Tx) RecordLoginFailure(ctx context.Context, id, email, ip string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO login_failures (id, email, ip, at) VALUES (?, ?, ?, ?)`, id, NormalizeEmail(email), ip, at)
	return err
}

// LoginFailures counts failures since a time for an account and for an IP.
// They live in the database so that the limits hold across instances.
func (t *Tx) LoginFailures(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, err error) {
	if err = t.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ?`, NormalizeEmail(email), since).Scan(&byEmail); err != nil {
		return
	}
	err = t.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at >= ?`, ip, since).Scan(&byIP)
	return
}

// PruneLoginFailures drops records older than the longest throttling window.
func (t *Tx) PruneLoginFailures(ctx context.Context, before time.Time) error {
	_, err := t.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, before)
	return err
}

// Device is a browser that has signed in to an account with the right
// password: it holds a device cookie whose secret hashes to TokenHash.
type Device struct {
	ID         string
	UserID     string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// CreateDevice stores a device, and forgets the user's devices that have
// expired or been revoked, so that a person who signs in from many
// browsers leaves no pile of dead rows.
func (t *Tx) CreateDevice(ctx context.Context, d *Device) error {
	if _, err := t.exec(ctx, `DELETE FROM signin_devices WHERE user_id = ? AND (expires_at <= ? OR revoked_at IS NOT NULL)`,
		d.UserID, d.CreatedAt); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO signin_devices (id, user_id, token_hash, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		d.ID, d.UserID, d.TokenHash, d.CreatedAt, d.LastUsedAt, d.ExpiresAt)
	return err
}

// LiveDevices loads the devices whose token hashes are given and that are
// neither revoked nor expired at now.
func (t *Tx) LiveDevices(ctx context.Context, hashes []string, now time.Time) ([]Device, error) {
	if len(hashes) == 0 {
		return nil, nil
	}
	args := []any{now}
	for _, h := range hashes {
		args = append(args, h)
	}
	rows, err := t.query(ctx, `SELECT id, user_id, token_hash, created_at, last_used_at, expires_at, revoked_at FROM signin_devices
		WHERE revoked_at IS NULL AND expires_at > ? AND token_hash IN (?`+strings.Repeat(", ?", len(hashes)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(d *Device) error {
		var rev sql.NullTime
		err := rows.Scan(&d.ID, &d.UserID, &d.TokenHash, &d.CreatedAt, &d.LastUsedAt, &d.ExpiresAt, &rev)
		d.RevokedAt = nullTime(rev)
		return err
	})
}

// UseDevice records a sign-in from a device and moves its expiry on.
func (t *Tx) UseDevice(ctx context.Context, id string, at, expires time.Time) error {
	_, err := t.exec(ctx, `UPDATE signin_devices SET last_used_at = ?, expires_at = ? WHERE id = ?`, at, expires, id)
	return err
}

// RevokeDevices forgets every device of a user: after their password
// changes, no browser is trusted until it signs in with the new one.
func (t *Tx) RevokeDevices(ctx context.Context, userID string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE signin_devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, at, userID)
	return err
}

// SessionHolder is a session with the account that holds it, the account's
// clinic and, for a client, their client record's id.
type SessionHolder struct {
	Session  Session
	User     User
	Clinic   Clinic
	ClientID string // empty for staff
}

// sessionHolderSelect reads a session, its user, the user's clinic and a
// client's record id in one statement: every page and API request resolves
// its cookie or token first, and four statements for it were a good part of
// a small page's cost.
var sessionHolderSelect = `SELECT s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.mfa_done, s.ip, ` +
	qualified("u", userCols) + `, ` + qualified("k", clinicCols) + `, COALESCE(cl.id, '')
	FROM sessions s JOIN users u ON u.id = s.user_id JOIN clinics k ON k.id = u.clinic_id
	LEFT JOIN clients cl ON cl.user_id = u.id AND u.kind = 'client'
	WHERE s.token_hash = ?`

// SessionHolder loads a session by token hash with who holds it (the user
// with their roles, their clinic, a client's record id).
func (t *Tx) SessionHolder(ctx context.Context, tokenHash string) (SessionHolder, error) {
	var h SessionHolder
	var mfa int
	dest := []any{&h.Session.TokenHash, &h.Session.UserID, &h.Session.CreatedAt, &h.Session.LastSeenAt, &h.Session.ExpiresAt, &mfa, &h.Session.IP}
	user, userDone := userFields(&h.User)
	clinic, clinicDone := clinicFields(&h.Clinic)
	dest = append(append(append(dest, user...), clinic...), &h.ClientID)
	if err := t.queryRow(ctx, sessionHolderSelect, tokenHash).Scan(dest...); err != nil {
		return h, notFound(err, "The session")
	}
	userDone()
	clinicDone()
	h.Session.MFADone = mfa == 1
	return h, t.loadRoles(ctx, &h.User)
}

// qualified prefixes each of a column list's names with a table alias.
func qualified(alias, cols string) string {
	names := strings.Split(cols, ",")
	for i, n := range names {
		names[i] = alias + "." + strings.TrimSpace(n)
	}
	return strings.Join(names, ", ")
}
