package store_test

import (
	"database/sql"
	"testing"

	"doorway/internal/store/storetest"
)

// TestBulkLoadAnalysesPostgres: after a bulk load on PostgreSQL the tables
// have statistics (a table never analysed has reltuples -1), so the planner
// plans the loaded practice for its size, not an empty one's.
func TestBulkLoadAnalysesPostgres(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		cfg := e.Config(t)
		s := storetest.OpenConfig(t, cfg)
		db, err := sql.Open("pgx", cfg.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		reltuples := func() float64 {
			t.Helper()
			var n float64
			if err := db.QueryRow(`SELECT reltuples FROM pg_class WHERE relname = 'users'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := reltuples(); n != -1 {
			t.Fatalf("a fresh database's users table already has statistics (%v)", n)
		}
		loaded := func() error {
			storetest.NewPractice(t, s, storetest.Now)
			return nil
		}
		if err := s.BulkLoad(ctx, loaded); err != nil {
			t.Fatal(err)
		}
		if n := reltuples(); n < 1 {
			t.Errorf("after the bulk load the users table's statistics say %v rows", n)
		}
	}
}
