package jobs_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/jobs"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

var ctx = context.Background()

// Tests poll fast and hold leases briefly, so they take a second, not minutes.
const (
	testPoll  = 10 * time.Millisecond
	testLease = 2 * time.Second
)

func newRunner(s *store.Store, name string, edit ...func(*jobs.Config)) *jobs.Runner {
	cfg := jobs.Config{Store: s, Name: name, PollEvery: testPoll, Lease: testLease, StopTimeout: 5 * time.Second,
		Backoff: jobs.Exponential(10*time.Millisecond, 40*time.Millisecond)}
	for _, f := range edit {
		f(&cfg)
	}
	return jobs.New(cfg)
}

// mustStart runs r in the background until the test ends or stop is called;
// stop returns once Run has.
func mustStart(t *testing.T, r *jobs.Runner) (stop func()) {
	t.Helper()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(rctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("the runner did not stop within 10 seconds")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func mustEnqueue(t *testing.T, s *store.Store, js ...store.Job) {
	t.Helper()
	err := s.Write(ctx, func(tx *store.Tx) error {
		for i := range js {
			if js[i].CreatedAt.IsZero() {
				js[i].CreatedAt = time.Now()
			}
			if _, err := tx.EnqueueJob(ctx, &js[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustJob(t *testing.T, s *store.Store, key string) store.Job {
	t.Helper()
	var j store.Job
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { j, err = tx.JobByKey(ctx, key); return err }); err != nil {
		t.Fatalf("job %s: %v", key, err)
	}
	return j
}

// eventually waits up to d for cond.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tally counts the runs of each job key and who ran them.
type tally struct {
	mu   sync.Mutex
	runs map[string]int
	by   map[string]int
}

func newTally() *tally { return &tally{runs: map[string]int{}, by: map[string]int{}} }

func (c *tally) add(key, runner string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runs[key]++
	c.by[runner]++
}

// snapshot copies the counts, for reading once the work is done.
func (c *tally) snapshot() (runs, by map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.runs), maps.Clone(c.by)
}

func (c *tally) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs[key]
}

func (c *tally) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.runs {
		n += v
	}
	return n
}

// TestExactlyOnceAcrossInstances: two runners on two store handles, as two
// instances on one database would be, with four workers each, race over 300
// due jobs. Every job runs once and is marked done once.
func TestExactlyOnceAcrossInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s1, s2 := storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)
			const n = 300
			var js []store.Job
			for i := range n {
				js = append(js, store.Job{Kind: "count", Key: fmt.Sprintf("count:%03d", i), RunAt: time.Now().Add(-time.Minute)})
			}
			mustEnqueue(t, s1, js...)
			runs := newTally()
			for i, s := range []*store.Store{s1, s2} {
				name := fmt.Sprint("instance-", i+1)
				// The lease is long: this test is about two instances never
				// claiming one job at once, and a lease that runs out on a
				// heavily loaded machine (a run whose outcome took seconds to
				// record) would be taken over, as it should be, and counted
				// here as a duplicate.
				r := newRunner(s, name, func(c *jobs.Config) { c.Workers, c.Lease = 4, 20*time.Second })
				r.Handle("count", func(ctx context.Context, j store.Job) error {
					runs.add(j.Key, name)
					time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond) // let the runners interleave
					return nil
				})
				mustStart(t, r)
			}
			eventually(t, 30*time.Second, "every job ran", func() bool { return runs.total() >= n })
			time.Sleep(20 * testPoll) // room for a duplicate to show itself
			dups := 0
			for _, j := range js {
				if runs.count(j.Key) != 1 {
					dups++
				}
				if got := mustJob(t, s2, j.Key); got.DoneAt == nil || got.Attempts != 1 {
					t.Errorf("%s: done_at %v after %d attempts, want done after 1", j.Key, got.DoneAt, got.Attempts)
				}
			}
			_, by := runs.snapshot()
			t.Logf("%d jobs, %d runs, %d run other than once; instance-1 ran %d, instance-2 ran %d",
				n, runs.total(), dups, by["instance-1"], by["instance-2"])
			if dups != 0 || runs.total() != n {
				t.Errorf("%d runs of %d jobs, %d jobs run other than once", runs.total(), n, dups)
			}
		})
	}
}

