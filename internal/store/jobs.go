package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/auth"
	"doorway/internal/problem"
)

// Job is one piece of scheduled work (migration 0011 says why it lives in
// the database). internal/jobs runs them; this file only keeps them.
type Job struct {
	ID       string
	ClinicID string // "" for the installation's own work
	Kind     string // which handler runs it, such as "reminder.session"
	// Key is unique for ever: enqueueing a second job with the same key does
	// nothing, so the same reminder is never queued twice.
	Key string
	// Payload is the handler's input, by convention JSON holding ids, never
	// free text: a handler reads the record when it runs.
	Payload     string
	RunAt       time.Time // due from then on
	Attempts    int       // claims so far, this one included while it runs
	MaxAttempts int
	LastError   string
	ClaimedBy   string     // the runner that last claimed it
	LeaseUntil  *time.Time // set while a runner holds it
	CreatedAt   time.Time
	DoneAt      *time.Time
	FailedAt    *time.Time
	CancelledAt *time.Time
}

// DefaultJobAttempts is a job's attempts unless its enqueuer says otherwise:
// with internal/jobs' default backoff (30 s doubling, capped at 30 minutes)
// the last attempt comes seven hours after the first, so an SMTP server
// that is down for an afternoon loses no reminder.
const DefaultJobAttempts = 20

// MaxJobErrorLen bounds the last error kept with a job.
const MaxJobErrorLen = 2000

const jobCols = `id, clinic_id, kind, key, payload, run_at, attempts, max_attempts, last_error,
	claimed_by, lease_until, created_at, done_at, failed_at, cancelled_at`

func scanJob(sc interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var clinic, by sql.NullString
	var lease, done, failed, cancelled sql.NullTime
	err := sc.Scan(&j.ID, &clinic, &j.Kind, &j.Key, &j.Payload, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LastError,
		&by, &lease, &j.CreatedAt, &done, &failed, &cancelled)
	if err != nil {
		return Job{}, err
	}
	j.ClinicID, j.ClaimedBy = clinic.String, by.String
	j.RunAt, j.CreatedAt = j.RunAt.UTC(), j.CreatedAt.UTC()
	j.LeaseUntil, j.DoneAt, j.FailedAt, j.CancelledAt = nullTime(lease), nullTime(done), nullTime(failed), nullTime(cancelled)
	return j, nil
}

