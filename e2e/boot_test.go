package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"doorway/internal/app"
	"doorway/internal/demo"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// boot runs the real program, as `doorway demo` does, on a free port of
// 127.0.0.1 with the database cfg names: app.Main opens and migrates it,
// the demo practice is seeded, and Main.Run serves until stop is called.
func boot(cfg store.Config) (*server, func(), error) {
	ctx := context.Background()
	c, err := app.NewConfig(func(string) string { return "" }) // the defaults, not this machine's environment
	if err != nil {
		return nil, nil, err
	}
	c.Addr = "127.0.0.1:0"
	c.DataDir, c.DatabaseURL = cfg.DataDir, cfg.URL
	m := app.NewMain(c)
	m.Demo = true
	// The server's clock runs at the real pace from a fixed moment of the
	// clinic's calendar, so the suite sees the same day and hour whenever
	// it runs (the clock starts before noon, where a day's noon is still in
	// the future).
	clock := &serverClock{}
	clock.offset.Store(int64(bootClock.Sub(time.Now())))
	m.Now = clock.now
	// Errors only: they are what explains a failing page.
	m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	m.ShutdownTimeout = 5 * time.Second
	if err := m.Open(ctx); err != nil {
		return nil, nil, fmt.Errorf("open: %w", err)
	}
	seeded, err := m.SeedDemo(ctx)
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("seed the demo: %w", err)
	}
	ln, err := m.Listen()
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(runCtx, ln) }()
	stop := func() {
		cancel()
		<-done
		m.Close()
	}
	srv := &server{URL: "http://" + ln.Addr().String(), Store: m.Store, Logins: byFirstName(seeded), Now: m.Now, clock: clock}
	if err := waitReady(srv.URL); err != nil {
		stop()
		return nil, nil, err
	}
	return srv, stop, nil
}

// bootClock is the clinic-time moment every test server's clock reads when
// it boots: a Tuesday at 07:30 in Los Angeles, a week after the spring
// daylight-saving change, so the demo's history crosses it.
var bootClock = storetest.At("2026-03-17 07:30")

// serverClock is a test server's clock: the real pace, from bootClock, moved
// on by Advance when a test needs hours to pass (a medicine session's
// observation time) in seconds.
type serverClock struct{ offset atomic.Int64 }

func (c *serverClock) now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load())).UTC()
}

// waitReady waits until /readyz answers 200: the listener is open before
// Run starts serving, so this is quick, but not instant.
func waitReady(base string) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("the server did not become ready within 10 s")
}

// byFirstName keys the main demo clinic's logins by first name ("Jordan"
// for "Dr. Jordan Lee"), which is how DEMO.md and the tests name people.
func byFirstName(logins []demo.Login) map[string]demoLogin {
	out := map[string]demoLogin{}
	for _, l := range logins {
		if l.Clinic != "Stillwater Ketamine Therapy" {
			continue // Harbor Psychiatry is there only to prove isolation
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(l.Name, "Dr. "), " ")
		out[first] = demoLogin{Name: l.Name, Email: l.Email, Password: l.Password}
	}
	return out
}