// TestDueWhileNoRunnerRan: a job that fell due while no instance was running
// (queued, then the server stopped, then its time passed) runs once when a
// runner starts; a job not yet due waits for its time.
func TestDueWhileNoRunnerRan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		runs := newTally()
		handle := func(r *jobs.Runner) *jobs.Runner {
			r.Handle("remind", func(ctx context.Context, j store.Job) error { runs.add(j.Key, r.Name()); return nil })
			return r
		}
		// A first run of the server, with nothing due, then a stop.
		stop := mustStart(t, handle(newRunner(s, "before")))
		time.Sleep(5 * testPoll)
		stop()
		soon := time.Now().Add(300 * time.Millisecond)
		mustEnqueue(t, s,
			store.Job{Kind: "remind", Key: "overdue", RunAt: time.Now().Add(-2 * time.Hour)},
			store.Job{Kind: "remind", Key: "soon", RunAt: soon})
		mustStart(t, handle(newRunner(s, "after")))
		eventually(t, 5*time.Second, "the overdue job ran", func() bool { return runs.total() >= 1 })
		if runs.count("soon") != 0 && time.Now().Before(soon) {
			t.Error("the job due later ran early")
		}
		eventually(t, 5*time.Second, "the later job ran", func() bool { return runs.total() >= 2 })
		time.Sleep(10 * testPoll)
		if got, by := runs.snapshot(); got["overdue"] != 1 || got["soon"] != 1 || by["before"] != 0 {
			t.Errorf("runs %v by %v, want each job once, by the second runner", got, by)
		}
		if j := mustJob(t, s, "soon"); j.DoneAt == nil || j.DoneAt.Before(soon) {
			t.Errorf("the later job was done at %v, before it was due at %v", j.DoneAt, soon)
		}
	})
}

// TestFailingHandlerBacksOff follows a failing job on a fixed clock: each
// retry waits the backoff (1, 2, then at most 3 minutes), no sooner, and
// after its last attempt the job is on the clinic's failed list with its
// last error.
func TestFailingHandlerBacksOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, storetest.Now)
		now := storetest.Now
		r := newRunner(s, "clock", func(c *jobs.Config) {
			c.Now = func() time.Time { return now }
			c.Backoff = jobs.Exponential(time.Minute, 3*time.Minute)
		})
		attempts := 0
		r.Handle("flaky", func(ctx context.Context, j store.Job) error {
			attempts++
			return fmt.Errorf("attempt %d: 421 try again later", j.Attempts)
		})
		mustEnqueue(t, s, store.Job{ClinicID: p.Clinic.ID, Kind: "flaky", Key: "flaky", RunAt: now, MaxAttempts: 4, CreatedAt: now})
		runAt := func(at time.Time) int {
			t.Helper()
			now = at
			n, err := r.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		t0 := storetest.Now
		for _, step := range []struct {
			at   time.Duration
			runs int
		}{
			{0, 1},                         // attempt 1 fails: due again in 1 minute
			{time.Minute - time.Second, 0}, // not yet
			{time.Minute, 1},               // attempt 2: due again in 2 minutes
			{3*time.Minute - time.Second, 0},
			{3 * time.Minute, 1}, // attempt 3: the wait is capped at 3 minutes
			{6*time.Minute - time.Second, 0},
			{6 * time.Minute, 1}, // attempt 4, the last: failed
			{time.Hour, 0},       // and never again
		} {
			if got := runAt(t0.Add(step.at)); got != step.runs {
				t.Fatalf("at +%v: %d jobs ran, want %d", step.at, got, step.runs)
			}
		}
		j := mustJob(t, s, "flaky")
		if attempts != 4 || j.Attempts != 4 || j.FailedAt == nil || !j.FailedAt.Equal(t0.Add(6*time.Minute)) || j.LastError != "attempt 4: 421 try again later" {
			t.Errorf("after the last attempt: %d runs, job %+v", attempts, j)
		}
		var failed []store.Job
		if err := s.Read(ctx, func(tx *store.Tx) (err error) { failed, err = tx.FailedJobs(ctx, p.Clinic.ID, 10); return err }); err != nil {
			t.Fatal(err)
		}
		if len(failed) != 1 || failed[0].Key != "flaky" {
			t.Errorf("the clinic's failed list: %+v", failed)
		}
	})
}

