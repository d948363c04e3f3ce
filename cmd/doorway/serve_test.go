package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/demo"
	"doorway/internal/store"
)

// lockedBuffer is a bytes.Buffer that a running command writes while the
// test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serving runs a serving command until stop is called.
type serving struct {
	stdout, stderr lockedBuffer
	stop           context.CancelFunc
	code           chan int
}

func startServing(t *testing.T, env map[string]string, args ...string) *serving {
	t.Helper()
	runCtx, stop := context.WithCancel(ctx)
	s := &serving{stop: stop, code: make(chan int, 1)}
	c := &cli{ctx: runCtx, stdout: &s.stdout, stderr: &s.stderr, getenv: func(k string) string { return env[k] }}
	go func() { s.code <- c.main(args) }()
	t.Cleanup(stop)
	return s
}

var urlPattern = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// url waits for the command to print where it serves.
func (s *serving) url(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if u := urlPattern.FindString(s.stdout.String()); u != "" {
			return u
		}
		select {
		case code := <-s.code:
			t.Fatalf("exited %d before serving: %s", code, s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("no address printed")
	return ""
}

func (s *serving) shutdown(t *testing.T) {
	t.Helper()
	s.stop()
	select {
	case code := <-s.code:
		if code != 0 {
			t.Errorf("exit %d after the stop: %s", code, s.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}

func TestDemoSeedsOnceAndServes(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir, "DOORWAY_ADDR": "127.0.0.1:0"}
	for run := range 2 {
		s := startServing(t, env, "demo")
		url := s.url(t)
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("run %d: readyz %d", run, resp.StatusCode)
		}
		s.shutdown(t)
		out := s.stdout.String()
		for _, l := range demo.Logins() {
			if !strings.Contains(out, l.Email) {
				t.Errorf("run %d: login %s not printed", run, l.Email)
			}
		}
		if !strings.Contains(out, demo.Password) {
			t.Errorf("run %d: the password is not printed", run)
		}
	}
	// Seeded once: the second run found the practice and wrote nothing more.
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["clinics"] != 2 || counts["users"] != int64(len(demo.Logins())) {
		t.Errorf("after two runs: %d clinics, %d users", counts["clinics"], counts["users"])
	}
}

// Commands that touch the database work while a server runs on it.
func TestCommandsWhileServing(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir, "DOORWAY_ADDR": "127.0.0.1:0"}
	s := startServing(t, env, "serve")
	url := s.url(t)
	mustSucceed(t, env, "migrate")
	mustSucceed(t, env, "user", "add", "--email", "a@example.org", "--role", "admin")
	mustSucceed(t, env, "token", "create", "--email", "a@example.org")
	mustSucceed(t, env, "backup", "--out", filepath.Join(t.TempDir(), "b"))
	mustSucceed(t, env, "audit", "verify")
	if resp, err := http.Get(url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz while commands ran: %v", err)
	}
	s.shutdown(t)
	// The commands signed what they wrote; the server found nothing more to
	// sign at shutdown.
	if r := mustSucceed(t, env, "audit", "verify"); !strings.Contains(r.stdout, "4 entries, 2 signed checkpoints") {
		t.Errorf("after shutdown: %q", r.stdout)
	}
}
