package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

var jobT0 = time.Date(2026, 6, 17, 17, 30, 0, 0, time.UTC)

func mustEnqueue(t *testing.T, s *store.Store, j store.Job) (store.Job, bool) {
	t.Helper()
	if j.CreatedAt.IsZero() {
		j.CreatedAt = jobT0
	}
	var queued bool
	err := s.Write(ctx, func(tx *store.Tx) (err error) {
		queued, err = tx.EnqueueJob(ctx, &j)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue %s: %v", j.Key, err)
	}
	return j, queued
}

func mustClaim(t *testing.T, s *store.Store, kinds []string, by string, now time.Time, lease time.Duration) (store.Job, bool) {
	t.Helper()
	var j store.Job
	var ok bool
	err := s.Write(ctx, func(tx *store.Tx) (err error) {
		j, ok, err = tx.ClaimJob(ctx, kinds, by, now, now.Add(lease))
		return err
	})
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return j, ok
}

func mustJob(t *testing.T, s *store.Store, key string) store.Job {
	t.Helper()
	var j store.Job
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { j, err = tx.JobByKey(ctx, key); return err }); err != nil {
		t.Fatalf("job %s: %v", key, err)
	}
	return j
}

// TestJobQueuedOncePerKey: the same reminder enqueued twice, as two
// instances reacting to one booking might, is one job.
func TestJobQueuedOncePerKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "one")
		key := "reminder:session:appt1:client1:24h"
		first, queued := mustEnqueue(t, s, store.Job{ClinicID: c.ID, Kind: "reminder", Key: key, Payload: `{"appointment":"appt1"}`, RunAt: jobT0})
		if !queued || first.ID == "" || first.MaxAttempts != store.DefaultJobAttempts {
			t.Fatalf("first enqueue: queued=%v id=%q attempts=%d", queued, first.ID, first.MaxAttempts)
		}
		if _, queued := mustEnqueue(t, s, store.Job{Kind: "reminder", Key: key, Payload: `{"other":1}`, RunAt: jobT0.Add(time.Hour)}); queued {
			t.Fatal("a second job with the same key was queued")
		}
		got := mustJob(t, s, key)
		want := store.Job{ID: first.ID, ClinicID: c.ID, Kind: "reminder", Key: key, Payload: `{"appointment":"appt1"}`, RunAt: jobT0,
			MaxAttempts: store.DefaultJobAttempts, CreatedAt: jobT0}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("stored job\n got %+v\nwant %+v", got, want)
		}
	})
}

