package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: no cgo, one static binary
)

// The SQLite driver choice and its settings live in this file alone.
//
// Pragmas go in the DSN so that every pooled connection gets them. busy_timeout
// comes first so the others wait rather than fail while another process (a
// backup, `doorway user add`) holds the lock. synchronous=FULL because a lost
// vitals reading is a lost clinical record. The database file is not
// memory-mapped (mmap_size 0): every commit, and every read is audited, makes
// each reader drop its pages and map them afresh, so mapping bought no speed
// (measured side by side at 10,000 clients) while the mapped pages counted
// against the server's resident memory, up to 256 MB per connection.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "mmap_size(0)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// BEGIN IMMEDIATE: a write transaction takes the lock at its start, so
		// two processes never deadlock upgrading a read lock.
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// createPrivate creates the database file, empty, readable and writable by
// its owner alone (0600), when it does not exist yet. SQLite would create it
// with the process's umask (often 0644, readable by every account on the
// machine), and it makes the -wal and -shm files with the database file's
// mode, so this one file decides all three.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the path is the data directory the operator configured, joined with a constant file name
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// openSQLite opens one writer connection and a small pool of readers: SQLite
// allows one writer at a time, and queuing writers in Go is kinder than
// SQLITE_BUSY.
func openSQLite(path string, c *QueryCounter) (w, r *sql.DB, err error) {
	w, err = openDB("sqlite", sqliteDSN(path, false), connOptions{counter: c, cache: true})
	if err != nil {
		return nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err = openDB("sqlite", sqliteDSN(path, true), connOptions{counter: c, cache: true})
	if err != nil {
		w.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
		return nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return w, r, nil
}

// bulkCacheKiB is the writer's page cache while a bulk load runs. SQLite's
// default is 2 MB: enough for the server's small transactions, but a
// transaction of hundreds of synthetic clients dirties more pages than that
// in the tables' indexes, which are keyed by random ids, so SQLite wrote
// pages out to the WAL in the middle of the transaction and read them back
// with a system call each; the larger the database, the more pages. 64 MB
// holds a seed transaction's pages at 10,000 clients.
const bulkCacheKiB = 64 << 10

// sqliteDefaultCacheKiB is SQLite's own default page cache (cache_size -2000).
const sqliteDefaultCacheKiB = 2000

// setWriteCache sets the writer connection's page cache to kib kibibytes.
func (s *Store) setWriteCache(ctx context.Context, kib int) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", kib))
	return err
}
