// Package store holds all of Doorway's SQL. It speaks to SQLite (the default,
// a file in the data directory) and PostgreSQL through database/sql with
// hand-written, portable SQL; the few differences live in dialect.go. It owns
// transactions, and it turns driver errors into problem.Errors at its edge so
// no SQL ever reaches a person.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL through database/sql

	"doorway/internal/problem"
)

// Config says which database to open.
type Config struct {
	// DataDir holds the SQLite database (and, for the app, keys and uploads).
	DataDir string
	// URL, when set, is a postgres:// URL and PostgreSQL is used instead.
	URL string
	// Counter, when set, counts every statement sent (tests only).
	Counter *QueryCounter
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	eng engine
	w   *sql.DB // writes (one connection on SQLite)
	r   *sql.DB // reads (a pool; the same pool as w on PostgreSQL)
	// path is the SQLite file, for backups.
	path string
	// keys seals and opens encrypted columns (sealing.go).
	keys keyring
	// audit commits the entries of reads together (audit_group.go).
	audit auditGroup
	// staffNames keeps each clinic's staff names between requests, by
	// clinic id, as a staffNamesAt (StaffNames).
	staffNames sync.Map
}

// SQLiteFile is the database's file name inside the data directory.
const SQLiteFile = "doorway.db"

// Open connects to the configured database. It does not migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URL != "" {
		if !strings.HasPrefix(cfg.URL, "postgres://") && !strings.HasPrefix(cfg.URL, "postgresql://") {
			return nil, problem.New(problem.Invalid, "the database URL must start with postgres://")
		}
		db, err := openDB("pgx", cfg.URL, connOptions{counter: cfg.Counter})
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
		s := &Store{eng: enginePostgres, w: db, r: db}
		if err := db.PingContext(ctx); err != nil {
			db.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
			return nil, problem.New(problem.Unavailable, "cannot reach the PostgreSQL database: %s", pgReason(err))
		}
		return s, nil
	}
	if cfg.DataDir == "" {
		return nil, problem.New(problem.Invalid, "no data directory given")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, problem.New(problem.Unavailable, "cannot create the data directory %s", cfg.DataDir)
	}
	path := filepath.Join(cfg.DataDir, SQLiteFile)
	if err := createPrivate(path); err != nil {
		return nil, problem.New(problem.Unavailable, "cannot create the database in %s", cfg.DataDir)
	}
	w, r, err := openSQLite(path, cfg.Counter)
	if err != nil {
		return nil, err
	}
	s := &Store{eng: engineSQLite, w: w, r: r, path: path}
	if err := w.PingContext(ctx); err != nil {
		s.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
		return nil, problem.New(problem.Unavailable, "cannot open the database in %s", cfg.DataDir)
	}
	return s, nil
}

// openDB opens a database/sql handle through the connection wrapper
// (driverconn.go) when it has work to do: counting statements (tests), or
// keeping SQLite's prepared statements.
func openDB(driverName, dsn string, o connOptions) (*sql.DB, error) {
	if o.counter == nil && !o.cache {
		return sql.Open(driverName, dsn)
	}
	return openWrapped(driverName, dsn, o)
}

// pgReason keeps a connection failure to one safe line.
func pgReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// Engine names the database in use: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.eng.String() }

// Close commits the audit entries still queued and releases the
// connections.
func (s *Store) Close() error {
	s.stopAuditGroups()
	err := s.w.Close()
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.r.PingContext(ctx)
}

// Tx is a transaction with the portable-SQL helpers.
type Tx struct {
	tx  *sql.Tx
	eng engine
	s   *Store
	// newestKey is each clinic's newest data key version as this
	// transaction first read it (sealing.go), so a write sealing many
	// values asks once.
	newestKey map[string]int
	// readOnly marks a Read's snapshot, which sees only what is committed.
	readOnly bool
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.eng.rebind(q), t.eng.args(args)...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.eng.rebind(q), t.eng.args(args)...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.eng.rebind(q), t.eng.args(args)...)
}

// Write runs fn in one write transaction: every multi-row change is all or
// nothing. On SQLite writes queue on the single writer connection.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.classify(err)
	}
	t := &Tx{tx: tx, eng: s.eng, s: s}
	if err := fn(t); err != nil {
		tx.Rollback() // #nosec G104 -- undoing after a failure that is returned; that failure is the one to report
		return s.classify(err)
	}
	if err := tx.Commit(); err != nil {
		return s.classify(err)
	}
	return nil
}

// Read runs fn in a read-only snapshot.
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.classify(err)
	}
	t := &Tx{tx: tx, eng: s.eng, s: s, readOnly: true}
	defer tx.Rollback()
	if err := fn(t); err != nil {
		return s.classify(err)
	}
	return nil
}

// classify leaves problem.Errors alone and turns driver errors that a person
// can act on into problem.Errors; everything else stays internal.
func (s *Store) classify(err error) error {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return problem.New(problem.NotFound, "That record was not found.")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case isUniqueViolation(err):
		return problem.New(problem.Conflict, "That already exists.")
	case isForeignKeyViolation(err):
		return problem.New(problem.Invalid, "That refers to something that does not exist.")
	}
	return err
}

// notFound maps sql.ErrNoRows to a named NotFound problem.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return problem.New(problem.NotFound, "%s was not found.", what)
	}
	return err
}

// lockClinic serialises one kind of check-then-write within one clinic
// until the transaction ends: bookings ("schedule", so the clash check and
// the insert are atomic) and the clinic's first data key ("keys"). SQLite
// needs nothing: its single writer already runs write transactions one at a
// time. On PostgreSQL a transaction-scoped advisory lock, keyed on a hash of
// the purpose and the clinic id, holds across every instance.
func (t *Tx) lockClinic(ctx context.Context, purpose, clinicID string) error {
	if t.eng != enginePostgres {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(purpose + "\x00" + clinicID))                               // #nosec G104 -- hash.Hash.Write never returns an error
	_, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(h.Sum64())) // #nosec G115 -- the hash's 64 bits are reinterpreted as a signed lock key, as pg_advisory_xact_lock takes; wrapping is intended
	return err
}
