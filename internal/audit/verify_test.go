package audit

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// verifyAll feeds entries, in the order given, to a fresh Verifier.
func verifyAll(entries []Entry, opts ...func(*Verifier) error) (Result, error) {
	v := NewVerifier()
	for _, o := range opts {
		if err := o(v); err != nil {
			return Result{}, err
		}
	}
	for _, e := range entries {
		if err := v.Add(e); err != nil {
			break // Finish reports it
		}
	}
	return v.Finish()
}

// wantBreak checks that err is a *Break at seq for reason.
func wantBreak(t *testing.T, name string, err error, seq int64, reason Reason) {
	t.Helper()
	var b *Break
	if !errors.As(err, &b) {
		t.Errorf("%s: err = %v, want a break at %d (%s)", name, err, seq, reason)
		return
	}
	if b.Seq != seq || b.Reason != reason {
		t.Errorf("%s: break at %d (%s), want %d (%s); %v", name, b.Seq, b.Reason, seq, reason, b)
	}
}

func TestVerifyIntactChain(t *testing.T) {
	chain := mustChain(t, 1000)
	res, err := verifyAll(chain)
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != 1000 || res.Head != chain[999].Head() {
		t.Errorf("result %+v, want 1000 entries ending at %+v", res, chain[999].Head())
	}
	if res, err := verifyAll(nil); err != nil || res.Count != 0 || res.Head != Genesis {
		t.Errorf("empty log: %+v, %v", res, err)
	}
}

func TestVerifyDetectsEditOfEachField(t *testing.T) {
	chain := mustChain(t, 1000)
	const at = 499 // Seq 500
	edits := []struct {
		name   string
		edit   func(*Entry)
		reason Reason
	}{
		{"Time", func(e *Entry) { e.Time = e.Time.Add(time.Second) }, HashMismatch},
		{"Time by 1µs", func(e *Entry) { e.Time = e.Time.Add(time.Microsecond) }, HashMismatch},
		{"Seq forward", func(e *Entry) { e.Seq = 5000 }, SeqGap},
		{"Seq back", func(e *Entry) { e.Seq = 499 }, SeqOutOfOrder},
		{"Hash", func(e *Entry) { e.Hash = flipHex(e.Hash) }, HashMismatch},
	}
	for _, f := range stringFields {
		reason := HashMismatch
		if f.name == "PrevHash" {
			reason = PrevHashMismatch
		}
		edits = append(edits, struct {
			name   string
			edit   func(*Entry)
			reason Reason
		}{f.name, func(e *Entry) { f.set(e, f.get(*e)+"x") }, reason})
	}
	for _, c := range edits {
		tampered := slices.Clone(chain)
		c.edit(&tampered[at])
		res, err := verifyAll(tampered)
		want := int64(500)
		if c.name == "Seq back" {
			want = 499 // the number now found twice
		}
		wantBreak(t, "edit "+c.name, err, want, c.reason)
		if res.Count != 499 {
			t.Errorf("edit %s: %d entries verified, want 499", c.name, res.Count)
		}
	}
}

func flipHex(h string) string {
	c := byte('0')
	if h[0] == '0' {
		c = '1'
	}
	return string(c) + h[1:]
}

func TestVerifyDetectsDeletion(t *testing.T) {
	chain := mustChain(t, 1000)
	wantBreak(t, "delete middle", verifyErr(slices.Delete(slices.Clone(chain), 499, 500)), 500, SeqGap)
	wantBreak(t, "delete ten", verifyErr(slices.Delete(slices.Clone(chain), 499, 509)), 500, SeqGap)
	wantBreak(t, "delete first", verifyErr(chain[1:]), 1, SeqGap)

	// Deleting an entry and renumbering the rest moves the gap into the links.
	renumbered := slices.Delete(slices.Clone(chain), 499, 500)
	for i := 499; i < len(renumbered); i++ {
		renumbered[i].Seq--
	}
	wantBreak(t, "delete and renumber", verifyErr(renumbered), 500, PrevHashMismatch)
}

