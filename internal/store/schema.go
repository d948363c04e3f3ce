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
	out := map[string][]string{}
	err = eachRow(rows, func() error {
		var table, col string
		err := rows.Scan(&table, &col)
		out[table] = append(out[table], col)
		return err
	})
	for _, cols := range out {
		sort.Strings(cols)
	}
	return out, err
}
