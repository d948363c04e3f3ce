package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
)

// A wrapper around the database driver's connections, below database/sql,
// for two things the driver does not do for us:
//
//   - Counting every statement (QueryCounter), for tests that hold a use
//     case to the queries it needs: at the driver, a query cannot hide.
//   - Keeping each SQLite connection's prepared statements. The SQLite
//     driver parses every statement anew each time it runs, and parsing was
//     the largest part of the work of a busy page or a bulk seed; a
//     statement Doorway runs again (they are written once, with ?
//     placeholders) now reuses its prepared form on that connection.
//     PostgreSQL's driver keeps its own cache of prepared statements.

// QueryCounter counts the statements Doorway sends to the database.
// Transaction BEGIN and COMMIT are not counted.
type QueryCounter struct {
	n atomic.Int64
	// Keep, when set before use, keeps each statement's text for Statements.
	Keep bool
	mu   sync.Mutex
	kept []string
}

// Statements are the statements sent since the last Reset, when Keep is set.
func (c *QueryCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.kept...)
}

func (c *QueryCounter) add(q string) {
	if c == nil {
		return
	}
	c.n.Add(1)
	if c.Keep {
		c.mu.Lock()
		c.kept = append(c.kept, strings.Join(strings.Fields(q), " "))
		c.mu.Unlock()
	}
}

// Count is the number of statements sent so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// Reset sets the count back to zero.
func (c *QueryCounter) Reset() {
	c.n.Store(0)
	c.mu.Lock()
	c.kept = nil
	c.mu.Unlock()
}

// connOptions say what the wrapper does on each connection.
type connOptions struct {
	counter *QueryCounter
	// cache keeps prepared statements, up to stmtCacheSize a connection.
	cache bool
}

// stmtCacheSize bounds one connection's prepared statements: well above
// the number of distinct statements a page or a use case runs, so a busy
// server keeps them all, while a query built with a varying number of
// placeholders cannot grow the cache without end.
const stmtCacheSize = 400

// openWrapped opens driverName's database at dsn through the wrapper. The
// driver is taken from a plain sql.Open, which connects to nothing until
// asked.
func openWrapped(driverName, dsn string, o connOptions) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
	return sql.OpenDB(&connector{dsn: dsn, drv: drv, o: o}), nil
}

type connector struct {
	dsn string
	drv driver.Driver
	o   connOptions
}

func (k *connector) Connect(ctx context.Context) (driver.Conn, error) {
	var conn driver.Conn
	var err error
	if dc, ok := k.drv.(driver.DriverContext); ok {
		var inner driver.Connector
		if inner, err = dc.OpenConnector(k.dsn); err != nil {
			return nil, err
		}
		conn, err = inner.Connect(ctx)
	} else {
		conn, err = k.drv.Open(k.dsn)
	}
	if err != nil {
		return nil, err
	}
	w := &wrappedConn{Conn: conn, o: k.o}
	if k.o.cache {
		w.stmts = map[string]*cachedStmt{}
	}
	return w, nil
}

func (k *connector) Driver() driver.Driver { return k.drv }

// wrappedConn passes everything to the driver's connection. database/sql
// uses one connection from one goroutine at a time, so the cache needs no
// lock of its own.
type wrappedConn struct {
	driver.Conn
	o     connOptions
	stmts map[string]*cachedStmt
}

// cachedStmt is a prepared statement kept on its connection; busy while
// rows read from it are open, when a second use prepares a statement of
// its own.
type cachedStmt struct {
	driver.Stmt
	busy bool
}

var errNotSupported = errors.New("store: the driver lacks an interface the connection wrapper needs")

// cacheable reports whether a statement may be kept: one statement (a
// script of several, such as a migration, is run as it is).
func cacheable(q string) bool {
	q = strings.TrimSpace(q)
	return !strings.Contains(strings.TrimSuffix(q, ";"), ";")
}

// prepared returns a prepared statement for q and what to do when the
// caller is done with it.
func (k *wrappedConn) prepared(ctx context.Context, q string) (driver.Stmt, func(), error) {
	if cs, ok := k.stmts[q]; ok && !cs.busy {
		cs.busy = true
		return cs.Stmt, func() { cs.busy = false }, nil
	}
	st, err := k.prepareInner(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if _, taken := k.stmts[q]; taken || len(k.stmts) >= stmtCacheSize {
		return st, func() { st.Close() }, nil // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
	}
	cs := &cachedStmt{Stmt: st, busy: true}
	k.stmts[q] = cs
	return st, func() { cs.busy = false }, nil
}

func (k *wrappedConn) prepareInner(ctx context.Context, q string) (driver.Stmt, error) {
	if pc, ok := k.Conn.(driver.ConnPrepareContext); ok {
		return pc.PrepareContext(ctx, q)
	}
	return k.Conn.Prepare(q)
}

func (k *wrappedConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	k.o.counter.add(q)
	if k.stmts != nil && cacheable(q) {
		st, release, err := k.prepared(ctx, q)
		if err != nil {
			return nil, err
		}
		defer release()
		se, ok := st.(driver.StmtExecContext)
		if !ok {
			return nil, errNotSupported
		}
		return se.ExecContext(ctx, args)
	}
	e, ok := k.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return e.ExecContext(ctx, q, args)
}

func (k *wrappedConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	k.o.counter.add(q)
	if k.stmts != nil && cacheable(q) {
		st, release, err := k.prepared(ctx, q)
		if err != nil {
			return nil, err
		}
		sq, ok := st.(driver.StmtQueryContext)
		if !ok {
			release()
			return nil, errNotSupported
		}
		rows, err := sq.QueryContext(ctx, args)
		if err != nil {
			release()
			return nil, err
		}
		return &releasingRows{Rows: rows, release: release}, nil
	}
	qc, ok := k.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return qc.QueryContext(ctx, q, args)
}

// releasingRows gives its statement back when the rows are closed.
type releasingRows struct {
	driver.Rows
	release func()
	done    bool
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	if !r.done {
		r.done = true
		r.release()
	}
	return err
}

func (k *wrappedConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := k.prepareInner(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, c: k.o.counter, q: q}, nil
}

func (k *wrappedConn) Close() error {
	for _, cs := range k.stmts {
		cs.Stmt.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
	}
	k.stmts = nil
	return k.Conn.Close()
}

func (k *wrappedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := k.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errNotSupported
}

func (k *wrappedConn) Ping(ctx context.Context) error {
	if p, ok := k.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (k *wrappedConn) ResetSession(ctx context.Context) error {
	if r, ok := k.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (k *wrappedConn) IsValid() bool {
	if v, ok := k.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (k *wrappedConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := k.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// countingStmt counts the runs of a statement prepared through
// database/sql's own Prepare.
type countingStmt struct {
	driver.Stmt
	c *QueryCounter
	q string
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.add(s.q)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return nil, errNotSupported
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.add(s.q)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return nil, errNotSupported
}