// TestPermanentAndPanickingHandlers: a handler that says no retry can help
// fails its job at once; one that panics is an ordinary failure and the
// runner goes on.
func TestPermanentAndPanickingHandlers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := newRunner(s, "r")
		r.Handle("gone", func(ctx context.Context, j store.Job) error {
			return jobs.Permanent(problem.New(problem.NotFound, "The appointment was deleted."))
		})
		r.Handle("panics", func(ctx context.Context, j store.Job) error { panic("nil map") })
		r.Handle("fine", func(ctx context.Context, j store.Job) error { return nil })
		now := time.Now()
		mustEnqueue(t, s,
			store.Job{Kind: "gone", Key: "gone", RunAt: now},
			store.Job{Kind: "panics", Key: "panics", RunAt: now, MaxAttempts: 2},
			store.Job{Kind: "fine", Key: "fine", RunAt: now.Add(50 * time.Millisecond)})
		mustStart(t, r)
		eventually(t, 5*time.Second, "every job ended", func() bool {
			return mustJob(t, s, "gone").FailedAt != nil && mustJob(t, s, "panics").FailedAt != nil && mustJob(t, s, "fine").DoneAt != nil
		})
		if j := mustJob(t, s, "gone"); j.Attempts != 1 || j.LastError != "The appointment was deleted." {
			t.Errorf("permanent failure: %d attempts, %q", j.Attempts, j.LastError)
		}
		if j := mustJob(t, s, "panics"); j.Attempts != 2 || j.LastError != "the handler panicked: nil map" {
			t.Errorf("panicking handler: %d attempts, %q", j.Attempts, j.LastError)
		}
	})
}

// TestSlowHandlerStopsBeforeItsLease: a handler's context ends before its
// job's lease, so a runner that is slow rather than dead has given up before
// another may take the job over; the job is retried.
func TestSlowHandlerStopsBeforeItsLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// The handler's time ends a tenth of the lease early: 150 ms is
		// room enough to record the outcome on a loaded machine (20 ms,
		// from a 200 ms lease, was not always).
		r := newRunner(s, "slow", func(c *jobs.Config) { c.Lease = 1500 * time.Millisecond })
		var mu sync.Mutex
		var seen []string
		r.Handle("slow", func(ctx context.Context, j store.Job) error {
			dl, ok := ctx.Deadline()
			mu.Lock()
			defer mu.Unlock()
			if j.Attempts > 1 {
				// The retry is quick: it finishes well inside its lease
				// however slowly a loaded machine records the outcome.
				seen = append(seen, fmt.Sprintf("attempt %d: deadline before lease %v", j.Attempts, ok && dl.Before(*j.LeaseUntil)))
				return nil
			}
			mu.Unlock()
			<-ctx.Done()
			mu.Lock()
			seen = append(seen, fmt.Sprintf("attempt %d: deadline before lease %v, ended by %v", j.Attempts, ok && dl.Before(*j.LeaseUntil), ctx.Err()))
			return ctx.Err()
		})
		mustEnqueue(t, s, store.Job{Kind: "slow", Key: "slow", RunAt: time.Now()})
		mustStart(t, r)
		eventually(t, 10*time.Second, "the job was done", func() bool { return mustJob(t, s, "slow").DoneAt != nil })
		mu.Lock()
		defer mu.Unlock()
		want := []string{
			"attempt 1: deadline before lease true, ended by context deadline exceeded",
			"attempt 2: deadline before lease true",
		}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("handler saw\n%q\nwant\n%q", seen, want)
		}
		if j := mustJob(t, s, "slow"); j.LastError != context.DeadlineExceeded.Error() {
			t.Errorf("last error %q", j.LastError)
		}
	})
}

// TestStopWaitsForHandlers: a runner told to stop claims nothing more and
// lets the handler in flight finish, so the job is done, not cut off.
func TestStopWaitsForHandlers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := newRunner(s, "r")
		started, release := make(chan struct{}), make(chan struct{})
		r.Handle("k", func(ctx context.Context, j store.Job) error {
			if j.Key == "first" {
				close(started)
				select {
				case <-release:
				case <-ctx.Done():
					return errors.New("cut off")
				}
			}
			return nil
		})
		mustEnqueue(t, s, store.Job{Kind: "k", Key: "first", RunAt: time.Now()})
		stop := mustStart(t, r)
		<-started
		mustEnqueue(t, s, store.Job{Kind: "k", Key: "second", RunAt: time.Now()})
		stopped := make(chan struct{})
		go func() { stop(); close(stopped) }()
		time.Sleep(10 * testPoll)
		select {
		case <-stopped:
			t.Fatal("Run returned while a handler was still running")
		default:
		}
		close(release)
		<-stopped
		if j := mustJob(t, s, "first"); j.DoneAt == nil {
			t.Errorf("the job in flight at the stop: %+v", j)
		}
		if j := mustJob(t, s, "second"); j.Attempts != 0 {
			t.Errorf("a job was claimed after the stop: %+v", j)
		}
	})
}

