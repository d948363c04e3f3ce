package app_test

import (
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"doorway/internal/app"
	"doorway/internal/audit"
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

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)

	if cp, err := m.Checkpoint(ctx); err != nil || cp.Seq != 0 {
		t.Fatalf("checkpoint of an empty log: %+v, %v", cp, err)
	}
	mustAddStaff(t, m, "a@example.org") // entries 1-3
	cp, err := m.Checkpoint(ctx)
	if err != nil || cp.Seq != 3 {
		t.Fatalf("first checkpoint: %+v, %v", cp, err)
	}
	if err := audit.VerifyCheckpoint(cp, audit.PublicKey(m.Keys.Audit)); err != nil {
		t.Errorf("checkpoint signature: %v", err)
	}
	if again, err := m.Checkpoint(ctx); err != nil || again.Seq != 0 {
		t.Errorf("checkpoint with nothing new: %+v, %v", again, err)
	}
	mustAddStaff(t, m, "b@example.org") // entries 4-5
	if cp, err := m.Checkpoint(ctx); err != nil || cp.Seq != 5 {
		t.Errorf("second checkpoint: %+v, %v", cp, err)
	}

	// An instance with another audit key must not sign after this one.
	other, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	m2 := mustMain(t, dir, func(c *app.Config) { c.AuditKey = base64.StdEncoding.EncodeToString(other.Seed()) })
	mustAddStaff(t, m2, "c@example.org")
	if _, err := m2.Checkpoint(ctx); err == nil || !strings.Contains(err.Error(), app.AuditKeyFile) {
		t.Errorf("checkpoint under another key: %v", err)
	}

	// An entry edited after the last checkpoint: nothing is signed, and
	// the break is itself recorded for the admins.
	mustAddStaff(t, m, "d@example.org")
	mustTamper(t, dir, `UPDATE audit_log SET detail = 'edited' WHERE seq = 7`)
	_, err = m.Checkpoint(ctx)
	var brk *audit.Break
	if !errors.As(err, &brk) || brk.Seq != 7 || brk.Reason != audit.HashMismatch {
		t.Fatalf("checkpoint over an edited entry: %v", err)
	}
	cps, _ := m.Store.Checkpoints(ctx)
	if last := cps[len(cps)-1]; last.Seq != 5 {
		t.Errorf("a checkpoint at entry %d was signed over the edit", last.Seq)
	}
	var recorded bool
	m.Store.EachAudit(ctx, 8, func(e audit.Entry) error {
		recorded = recorded || (e.Action == "audit.verify_failed" && e.Severity == audit.High)
		return nil
	})
	if !recorded {
		t.Error("the break was not recorded in the audit log")
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
	mustAddStaff(t, m, "a@example.org")
	if _, err := m.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	pub := audit.PublicKey(m.Keys.Audit)
	res, err := app.VerifyAudit(ctx, m.Store, pub)
	if err != nil || res.Count != 3 || res.Checkpoints != 1 {
		t.Fatalf("verify: %+v, %v", res, err)
	}
	if _, err := app.VerifyAudit(ctx, m.Store, nil); err == nil {
		t.Error("checkpoints passed without a key to check them")
	}
	mustTamper(t, dir, `DELETE FROM audit_log WHERE seq = 3`)
	_, err = app.VerifyAudit(ctx, m.Store, pub)
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
			res, err := app.VerifyAudit(ctx, a.Store, audit.PublicKey(key))
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
