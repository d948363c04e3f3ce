package practice_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"doorway/internal/practice"
	"doorway/internal/seal"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/synth"
)

// The pages' loaders on a synthetic practice, for profiling:
//
//	go test ./internal/practice -run '^$' -bench . -cpuprofile cpu.out
//
// The practice is seeded once per test binary (1,000 clients on SQLite).
var perf struct {
	once  sync.Once
	st    *store.Store
	res   synth.Result
	staff practice.Actor
}

func perfPractice(b *testing.B) (*practice.Service, synth.Result, practice.Actor) {
	perf.once.Do(func() {
		// The store outlives the first benchmark, so it is not closed with it.
		dir, err := os.MkdirTemp("", "doorway-perf-")
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if perf.st, err = store.Open(ctx, store.Config{DataDir: dir}); err != nil {
			b.Fatal(err)
		}
		if err := perf.st.SetMasterKey(seal.NewKey()); err != nil {
			b.Fatal(err)
		}
		if err := perf.st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		perf.res, err = synth.Seed(context.Background(), perf.st, synth.Config{Clients: 1000, Seed: 1, Now: storetest.Now, PasswordHash: "x"})
		if err != nil {
			b.Fatal(err)
		}
		var u store.User
		perf.st.Read(context.Background(), func(tx *store.Tx) (err error) {
			u, err = tx.UserByEmail(context.Background(), perf.res.Therapist)
			return err
		})
		perf.staff = practice.NewActor(u.Principal(""), u.Name, perf.res.Clinic, "", "127.0.0.1", practice.Pages)
	})
	app := practice.New(practice.Config{Store: perf.st, Now: func() time.Time { return storetest.Now }})
	return app, perf.res, perf.staff
}

func BenchmarkCaseload(b *testing.B) {
	app, _, a := perfPractice(b)
	for b.Loop() {
		if _, err := app.Caseload(context.Background(), a, "", 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCoursePage(b *testing.B) {
	app, res, a := perfPractice(b)
	for b.Loop() {
		if _, err := app.Course(context.Background(), a, res.ClientID); err != nil {
			b.Fatal(err)
		}
	}
}
