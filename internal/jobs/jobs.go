// Package jobs runs Doorway's scheduled work: reminders, due measures and
// integration prompts, each a row of the store's jobs table run by the
// handler registered for its kind. Every instance runs a Runner beside its
// server; whichever polls first claims a due job under a lease, so each job
// runs once however many instances there are, and a job due while every
// instance was down runs when the first one starts.
//
// # Why our own queue
//
// River (github.com/riverqueue/river, v0.51.2) was tried first and works here
// on both engines through database/sql (riversqlite over modernc.org/sqlite,
// riverdatabasesql over pgx's stdlib). It was not chosen because:
//
//   - its SQLite driver calls itself early testing with little real use, and
//     SQLite is Doorway's default engine;
//   - it wants a *sql.DB of its own, which on SQLite is a second writer
//     beside the store's single writer connection, and enqueueing a reminder
//     in the same transaction as its booking would mean handing River the
//     store's *sql.Tx, SQL outside internal/store;
//   - it brings its own schema (five river_* tables) and its own migration
//     line and tool (rivermigrate, river_migration) beside Doorway's numbered
//     per-engine migrations and the test that keeps them in step;
//   - it adds twelve modules (lib/pq, tidwall's JSON packages, River's
//     drivers and shared packages) for what is here one table, a dozen
//     statements in internal/store and this file.
//
// # What "exactly once" means
//
// A job is claimed by one runner at a time and, once done, never runs again.
// Its handler runs under a context that ends before the lease does, so a
// runner that is slow rather than dead stops before another may take the
// job over. One window remains, as in any queue outside the mail server's
// own transaction: if a process is killed after a handler's effect (the
// SMTP server's "250 queued") and before the job is marked done, the job
// runs again when its lease passes. Handlers keep such a repeat recognisable, for
// example by giving an email a Message-ID made from the job's id.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"doorway/internal/problem"
	"doorway/internal/store"
)

// Handler does one job. A nil error marks it done. An error is retried
// after a backoff until the job's attempts run out, unless it is Permanent.
// The context ends before the job's lease does; a handler must give up when
// it ends.
type Handler func(ctx context.Context, j store.Job) error

// Config sets up a Runner. Only Store is required.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	Now    func() time.Time
	// Name is this runner's name in claimed_by; by default the host name,
	// the process id and a random suffix.
	Name string
	// PollEvery is how often an idle runner looks for due work (default 5 s).
	PollEvery time.Duration
	// Lease is how long a claimed job is held before another runner may
	// take it over (default 5 minutes); the handler's context ends a tenth
	// of it earlier.
	Lease time.Duration
	// Workers is how many jobs one runner works on at once (default 2).
	Workers int
	// Backoff is the wait after a job's attempt-th failure (default Backoff).
	Backoff func(attempt int) time.Duration
	// StopTimeout bounds how long Run waits, once told to stop, for the
	// handlers in flight before it cancels them (default 30 s).
	StopTimeout time.Duration
}

// Runner claims due jobs and runs their handlers.
type Runner struct {
	cfg      Config
	log      *slog.Logger
	mu       sync.Mutex
	handlers map[string]Handler
	kinds    []string
}

// New returns a Runner with no handlers.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Name == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		cfg.Name = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = 5 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Backoff == nil {
		cfg.Backoff = Backoff
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 30 * time.Second
	}
	return &Runner{cfg: cfg, log: cfg.Logger, handlers: map[string]Handler{}}
}

// Name is the runner's name, as jobs record who claimed them.
func (r *Runner) Name() string { return r.cfg.Name }

// Handle registers h for jobs of kind. A runner claims only the kinds it has
// handlers for, so an instance that does not know a new kind yet (during a
// rolling upgrade) leaves those jobs to one that does. Registering a kind
// twice is a programming error and panics.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.handlers[kind]; dup || kind == "" || h == nil {
		panic(fmt.Sprintf("jobs: handler for %q registered twice, or empty", kind))
	}
	r.handlers[kind] = h
	r.kinds = append(r.kinds, kind)
	slices.Sort(r.kinds)
}

// kinds lists the kinds this runner has handlers for.
func (r *Runner) registered() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.kinds)
}

func (r *Runner) handler(kind string) Handler {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.handlers[kind]
}

// Backoff is the default wait after a job's attempt-th failure: 30 seconds,
// doubling with each failure, at most 30 minutes.
func Backoff(attempt int) time.Duration {
	return Exponential(30*time.Second, 30*time.Minute)(attempt)
}

// Exponential waits base after the first failure, doubling after each one
// up to limit.
func Exponential(base, limit time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < limit; i++ {
			d *= 2
		}
		return min(d, limit)
	}
}

