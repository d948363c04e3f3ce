package store

import "context"

// BulkLoad runs fn, which writes many rows in large transactions (the
// synthetic practice), as each engine loads best.
//
// On SQLite the writer's page cache is raised to bulkCacheKiB for fn and set
// back after. The writer is one connection that is never closed
// (openSQLite), so the setting holds for fn's transactions; were the
// connection ever replaced, its successor would only be slower. The server's
// connections keep SQLite's default: the cache is memory held for as long as
// the process runs.
//
// On PostgreSQL the tables are analysed after fn, as after any bulk load:
// until autovacuum gets to them, the planner would plan a practice of
// thousands of clients with the estimates of an empty database, and at
// 10,000 clients the course page and the FHIR searches ran five times slower
// for it. (SQLite plans without statistics by design: the indexes are
// chosen so that its plans hold at any size; see TestPagesUseIndexes.)
func (s *Store) BulkLoad(ctx context.Context, fn func() error) error {
	if s.eng != engineSQLite {
		if err := fn(); err != nil {
			return err
		}
		_, err := s.w.ExecContext(ctx, `ANALYZE`)
		return err
	}
	if err := s.setWriteCache(ctx, bulkCacheKiB); err != nil {
		return err
	}
	err := fn()
	if reset := s.setWriteCache(context.WithoutCancel(ctx), sqliteDefaultCacheKiB); err == nil {
		err = reset
	}
	return err
}