// childEnv, when set, makes the test binary a runner process that claims a
// job and hangs in its handler until it is killed; its value is the
// database, as "sqlite:DIR" or a postgres:// URL.
const childEnv = "DOORWAY_JOBS_TEST_CHILD"

func TestMain(m *testing.M) {
	if db := os.Getenv(childEnv); db != "" {
		runChild(db)
		return
	}
	os.Exit(m.Run())
}

func runChild(db string) {
	var cfg store.Config
	if dir, ok := strings.CutPrefix(db, "sqlite:"); ok {
		cfg.DataDir = dir
	} else {
		cfg.URL = db
	}
	s, err := store.Open(ctx, cfg)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	r := jobs.New(jobs.Config{Store: s, Name: "doomed", PollEvery: testPoll, Lease: time.Second})
	r.Handle("send", func(ctx context.Context, j store.Job) error {
		fmt.Println("started", j.Key)
		select {} // hangs until killed
	})
	r.Run(ctx)
}

// TestKilledRunnerIsTakenOver: a runner process is killed (SIGKILL) while it
// holds a job. Another runner leaves the job alone while the lease holds,
// then takes it over and does it, once.
func TestKilledRunnerIsTakenOver(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			mustEnqueue(t, s, store.Job{Kind: "send", Key: "send:1", RunAt: time.Now()})

			db := cfg.URL
			if db == "" {
				db = "sqlite:" + cfg.DataDir
			}
			child := exec.Command(os.Args[0], "-test.run=^$")
			child.Env = append(os.Environ(), childEnv+"="+db)
			out, err := child.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || line != "started send:1\n" {
				child.Process.Kill()
				t.Fatalf("the child runner said %q, %v", line, err)
			}
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			child.Wait()
			killed := time.Now()
			held := mustJob(t, s, "send:1")
			if held.ClaimedBy != "doomed" || held.Attempts != 1 || held.LeaseUntil == nil || held.DoneAt != nil {
				t.Fatalf("the job the killed runner held: %+v", held)
			}

			runs := newTally()
			r := newRunner(s, "survivor")
			r.Handle("send", func(ctx context.Context, j store.Job) error { runs.add(j.Key, "survivor"); return nil })
			mustStart(t, r)
			eventually(t, 10*time.Second, "the survivor did the job", func() bool { return mustJob(t, s, "send:1").DoneAt != nil })
			took := time.Now()
			time.Sleep(10 * testPoll)
			j := mustJob(t, s, "send:1")
			t.Logf("killed at lease end minus %v; taken over %v after the kill", held.LeaseUntil.Sub(killed).Round(time.Millisecond), took.Sub(killed).Round(time.Millisecond))
			if j.DoneAt.Before(*held.LeaseUntil) {
				t.Errorf("the job was taken over at %v, before the killed runner's lease ended at %v", j.DoneAt, held.LeaseUntil)
			}
			if runs.count("send:1") != 1 || j.ClaimedBy != "survivor" || j.Attempts != 2 {
				t.Errorf("after the takeover: %d runs, claimed by %s, %d attempts", runs.count("send:1"), j.ClaimedBy, j.Attempts)
			}
		})
	}
}

// TestDefaultBackoff: 30 s doubling to at most 30 minutes, so a job with the
// default attempts is last tried seven hours after its first: an SMTP
// server down for an afternoon loses nothing.
func TestDefaultBackoff(t *testing.T) {
	var waits []time.Duration
	var total time.Duration
	for a := 1; a < store.DefaultJobAttempts; a++ {
		w := jobs.Backoff(a)
		waits = append(waits, w)
		total += w
	}
	if fmt.Sprint(waits[:8]) != "[30s 1m0s 2m0s 4m0s 8m0s 16m0s 30m0s 30m0s]" {
		t.Errorf("first waits %v", waits[:8])
	}
	if total != 7*time.Hour+1*time.Minute+30*time.Second {
		t.Errorf("the last attempt comes %v after the first, want 7h1m30s", total)
	}
}
