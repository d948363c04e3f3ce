package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"doorway/internal/practice"
	"doorway/internal/store/storetest"
)

// TestMain lets the test binary play a `doorway` process of its own for
// TestTwoInstancesOnePostgres: with DOORWAY_CHILD_ARGS set it runs those
// arguments as the command line does, and exits with its code.
func TestMain(m *testing.M) {
	if args := os.Getenv("DOORWAY_CHILD_ARGS"); args != "" {
		c := &cli{ctx: context.Background(), stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
		os.Exit(c.main(strings.Fields(args)))
	}
	os.Exit(m.Run())
}

// instance is a `doorway serve` running as a process of its own.
type instance struct {
	cmd *exec.Cmd
	url string
}

var servingLine = regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+)`)

// startInstance runs `doorway serve` in a new process with env (and
// nothing else of this process's environment but PATH), and waits until
// it says where it serves.
func startInstance(t *testing.T, env map[string]string) *instance {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "DOORWAY_CHILD_ARGS=serve --addr 127.0.0.1:0"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd}
	t.Cleanup(func() { in.stop(t) })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case in.url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("the instance did not start serving")
	}
	return in
}

// stop ends the instance as an operator would (SIGTERM) and waits for it.
func (in *instance) stop(t *testing.T) {
	if in.cmd.ProcessState != nil {
		return
	}
	in.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- in.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("instance at %s: %v", in.url, err)
		}
	case <-time.After(20 * time.Second):
		in.cmd.Process.Kill()
		t.Errorf("instance at %s did not stop", in.url)
	}
}

// noRedirects is a client that shows each answer as it is, as a browser's
// network panel would.
var noRedirects = &http.Client{Timeout: 20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// signIn posts the sign-in form and returns the answer's status and the
// session cookie it set, if any.
func signIn(t *testing.T, base, email, password string) (int, string) {
	t.Helper()
	resp, err := noRedirects.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "doorway" && c.Value != "" {
			return resp.StatusCode, c.Value
		}
	}
	return resp.StatusCode, ""
}

// get fetches a page with the session cookie.
func get(t *testing.T, base, path, session string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.AddCookie(&http.Cookie{Name: "doorway", Value: session})
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestTwoInstancesOnePostgres runs two `doorway serve` processes on one
// PostgreSQL database, as a practice scaling out would, and shows that they
// act as one: a session made on one is good on the other and a sign-out on
// one ends it on both; the sign-in throttle counts failures on both
// together; and the audit log stays one chain that verifies, under reads
// and writes from both at once.
func TestTwoInstancesOnePostgres(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		cfg := e.Config(t)
		envA := map[string]string{"DOORWAY_DATABASE_URL": cfg.URL, "DOORWAY_DATA": t.TempDir()}
		seeded := mustSucceed(t, envA, "seed", "--clients", "4", "--seed", "2")
		therapist := regexp.MustCompile(`therapist (\S+)`).FindStringSubmatch(seeded.stdout)
		if therapist == nil {
			t.Fatalf("no therapist in the seed's report: %s", seeded.stdout)
		}
		email, password := therapist[1], "synthetic practice"
		// The second instance has a data directory of its own and the
		// same keys, as SECURITY.md asks of instances sharing a database.
		envB := map[string]string{"DOORWAY_DATABASE_URL": cfg.URL, "DOORWAY_DATA": t.TempDir()}
		for _, key := range []string{"master.key", "audit-signing.key"} {
			b, err := os.ReadFile(filepath.Join(envA["DOORWAY_DATA"], key))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(envB["DOORWAY_DATA"], key), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		a, b := startInstance(t, envA), startInstance(t, envB)

		// A session made on one instance is good on the other.
		code, session := signIn(t, a.url, email, password)
		if code != http.StatusSeeOther || session == "" {
			t.Fatalf("sign-in on the first instance: %d, cookie %q", code, session)
		}
		if code := get(t, b.url, "/caseload", session); code != http.StatusOK {
			t.Errorf("the first instance's session on the second: %d, want 200", code)
		}

		// Reads and writes from both at once: every page read is recorded
		// in the one audit chain.
		var wg sync.WaitGroup
		served := make(chan int, 200)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base := []string{a.url, b.url}[i%2]
				for range 10 {
					if code := get(t, base, "/caseload", session); code == http.StatusOK {
						served <- 1
					}
				}
				// A sign-in is a write of its own (a session, its entry).
				signIn(t, base, email, password)
			}()
		}
		wg.Wait()
		close(served)
		if len(served) != 80 {
			t.Errorf("%d of 80 page reads served while both instances were busy", len(served))
		}

		// A sign-out on the second ends the session on the first too.
		req, _ := http.NewRequest(http.MethodPost, b.url+"/logout", nil)
		req.AddCookie(&http.Cookie{Name: "doorway", Value: session})
		if resp, err := noRedirects.Do(req); err != nil {
			t.Fatal(err)
		} else {
			resp.Body.Close()
		}
		if code := get(t, a.url, "/caseload", session); code != http.StatusSeeOther {
			t.Errorf("the session signed out on the second instance, on the first: %d, want 303 to sign in", code)
		}

		// Failures on both count together: an account's failures are free
		// up to practice.SignInFreeFailures, and the next makes the one
		// after it wait. One more wrong password than the free ones,
		// spread over the two instances, and the next attempt is told to
		// wait, on either, even with the right password (from a browser
		// that has not signed in before: this client keeps no device
		// cookie). Counted by each instance alone, neither would slow it.
		for i := range practice.SignInFreeFailures + 1 {
			base := []string{a.url, b.url}[i%2]
			if code, _ := signIn(t, base, email, fmt.Sprintf("wrong password %d", i)); code != http.StatusOK && code != http.StatusUnauthorized && code != http.StatusBadRequest {
				t.Fatalf("wrong password %d on %s: %d", i, base, code)
			}
		}
		for _, in := range []*instance{a, b} {
			if code, session := signIn(t, in.url, email, password); code != http.StatusTooManyRequests || session != "" {
				t.Errorf("after %d failures spread over both instances, an attempt on %s: %d (session %v), want 429 and none",
					practice.SignInFreeFailures+1, in.url, code, session != "")
			}
		}

		a.stop(t)
		b.stop(t)
		r := mustSucceed(t, envA, "audit", "verify")
		m := regexp.MustCompile(`(\d+) entries`).FindStringSubmatch(r.stdout)
		var entries int
		if m != nil {
			fmt.Sscan(m[1], &entries)
		}
		// At least the 80 reads, 9 sign-ins, a sign-out and the failures.
		if entries < 90+practice.SignInFreeFailures+1 {
			t.Errorf("the audit chain holds %d entries after both instances' work: %s", entries, r.stdout)
		}
		t.Logf("two instances on one PostgreSQL: %s", strings.TrimSpace(r.stdout))
	}
}
