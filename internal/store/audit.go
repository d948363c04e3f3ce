package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/audit"
)

// AppendAudit chains e onto the log inside the caller's transaction, so a
// change and its record commit together. Appends are serialised: SQLite has
// one writer; on PostgreSQL a transaction-scoped advisory lock keeps two
// instances from chaining onto the same head.
func (t *Tx) AppendAudit(ctx context.Context, e *audit.Entry) error {
	return t.appendAudit(ctx, []*audit.Entry{e})
}

// appendAudit chains entries onto the log in order, reading the head once.
func (t *Tx) appendAudit(ctx context.Context, entries []*audit.Entry) error {
	if t.eng == enginePostgres {
		if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(727275)`); err != nil {
			return err
		}
	}
	head := audit.Genesis
	err := t.queryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&head.Seq, &head.Hash)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	for _, e := range entries {
		// A value from the request that the entry cannot hold as it is (an
		// id too long, a control character) is cut or escaped, never a
		// reason to lose the entry.
		chained, err := audit.Chain(head, audit.Fit(*e))
		if err != nil {
			return err
		}
		*e = chained
		_, err = t.exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_kind, clinic_id, action, resource_type, resource_id,
			client_id, outcome, severity, request_id, ip, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.Time, e.ActorID, string(e.ActorKind), e.ClinicID, e.Action, e.ResourceType, e.ResourceID,
			e.ClientID, string(e.Outcome), string(e.Severity), e.RequestID, e.IP, e.Detail, e.PrevHash, e.Hash)
		if err != nil {
			return err
		}
		head = audit.Head{Seq: e.Seq, Hash: e.Hash}
	}
	return nil
}

const auditCols = `seq, at, actor_id, actor_kind, clinic_id, action, resource_type, resource_id, client_id, outcome, severity, request_id, ip, detail, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var kind, outcome, sev string
	err := sc.Scan(&e.Seq, &e.Time, &e.ActorID, &kind, &e.ClinicID, &e.Action, &e.ResourceType, &e.ResourceID,
		&e.ClientID, &outcome, &sev, &e.RequestID, &e.IP, &e.Detail, &e.PrevHash, &e.Hash)
	e.ActorKind, e.Outcome, e.Severity = audit.ActorKind(kind), audit.Outcome(outcome), audit.Severity(sev)
	e.Time = e.Time.UTC()
	return e, err
}

// EachAudit streams the whole log in sequence order from a seq onwards, for
// the verifier: a million entries need no more memory than one.
func (s *Store) EachAudit(ctx context.Context, fromSeq int64, fn func(audit.Entry) error) error {
	rows, err := s.r.QueryContext(ctx, s.eng.rebind(`SELECT `+auditCols+` FROM audit_log WHERE seq >= ? ORDER BY seq`), fromSeq)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		return fn(e)
	})
}

// AuditHead is the newest entry's seq and hash.
func (t *Tx) AuditHead(ctx context.Context) (audit.Head, error) {
	head := audit.Genesis
	err := t.queryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&head.Seq, &head.Hash)
	if err == sql.ErrNoRows {
		return head, nil
	}
	return head, err
}

// AuditFilter narrows the admin's view of the log. Every field is optional
// except the clinic.
type AuditFilter struct {
	ClinicID string
	Action   string // a prefix: "login" matches login.failed and login.password
	ActorID  string
	ClientID string
	Outcome  string
	From, To time.Time
	// BeforeSeq pages backwards from the newest.
	BeforeSeq int64
	Limit     int
}

// AuditEntries lists a clinic's entries, newest first.
func (t *Tx) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	var where []string
	var args []any
	where = append(where, "clinic_id = ?")
	args = append(args, f.ClinicID)
	if f.Action != "" {
		where = append(where, "action LIKE ?")
		args = append(args, strings.ReplaceAll(f.Action, "%", "")+"%")
	}
	if f.ActorID != "" {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.ClientID != "" {
		where = append(where, "client_id = ?")
		args = append(args, f.ClientID)
	}
	if f.Outcome != "" {
		where = append(where, "outcome = ?")
		args = append(args, f.Outcome)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To)
	}
	if f.BeforeSeq > 0 {
		where = append(where, "seq < ?")
		args = append(args, f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	rows, err := t.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY seq DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(e *audit.Entry) (err error) { *e, err = scanAudit(rows); return err })
}

// SaveCheckpoint stores a signed checkpoint unless one for the same entry
// exists, as happens when two instances checkpoint the same head. ON CONFLICT
// DO NOTHING (which both engines accept) rather than catching the unique
// violation: on PostgreSQL a failed statement aborts the whole transaction.
func (t *Tx) SaveCheckpoint(ctx context.Context, cp audit.Checkpoint) error {
	_, err := t.exec(ctx, `INSERT INTO audit_checkpoints (seq, head_hash, at, signature) VALUES (?, ?, ?, ?)
		ON CONFLICT (seq) DO NOTHING`, cp.Seq, cp.Hash, cp.Time, cp.Signature)
	return err
}

// Checkpoints lists every checkpoint, oldest first.
func (s *Store) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, head_hash, at, signature FROM audit_checkpoints ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(cp *audit.Checkpoint) error {
		err := rows.Scan(&cp.Seq, &cp.Hash, &cp.Time, &cp.Signature)
		cp.Time = cp.Time.UTC()
		return err
	})
}

// LatestCheckpoint returns the checkpoint of the highest entry, and whether
// there is one.
func (s *Store) LatestCheckpoint(ctx context.Context) (audit.Checkpoint, bool, error) {
	var cp audit.Checkpoint
	err := s.r.QueryRowContext(ctx, `SELECT seq, head_hash, at, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`).
		Scan(&cp.Seq, &cp.Hash, &cp.Time, &cp.Signature)
	if err == sql.ErrNoRows {
		return audit.Checkpoint{}, false, nil
	}
	if err != nil {
		return audit.Checkpoint{}, false, err
	}
	cp.Time = cp.Time.UTC()
	return cp, true, nil
}
