package store_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

func mustAppend(t *testing.T, s *store.Store, n int) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for i := 0; i < n; i++ {
		e := audit.Entry{Time: time.Now(), ActorKind: audit.ActorSystem, ClinicID: "c1", Action: "test.append",
			ResourceType: "thing", ResourceID: "r", Outcome: audit.OK, Severity: audit.Info, Detail: "entry"}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &e) }); err != nil {
			t.Fatalf("append: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func verifyChain(t *testing.T, s *store.Store) (audit.Result, error) {
	t.Helper()
	v := audit.NewVerifier()
	err := s.EachAudit(ctx, 1, func(e audit.Entry) error { return v.Add(e) })
	if err != nil {
		return audit.Result{}, err
	}
	return v.Finish()
}

func TestAuditChainFromTheDatabaseVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		written := mustAppend(t, s, 25)
		res, err := verifyChain(t, s)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		last := written[len(written)-1]
		if res.Count != 25 || res.Head.Hash != last.Hash || res.Head.Seq != 25 {
			t.Errorf("result %+v, want 25 entries ending %s", res, last.Hash)
		}
		// A failed transaction leaves no entry behind and no gap.
		s.Write(ctx, func(tx *store.Tx) error {
			e := audit.Entry{Time: time.Now(), ActorKind: audit.ActorSystem, Action: "test.rollback", Outcome: audit.OK, Severity: audit.Info}
			tx.AppendAudit(ctx, &e)
			return os.ErrInvalid
		})
		mustAppend(t, s, 1)
		if res, err := verifyChain(t, s); err != nil || res.Count != 26 {
			t.Errorf("after a rolled-back append: %+v %v", res, err)
		}
	})
}

// rawDB opens the same database outside the store, as someone with the file
// or the database password would.
func rawDB(t *testing.T, e storetest.Engine, cfg store.Config) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if e.Name == "postgres" {
		db, err = sql.Open("pgx", cfg.URL)
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(cfg.DataDir, store.SQLiteFile))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAuditLogIsAppendOnlyInTheDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			mustAppend(t, s, 3)
			db := rawDB(t, e, cfg)
			for _, q := range []string{
				"UPDATE audit_log SET detail = 'edited' WHERE seq = 2",
				"DELETE FROM audit_log WHERE seq = 3",
				"DELETE FROM audit_log",
			} {
				if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: err = %v, want the append-only refusal", q, err)
				}
			}
			if e.Name == "postgres" {
				if _, err := db.Exec("TRUNCATE audit_log"); err == nil {
					t.Error("TRUNCATE allowed")
				}
			}
			if res, err := verifyChain(t, s); err != nil || res.Count != 3 {
				t.Errorf("chain after refused tampering: %+v %v", res, err)
			}
		})
	}
}

// TestAuditVerifyFindsTamperingInTheDatabase drops the guard, as an attacker
// with the file could, and checks that each kind of tampering is named.
func TestAuditVerifyFindsTamperingInTheDatabase(t *testing.T) {
	cases := []struct {
		name    string
		sql     []string
		wantSeq int64
	}{
		{"edited", []string{"UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 5"}, 5},
		{"deleted", []string{"DELETE FROM audit_log WHERE seq = 4"}, 4},
		{"inserted", []string{"UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 7", "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000", "INSERT INTO audit_log SELECT 7, at, actor_id, actor_kind, clinic_id, 'test.forged', resource_type, resource_id, client_id, outcome, severity, request_id, ip, detail, prev_hash, hash FROM audit_log WHERE seq = 6"}, 7},
		{"reordered", []string{"UPDATE audit_log SET seq = -1 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 6", "UPDATE audit_log SET seq = 6 WHERE seq = -1"}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := store.Config{DataDir: t.TempDir()}
			s := storetest.OpenConfig(t, cfg)
			mustAppend(t, s, 10)
			db := rawDB(t, storetest.Engine{Name: "sqlite"}, cfg)
			stmts := append([]string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}, c.sql...)
			for _, q := range stmts {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			_, err := verifyChain(t, s)
			b, ok := err.(*audit.Break)
			if !ok {
				t.Fatalf("verify after %s: %v, want a break", c.name, err)
			}
			if b.Seq != c.wantSeq {
				t.Errorf("break at %d (%s), want %d", b.Seq, b.Reason, c.wantSeq)
			}
		})
	}
}
