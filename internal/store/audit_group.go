package store

import (
	"context"
	"errors"
	"sync"

	"doorway/internal/audit"
)

// Group commit of the audit entries of reads (the rule: every read of client
// data is recorded before the response is sent). A read has no change of its
// own to commit with its entry, so each used to be a write transaction of
// its own: on SQLite's single writer, with synchronous=FULL, one fsync per
// read, in series. Here the entries of reads that arrive together are
// appended in one transaction and made durable by one commit; each caller
// waits until its entries are durable (or the commit fails) before it
// answers, so nothing is served that is not recorded, and the hash chain is
// the same chain, entry by entry, in the order the batch appends them.
//
// Nothing waits on purpose: the writer takes whatever is queued when it is
// free. An idle server commits each read alone, as before; a busy one
// commits many per fsync, as many as queued while the last commit ran.

// maxAuditBatch bounds one transaction, so a long queue is committed in
// steps and no caller waits behind an unbounded batch.
const maxAuditBatch = 512

// auditRequest is one caller's entries and where its answer goes.
type auditRequest struct {
	entries []audit.Entry
	done    chan error
}

// auditGroup is the queue and its writer goroutine.
type auditGroup struct {
	once    sync.Once
	queue   chan auditRequest
	stopped chan struct{}
	mu      sync.Mutex
	closed  bool
}

// RecordAudit appends entries durably, committing them with whatever other
// reads' entries are waiting, and returns when they are committed or the
// commit failed. Their Time, actor and the rest are the caller's; their
// chain fields are filled in here. It is the way to record a read; a change
// appends its entry in its own transaction (Tx.AppendAudit) instead.
func (s *Store) RecordAudit(ctx context.Context, entries []audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	g := &s.audit
	g.once.Do(func() {
		g.queue = make(chan auditRequest, 4096)
		g.stopped = make(chan struct{})
		go s.writeAuditGroups()
	})
	req := auditRequest{entries: entries, done: make(chan error, 1)}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errStoreClosed
	}
	g.queue <- req
	g.mu.Unlock()
	// The entries are written even if the caller has gone away meanwhile:
	// the wait is not cut short by ctx.
	return <-req.done
}

// writeAuditGroups is the writer: it takes the first request queued and
// every other already waiting, up to maxAuditBatch entries, and commits
// them in one transaction.
func (s *Store) writeAuditGroups() {
	g := &s.audit
	defer close(g.stopped)
	for first := range g.queue {
		batch := []auditRequest{first}
		n := len(first.entries)
	more:
		for n < maxAuditBatch {
			select {
			case r, ok := <-g.queue:
				if !ok {
					break more
				}
				batch = append(batch, r)
				n += len(r.entries)
			default:
				break more
			}
		}
		err := s.commitAudit(batch)
		if err != nil && len(batch) > 1 {
			// One request's entry the log refuses must not fail the others
			// that happened to share its commit: each is tried alone.
			for _, r := range batch {
				r.done <- s.commitAudit([]auditRequest{r})
			}
			continue
		}
		for _, r := range batch {
			r.done <- err
		}
	}
}

// commitAudit appends a batch's entries in one transaction.
func (s *Store) commitAudit(batch []auditRequest) error {
	ctx := context.Background()
	var all []*audit.Entry
	for _, r := range batch {
		for i := range r.entries {
			all = append(all, &r.entries[i])
		}
	}
	return s.Write(ctx, func(tx *Tx) error { return tx.appendAudit(ctx, all) })
}

// errStoreClosed refuses an entry after the store has closed.
var errStoreClosed = errors.New("store: closed")

// stopAuditGroups lets the writer finish what is queued and stop; later
// calls to RecordAudit fail.
func (s *Store) stopAuditGroups() {
	g := &s.audit
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	started := g.queue != nil
	if started {
		close(g.queue)
	}
	g.mu.Unlock()
	if started {
		<-g.stopped
	}
}
