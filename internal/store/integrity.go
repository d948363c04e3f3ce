package store

import "context"

// IntegrityCheck runs the database's own consistency check: SQLite's
// integrity_check; on PostgreSQL a query answering is as far as we go (its
// own tools check pages).
func (s *Store) IntegrityCheck(ctx context.Context) (bool, error) {
	if s.eng == enginePostgres {
		return true, s.Ping(ctx)
	}
	var res string
	if err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return false, err
	}
	return res == "ok", nil
}