// TestJobLifecycle walks one store through claiming, leases, completion,
// retries, failure, the failed list per clinic, requeueing and cancelling.
func TestJobLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c1, c2 := mustClinic(t, s, "c1", "one"), mustClinic(t, s, "c2", "two")
		kinds := []string{"mail"}
		lease := time.Minute
		mustEnqueue(t, s, store.Job{ClinicID: c1.ID, Kind: "mail", Key: "later", RunAt: jobT0.Add(time.Hour)})
		mustEnqueue(t, s, store.Job{ClinicID: c1.ID, Kind: "mail", Key: "second", RunAt: jobT0.Add(-time.Minute)})
		mustEnqueue(t, s, store.Job{ClinicID: c1.ID, Kind: "mail", Key: "first", RunAt: jobT0.Add(-time.Hour), MaxAttempts: 2})
		mustEnqueue(t, s, store.Job{ClinicID: c2.ID, Kind: "other", Key: "unhandled", RunAt: jobT0.Add(-2 * time.Hour)})

		// The longest due of the kinds asked for comes first; a job of a
		// kind this runner has no handler for is left for one that has.
		a, ok := mustClaim(t, s, kinds, "runner-a", jobT0, lease)
		if !ok || a.Key != "first" || a.Attempts != 1 || a.ClaimedBy != "runner-a" || a.LeaseUntil == nil || !a.LeaseUntil.Equal(jobT0.Add(lease)) {
			t.Fatalf("first claim: ok=%v %+v", ok, a)
		}
		b, ok := mustClaim(t, s, kinds, "runner-b", jobT0, lease)
		if !ok || b.Key != "second" {
			t.Fatalf("second claim: ok=%v %+v", ok, b)
		}
		if j, ok := mustClaim(t, s, kinds, "runner-b", jobT0, lease); ok {
			t.Fatalf("claimed %s, which is held or not yet due", j.Key)
		}
		if _, ok := mustClaim(t, s, nil, "runner-b", jobT0, lease); ok {
			t.Fatal("a runner with no handlers claimed a job")
		}

		// b completes. a fails once and is due again after its backoff.
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CompleteJob(ctx, b, jobT0) }); err != nil {
			t.Fatal(err)
		}
		if j := mustJob(t, s, "second"); j.DoneAt == nil || !j.DoneAt.Equal(jobT0) || j.LeaseUntil != nil {
			t.Errorf("completed job: %+v", j)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.RetryJob(ctx, a, "smtp dial: connection refused", jobT0.Add(30*time.Second))
		}); err != nil {
			t.Fatal(err)
		}
		if _, ok := mustClaim(t, s, kinds, "runner-a", jobT0.Add(29*time.Second), lease); ok {
			t.Fatal("a job was claimed before its backoff passed")
		}
		// Runner a claims its second (last) attempt and dies: the lease
		// passes with no attempts left, and the job ends as failed.
		a2, ok := mustClaim(t, s, kinds, "runner-a", jobT0.Add(30*time.Second), lease)
		if !ok || a2.Key != "first" || a2.Attempts != 2 || a2.LastError != "smtp dial: connection refused" {
			t.Fatalf("retry claim: ok=%v %+v", ok, a2)
		}
		later := jobT0.Add(30*time.Second + lease)
		if _, ok := mustClaim(t, s, kinds, "runner-b", later, lease); ok {
			t.Fatal("a job with no attempts left was claimed again")
		}
		var n int
		if err := s.Write(ctx, func(tx *store.Tx) (err error) { n, err = tx.FailAbandonedJobs(ctx, later); return err }); err != nil || n != 1 {
			t.Fatalf("FailAbandonedJobs = %d, %v; want 1", n, err)
		}
		// a's runner wakes up late: its claim is no longer its own.
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.CompleteJob(ctx, a2, later) })
		if problem.CodeOf(err) != problem.Conflict {
			t.Errorf("completing a lost claim: %v, want a Conflict", err)
		}

		// The failed list is the clinic's own.
		list := func(clinicID string) []string {
			var js []store.Job
			if err := s.Read(ctx, func(tx *store.Tx) (err error) { js, err = tx.FailedJobs(ctx, clinicID, 50); return err }); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, j := range js {
				keys = append(keys, j.Key+": "+j.LastError)
			}
			return keys
		}
		if got := list(c1.ID); len(got) != 1 || !strings.HasPrefix(got[0], "first: The runner stopped") {
			t.Errorf("clinic one's failed jobs: %q", got)
		}
		if got := list(c2.ID); len(got) != 0 {
			t.Errorf("clinic two sees failed jobs %q", got)
		}
		if got := list(""); len(got) != 0 {
			t.Errorf("the installation's failed jobs: %q", got)
		}

		// An admin of another clinic cannot requeue it; its own can.
		failed := mustJob(t, s, "first")
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.RequeueJob(ctx, c2.ID, failed.ID, later) })
		if problem.CodeOf(err) != problem.NotFound {
			t.Errorf("requeue from another clinic: %v, want NotFound", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.RequeueJob(ctx, c1.ID, failed.ID, later) }); err != nil {
			t.Fatal(err)
		}
		if j, ok := mustClaim(t, s, kinds, "runner-b", later, lease); !ok || j.Key != "first" || j.Attempts != 1 {
			t.Fatalf("requeued job: ok=%v %+v", ok, j)
		} else if err := s.Write(ctx, func(tx *store.Tx) error { return tx.FailJob(ctx, j, "refused: no such mailbox", later) }); err != nil {
			t.Fatal(err)
		}
		if got := list(c1.ID); len(got) != 1 || got[0] != "first: refused: no such mailbox" {
			t.Errorf("failed list after the second failure: %q", got)
		}

		// Cancelling: a queued job can be, a held one cannot until its
		// lease passes, and a cancelled one never runs.
		var cancelled bool
		cancel := func(key string, at time.Time) bool {
			if err := s.Write(ctx, func(tx *store.Tx) (err error) { cancelled, err = tx.CancelJob(ctx, key, at); return err }); err != nil {
				t.Fatal(err)
			}
			return cancelled
		}
		if !cancel("later", later) || cancel("later", later) || cancel("second", later) {
			t.Error("cancel: a queued job once, a done job never")
		}
		if j, ok := mustClaim(t, s, kinds, "runner-b", jobT0.Add(2*time.Hour), lease); ok {
			t.Errorf("claimed the cancelled job %s", j.Key)
		}
	})
}

// TestJobClaimsRace: four runners on two store handles each (as several
// instances would be) claim 200 due jobs at once; every job is claimed
// exactly once.
func TestJobClaimsRace(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s1 := storetest.OpenConfig(t, cfg)
			s2 := storetest.OpenConfig(t, cfg)
			const jobs = 200
			err := s1.Write(ctx, func(tx *store.Tx) error {
				for i := range jobs {
					j := store.Job{Kind: "k", Key: fmt.Sprintf("job-%03d", i), RunAt: jobT0, CreatedAt: jobT0}
					if _, err := tx.EnqueueJob(ctx, &j); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			claims := map[string]int{}
			var wg sync.WaitGroup
			for r := range 8 {
				s := []*store.Store{s1, s2}[r%2]
				wg.Go(func() {
					for {
						var j store.Job
						var ok bool
						err := s.Write(ctx, func(tx *store.Tx) (err error) {
							j, ok, err = tx.ClaimJob(ctx, []string{"k"}, fmt.Sprint("runner-", r), jobT0, jobT0.Add(time.Hour))
							return err
						})
						if err != nil {
							t.Error(err)
							return
						}
						if !ok {
							return
						}
						mu.Lock()
						claims[j.Key]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			dup := 0
			for _, n := range claims {
				if n != 1 {
					dup++
				}
			}
			if len(claims) != jobs || dup != 0 {
				t.Errorf("%d of %d jobs claimed, %d more than once", len(claims), jobs, dup)
			}
		})
	}
}
