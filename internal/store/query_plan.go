package store

import (
	"context"
	"strings"
)

// QueryPlan is how the database would run query: SQLite's EXPLAIN QUERY
// PLAN, one line per step, or PostgreSQL's EXPLAIN. The query is written as
// the store writes it, with ? for each argument; the arguments are left
// unbound (NULL), which is enough to see which indexes a plan would use.
// It is for tests and for diagnosing a slow page.
func (s *Store) QueryPlan(ctx context.Context, query string) ([]string, error) {
	prefix := "EXPLAIN QUERY PLAN "
	if s.eng == enginePostgres {
		prefix = "EXPLAIN (COSTS OFF) "
	}
	args := make([]any, strings.Count(query, "?"))
	rows, err := s.r.QueryContext(ctx, prefix+s.eng.rebind(query), args...)
	if err != nil {
		return nil, err
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close() // #nosec G104 -- rows only read; the error returned is the one that matters
		return nil, err
	}
	var out []string
	return out, eachRow(rows, func() error {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		// SQLite's detail is the last column; PostgreSQL has only the one.
		if s, ok := vals[len(vals)-1].(string); ok {
			out = append(out, strings.TrimSpace(s))
		}
		return nil
	})
}
