package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// ThrottleKey names one throttle's count: what is limited (the scope, such
// as "signin.account") and whose attempts (the subject).
type ThrottleKey struct {
	Scope   string
	Subject string
}

// ThrottleWindow is a throttle's count in its current window: attempts
// from StartedAt until EndsAt. They live in the database so that the
// limits hold across instances.
type ThrottleWindow struct {
	ThrottleKey
	StartedAt time.Time
	EndsAt    time.Time
	Hits      int
	LastAt    time.Time
	// PrevStartedAt and PrevHits are the window before this one, kept when
	// this one started (Hits 1) so its count can be summarised; nil and 0
	// when there was none.
	PrevStartedAt *time.Time
	PrevHits      int
}

const throttleCols = `scope, subject, started_at, ends_at, hits, last_at, prev_started_at, prev_hits`

func scanThrottle(sc interface{ Scan(...any) error }) (ThrottleWindow, error) {
	var w ThrottleWindow
	var prev sql.NullTime
	err := sc.Scan(&w.Scope, &w.Subject, &w.StartedAt, &w.EndsAt, &w.Hits, &w.LastAt, &prev, &w.PrevHits)
	w.StartedAt, w.EndsAt, w.LastAt = w.StartedAt.UTC(), w.EndsAt.UTC(), w.LastAt.UTC()
	w.PrevStartedAt = nullTime(prev)
	return w, err
}

// ThrottleWindows reads the windows of keys in one statement; a key that
// has none is absent from the map. A window that has ended is returned as
// it stands: whether it still counts is the caller's to judge.
func (t *Tx) ThrottleWindows(ctx context.Context, keys ...ThrottleKey) (map[ThrottleKey]ThrottleWindow, error) {
	out := map[ThrottleKey]ThrottleWindow{}
	if len(keys) == 0 {
		return out, nil
	}
	where := make([]string, len(keys))
	args := make([]any, 0, 2*len(keys))
	for i, k := range keys {
		where[i] = "(scope = ? AND subject = ?)"
		args = append(args, k.Scope, k.Subject)
	}
	rows, err := t.query(ctx, `SELECT `+throttleCols+` FROM throttle_windows WHERE `+strings.Join(where, " OR "), args...)
	if err != nil {
		return nil, err
	}
	return out, eachRow(rows, func() error {
		w, err := scanThrottle(rows)
		out[w.ThrottleKey] = w
		return err
	})
}

// HitThrottle counts one attempt at `at` and returns the window as it then
// stands. When there is no window, or the one there ended by `at`, the
// attempt opens a new one lasting length (Hits is then 1, with the ended
// window's start and count kept in Prev*). It is one statement, so two
// instances counting at once each count once.
func (t *Tx) HitThrottle(ctx context.Context, k ThrottleKey, at time.Time, length time.Duration) (ThrottleWindow, error) {
	const turned = `throttle_windows.ends_at <= excluded.started_at`
	return scanThrottle(t.queryRow(ctx, `INSERT INTO throttle_windows (scope, subject, started_at, ends_at, hits, last_at)
		VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (scope, subject) DO UPDATE SET
			prev_started_at = CASE WHEN `+turned+` THEN throttle_windows.started_at ELSE throttle_windows.prev_started_at END,
			prev_hits = CASE WHEN `+turned+` THEN throttle_windows.hits ELSE throttle_windows.prev_hits END,
			started_at = CASE WHEN `+turned+` THEN excluded.started_at ELSE throttle_windows.started_at END,
			ends_at = CASE WHEN `+turned+` THEN excluded.ends_at ELSE throttle_windows.ends_at END,
			hits = CASE WHEN `+turned+` THEN 1 ELSE throttle_windows.hits + 1 END,
			last_at = excluded.last_at
		RETURNING `+throttleCols, k.Scope, k.Subject, at, at.Add(length), at))
}

// TakeEndedThrottles deletes up to limit windows that ended by now, oldest
// first, and returns them, so the caller can summarise their counts in the
// same transaction; the table holds only windows that still count.
func (t *Tx) TakeEndedThrottles(ctx context.Context, now time.Time, limit int) ([]ThrottleWindow, error) {
	rows, err := t.query(ctx, `DELETE FROM throttle_windows WHERE (scope, subject) IN
		(SELECT scope, subject FROM throttle_windows WHERE ends_at <= ? ORDER BY ends_at LIMIT ?)
		RETURNING `+throttleCols, now, limit)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(w *ThrottleWindow) (err error) { *w, err = scanThrottle(rows); return err })
}
