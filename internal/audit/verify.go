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
	Checkpoints int   // signed checkpoints that the chain matched
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
}

// NewVerifier returns a Verifier for a whole chain, from its first entry.
func NewVerifier() *Verifier { return NewVerifierFrom(Genesis) }

// NewVerifierFrom returns a Verifier that takes start as already verified and
// checks only the entries after it: for checking the tail since a checkpoint
// the caller trusts (its signature checked) before signing the next.
func NewVerifierFrom(start Head) *Verifier {
	return &Verifier{start: start, head: start}
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
			return v.fail(cp.Seq, BadCheckpoint, "the checkpoint for this entry, dated %s, is not validly signed: %v", stamp(cp.Time), err)
		}
		switch {
		case cp.Seq < v.start.Seq:
		case cp.Seq == v.start.Seq:
			if cp.Hash != v.start.Hash {
				return v.fail(cp.Seq, CheckpointMismatch, "the starting entry differs from the checkpoint signed at %s", stamp(cp.Time))
			}
			v.matched++
		default:
			v.pending = append(v.pending, cp)
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
	for len(v.pending) > 0 && v.pending[0].Seq == e.Seq {
		if cp := v.pending[0]; cp.Hash != e.Hash {
			// Everything from the previous checkpoint to here may have been
			// rewritten; this is only where the rewrite shows.
			return v.fail(e.Seq, CheckpointMismatch, "the chain up to this entry differs from the checkpoint signed at %s: it was rewritten at or before this entry", stamp(cp.Time))
		}
		v.pending = v.pending[1:]
		v.matched++
	}
	v.head = e.Head()
	v.count++
	return nil
}

// Finish ends the verification: the chain must have reached every checkpoint,
// or its tail was cut off.
func (v *Verifier) Finish() (Result, error) {
	res := Result{Count: v.count, Head: v.head, Checkpoints: v.matched}
	if v.broken != nil {
		return res, v.broken
	}
	if len(v.pending) > 0 {
		last := v.pending[len(v.pending)-1]
		return res, v.fail(v.head.Seq+1, Truncated, "the log ends at entry %d, but a checkpoint signed at %s records entry %d", v.head.Seq, stamp(last.Time), last.Seq)
	}
	return res, nil
}

func (v *Verifier) fail(seq int64, r Reason, format string, args ...any) *Break {
	v.broken = &Break{Seq: seq, Reason: r, Detail: fmt.Sprintf(format, args...)}
	return v.broken
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
