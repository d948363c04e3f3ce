package store

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// engine is the thin layer between the portable SQL in this package and the
// two databases: placeholders, how time is bound, error classes, and the one
// lock that serialises appends to the audit chain across instances.
type engine int

const (
	engineSQLite engine = iota
	enginePostgres
)

func (e engine) String() string {
	if e == enginePostgres {
		return "postgres"
	}
	return "sqlite"
}

// sqliteTimeLayout is fixed-width UTC so that text comparison in SQLite orders
// times correctly, and it is a layout the SQLite driver parses back into
// time.Time for columns declared TIMESTAMP.
const sqliteTimeLayout = "2006-01-02 15:04:05.000000-07:00"

// rebind turns the '?' placeholders of our portable SQL into $n for
// PostgreSQL. Our SQL never has '?' inside a string literal.
func (e engine) rebind(query string) string {
	if e != enginePostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// args converts values whose binding differs between engines. Times are kept
// in UTC at microsecond precision on both, so a value read back equals the
// value written.
func (e engine) args(in []any) []any {
	for i, a := range in {
		switch v := a.(type) {
		case time.Time:
			in[i] = e.bindTime(v)
		case *time.Time:
			if v == nil {
				in[i] = nil
			} else {
				in[i] = e.bindTime(*v)
			}
		}
	}
	return in
}

func (e engine) bindTime(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if e == engineSQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// skipLocked ends a SELECT that claims a row for the rest of its
// transaction. On PostgreSQL the row is locked and rows other transactions
// hold are passed over, so claimants on several instances neither wait for
// each other nor take the same row. SQLite has no row locks and needs none:
// its write transactions run one at a time (BEGIN IMMEDIATE, sqlite.go).
func (e engine) skipLocked() string {
	if e == enginePostgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// isUniqueViolation reports whether err is a unique or primary-key clash.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		// SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
		return se.Code() == 2067 || se.Code() == 1555
	}
	return false
}

// isForeignKeyViolation reports whether err is a reference to a missing row.
func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 787 // SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}
