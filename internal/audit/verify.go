package audit

import (
	"cmp"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Reason says how a chain is broken.
type Reason string

const (
	HashMismatch       Reason = "hash_mismatch"       // the entry's contents were edited
	PrevHashMismatch   Reason = "prev_hash_mismatch"  // the entry before was edited, replaced or removed
	SeqGap             Reason = "seq_gap"             // entries were deleted
	SeqOutOfOrder      Reason = "seq_out_of_order"    // an entry was inserted, repeated or moved
	CheckpointMismatch Reason = "checkpoint_mismatch" // the chain differs from what a signed checkpoint recorded
	Truncated          Reason = "truncated"           // the chain ends before a signed checkpoint
	BadCheckpoint      Reason = "bad_checkpoint"      // a checkpoint's signature does not verify
	Uncovered          Reason = "uncovered"           // an entry older than the checkpoint interval that no checkpoint covers
	CheckpointMissing  Reason = "checkpoint_missing"  // a checkpoint proven outside the database is no longer in it
)

// Break is the first place a chain fails to verify; Result.Count entries
// verified before it, and nothing after it can be vouched for.
type Break struct {
	// Seq is where the break shows: the entry whose hash or link fails, the
	// first missing entry, a number found twice or out of place, the entry a
	// checkpoint disagrees with, or the first entry after a truncated end.
	// An entry edited and then re-hashed is itself consistent, so the break
	// shows at the entry after it, whose link no longer matches.
	Seq    int64
	Reason Reason
	Detail string // what was found, in words, for the person running the check
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d (%s): %s", b.Seq, b.Reason, b.Detail)
}

// Result is what a verification covered.
type Result struct {
	Count       int64 // entries that verified
	Head        Head  // the last entry that verified (the start, if none did)
	Checkpoints int   // entries at which the chain matched one or more signed checkpoints
	// Covered is the last entry that a signed checkpoint (or the trusted
	// start) vouches for; the entries after it, up to Head, are not yet
	// covered.
	Covered int64
}

// Verifier checks a chain one entry at a time, in Seq order, holding only the
// previous head, so a log of any length verifies in constant memory. Use:
//
//	v := audit.NewVerifier()
//	err := v.Expect(pub, checkpoints...) // optional, before the first Add
//	for each entry, by Seq: if err := v.Add(e); err != nil { stop }
//	res, err := v.Finish()
//
// Errors from Add, Expect and Finish that concern the chain are *Break.
type Verifier struct {
	start   Head
	head    Head
	count   int64
	pending []Checkpoint // verified, sorted by Seq, not yet reached
	matched int
	broken  *Break
	buf     []byte

	// at is set by NewVerifierAt until the start entry itself has been read.
	at *Checkpoint
	// startMatched records that a checkpoint vouched for the start, counted once.
	startMatched bool
	// covered is the highest Seq a checkpoint vouches for.
	covered int64
	// Set by RequireCoverage.
	coverage bool
	asOf     time.Time
	within   time.Duration
}

// NewVerifier returns a Verifier for a whole chain, from its first entry.
func NewVerifier() *Verifier { return NewVerifierFrom(Genesis) }

// NewVerifierFrom returns a Verifier that takes start as already verified and
// checks only the entries after it: for checking the tail since a checkpoint
// the caller trusts (its signature checked) before signing the next.
func NewVerifierFrom(start Head) *Verifier {
	return &Verifier{start: start, head: start, covered: start.Seq}
}

// NewVerifierAt returns a Verifier that resumes at a signed checkpoint the
// caller has checked, starting with the checkpoint's own entry: that entry
// must be there, be intact and have the signed hash. Without that, a chain
// rewritten up to the checkpoint and ending there would pass, since no entry
// after it would show the difference. Feed it entries from cp.Seq on.
func NewVerifierAt(cp Checkpoint) *Verifier {
	start := Head{Seq: cp.Seq, Hash: cp.Hash}
	return &Verifier{start: start, head: start, covered: start.Seq, at: &cp}
}

// RequireCoverage has the Verifier fail at the first entry that no signed
// checkpoint covers and that is dated more than within before asOf, or more
// than within after it. The server signs a checkpoint every interval, so on
// an honest log only the entries of the last interval are uncovered; older
// ones mean that checkpoints were deleted (or that no server has run since
// they were written). Call it before the first Add, with Expect.
func (v *Verifier) RequireCoverage(asOf time.Time, within time.Duration) {
	v.coverage, v.asOf, v.within = true, asOf.UTC(), within
}

// Expect has the Verifier check the chain against signed checkpoints: each
// signature must verify under pub, and the chain must reach each
// checkpoint's Seq with the same hash. Call it before the first Add.
// Checkpoints before the Verifier's start are ignored.
func (v *Verifier) Expect(pub ed25519.PublicKey, cps ...Checkpoint) error {
	if v.broken != nil {
		return v.broken
	}
	if v.count > 0 {
		return errors.New("audit: Expect called after entries were added")
	}
	for _, cp := range cps {
		if err := VerifyCheckpoint(cp, pub); err != nil {
			return v.fail(cp.Seq, BadCheckpoint, "the checkpoint for this entry, dated %s%s, is not validly signed: %v", stamp(cp.Time), from(cp), err)
		}
		switch {
		case cp.Seq < v.start.Seq:
		case cp.Seq == v.start.Seq:
			if cp.Hash != v.start.Hash {
				return v.fail(cp.Seq, CheckpointMismatch, "the starting entry differs from the checkpoint signed at %s%s", stamp(cp.Time), from(cp))
			}
			v.matchStart()
		default:
			v.pending = append(v.pending, cp)
			v.covered = max(v.covered, cp.Seq)
		}
	}
	slices.SortFunc(v.pending, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	return nil
}

// Add checks the next entry. It returns a *Break at the first entry that does
// not verify, and the same *Break for every call after that.
func (v *Verifier) Add(e Entry) error {
	if v.broken != nil {
		return v.broken
	}
	if v.at != nil {
		return v.addStart(e)
	}
	want := v.head.Seq + 1
	switch {
	case e.Seq == want:
	case e.Seq == want+1:
		return v.fail(want, SeqGap, "entry %d is missing; the next entry is %d", want, e.Seq)
	case e.Seq > want:
		return v.fail(want, SeqGap, "entries %d to %d are missing; the next entry is %d", want, e.Seq-1, e.Seq)
	case e.Seq < want:
		return v.fail(e.Seq, SeqOutOfOrder, "another entry %d was found after entry %d: an entry was inserted, repeated or moved", e.Seq, v.head.Seq)
	}
	if e.PrevHash != v.head.Hash {
		if v.head.Seq == 0 {
			return v.fail(e.Seq, PrevHashMismatch, "the first entry does not start from the genesis hash")
		}
		return v.fail(e.Seq, PrevHashMismatch, "it does not follow on from entry %d: that entry was edited and re-hashed, or this one was replaced or altered", v.head.Seq)
	}
	// The buffer is reused and the hash kept on the stack, so checking an
	// entry allocates nothing and a long log costs time, not memory.
	v.buf = appendCanonical(append(v.buf[:0], e.PrevHash...), e)
	sum := sha256.Sum256(v.buf)
	var got [2 * sha256.Size]byte
	hex.Encode(got[:], sum[:])
	if string(got[:]) != e.Hash {
		return v.fail(e.Seq, HashMismatch, "its contents do not match its hash: the entry was edited")
	}
	reached := false
	for len(v.pending) > 0 && v.pending[0].Seq == e.Seq {
		if cp := v.pending[0]; cp.Hash != e.Hash {
			// Everything from the previous checkpoint to here may have been
			// rewritten; this is only where the rewrite shows.
			return v.fail(e.Seq, CheckpointMismatch, "the chain up to this entry differs from the checkpoint signed at %s%s: it was rewritten at or before this entry", stamp(cp.Time), from(cp))
		}
		v.pending = v.pending[1:]
		reached = true
	}
	if reached {
		v.matched++ // once per entry: a head may be proven both in the database and in a heads file
	}
	if v.coverage && e.Seq > v.covered {
		if err := v.checkCovered(e); err != nil {
			return err
		}
	}
	v.head = e.Head()
	v.count++
	return nil
}

// addStart checks the entry a NewVerifierAt Verifier starts at.
func (v *Verifier) addStart(e Entry) error {
	cp := *v.at
	switch {
	case e.Seq > cp.Seq:
		return v.fail(cp.Seq, SeqGap, "entry %d, which the checkpoint signed at %s%s records, is missing; the next entry is %d", cp.Seq, stamp(cp.Time), from(cp), e.Seq)
	case e.Seq < cp.Seq:
		return errors.New("audit: entries before the starting checkpoint were given")
	}
	if e.ComputeHash() != e.Hash {
		return v.fail(e.Seq, HashMismatch, "its contents do not match its hash: the entry was edited")
	}
	if e.Hash != cp.Hash {
		return v.fail(e.Seq, CheckpointMismatch, "the chain up to this entry differs from the checkpoint signed at %s%s: it was rewritten at or before this entry", stamp(cp.Time), from(cp))
	}
	v.at = nil
	v.matchStart()
	v.head = e.Head()
	v.count++
	return nil
}

func (v *Verifier) matchStart() {
	if !v.startMatched {
		v.startMatched = true
		v.matched++
	}
}

// checkCovered fails on an uncovered entry dated outside the allowed window.
func (v *Verifier) checkCovered(e Entry) error {
	switch {
	case e.Time.Before(v.asOf.Add(-v.within)):
		return v.fail(e.Seq, Uncovered, "it was written at %s, more than %s before %s, and no signed checkpoint covers it: checkpoints were deleted, or the log was rewritten after the last one (or no server has run since it was written)",
			stamp(e.Time), v.within, stamp(v.asOf))
	case e.Time.After(v.asOf.Add(v.within)):
		return v.fail(e.Seq, Uncovered, "it is dated %s, after the time of this check (%s), and no signed checkpoint covers it: the log was rewritten",
			stamp(e.Time), stamp(v.asOf))
	}
	return nil
}

// Finish ends the verification: the chain must have reached every checkpoint,
// or its tail was cut off.
func (v *Verifier) Finish() (Result, error) {
	res := Result{Count: v.count, Head: v.head, Checkpoints: v.matched, Covered: min(v.covered, v.head.Seq)}
	if v.broken != nil {
		return res, v.broken
	}
	if cp := v.at; cp != nil {
		return res, v.fail(cp.Seq, Truncated, "the log has no entry %d, which the checkpoint signed at %s%s records: it was cut short", cp.Seq, stamp(cp.Time), from(*cp))
	}
	if len(v.pending) > 0 {
		last := v.pending[len(v.pending)-1]
		return res, v.fail(v.head.Seq+1, Truncated, "the log ends at entry %d, but a checkpoint signed at %s%s records entry %d", v.head.Seq, stamp(last.Time), from(last), last.Seq)
	}
	return res, nil
}

func (v *Verifier) fail(seq int64, r Reason, format string, args ...any) *Break {
	v.broken = &Break{Seq: seq, Reason: r, Detail: fmt.Sprintf(format, args...)}
	return v.broken
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// from names where a checkpoint was read, for messages: nothing for the
// database's own, " (in audit-heads.log, line 7)" for a heads file's.
func from(cp Checkpoint) string {
	if cp.Source == "" {
		return ""
	}
	return " (in " + cp.Source + ")"
}