// permanent marks an error that no retry can mend.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so the job fails at once rather than being retried:
// for an address that can never receive mail, say, or a record deleted
// since the job was queued.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// Run claims and runs due jobs until ctx ends. Then it claims nothing more,
// waits up to StopTimeout for the handlers in flight, cancels the ones still
// running (their jobs are retried), records how each ended and returns.
func (r *Runner) Run(ctx context.Context) error {
	// Handlers run under their own context, so a stop lets them finish
	// rather than cutting an SMTP conversation in half.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for range r.cfg.Workers {
		wg.Go(func() { r.loop(ctx, work) })
	}
	// Abandoned last attempts are rare, so the sweep for them runs once a
	// minute rather than at every poll.
	r.sweep(ctx)
	tick := time.NewTicker(max(r.cfg.PollEvery, time.Minute))
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			r.sweep(ctx)
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(r.cfg.StopTimeout):
		r.log.Warn("jobs still running at the stop timeout were cancelled; they will be retried")
		cancelWork()
		<-done
	}
	return nil
}

// loop is one worker: it runs due jobs one after another and, when none is
// due, waits PollEvery.
func (r *Runner) loop(ctx, work context.Context) {
	for {
		ran, err := r.runOne(ctx, work)
		if err != nil && ctx.Err() == nil {
			r.log.Error("jobs: claiming work failed", "err", err)
		}
		if ran && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.cfg.PollEvery):
		}
	}
}

// sweep ends the jobs whose runner died on their last attempt. A runner
// with no handlers leaves it to those that have, and writes nothing.
func (r *Runner) sweep(ctx context.Context) {
	if len(r.registered()) == 0 {
		return
	}
	var n int
	err := r.cfg.Store.Write(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.FailAbandonedJobs(ctx, r.cfg.Now().UTC())
		return err
	})
	if err != nil && ctx.Err() == nil {
		r.log.Error("jobs: sweeping abandoned jobs failed", "err", err)
	}
	if n > 0 {
		r.log.Warn("jobs: jobs whose runner stopped on their last attempt were marked failed", "jobs", n)
	}
}

// RunDue runs every job due now, one at a time, and reports how many ran
// (done or not). It is for tests and one-off commands; a server uses Run.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.sweep(ctx)
	n := 0
	for {
		ran, err := r.runOne(ctx, ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}

// runOne claims one due job and runs it; ran is false when none was due.
// The claim is committed before the handler starts, so the lease holds
// across instances while it runs.
func (r *Runner) runOne(ctx, work context.Context) (ran bool, err error) {
	kinds := r.registered()
	if len(kinds) == 0 || ctx.Err() != nil {
		return false, nil
	}
	// The handler's time ends a tenth of the lease before the lease, counted
	// from before the claim, so it has stopped before another runner may
	// take the job over.
	deadline := time.Now().Add(r.cfg.Lease - r.cfg.Lease/10)
	now := r.cfg.Now().UTC()
	var j store.Job
	err = r.cfg.Store.Write(ctx, func(tx *store.Tx) (err error) {
		j, ran, err = tx.ClaimJob(ctx, kinds, r.cfg.Name, now, now.Add(r.cfg.Lease))
		return err
	})
	if err != nil || !ran {
		return false, err
	}
	hctx, cancel := context.WithDeadline(work, deadline)
	herr := r.call(hctx, r.handler(j.Kind), j)
	cancel()
	r.record(work, j, herr)
	return true, nil
}

// call runs h, turning a panic into an error so one bad job cannot stop the
// runner.
func (r *Runner) call(ctx context.Context, h Handler, j store.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("jobs: handler panicked", "kind", j.Kind, "job", j.ID, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("the handler panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

// record says how the attempt ended: done, due again after a backoff, or
// failed for good. It runs even when the runner is stopping.
func (r *Runner) record(work context.Context, j store.Job, herr error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(work), 30*time.Second)
	defer cancel()
	now := r.cfg.Now().UTC()
	var p permanent
	var err error
	switch {
	case herr == nil:
		err = r.cfg.Store.Write(ctx, func(tx *store.Tx) error { return tx.CompleteJob(ctx, j, now) })
	case errors.As(herr, &p) || j.Attempts >= j.MaxAttempts:
		r.log.Error("jobs: a job failed and will not be retried", "kind", j.Kind, "job", j.ID, "attempt", j.Attempts, "err", herr)
		err = r.cfg.Store.Write(ctx, func(tx *store.Tx) error { return tx.FailJob(ctx, j, message(herr), now) })
	default:
		wait := r.cfg.Backoff(j.Attempts)
		if work.Err() != nil {
			wait = 0 // cut short by a stop, not by its own fault
		}
		r.log.Warn("jobs: a job failed and will be retried", "kind", j.Kind, "job", j.ID, "attempt", j.Attempts, "retry_in", wait, "err", herr)
		err = r.cfg.Store.Write(ctx, func(tx *store.Tx) error { return tx.RetryJob(ctx, j, message(herr), now.Add(wait)) })
	}
	if problem.CodeOf(err) == problem.Conflict {
		r.log.Warn("jobs: the lease passed before the job finished and another runner took it over; it may have run twice",
			"kind", j.Kind, "job", j.ID, "attempt", j.Attempts)
	} else if err != nil {
		r.log.Error("jobs: recording a job's outcome failed; it will run again when its lease passes", "kind", j.Kind, "job", j.ID, "err", err)
	}
}

// message is what the failed list shows: a problem's safe message as is,
// anything else as its text (SMTP replies, say), which only admins read.
func message(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}
