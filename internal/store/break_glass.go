package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/seal"
)

// BreakGlass is an emergency grant: a clinician not on a client's care team
// reads the record, for a reason they wrote, until ExpiresAt (migration
// 0020). Names are filled in where a list shows them.
type BreakGlass struct {
	ID         string
	ClinicID   string
	UserID     string
	ClientID   string
	Reason     string // sealed at rest
	OpenedAt   time.Time
	ExpiresAt  time.Time
	ReviewedAt *time.Time
	ReviewedBy string

	UserName       string
	ClientName     string
	ReviewedByName string
}

// Active reports whether the grant is open at a moment.
func (g BreakGlass) Active(at time.Time) bool { return at.Before(g.ExpiresAt) }

// MaxBreakGlassReason is the longest reason a grant keeps, in bytes.
const MaxBreakGlassReason = 2000

func breakGlassBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "break_glass", Column: "reason", RowID: id}
}

// OpenBreakGlass stores a grant with its reason sealed. The caller has
// asked access and checked the client is of the clinic.
func (t *Tx) OpenBreakGlass(ctx context.Context, g *BreakGlass) error {
	g.Reason = strings.TrimSpace(g.Reason)
	switch {
	case g.Reason == "":
		return problem.Invalidf("reason", "Write why you need this record now: what the emergency is.")
	case len(g.Reason) > MaxBreakGlassReason:
		return problem.Invalidf("reason", "Please keep the reason under %d characters.", MaxBreakGlassReason)
	case !g.ExpiresAt.After(g.OpenedAt):
		return problem.Invalidf("reason", "The grant must end after it opens.")
	}
	reason, err := t.sealText(ctx, breakGlassBinding(g.ClinicID, g.ID), g.Reason)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO break_glass (id, clinic_id, user_id, client_id, reason, opened_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.ClinicID, g.UserID, g.ClientID, reason, g.OpenedAt, g.ExpiresAt)
	return err
}

// BreakGlassUntil lists when each of the user's grants on the client that
// is still open at at ends: what the access decision needs, nothing sealed.
func (t *Tx) BreakGlassUntil(ctx context.Context, clinicID, userID, clientID string, at time.Time) ([]time.Time, error) {
	rows, err := t.query(ctx, `SELECT expires_at FROM break_glass WHERE user_id = ? AND client_id = ? AND expires_at > ? AND clinic_id = ?`,
		userID, clientID, at, clinicID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(until *time.Time) error {
		err := rows.Scan(until)
		*until = until.UTC()
		return err
	})
}

const breakGlassCols = `SELECT b.id, b.clinic_id, b.user_id, b.client_id, b.reason, b.opened_at, b.expires_at, b.reviewed_at,
	COALESCE(b.reviewed_by, ''), u.name, c.given_name || ' ' || c.family_name, COALESCE(r.name, '')
	FROM break_glass b JOIN users u ON u.id = b.user_id JOIN clients c ON c.id = b.client_id LEFT JOIN users r ON r.id = b.reviewed_by`

// breakGlassList reads grants and opens their reasons once the rows are
// closed.
func (t *Tx) breakGlassList(ctx context.Context, q string, args ...any) ([]BreakGlass, error) {
	rows, err := t.query(ctx, breakGlassCols+q, args...)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(g *BreakGlass) error {
		var reviewed sql.NullTime
		err := rows.Scan(&g.ID, &g.ClinicID, &g.UserID, &g.ClientID, &g.Reason, &g.OpenedAt, &g.ExpiresAt, &reviewed,
			&g.ReviewedBy, &g.UserName, &g.ClientName, &g.ReviewedByName)
		g.OpenedAt, g.ExpiresAt, g.ReviewedAt = g.OpenedAt.UTC(), g.ExpiresAt.UTC(), nullTime(reviewed)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Reason, err = t.openText(ctx, breakGlassBinding(list[i].ClinicID, list[i].ID), list[i].Reason); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// BreakGlassToReview lists a clinic's grants for the admins' review page:
// every one not yet reviewed, then up to limit of those reviewed, newest
// first.
func (t *Tx) BreakGlassToReview(ctx context.Context, clinicID string, limit int) (open, reviewed []BreakGlass, err error) {
	if open, err = t.breakGlassList(ctx, ` WHERE b.clinic_id = ? AND b.reviewed_at IS NULL ORDER BY b.opened_at DESC, b.id`, clinicID); err != nil {
		return nil, nil, err
	}
	reviewed, err = t.breakGlassList(ctx, ` WHERE b.clinic_id = ? AND b.reviewed_at IS NOT NULL ORDER BY b.opened_at DESC, b.id LIMIT ?`, clinicID, limit)
	return open, reviewed, err
}

// ClientBreakGlass lists the grants on one client's record, newest first:
// the client's own accounting of access shows them.
func (t *Tx) ClientBreakGlass(ctx context.Context, clinicID, clientID string) ([]BreakGlass, error) {
	return t.breakGlassList(ctx, ` WHERE b.client_id = ? AND b.clinic_id = ? ORDER BY b.opened_at DESC, b.id`, clientID, clinicID)
}

// ReviewBreakGlass marks a grant reviewed by an admin. Reviewed once is
// reviewed: a second review is a Conflict.
func (t *Tx) ReviewBreakGlass(ctx context.Context, clinicID, id, by string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE break_glass SET reviewed_at = ?, reviewed_by = ? WHERE id = ? AND clinic_id = ? AND reviewed_at IS NULL`,
		at, by, id, clinicID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM break_glass WHERE id = ? AND clinic_id = ?`, id, clinicID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return problem.New(problem.NotFound, "That emergency access was not found.")
	}
	return problem.New(problem.Conflict, "This emergency access has already been reviewed.")
}

// ClientsNamed finds a clinic's clients by their exact given and family
// names (in any case) and date of birth: how a clinician names a client
// whose record they cannot search, to open it in an emergency.
func (t *Tx) ClientsNamed(ctx context.Context, clinicID, given, family, dateOfBirth string) ([]Client, error) {
	rows, err := t.query(ctx, clientSelect+` WHERE c.clinic_id = ? AND LOWER(c.family_name) = ? AND LOWER(c.given_name) = ? AND c.date_of_birth = ?
		ORDER BY c.id LIMIT 5`, clinicID, strings.ToLower(strings.TrimSpace(family)), strings.ToLower(strings.TrimSpace(given)), strings.TrimSpace(dateOfBirth))
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(c *Client) (err error) {
		*c, err = scanClient(rows)
		return err
	})
}
