package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"time"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

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
			if _, err := m.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				m.Logger.Error("audit checkpoint failed", "err", err)
			}
		}
	}
}

// Checkpoint verifies the audit chain from the newest signed checkpoint to its
// current head and, if the chain verifies and has grown, signs and saves a
// checkpoint of the head. It reports the checkpoint saved (zero if none was
// needed). A chain that does not verify is never signed: the break is logged
// and recorded as a high-severity audit entry for the admins, and returned.
func (m *Main) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	if len(m.Keys.Audit) == 0 {
		return audit.Checkpoint{}, errors.New("no audit signing key loaded")
	}
	pub := audit.PublicKey(m.Keys.Audit)
	cps, err := m.Store.Checkpoints(ctx)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	v := audit.NewVerifier()
	start := audit.Genesis
	if len(cps) > 0 {
		last := cps[len(cps)-1]
		start = audit.Head{Seq: last.Seq, Hash: last.Hash}
		v = audit.NewVerifierFrom(start)
		if err := v.Expect(pub, last); err != nil {
			return audit.Checkpoint{}, problem.New(problem.Internal,
				"the newest audit checkpoint (entry %d) is not signed by this server's audit key: every instance must share %s (or DOORWAY_AUDIT_KEY)",
				last.Seq, AuditKeyFile)
		}
	}
	err = m.Store.EachAudit(ctx, start.Seq+1, v.Add)
	var brk *audit.Break
	if err != nil && !errors.As(err, &brk) {
		return audit.Checkpoint{}, err
	}
	res, err := v.Finish()
	if errors.As(err, &brk) {
		m.recordBreak(ctx, brk)
		return audit.Checkpoint{}, err
	}
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if res.Head.Seq == start.Seq {
		return audit.Checkpoint{}, nil // nothing new since the last checkpoint
	}
	cp, err := audit.SignCheckpoint(audit.Checkpoint{Seq: res.Head.Seq, Hash: res.Head.Hash, Time: m.now()}, m.Keys.Audit)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if err := m.Store.Write(ctx, func(tx *store.Tx) error { return tx.SaveCheckpoint(ctx, cp) }); err != nil {
		return audit.Checkpoint{}, err
	}
	return cp, nil
}

// recordBreak tells the admins, through the log they read, that the chain no
// longer verifies. The entry is written after the break, so it does not hide it.
func (m *Main) recordBreak(ctx context.Context, brk *audit.Break) {
	m.Logger.Error("the audit log does not verify", "seq", brk.Seq, "reason", brk.Reason, "detail", brk.Detail)
	detail := brk.Error()
	if len(detail) > audit.MaxDetailLen {
		detail = detail[:audit.MaxDetailLen]
	}
	e := audit.Entry{Time: m.now(), ActorKind: audit.ActorSystem, Action: "audit.verify_failed", ResourceType: "audit_log",
		Outcome: audit.Failed, Severity: audit.High, Detail: detail}
	if err := m.Store.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &e) }); err != nil {
		m.Logger.Error("recording the audit break failed", "err", err)
	}
}

// VerifyAudit checks the whole audit chain, streaming it, against every
// signed checkpoint under pub. pub may be nil only if there are no
// checkpoints. A chain that does not verify gives an *audit.Break.
func VerifyAudit(ctx context.Context, st *store.Store, pub ed25519.PublicKey) (audit.Result, error) {
	cps, err := st.Checkpoints(ctx)
	if err != nil {
		return audit.Result{}, err
	}
	v := audit.NewVerifier()
	if len(cps) > 0 {
		if pub == nil {
			return audit.Result{}, problem.New(problem.NotFound,
				"the log has %d signed checkpoints but no key to check them: set DOORWAY_AUDIT_KEY, place %s in the data directory, or give --public-key", len(cps), AuditKeyFile)
		}
		if err := v.Expect(pub, cps...); err != nil {
			return audit.Result{}, err
		}
	}
	err = st.EachAudit(ctx, 1, v.Add)
	var brk *audit.Break
	if err != nil && !errors.As(err, &brk) {
		return audit.Result{}, err
	}
	return v.Finish()
}
