package store

import (
	"context"
	"sort"
)

// Columns lists every table of the schema with its column names, sorted. The
// test that keeps the two engines' migrations in step compares these.
func (s *Store) Columns(ctx context.Context) (map[string][]string, error) {
	var q string
	if s.eng == enginePostgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
		     WHERE table_schema = current_schema()`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	}
	rows, err := s.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, err
		}
		out[table] = append(out[table], col)
	}
	for _, cols := range out {
		sort.Strings(cols)
	}
	return out, rows.Err()
}
