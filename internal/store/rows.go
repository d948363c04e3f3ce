package store

import "database/sql"

// The two ways the store reads a result of several rows. Every read of
// rows goes through one of them, so none forgets to close its rows or to
// look at rows.Err, which is where an error met half-way through a result
// (a connection lost, a busy timeout) is reported.

// scanAll reads every row with scan, which fills in one value, and closes
// rows before it returns: a caller that goes on to open sealed columns reads
// the clinic's keys in the same transaction, whose one connection cannot
// run a second query while rows are still open.
func scanAll[T any](rows *sql.Rows, scan func(*T) error) ([]T, error) {
	var out []T
	for rows.Next() {
		var v T
		if err := scan(&v); err != nil {
			rows.Close() // #nosec G104 -- rows only read; a read error is rows.Err, checked
			return nil, err
		}
		out = append(out, v)
	}
	rows.Close() // #nosec G104 -- rows only read; a read error is rows.Err, checked
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow calls row for every row, for reads that build something other
// than a list (a map by id, counts), and closes rows before it returns, as
// scanAll does.
func eachRow(rows *sql.Rows, row func() error) error {
	for rows.Next() {
		if err := row(); err != nil {
			rows.Close() // #nosec G104 -- rows only read; a read error is rows.Err, checked
			return err
		}
	}
	rows.Close() // #nosec G104 -- rows only read; a read error is rows.Err, checked
	return rows.Err()
}
