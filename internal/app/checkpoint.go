package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// CheckpointInterval is how often a serving instance verifies the audit
// chain and signs a checkpoint of its head.
const CheckpointInterval = 10 * time.Minute

// UncoveredAllowance is how old an entry may be and still lack a checkpoint:
// one interval, and a minute more for the checkpoint to be made and for the
// clocks of several instances to differ. `doorway audit verify` fails on an
// older entry that no checkpoint covers.
const UncoveredAllowance = CheckpointInterval + time.Minute

// checkpointLoop saves a signed audit checkpoint every CheckpointEvery until
// ctx ends. Several instances may run it against one database: each verifies
// from the newest checkpoint whoever signed it, and a checkpoint of a head
// another instance already saved is simply not stored twice.
func (m *Main) checkpointLoop(ctx context.Context) {
	if m.CheckpointEvery <= 0 {
		return
	}
	t := time.NewTicker(m.CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := m.Checkpoint(ctx); err != nil && ctx.Err() == nil && !isBreak(err) {
				m.Logger.Error("audit checkpoint failed", "err", err)
			}
		}
	}
}

func isBreak(err error) bool {
	var brk *audit.Break
	return errors.As(err, &brk)
}

// headsLog returns this instance's heads file.
func (m *Main) headsLog() *headsLog {
	m.auditMu.Lock()
	defer m.auditMu.Unlock()
	if m.heads == nil {
		m.heads = &headsLog{path: filepath.Join(m.Config.DataDir, HeadsFile)}
	}
	return m.heads
}

// Checkpoint verifies the audit chain from the last checkpoint this server
// trusts to its current head and, if the chain verifies and has grown, signs
// a checkpoint of the head, saves it in the database, appends it to the
// heads file and logs it. It reports the checkpoint made (zero if none was
// needed).
//
// The checkpoint trusted is the newest of two, each checked under the key:
// the highest head in this instance's heads file (or remembered from it),
// and the database's newest checkpoint. The first is out of the database
// writer's reach; the second may be newer, from another instance. Either way
// the chain must still hold that head and run on from it intact, so a chain
// rewritten or cut short is never signed: the break is logged as an error
// and returned every time, and recorded once per process as a
// high-severity audit entry for the admins.
func (m *Main) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	return m.checkpoint(ctx, false)
}

// checkpoint is Checkpoint. With justWritten, every entry after the trusted
// checkpoint was written by this process a moment ago, whatever time it
// bears (the demo's history is dated when its events happened), so old
// entries without a checkpoint are signed as its own rather than reported
// as a log whose checkpoints were removed. The chain is verified either way.
func (m *Main) checkpoint(ctx context.Context, justWritten bool) (audit.Checkpoint, error) {
	if len(m.Keys.Audit) == 0 {
		return audit.Checkpoint{}, errors.New("no audit signing key loaded")
	}
	pub := audit.PublicKey(m.Keys.Audit)
	anchor, err := m.trustedCheckpoint(ctx, pub)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	v, from := audit.NewVerifier(), int64(1)
	if anchor.Seq > 0 {
		v, from = audit.NewVerifierAt(anchor), anchor.Seq
	}
	var first audit.Entry
	add := func(e audit.Entry) error {
		if first.Seq == 0 {
			first = e
		}
		return v.Add(e)
	}
	res, err := m.verifyTail(ctx, v, add, from)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if anchor.Seq == 0 && res.Count > 0 && first.Time.Before(m.now().Add(-UncoveredAllowance)) && !justWritten {
		// Entries that should have been covered long ago, and nothing to
		// say they were: a first start after commands wrote the log is
		// covered by their own checkpoints, so this is a log from before
		// checkpoints, or one whose checkpoints and heads file were both
		// removed. It is signed as found, to keep what is there from
		// changing further, and the admins are told in an entry that the
		// checkpoint itself then covers.
		detail := fmt.Sprintf("no signed checkpoint in the database or %s vouched for entries 1 to %d, the oldest written at %s; they were signed as found. If checkpoints were made before, they and the heads file were removed.",
			HeadsFile, res.Head.Seq, first.Time.UTC().Format(time.RFC3339))
		m.Logger.Error("the audit log has no checkpoint to verify it from: signing it as found", "entries", res.Head.Seq, "oldest", first.Time.UTC(), "heads_file", m.headsLog().path)
		m.record(ctx, "audit.unvouched", detail)
		if res, err = m.verifyTail(ctx, v, add, res.Head.Seq+1); err != nil {
			return audit.Checkpoint{}, err
		}
	}
	if res.Head.Seq == anchor.Seq {
		return audit.Checkpoint{}, nil // nothing new since the last checkpoint
	}
	cp, err := audit.SignCheckpoint(audit.Checkpoint{Seq: res.Head.Seq, Hash: res.Head.Hash, Time: m.now()}, m.Keys.Audit)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if err := m.Store.Write(ctx, func(tx *store.Tx) error { return tx.SaveCheckpoint(ctx, cp) }); err != nil {
		return audit.Checkpoint{}, err
	}
	// The line is written after the row: a line without its row would read
	// as a deleted checkpoint, while a row without its line only proves less.
	heads := m.headsLog()
	m.Logger.Info("audit checkpoint signed", "head", cp.HeadLine(), "heads_file", heads.path)
	if err := heads.Append(cp); err != nil {
		m.Logger.Error("the audit checkpoint is saved but could not be added to the heads file", "file", heads.path, "err", err)
		return cp, problem.New(problem.Unavailable, "cannot append to %s: %s", heads.path, causeOf(err))
	}
	return cp, nil
}

