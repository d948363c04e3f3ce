package storetest

import (
	"database/sql"
	"path/filepath"
	"testing"

	"doorway/internal/store"
)

// RefuseAudit makes the database described by cfg refuse every new audit
// entry, as a full disk or a lost connection would, until the returned
// function is called: for tests that a read whose entry cannot be written
// is not served. It works from a connection of its own, beside the
// store's, with a trigger on the audit table.
func RefuseAudit(t testing.TB, cfg store.Config) (restore func()) {
	t.Helper()
	var db *sql.DB
	var err error
	refuse := []string{`CREATE TRIGGER audit_log_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`}
	allow := []string{`DROP TRIGGER audit_log_refused`}
	if cfg.URL != "" {
		db, err = sql.Open("pgx", cfg.URL)
		refuse = []string{
			`CREATE FUNCTION audit_log_refused() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$`,
			`CREATE TRIGGER audit_log_refused BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refused()`,
		}
		allow = []string{`DROP TRIGGER audit_log_refused ON audit_log`, `DROP FUNCTION audit_log_refused()`}
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(cfg.DataDir, store.SQLiteFile))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() }) // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
	exec := func(stmts []string) {
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	exec(refuse)
	return func() { exec(allow) }
}
