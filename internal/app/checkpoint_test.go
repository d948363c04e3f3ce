package app_test

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

func mustAddStaff(t *testing.T, m *app.Main, email string) app.Invitation {
	t.Helper()
	inv, err := m.AddStaff(ctx, app.NewStaff{Email: email, Roles: []store.Role{store.RoleTherapist}})
	if err != nil {
		t.Fatalf("add staff: %v", err)
	}
	return inv
}

// logBuffer collects what a Main logs, for tests that read it while the
// program writes it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// captureLog has m log into a buffer.
func captureLog(m *app.Main) *logBuffer {
	var l logBuffer
	m.Logger = slog.New(slog.NewTextHandler(&l, nil))
	return &l
}

// mustAppend writes n entries as the pages would, with no checkpoint.
func mustAppend(t *testing.T, m *app.Main, n int) {
	t.Helper()
	for range n {
		e := audit.Entry{Time: m.Now(), ActorKind: audit.ActorStaff, ActorID: "u1", ClinicID: "c1", Action: "client.read",
			ResourceType: "client", ResourceID: "r1", ClientID: "r1", Outcome: audit.OK, Severity: audit.Info}
		if err := m.Store.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &e) }); err != nil {
			t.Fatal(err)
		}
	}
}

// mustHeads reads the data directory's heads file.
func mustHeads(t *testing.T, dir string) ([]audit.Checkpoint, []int) {
	t.Helper()
	heads, skipped, err := app.ReadHeadsFile(filepath.Join(dir, app.HeadsFile))
	if problem.CodeOf(err) == problem.NotFound {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return heads, skipped
}

// countActions counts the log's entries with an action, all of high severity.
func countActions(t *testing.T, m *app.Main, action string) int {
	t.Helper()
	n := 0
	err := m.Store.EachAudit(ctx, 1, func(e audit.Entry) error {
		if e.Action == action {
			n++
			if e.Severity != audit.High {
				t.Errorf("%s entry %d is of %s severity", action, e.Seq, e.Severity)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)
	logged := captureLog(m)

	if cp, err := m.Checkpoint(ctx); err != nil || cp.Seq != 0 {
		t.Fatalf("checkpoint of an empty log: %+v, %v", cp, err)
	}
	// A command signs what it wrote: entries written while no server runs
	// are covered too.
	mustAddStaff(t, m, "a@example.org") // entries 1-3
	if cps, _ := m.Store.Checkpoints(ctx); len(cps) != 1 || cps[0].Seq != 3 {
		t.Fatalf("checkpoints after adding staff: %+v", cps)
	}
	if again, err := m.Checkpoint(ctx); err != nil || again.Seq != 0 {
		t.Errorf("checkpoint with nothing new: %+v, %v", again, err)
	}
	mustAppend(t, m, 2) // entries 4-5
	cp, err := m.Checkpoint(ctx)
	if err != nil || cp.Seq != 5 {
		t.Fatalf("second checkpoint: %+v, %v", cp, err)
	}
	if err := audit.VerifyCheckpoint(cp, audit.PublicKey(m.Keys.Audit)); err != nil {
		t.Errorf("checkpoint signature: %v", err)
	}
	// Each checkpoint is in the heads file and in the log, as the same line.
	heads, skipped := mustHeads(t, dir)
	if len(heads) != 2 || len(skipped) != 0 || heads[1].HeadLine() != cp.HeadLine() {
		t.Errorf("heads file %+v (skipped %v), want the two checkpoints", heads, skipped)
	}
	if !strings.Contains(logged.String(), `head="`+cp.HeadLine()+`"`) {
		t.Errorf("the checkpoint is not in the log: %s", logged)
	}
	if fi, err := os.Stat(filepath.Join(dir, app.HeadsFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("heads file: %v, %v", fi, err)
	}

	// An instance with another audit key must not sign after this one.
	other, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	m2 := mustMain(t, dir, func(c *app.Config) { c.AuditKey = base64.StdEncoding.EncodeToString(other.Seed()) })
	mustAddStaff(t, m2, "c@example.org") // entries 6-7, not signed
	if _, err := m2.Checkpoint(ctx); err == nil || !strings.Contains(err.Error(), app.AuditKeyFile) {
		t.Errorf("checkpoint under another key: %v", err)
	}

	// An entry edited after the last checkpoint: nothing is signed, and the
	// break is recorded for the admins, once however often it is found.
	mustTamper(t, dir, `UPDATE audit_log SET detail = 'edited' WHERE seq = 7`)
	for range 3 {
		_, err = m.Checkpoint(ctx)
		var brk *audit.Break
		if !errors.As(err, &brk) || brk.Seq != 7 || brk.Reason != audit.HashMismatch {
			t.Fatalf("checkpoint over an edited entry: %v", err)
		}
	}
	if latest, _, _ := m.Store.LatestCheckpoint(ctx); latest.Seq != 5 {
		t.Errorf("a checkpoint at entry %d was signed over the edit", latest.Seq)
	}
	if heads, _ := mustHeads(t, dir); len(heads) != 2 {
		t.Errorf("%d heads in the file after the refusals, want 2", len(heads))
	}
	if n := countActions(t, m, "audit.verify_failed"); n != 1 {
		t.Errorf("the break was recorded %d times, want once", n)
	}
	if n := strings.Count(logged.String(), "does not verify"); n != 3 {
		t.Errorf("the break was logged %d times, want at every attempt (3)", n)
	}
}

// The heads file: a torn line stays on its own and is skipped; a file cut
// while the server runs does not lower the head it trusts.
func TestHeadsFile(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)
	logged := captureLog(m)
	path := filepath.Join(dir, app.HeadsFile)
	mustAddStaff(t, m, "a@example.org") // entries 1-3, line 1

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("checkpoint 9 torn-by-a-cr") // a write cut short by a crash
	f.Close()
	mustAppend(t, m, 1)
	if cp, err := m.Checkpoint(ctx); err != nil || cp.Seq != 4 {
		t.Fatalf("checkpoint after a torn line: %+v, %v", cp, err)
	}
	heads, skipped := mustHeads(t, dir)
	if len(heads) != 2 || heads[1].Seq != 4 || !slices.Equal(skipped, []int{2}) {
		t.Errorf("heads %+v, skipped lines %v; want entries 3 and 4, line 2 skipped", heads, skipped)
	}

	// The file emptied behind the server's back: the server says so, and
	// still holds the chain to the head it had read.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	mustTamper(t, dir, `DELETE FROM audit_checkpoints`, `UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2`)
	rehashFrom(t, m, 2)
	_, err = m.Checkpoint(ctx)
	var brk *audit.Break
	if !errors.As(err, &brk) || brk.Reason != audit.CheckpointMismatch || brk.Seq != 4 {
		t.Errorf("checkpoint after the file was emptied and the log rewritten: %v", err)
	}
	if !strings.Contains(logged.String(), "changed behind the server's back") || countActions(t, m, "audit.heads_file_changed") != 1 {
		t.Errorf("the emptied heads file was not reported: %s", logged)
	}
}

// mustTamper changes the SQLite database behind the application's back, as
// someone with the file could: the append-only triggers dropped first.
func mustTamper(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.SQLiteFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range append([]string{`DROP TRIGGER IF EXISTS audit_log_no_update`, `DROP TRIGGER IF EXISTS audit_log_no_delete`}, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestVerifyAudit(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)
	mustAddStaff(t, m, "a@example.org") // entries 1-3, and their checkpoint
	pub := audit.PublicKey(m.Keys.Audit)
	res, err := app.VerifyAudit(ctx, m.Store, app.VerifyOptions{Pub: pub})
	if err != nil || res.Count != 3 || res.Checkpoints != 1 {
		t.Fatalf("verify: %+v, %v", res, err)
	}
	if _, err := app.VerifyAudit(ctx, m.Store, app.VerifyOptions{}); err == nil {
		t.Error("checkpoints passed without a key to check them")
	}
	mustTamper(t, dir, `DELETE FROM audit_log WHERE seq = 3`)
	_, err = app.VerifyAudit(ctx, m.Store, app.VerifyOptions{Pub: pub})
	var brk *audit.Break
	if !errors.As(err, &brk) || brk.Reason != audit.Truncated || brk.Seq != 3 {
		t.Errorf("truncated log: %v", err)
	}
}

// Several instances on one database write and checkpoint at once; every
// checkpoint any of them saved matches the chain.
func TestCheckpointsFromSeveralInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			sc := e.Config(t)
			key, _ := audit.GenerateKey()
			shared := func(c *app.Config) {
				c.DatabaseURL = sc.URL
				c.AuditKey = base64.StdEncoding.EncodeToString(key.Seed())
				c.MasterKey = base64.StdEncoding.EncodeToString(make([]byte, 32))
			}
			dir := sc.DataDir
			if dir == "" {
				dir = t.TempDir()
			}
			a, b := mustMain(t, dir, shared), mustMain(t, dir, shared)
			mustAddStaff(t, a, "first@example.org") // the first clinic, made once
			var wg sync.WaitGroup
			for i, m := range []*app.Main{a, b} {
				wg.Go(func() {
					for j := range 5 {
						if _, err := m.AddStaff(ctx, app.NewStaff{Email: fmt.Sprintf("s%d-%d@example.org", i, j), Roles: []store.Role{store.RoleAdmin}}); err != nil {
							t.Error(err)
						}
						if _, err := m.Checkpoint(ctx); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			res, err := app.VerifyAudit(ctx, a.Store, app.VerifyOptions{Pub: audit.PublicKey(key)})
			if err != nil || res.Count != 23 || res.Checkpoints < 2 {
				t.Errorf("verify: %+v, %v", res, err)
			}
		})
	}
}

func TestServeOnEveryEngine(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			sc := e.Config(t)
			m := mustMain(t, sc.DataDir, func(c *app.Config) { c.DatabaseURL = sc.URL })
			r := mustRun(t, m)
			if code, body := mustGet(t, http.DefaultClient, r.url+"/readyz"); code != http.StatusOK {
				t.Errorf("readyz on %s: %d %q", e.Name, code, body)
			}
			r.shutdown(t)
		})
	}
}