// verifyTail feeds the log from entry from onwards through add and finishes
// v. A break is logged and recorded for the admins before it is returned.
func (m *Main) verifyTail(ctx context.Context, v *audit.Verifier, add func(audit.Entry) error, from int64) (audit.Result, error) {
	err := m.Store.EachAudit(ctx, from, add)
	var brk *audit.Break
	if err != nil && !errors.As(err, &brk) {
		return audit.Result{}, err
	}
	res, err := v.Finish()
	if errors.As(err, &brk) {
		m.refuse(ctx, brk)
	}
	return res, err
}

// trustedCheckpoint returns the checkpoint verification resumes from: the
// newer of the heads file's highest head and the database's newest
// checkpoint, both checked under pub; a zero Checkpoint if there is neither.
func (m *Main) trustedCheckpoint(ctx context.Context, pub ed25519.PublicKey) (audit.Checkpoint, error) {
	db, _, err := m.Store.LatestCheckpoint(ctx)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if db.Seq > 0 && audit.VerifyCheckpoint(db, pub) != nil {
		return audit.Checkpoint{}, problem.New(problem.Internal,
			"the newest audit checkpoint (entry %d) is not signed by this server's audit key: every instance must share %s (or DOORWAY_AUDIT_KEY)",
			db.Seq, AuditKeyFile)
	}
	file, err := m.headsLog().Read()
	if err != nil {
		// Cut, replaced or removed while the server ran: what the process
		// read before still stands, and the admins are told.
		m.Logger.Error("the audit heads file was changed behind the server's back; keeping the head it held", "err", err, "head", file.Seq)
		m.record(ctx, "audit.heads_file_changed", err.Error())
	}
	if file.Seq > 0 && audit.VerifyCheckpoint(file, pub) != nil {
		return audit.Checkpoint{}, problem.New(problem.Internal,
			"the newest head in %s is not signed by this server's audit key: the file was added to, or the key changed", file.Source)
	}
	switch {
	case file.Seq > db.Seq:
		return file, nil
	case file.Seq == db.Seq && file.Seq > 0 && file.Hash != db.Hash:
		brk := &audit.Break{Seq: db.Seq, Reason: audit.CheckpointMismatch,
			Detail: fmt.Sprintf("the database's checkpoint of this entry and the one in %s record different hashes", file.Source)}
		m.refuse(ctx, brk)
		return audit.Checkpoint{}, brk
	}
	return db, nil
}

// refuse says, loudly, that the chain does not verify and nothing will be
// signed over it.
func (m *Main) refuse(ctx context.Context, brk *audit.Break) {
	m.Logger.Error("the audit log does not verify from the last trusted checkpoint: no checkpoint will be signed over it until this is investigated (run doorway audit verify)",
		"seq", brk.Seq, "reason", brk.Reason, "detail", brk.Detail)
	m.record(ctx, "audit.verify_failed", brk.Error())
}

// record tells the admins, through the log they read, about a problem with
// the log itself. It is recorded once per process, however often it is
// found, so that a check every few minutes does not bury everything else.
// The entry is written after the break, so it does not hide it.
func (m *Main) record(ctx context.Context, action, detail string) {
	if len(detail) > audit.MaxDetailLen {
		detail = detail[:audit.MaxDetailLen]
	}
	key := action + "\x00" + detail
	m.auditMu.Lock()
	if m.recorded == nil {
		m.recorded = map[string]bool{}
	}
	seen := m.recorded[key]
	m.recorded[key] = true
	m.auditMu.Unlock()
	if seen {
		return
	}
	e := audit.Entry{Time: m.now(), ActorKind: audit.ActorSystem, Action: action, ResourceType: "audit_log",
		Outcome: audit.Failed, Severity: audit.High, Detail: detail}
	if err := m.Store.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &e) }); err != nil {
		m.Logger.Error("recording the audit problem failed", "err", err)
	}
}

