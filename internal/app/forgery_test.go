package app_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// forger changes the database behind Doorway's back, as someone with the
// SQLite file or the PostgreSQL owner's password could, but without the
// audit signing key: the append-only triggers are dropped first.
type forger struct {
	t  *testing.T
	db *sql.DB
	pg bool
}

func newForger(t *testing.T, cfg app.Config) *forger {
	t.Helper()
	f := &forger{t: t, pg: cfg.Postgres()}
	var err error
	if f.pg {
		f.db, err = sql.Open("pgx", cfg.DatabaseURL)
	} else {
		f.db, err = sql.Open("sqlite", "file:"+filepath.Join(cfg.DataDir, store.SQLiteFile)+"?_pragma=busy_timeout(5000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	drop := []string{`DROP TRIGGER IF EXISTS audit_log_no_update`, `DROP TRIGGER IF EXISTS audit_log_no_delete`}
	if f.pg {
		drop = []string{`DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log`, `DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log`}
	}
	for _, q := range drop {
		f.exec(q)
	}
	return f
}

func (f *forger) exec(q string, args ...any) {
	f.t.Helper()
	if f.pg {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	if _, err := f.db.Exec(q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// rehash recomputes every link and hash from entry from onwards, as anyone
// can who has read this package: the chain is unkeyed.
func (f *forger) rehash(st *store.Store, from int64) {
	f.t.Helper()
	var entries []audit.Entry
	if err := st.EachAudit(ctx, max(from-1, 1), func(e audit.Entry) error {
		entries = append(entries, e)
		return nil
	}); err != nil {
		f.t.Fatal(err)
	}
	head := audit.Genesis
	for _, e := range entries {
		if e.Seq < from {
			head = e.Head()
			continue
		}
		chained, err := audit.Chain(head, e)
		if err != nil {
			f.t.Fatal(err)
		}
		f.exec(`UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?`, chained.PrevHash, chained.Hash, chained.Seq)
		head = chained.Head()
	}
}

// rehashFrom rewrites m's chain from entry from onwards.
func rehashFrom(t *testing.T, m *app.Main, from int64) {
	t.Helper()
	newForger(t, m.Config).rehash(m.Store, from)
}

// forgeryPractice makes a log as a practice's would be after an afternoon:
// five commands twenty minutes apart, each signing what it wrote (entries 1
// to 11, checkpoints at 3, 5, 7, 9 and 11, in the database and the heads
// file), then two entries written just now and not yet checkpointed.
func forgeryPractice(t *testing.T, e storetest.Engine) (*app.Main, func(*app.Config)) {
	t.Helper()
	sc := e.Config(t)
	onEngine := func(c *app.Config) { c.DatabaseURL = sc.URL }
	m := mustMain(t, sc.DataDir, onEngine)
	clock := time.Now().Add(-3 * time.Hour)
	m.Now = func() time.Time { return clock }
	for i := range 5 {
		clock = clock.Add(20 * time.Minute)
		mustAddStaff(t, m, fmt.Sprintf("staff%d@example.org", i))
	}
	m.Now = time.Now
	mustAppend(t, m, 2)
	var seqs []int64
	cps, _ := m.Store.Checkpoints(ctx)
	for _, cp := range cps {
		seqs = append(seqs, cp.Seq)
	}
	if fmt.Sprint(seqs) != "[3 5 7 9 11]" {
		t.Fatalf("checkpoints at %v, want 3, 5, 7, 9 and 11", seqs)
	}
	return m, onEngine
}

// breakOf is what a verification found: "" if it passed, else the entry
// and the reason, as `doorway audit verify` names them.
func breakOf(t *testing.T, err error) string {
	t.Helper()
	var brk *audit.Break
	switch {
	case err == nil:
		return ""
	case errors.As(err, &brk):
		return fmt.Sprintf("%d %s", brk.Seq, brk.Reason)
	}
	t.Fatalf("verify: %v", err)
	return ""
}

// TestForgeries performs, on each engine, the forgeries of someone who can
// write the database but has not the signing key. Each must be named by
// `doorway audit verify`, with the heads file and from the database alone,
// and a server started on the forged database must not sign over it.
func TestForgeries(t *testing.T) {
	cases := []struct {
		name  string
		forge func(f *forger, m *app.Main)
		// What verify names with the heads file, and from the database
		// alone ("" = it verifies).
		withHeads, alone string
		// dropHeads removes the heads file too, as someone who can write
		// the data directory, not only the database, could.
		dropHeads bool
		// signs: a server started on it signs a new checkpoint, because
		// the chain itself is intact.
		signs bool
	}{
		{name: "a: an entry edited and the chain re-hashed after it",
			forge: func(f *forger, m *app.Main) {
				f.exec(`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 4`)
				f.rehash(m.Store, 4)
			},
			withHeads: "5 checkpoint_mismatch", alone: "5 checkpoint_mismatch"},
		{name: "b: the same, and the checkpoint rows deleted",
			forge: func(f *forger, m *app.Main) {
				f.exec(`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 4`)
				f.rehash(m.Store, 4)
				f.exec(`DELETE FROM audit_checkpoints`)
			},
			withHeads: "5 checkpoint_mismatch", alone: "1 uncovered"},
		{name: "c: the tail cut off",
			forge: func(f *forger, m *app.Main) {
				f.exec(`DELETE FROM audit_log WHERE seq >= 10`)
			},
			withHeads: "10 truncated", alone: "10 truncated"},
		{name: "c: the tail cut off, with the checkpoints after the cut",
			// Back to a state that was itself checkpointed: the database
			// alone cannot tell a rollback; the heads file can.
			forge: func(f *forger, m *app.Main) {
				f.exec(`DELETE FROM audit_log WHERE seq >= 10`)
				f.exec(`DELETE FROM audit_checkpoints WHERE seq > 9`)
			},
			withHeads: "10 truncated", alone: ""},
		{name: "d: the checkpoint rows deleted, nothing else",
			forge: func(f *forger, m *app.Main) {
				f.exec(`DELETE FROM audit_checkpoints`)
			},
			withHeads: "3 checkpoint_missing", alone: "1 uncovered", signs: true},
		{name: "b with the heads file removed too",
			forge: func(f *forger, m *app.Main) {
				f.exec(`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 4`)
				f.rehash(m.Store, 4)
				f.exec(`DELETE FROM audit_checkpoints`)
			},
			dropHeads: true, alone: "1 uncovered", signs: true},
	}
	var forgeries, verified, starts int
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					m, onEngine := forgeryPractice(t, e)
					pub := audit.PublicKey(m.Keys.Audit)
					headsFile := filepath.Join(m.Config.DataDir, app.HeadsFile)
					withHeads := app.VerifyOptions{Pub: pub, HeadsFiles: []string{headsFile}}
					alone := app.VerifyOptions{Pub: pub}
					if _, err := app.VerifyAudit(ctx, m.Store, withHeads); err != nil {
						t.Fatalf("the log before the forgery: %v", err)
					}
					c.forge(newForger(t, m.Config), m)
					if c.dropHeads {
						os.Remove(headsFile)
					}
					forgeries++

					if !c.dropHeads {
						_, err := app.VerifyAudit(ctx, m.Store, withHeads)
						if got := breakOf(t, err); got != c.withHeads {
							t.Errorf("verify with the heads file: %q (%v), want %q", got, err, c.withHeads)
						}
						verified++
					}
					_, err := app.VerifyAudit(ctx, m.Store, alone)
					if got := breakOf(t, err); got != c.alone {
						t.Errorf("verify from the database alone: %q (%v), want %q", got, err, c.alone)
					}
					verified++

					// e: a server started on the forged database.
					headsBefore, _ := mustHeads(t, m.Config.DataDir)
					before, _, _ := m.Store.LatestCheckpoint(ctx)
					srv := mustMain(t, m.Config.DataDir, onEngine)
					logged := captureLog(srv)
					r := mustRun(t, srv)
					if code, _ := mustGet(t, http.DefaultClient, r.url+"/readyz"); code != http.StatusOK {
						t.Errorf("the server does not serve after finding the forgery: %d", code)
					}
					r.shutdown(t)
					starts++
					after, _, _ := srv.Store.LatestCheckpoint(ctx)
					headsAfter, _ := mustHeads(t, m.Config.DataDir)
					signed := after.Seq > before.Seq || len(headsAfter) > len(headsBefore)
					if signed != c.signs {
						t.Errorf("server signed: %v (checkpoint %d → %d, heads %d → %d), want %v; log:\n%s",
							signed, before.Seq, after.Seq, len(headsBefore), len(headsAfter), c.signs, logged)
					}
					switch {
					case !c.signs:
						if !strings.Contains(logged.String(), "level=ERROR") || !strings.Contains(logged.String(), "does not verify") ||
							countActions(t, srv, "audit.verify_failed") == 0 {
							t.Errorf("the refusal was not logged and recorded:\n%s", logged)
						}
					case c.dropHeads:
						// Nothing proves the old head any more: the log is
						// signed as found, and that is said, in an entry
						// the new checkpoint covers.
						if countActions(t, srv, "audit.unvouched") != 1 || !strings.Contains(logged.String(), "level=ERROR") {
							t.Errorf("signing the log as found was not logged and recorded:\n%s", logged)
						}
						res, err := app.VerifyAudit(ctx, srv.Store, alone)
						if err != nil || res.Covered != res.Head.Seq {
							t.Errorf("after the server signed it as found: %+v, %v", res, err)
						}
					default:
						// The chain is intact and is signed again; the
						// deletion is logged, recorded and still named.
						if !strings.Contains(logged.String(), "deleted") || countActions(t, srv, "audit.verify_failed") != 1 {
							t.Errorf("the deleted checkpoints were not logged and recorded:\n%s", logged)
						}
						_, err := app.VerifyAudit(ctx, srv.Store, withHeads)
						if got := breakOf(t, err); got != c.withHeads {
							t.Errorf("verify after the server signed again: %q, want %q", got, c.withHeads)
						}
					}
				})
			}
		})
	}
	t.Logf("%d forgeries, %d verifications, %d server starts", forgeries, verified, starts)
}

// A copy of the log is judged as of when it was taken: its last entries
// were not yet checkpointed then, and that is no fault.
func TestVerifyACopyAsOfWhenItWasTaken(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)
	taken := time.Now().Add(-2 * time.Hour)
	m.Now = func() time.Time { return taken }
	mustAddStaff(t, m, "a@example.org") // entries 1-3, signed
	mustAppend(t, m, 2)                 // entries 4-5, written as the copy was taken
	pub := audit.PublicKey(m.Keys.Audit)
	_, err := app.VerifyAudit(ctx, m.Store, app.VerifyOptions{Pub: pub})
	if got := breakOf(t, err); got != "4 uncovered" {
		t.Errorf("judged now: %q, want entry 4 uncovered", got)
	}
	res, err := app.VerifyAudit(ctx, m.Store, app.VerifyOptions{Pub: pub, AsOf: taken})
	if err != nil || res.Covered != 3 || res.Head.Seq != 5 {
		t.Errorf("judged as of the copy: %+v, %v", res, err)
	}
}