// EnqueueJob queues j unless a job with its key was ever queued; queued says
// which. Call it in the same transaction as the change that calls for the
// work (a booking and its reminders), so neither is kept without the other.
// An empty ID is filled in; an unset MaxAttempts is DefaultJobAttempts.
func (t *Tx) EnqueueJob(ctx context.Context, j *Job) (queued bool, err error) {
	switch {
	case j.Kind == "" || j.Key == "":
		return false, problem.New(problem.Internal, "a job needs a kind and a key")
	case j.RunAt.IsZero() || j.CreatedAt.IsZero():
		return false, problem.New(problem.Internal, "a job needs a time to run and a creation time")
	case j.MaxAttempts < 0:
		return false, problem.New(problem.Internal, "a job's attempts cannot be negative")
	}
	if j.ID == "" {
		j.ID = auth.NewID()
	}
	if j.MaxAttempts == 0 {
		j.MaxAttempts = DefaultJobAttempts
	}
	res, err := t.exec(ctx, `INSERT INTO jobs (id, clinic_id, kind, key, payload, run_at, max_attempts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		j.ID, nullString(j.ClinicID), j.Kind, j.Key, j.Payload, j.RunAt, j.MaxAttempts, j.CreatedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ClaimJob takes the job of one of kinds that has been due longest and is
// neither over nor held under a lease, and holds it for runner by until
// leaseUntil. ok is false when nothing is due. Run it in a transaction of
// its own and commit before working on the job. It is atomic across every
// instance: on PostgreSQL the row is locked with FOR UPDATE SKIP LOCKED, so
// runners polling at once take different jobs rather than wait for each
// other; SQLite's single writer runs one claim at a time.
func (t *Tx) ClaimJob(ctx context.Context, kinds []string, by string, now, leaseUntil time.Time) (j Job, ok bool, err error) {
	if len(kinds) == 0 {
		return Job{}, false, nil
	}
	args := []any{now, now}
	for _, k := range kinds {
		args = append(args, k)
	}
	var id string
	err = t.queryRow(ctx, `SELECT id FROM jobs
		WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL
		  AND run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
		  AND attempts < max_attempts
		  AND kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`)
		ORDER BY run_at, id LIMIT 1`+t.eng.skipLocked(), args...).Scan(&id)
	if err == sql.ErrNoRows {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, err
	}
	if _, err := t.exec(ctx, `UPDATE jobs SET claimed_by = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?`,
		by, leaseUntil, id); err != nil {
		return Job{}, false, err
	}
	j, err = scanJob(t.queryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	return j, err == nil, err
}

// leaseLost is the answer when a runner reports on a claim that is no longer
// its own: its lease passed and another runner claimed the job, or an admin
// cancelled it.
var leaseLost = problem.New(problem.Conflict, "That job is no longer held by this runner.")

// finishClaim applies set to the job that claim (a Job as ClaimJob returned
// it) still holds: the same runner and the same attempt, not yet over.
func (t *Tx) finishClaim(ctx context.Context, claim Job, set string, args ...any) error {
	args = append(args, claim.ID, claim.ClaimedBy, claim.Attempts)
	res, err := t.exec(ctx, `UPDATE jobs SET `+set+`
		WHERE id = ? AND claimed_by = ? AND attempts = ?
		  AND done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL`, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return leaseLost
	}
	return nil
}

// CompleteJob marks the claimed job done. It fails with a Conflict when the
// claim was lost.
func (t *Tx) CompleteJob(ctx context.Context, claim Job, now time.Time) error {
	return t.finishClaim(ctx, claim, `done_at = ?, lease_until = NULL`, now)
}

// RetryJob records a failed attempt of the claimed job and makes it due
// again at runAt.
func (t *Tx) RetryJob(ctx context.Context, claim Job, msg string, runAt time.Time) error {
	return t.finishClaim(ctx, claim, `last_error = ?, run_at = ?, lease_until = NULL`, clip(msg), runAt)
}

// FailJob records the claimed job's last attempt as failed: it stays, with
// its error, on the failed list.
func (t *Tx) FailJob(ctx context.Context, claim Job, msg string, now time.Time) error {
	return t.finishClaim(ctx, claim, `last_error = ?, failed_at = ?, lease_until = NULL`, clip(msg), now)
}

// FailAbandonedJobs fails the jobs whose runner stopped during their last
// attempt (the lease passed with no attempts left), which ClaimJob would
// otherwise never take again nor let anyone see. It reports how many.
func (t *Tx) FailAbandonedJobs(ctx context.Context, now time.Time) (int, error) {
	res, err := t.exec(ctx, `UPDATE jobs SET failed_at = ?, lease_until = NULL,
			last_error = 'The runner stopped during the last attempt, before it could finish.'
		WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL
		  AND attempts >= max_attempts AND lease_until <= ?`, now, now)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CancelJob cancels the job with key if it has not run yet and no runner
// holds it now; cancelled says whether it did. The key stays taken.
func (t *Tx) CancelJob(ctx context.Context, key string, now time.Time) (cancelled bool, err error) {
	res, err := t.exec(ctx, `UPDATE jobs SET cancelled_at = ?
		WHERE key = ? AND done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL
		  AND (lease_until IS NULL OR lease_until <= ?)`, now, key, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RequeueJob gives a failed job of the clinic (clinicID "" for the
// installation's own) its attempts back and makes it due at now: an admin's
// "try again" once the cause, such as a wrong SMTP password, is mended.
func (t *Tx) RequeueJob(ctx context.Context, clinicID, id string, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE jobs SET failed_at = NULL, attempts = 0, run_at = ?, lease_until = NULL
		WHERE id = ? AND failed_at IS NOT NULL AND `+clinicScope, now, id, nullString(clinicID), clinicID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return problem.New(problem.NotFound, "That failed job was not found.")
	}
	return nil
}

// clinicScope matches a clinic's jobs, or with "" the installation's own;
// it takes the clinic id twice, as nullString(id) and as id.
const clinicScope = `(clinic_id = ? OR (clinic_id IS NULL AND ? = ''))`

// FailedJobs lists up to limit failed jobs of the clinic (clinicID "" for
// the installation's own), the most recent failure first.
func (t *Tx) FailedJobs(ctx context.Context, clinicID string, limit int) ([]Job, error) {
	rows, err := t.query(ctx, `SELECT `+jobCols+` FROM jobs WHERE failed_at IS NOT NULL AND `+clinicScope+`
		ORDER BY failed_at DESC, id LIMIT ?`, nullString(clinicID), clinicID, limit)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(j *Job) (err error) { *j, err = scanJob(rows); return err })
}

// JobByKey loads the job queued under key.
func (t *Tx) JobByKey(ctx context.Context, key string) (Job, error) {
	j, err := scanJob(t.queryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE key = ?`, key))
	return j, notFound(err, "That job")
}

// clip keeps an error message within MaxJobErrorLen bytes, cut at a
// character boundary.
func clip(s string) string {
	if len(s) <= MaxJobErrorLen {
		return s
	}
	cut := MaxJobErrorLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// PendingJobs lists up to limit of the clinic's jobs (clinicID "" for the
// installation's own) that are not over, whose kind starts with kindPrefix
// and that fall due before until, soonest first: what is waiting to go.
func (t *Tx) PendingJobs(ctx context.Context, clinicID, kindPrefix string, until time.Time, limit int) ([]Job, error) {
	rows, err := t.query(ctx, `SELECT `+jobCols+` FROM jobs
		WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL AND run_at < ?
		  AND substr(kind, 1, ?) = ? AND `+clinicScope+`
		ORDER BY run_at, id LIMIT ?`, until, len(kindPrefix), kindPrefix, nullString(clinicID), clinicID, limit)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(j *Job) (err error) { *j, err = scanJob(rows); return err })
}

// FailedJob loads one failed job of the clinic.
func (t *Tx) FailedJob(ctx context.Context, clinicID, id string) (Job, error) {
	j, err := scanJob(t.queryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ? AND failed_at IS NOT NULL AND `+clinicScope,
		id, nullString(clinicID), clinicID))
	return j, notFound(err, "That failed job")
}