// checkAuditAtStart runs before the server takes requests: it checks that
// every head in the heads file still has its checkpoint in the database, and
// then verifies the chain from the last trusted checkpoint to the head and
// signs it, as before every checkpoint. A failure is logged and recorded but
// does not stop the server (see Run).
func (m *Main) checkAuditAtStart(ctx context.Context) {
	if len(m.Keys.Audit) == 0 {
		return
	}
	path := m.headsLog().path
	held, err := m.Store.Checkpoints(ctx)
	if err != nil {
		m.Logger.Error("audit check at start-up failed", "err", err)
		return
	}
	proven, _, err := ReadHeadsFile(path)
	if err != nil && problem.CodeOf(err) != problem.NotFound {
		m.Logger.Error("audit check at start-up could not read the heads file", "err", err)
	}
	if n, brk := audit.CheckHeld(held, proven); brk != nil {
		m.Logger.Error("audit checkpoints were deleted from the database: the heads file proves checkpoints it no longer holds",
			"missing", n, "seq", brk.Seq, "detail", brk.Detail)
		m.record(ctx, "audit.verify_failed", brk.Error())
	}
	cp, err := m.Checkpoint(ctx)
	switch {
	case isBreak(err):
		// refuse has said it.
	case err != nil:
		m.Logger.Error("audit check at start-up failed", "err", err)
	case cp.Seq == 0:
		m.Logger.Info("audit log verified at start-up: nothing new since the last checkpoint")
	}
}

// pinAudit signs a checkpoint of what a command has just written, so that
// entries written while no server runs are covered as well. A failure is
// logged, not returned: the command's change is made either way.
func (m *Main) pinAudit(ctx context.Context) { m.pin(ctx, false) }

// pin signs a checkpoint of the log as it stands, if a signing key is
// loaded; justWritten is checkpoint's. A failure is logged, not returned.
func (m *Main) pin(ctx context.Context, justWritten bool) {
	if len(m.Keys.Audit) == 0 {
		return
	}
	if _, err := m.checkpoint(ctx, justWritten); err != nil && !isBreak(err) {
		m.Logger.Error("audit checkpoint failed", "err", err)
	}
}

// VerifyOptions says what VerifyAudit checks the log against.
type VerifyOptions struct {
	// Pub checks the checkpoints' signatures. It may be nil only if there
	// are no checkpoints, in the database or the heads files.
	Pub ed25519.PublicKey
	// HeadsFiles are heads files (HeadsFile, one per instance) whose every
	// head the log must still contain, with its checkpoint.
	HeadsFiles []string
	// AsOf is the time the log is judged at: now for a live database, when
	// it was taken for a copy. Zero means now.
	AsOf time.Time
}

// AuditReport is what VerifyAudit checked.
type AuditReport struct {
	audit.Result
	// Heads counts the checkpoints read from the heads files.
	Heads int
	// Skipped names, by file, the heads files' lines that were not
	// checkpoints (a torn write, or something appended).
	Skipped map[string][]int
}

// VerifyAudit checks the whole audit chain, streaming it: every entry's hash
// and link; every checkpoint, in the database and in the heads files, for
// its signature under pub and against the chain; that no entry older than
// UncoveredAllowance at opts.AsOf lacks a checkpoint; and that every head a
// heads file proves still has its checkpoint in the database. A log that
// fails any of these gives an *audit.Break.
func VerifyAudit(ctx context.Context, st *store.Store, opts VerifyOptions) (AuditReport, error) {
	rep := AuditReport{Skipped: map[string][]int{}}
	cps, err := st.Checkpoints(ctx)
	if err != nil {
		return rep, err
	}
	var proven []audit.Checkpoint
	for _, path := range opts.HeadsFiles {
		heads, skipped, err := ReadHeadsFile(path)
		if err != nil {
			return rep, err
		}
		proven = append(proven, heads...)
		if len(skipped) > 0 {
			rep.Skipped[path] = skipped
		}
	}
	rep.Heads = len(proven)
	if opts.Pub == nil && len(cps)+len(proven) > 0 {
		return rep, problem.New(problem.NotFound,
			"there are %d signed checkpoints but no key to check them: set DOORWAY_AUDIT_KEY, place %s in the data directory, or give --public-key",
			len(cps)+len(proven), AuditKeyFile)
	}
	v := audit.NewVerifier()
	if err := v.Expect(opts.Pub, cps...); err != nil {
		return rep, err
	}
	// A line that is the very row already expected needs no second check;
	// the signature covers the time, so these three name a checkpoint.
	type signed struct {
		seq       int64
		hash, sig string
	}
	rows := make(map[signed]bool, len(cps))
	for _, cp := range cps {
		rows[signed{cp.Seq, cp.Hash, cp.Signature}] = true
	}
	var extra []audit.Checkpoint
	for _, cp := range proven {
		if !rows[signed{cp.Seq, cp.Hash, cp.Signature}] {
			extra = append(extra, cp)
		}
	}
	if err := v.Expect(opts.Pub, extra...); err != nil {
		return rep, err
	}
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = time.Now()
	}
	v.RequireCoverage(asOf, UncoveredAllowance)
	err = st.EachAudit(ctx, 1, v.Add)
	var brk *audit.Break
	if err != nil && !errors.As(err, &brk) {
		return rep, err
	}
	rep.Result, err = v.Finish()
	if err != nil {
		return rep, err
	}
	if _, brk := audit.CheckHeld(cps, proven); brk != nil {
		return rep, brk
	}
	return rep, nil
}