func verifyErr(entries []Entry) error {
	_, err := verifyAll(entries)
	return err
}

func TestVerifyDetectsInsertion(t *testing.T) {
	chain := mustChain(t, 1000)
	forged, err := Chain(chain[498].Head(), sampleEntry(4242)) // a well-formed entry 500
	if err != nil {
		t.Fatal(err)
	}

	// Beside the real entry 500, under the same number, before or after it.
	before := slices.Insert(slices.Clone(chain), 499, forged)
	wantBreak(t, "insert before", verifyErr(before), 500, SeqOutOfOrder)
	after := slices.Insert(slices.Clone(chain), 500, forged)
	wantBreak(t, "insert after", verifyErr(after), 500, SeqOutOfOrder)

	// In its place, renumbering the rest: the forged entry is consistent in
	// itself, and the break shows at the next entry's link.
	renumbered := slices.Insert(slices.Clone(chain), 499, forged)
	for i := 500; i < len(renumbered); i++ {
		renumbered[i].Seq++
	}
	wantBreak(t, "insert and renumber", verifyErr(renumbered), 501, PrevHashMismatch)
}

func TestVerifyDetectsReordering(t *testing.T) {
	chain := mustChain(t, 1000)

	// Rows fed out of order.
	swapped := slices.Clone(chain)
	swapped[499], swapped[500] = swapped[500], swapped[499]
	wantBreak(t, "swap rows", verifyErr(swapped), 500, SeqGap)

	// Contents swapped, each keeping the other's number.
	renumbered := slices.Clone(chain)
	renumbered[499], renumbered[500] = renumbered[500], renumbered[499]
	renumbered[499].Seq, renumbered[500].Seq = 500, 501
	wantBreak(t, "swap contents", verifyErr(renumbered), 500, PrevHashMismatch)

	// An old entry repeated later.
	repeated := slices.Insert(slices.Clone(chain), 700, chain[299])
	wantBreak(t, "repeat an old entry", verifyErr(repeated), 300, SeqOutOfOrder)
}

func TestVerifyDetectsEditWithRecomputedHash(t *testing.T) {
	chain := mustChain(t, 1000)
	tampered := slices.Clone(chain)
	tampered[499].Outcome = OK
	tampered[499].Detail = "nothing to see"
	tampered[499].Hash = tampered[499].ComputeHash()
	// Entry 500 is consistent in itself; entry 501 no longer links to it.
	wantBreak(t, "edit and re-hash", verifyErr(tampered), 501, PrevHashMismatch)

	// The first entry re-hashed onto a different genesis is caught at once.
	first := slices.Clone(chain)
	first[0].PrevHash = flipHex(GenesisHash)
	first[0].Hash = first[0].ComputeHash()
	wantBreak(t, "first entry off genesis", verifyErr(first), 1, PrevHashMismatch)
}

func TestVerifierStopsAtFirstBreak(t *testing.T) {
	chain := mustChain(t, 20)
	chain[4].Detail = "edited"
	chain[14].Detail = "edited too"
	v := NewVerifier()
	var first error
	for _, e := range chain {
		if err := v.Add(e); err != nil && first == nil {
			first = err
		}
	}
	res, err := v.Finish()
	if err != first {
		t.Errorf("Finish = %v, want the first break %v", err, first)
	}
	wantBreak(t, "two edits", err, 5, HashMismatch)
	if res.Count != 4 || res.Head != chain[3].Head() {
		t.Errorf("result %+v, want 4 entries ending at entry 4", res)
	}
}

func TestVerifierAllocatesNothingPerEntry(t *testing.T) {
	chain := mustChain(t, 1000)
	v := NewVerifier()
	i := 0
	allocs := testing.AllocsPerRun(999, func() {
		if err := v.Add(chain[i]); err != nil {
			t.Fatal(err)
		}
		i++
	})
	if allocs > 0 {
		t.Errorf("%.1f allocations per entry; a long log would cost memory", allocs)
	}
}
