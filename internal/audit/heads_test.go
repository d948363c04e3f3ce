package audit

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHeadLineRoundTrip(t *testing.T) {
	priv, pub := mustKey(t)
	e := mustChain(t, 42)[41]
	cp, err := SignCheckpoint(Checkpoint{Seq: e.Seq, Hash: e.Hash, Time: time.Date(2026, 3, 14, 9, 10, 0, 123456789, time.UTC)}, priv)
	if err != nil {
		t.Fatal(err)
	}
	line := cp.HeadLine()
	if want := "checkpoint 42 " + e.Hash + " 2026-03-14T09:10:00.123456Z " + cp.Signature; line != want {
		t.Errorf("line %q, want %q", line, want)
	}
	back, err := ParseHeadLine(line)
	if err != nil || back != cp {
		t.Fatalf("parsed %+v, %v; want %+v", back, err, cp)
	}
	if err := VerifyCheckpoint(back, pub); err != nil {
		t.Errorf("parsed checkpoint: %v", err)
	}
	// A time on a whole second keeps its six digits, so every line has the
	// same shape.
	cp.Time = time.Date(2026, 3, 14, 9, 10, 0, 0, time.UTC)
	if !strings.Contains(cp.HeadLine(), " 2026-03-14T09:10:00.000000Z ") {
		t.Errorf("whole-second line %q", cp.HeadLine())
	}

	for _, bad := range []string{
		"",
		"checkpoint",
		"checkpoint 42 " + e.Hash + " 2026-03-14T09:10:00Z",                        // no signature
		"head 42 " + e.Hash + " 2026-03-14T09:10:00Z sig",                          // another tag
		"checkpoint 0 " + e.Hash + " 2026-03-14T09:10:00Z sig",                     // no entry 0
		"checkpoint -1 " + e.Hash + " 2026-03-14T09:10:00Z sig",                    // negative
		"checkpoint x " + e.Hash + " 2026-03-14T09:10:00Z sig",                     // not a number
		"checkpoint 42 " + strings.ToUpper(e.Hash) + " 2026-03-14T09:10:00Z sig",   // hashes are lower case
		"checkpoint 42 " + e.Hash[:63] + " 2026-03-14T09:10:00Z sig",               // short hash
		"checkpoint 42 " + e.Hash + " yesterday sig",                               // no time
		"checkpoint 42 " + e.Hash + " 2026-03-14T09:10:00Z sig extra",              // a field more
		"time=2026-03-14T09:10:00Z level=INFO msg=\"audit checkpoint signed\" x=y", // a log line, not a heads line
	} {
		if _, err := ParseHeadLine(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestHeadsReader(t *testing.T) {
	priv, _ := mustKey(t)
	chain := mustChain(t, 5)
	var lines []string
	for _, e := range chain {
		lines = append(lines, mustCheckpoint(t, e, priv).HeadLine())
	}
	text := lines[0] + "\n" +
		"\n" + // blank: ignored, not counted as skipped
		lines[1] + "\n" +
		"checkpoint 3 torn-by-a-cra\n" + // a torn write, ended by the next writer
		lines[2] + "\n" +
		strings.Repeat("x", 5000) + "\n" + // far longer than any checkpoint
		lines[3] + "\n" +
		lines[4][:50] // the writer is in the middle of this one

	r := NewHeadsReader(strings.NewReader(text), "audit-heads.log", 1)
	var got []Checkpoint
	for {
		cp, err := r.Next(false)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cp)
	}
	if len(got) != 4 || got[3].Seq != 4 || got[2].Source != "audit-heads.log, line 5" {
		t.Errorf("read %+v", got)
	}
	if !slices.Equal(r.Skipped, []int{4, 6}) {
		t.Errorf("skipped lines %v, want [4 6]", r.Skipped)
	}
	if whole := int64(len(text) - 50); r.Consumed != whole || r.Line() != 7 {
		t.Errorf("consumed %d bytes and %d lines, want %d and 7: the partial line must be left for later", r.Consumed, r.Line(), whole)
	}

	// Resuming where it stopped, once the line is finished, numbers on.
	r = NewHeadsReader(strings.NewReader(lines[4]+"\n"), "audit-heads.log", r.Line()+1)
	if cp, err := r.Next(false); err != nil || cp.Seq != 5 || cp.Source != "audit-heads.log, line 8" {
		t.Errorf("resumed: %+v, %v", cp, err)
	}

	// Reading a file through, a last line without its newline is read too.
	r = NewHeadsReader(strings.NewReader(lines[0]+"\n"+lines[1]), "f", 1)
	n := 0
	for {
		if _, err := r.Next(true); err != nil {
			break
		}
		n++
	}
	if n != 2 {
		t.Errorf("read %d checkpoints through the end, want 2", n)
	}
}

func TestCheckHeld(t *testing.T) {
	priv, _ := mustKey(t)
	other, _ := mustKey(t)
	chain := mustChain(t, 30)
	held := []Checkpoint{mustCheckpoint(t, chain[9], priv), mustCheckpoint(t, chain[19], priv), mustCheckpoint(t, chain[29], priv)}

	// Every head in the file has its checkpoint, even one that another
	// instance signed first (same head, another time and signature).
	same := mustCheckpoint(t, chain[19], other)
	same.Time = same.Time.Add(time.Second)
	if n, brk := CheckHeld(held, []Checkpoint{held[0], same, held[2]}); n != 0 || brk != nil {
		t.Errorf("all held: %d missing, %v", n, brk)
	}
	if n, brk := CheckHeld(held, nil); n != 0 || brk != nil {
		t.Errorf("no heads file: %d missing, %v", n, brk)
	}

	// Rows deleted: the first missing one, by entry, is named.
	proven := slices.Clone(held)
	for i := range proven {
		proven[i].Source = "audit-heads.log, line " + string(rune('1'+i))
	}
	n, brk := CheckHeld(held[:1], proven)
	wantBreak(t, "two rows deleted", brk, 20, CheckpointMissing)
	if n != 2 || !strings.Contains(brk.Detail, "audit-heads.log, line 2") || !strings.Contains(brk.Detail, "nor 1 other") {
		t.Errorf("%d missing, %v", n, brk)
	}
	// A row for the entry but with another hash is not the proven head.
	swapped := slices.Clone(held)
	swapped[1].Hash = chain[18].Hash
	_, brk = CheckHeld(swapped, proven)
	wantBreak(t, "row with another hash", brk, 20, CheckpointMissing)
}

func TestVerifierAtCheckpoint(t *testing.T) {
	priv, pub := mustKey(t)
	chain := mustChain(t, 1000)
	at, end := mustCheckpoint(t, chain[499], priv), mustCheckpoint(t, chain[999], priv)

	fromAt := func(entries []Entry, cps ...Checkpoint) (Result, error) {
		v := NewVerifierAt(at)
		if err := v.Expect(pub, cps...); err != nil {
			return Result{}, err
		}
		for _, e := range entries {
			if err := v.Add(e); err != nil {
				break
			}
		}
		return v.Finish()
	}
	res, err := fromAt(chain[499:], at, end)
	if err != nil || res.Count != 501 || res.Checkpoints != 2 || res.Head != chain[999].Head() || res.Covered != 1000 {
		t.Fatalf("from entry 500: %+v, %v", res, err)
	}
	if res, err := fromAt(chain[499:500]); err != nil || res.Head.Seq != 500 || res.Count != 1 {
		t.Errorf("nothing after the checkpoint: %+v, %v", res, err)
	}

	// Rewritten up to the checkpoint and ending there: no later entry shows
	// the change, the checkpoint's own entry does.
	rewritten := slices.Clone(chain[:500])
	rewritten[199].Detail = "rewritten"
	rechain(t, rewritten, 199)
	_, err = fromAt(rewritten[499:])
	wantBreak(t, "rewritten to the checkpoint", err, 500, CheckpointMismatch)

	edited := slices.Clone(chain[499:])
	edited[0].Detail = "edited"
	_, err = fromAt(edited)
	wantBreak(t, "checkpoint entry edited", err, 500, HashMismatch)

	_, err = fromAt(chain[500:])
	wantBreak(t, "checkpoint entry deleted", err, 500, SeqGap)
	_, err = fromAt(nil)
	wantBreak(t, "cut before the checkpoint", err, 500, Truncated)

	// After the start, everything is checked as usual.
	after := slices.Clone(chain[499:])
	after[100].Detail = "edited"
	_, err = fromAt(after)
	wantBreak(t, "edit after the checkpoint", err, 600, HashMismatch)
}

func TestRequireCoverage(t *testing.T) {
	priv, pub := mustKey(t)
	chain := mustChain(t, 1000) // entry i written at t0 + (i-1)·1.5 s
	last := chain[999].Time
	within := 10 * time.Minute
	asOf := last.Add(time.Minute) // entries up to 639 are older than within
	covered := func(entries []Entry, asOf time.Time, cps ...Checkpoint) (Result, error) {
		return verifyAll(entries, expect(pub, cps...), func(v *Verifier) error {
			v.RequireCoverage(asOf, within)
			return nil
		})
	}

	at700 := mustCheckpoint(t, chain[699], priv)
	res, err := covered(chain, asOf, at700)
	if err != nil || res.Covered != 700 || res.Count != 1000 {
		t.Fatalf("entries after 700 are recent: %+v, %v", res, err)
	}
	// The checkpoints removed: every entry is uncovered, and old.
	_, err = covered(chain, asOf)
	wantBreak(t, "no checkpoints", err, 1, Uncovered)
	// An older checkpoint only: the first old entry after it is named.
	_, err = covered(chain, asOf, mustCheckpoint(t, chain[499], priv))
	wantBreak(t, "checkpoint at 500 only", err, 501, Uncovered)
	// The same log judged as of the time the copy was taken passes; judged
	// a day later it does not.
	if _, err := covered(chain, last, at700); err != nil {
		t.Errorf("as of the last entry: %v", err)
	}
	_, err = covered(chain, last.Add(24*time.Hour), at700)
	wantBreak(t, "a day later", err, 701, Uncovered)
	// Entries dated after the check cannot hide there.
	_, err = covered(chain, chain[0].Time.Add(-time.Hour))
	wantBreak(t, "dated in the future", err, 1, Uncovered)
	// Without RequireCoverage nothing is asked of the times.
	if _, err := verifyAll(chain); err != nil {
		t.Errorf("coverage asked for without RequireCoverage: %v", err)
	}
}

// A head proven twice (a database row and a heads-file line) counts once.
func TestCheckpointsCountedOncePerEntry(t *testing.T) {
	priv, pub := mustKey(t)
	chain := mustChain(t, 10)
	row := mustCheckpoint(t, chain[4], priv)
	line := row
	line.Source = "audit-heads.log, line 1"
	res, err := verifyAll(chain, expect(pub, row, line, mustCheckpoint(t, chain[9], priv)))
	if err != nil || res.Checkpoints != 2 {
		t.Errorf("%+v, %v; want 2 checkpoints", res, err)
	}
}
