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

// QueryCounter counts the statements Doorway sends to the database, for
// tests that hold a use case to the queries it needs. It counts at the
// driver, below everything Doorway does, so a query cannot hide from it;
// transaction BEGIN and COMMIT are not counted.
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

// openCounted opens driverName's database at dsn through a connector that
// counts every statement into c. The driver is taken from a plain sql.Open,
// which connects to nothing until asked.
func openCounted(driverName, dsn string, c *QueryCounter) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	return sql.OpenDB(&countingConnector{dsn: dsn, drv: drv, c: c}), nil
}

type countingConnector struct {
	dsn string
	drv driver.Driver
	c   *QueryCounter
}

func (k *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
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
	return &countingConn{Conn: conn, c: k.c}, nil
}

func (k *countingConnector) Driver() driver.Driver { return k.drv }

// countingConn passes everything to the driver's connection and counts the
// statements. Both drivers Doorway uses implement the context interfaces,
// which database/sql then prefers.
type countingConn struct {
	driver.Conn
	c *QueryCounter
}

var errNotSupported = errors.New("store: the driver lacks an interface the counting wrapper needs")

func (k *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := k.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	k.c.add(q)
	return e.ExecContext(ctx, q, args)
}

func (k *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := k.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	k.c.add(q)
	return qc.QueryContext(ctx, q, args)
}

func (k *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if pc, ok := k.Conn.(driver.ConnPrepareContext); ok {
		st, err = pc.PrepareContext(ctx, q)
	} else {
		st, err = k.Conn.Prepare(q)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, c: k.c, q: q}, nil
}

func (k *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := k.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errNotSupported
}

func (k *countingConn) Ping(ctx context.Context) error {
	if p, ok := k.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (k *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := k.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (k *countingConn) IsValid() bool {
	if v, ok := k.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (k *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := k.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

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
