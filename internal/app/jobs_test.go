package app_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"doorway/internal/app"
	"doorway/internal/store"
)

// TestServeRunsScheduledWork: the server runs due jobs beside the pages, and
// a stop waits for the job in flight, which ends done, not cut off.
func TestServeRunsScheduledWork(t *testing.T) {
	cfg, err := app.NewConfig(noEnv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.Addr = t.TempDir(), "127.0.0.1:0"
	m := app.NewMain(cfg)
	m.Logger = slog.New(slog.DiscardHandler)
	m.JobsEvery = 10 * time.Millisecond
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })

	ran := make(chan string, 10)
	started := make(chan struct{})
	m.Jobs.Handle("test.note", func(ctx context.Context, j store.Job) error {
		if j.Key == "slow" {
			close(started)
			time.Sleep(200 * time.Millisecond)
		}
		ran <- j.Key
		return nil
	})
	enqueue := func(key string) {
		t.Helper()
		j := store.Job{Kind: "test.note", Key: key, RunAt: time.Now(), CreatedAt: time.Now()}
		if err := m.Store.Write(ctx, func(tx *store.Tx) error { _, err := tx.EnqueueJob(ctx, &j); return err }); err != nil {
			t.Fatal(err)
		}
	}
	enqueue("quick")
	r := mustRun(t, m)
	select {
	case k := <-ran:
		if k != "quick" {
			t.Fatalf("ran %q", k)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not run a due job")
	}
	enqueue("slow")
	<-started
	r.shutdown(t)
	if k := <-ran; k != "slow" {
		t.Fatalf("ran %q", k)
	}
	var j store.Job
	if err := m.Store.Read(ctx, func(tx *store.Tx) (err error) { j, err = tx.JobByKey(ctx, "slow"); return err }); err != nil {
		t.Fatal(err)
	}
	if j.DoneAt == nil {
		t.Errorf("the job in flight at shutdown: %+v", j)
	}
}
