package audit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// A heads file keeps signed checkpoints outside the database, one a line, so
// that someone who can rewrite the database (its audit table and its
// checkpoint rows) still cannot make the log disagree with a head proven
// elsewhere. Each line is a checkpoint as signed:
//
//	checkpoint SEQ HASH TIME SIGNATURE
//
// with TIME in RFC 3339 UTC at microseconds and SIGNATURE the standard
// base64 of the Ed25519 signature, for example
//
//	checkpoint 42 9f86…0f08 2026-03-14T09:10:00.123456Z MEUC…Dw==
//
// The line is plain text so that it can also go to the server's log and be
// copied from there into a file to check against.

// headTag starts every heads line; a later layout would take another word.
const headTag = "checkpoint"

// maxHeadLine bounds a line's length: a checkpoint line is under 200 bytes,
// so anything much longer is not one and is not read whole.
const maxHeadLine = 1024

// HeadLine returns cp as a heads-file line, without the newline.
func (cp Checkpoint) HeadLine() string {
	return fmt.Sprintf("%s %d %s %s %s", headTag, cp.Seq, cp.Hash, cp.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), cp.Signature)
}

// ParseHeadLine reads a line written by HeadLine. It checks the form only;
// VerifyCheckpoint checks the signature.
func ParseHeadLine(line string) (Checkpoint, error) {
	f := strings.Fields(line)
	if len(f) != 5 || f[0] != headTag {
		return Checkpoint{}, errors.New("audit: not a checkpoint line")
	}
	seq, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || seq < 1 {
		return Checkpoint{}, errors.New("audit: checkpoint line with a malformed entry number")
	}
	if !isHash(f[2]) {
		return Checkpoint{}, errors.New("audit: checkpoint line with a malformed hash")
	}
	t, err := time.Parse(time.RFC3339Nano, f[3])
	if err != nil {
		return Checkpoint{}, errors.New("audit: checkpoint line with a malformed time")
	}
	return Checkpoint{Seq: seq, Hash: f[2], Time: t.UTC(), Signature: f[4]}, nil
}

// HeadsReader reads a heads file line by line. Lines that are not
// checkpoints (a write torn by a crash, or anything else appended) are
// skipped and counted: they prove nothing, and skipping them hides nothing
// that deleting them would not.
type HeadsReader struct {
	r    *bufio.Reader
	name string
	line int
	// Skipped lists the numbers of the lines that were not checkpoints.
	Skipped []int
	// Consumed is how many bytes of whole lines have been read.
	Consumed int64
}

// Line is the number of the last line read.
func (h *HeadsReader) Line() int { return h.line }

// NewHeadsReader reads r, whose lines are numbered from firstLine; name (a
// file's path) goes into each checkpoint's Source.
func NewHeadsReader(r io.Reader, name string, firstLine int) *HeadsReader {
	return &HeadsReader{r: bufio.NewReader(r), name: name, line: firstLine - 1}
}

// Next returns the next checkpoint, and io.EOF after the last. A last line
// without its newline is left unread when partial is false (the writer may
// be in the middle of it), and read as any other when it is true.
func (h *HeadsReader) Next(partial bool) (Checkpoint, error) {
	for {
		text, n, complete, err := h.readLine()
		if err != nil {
			return Checkpoint{}, err
		}
		if n == 0 || (!complete && !partial) {
			return Checkpoint{}, io.EOF
		}
		h.Consumed += int64(n)
		h.line++
		if strings.TrimSpace(text) == "" {
			continue
		}
		cp, err := ParseHeadLine(text)
		if err != nil {
			h.Skipped = append(h.Skipped, h.line)
			continue
		}
		cp.Source = fmt.Sprintf("%s, line %d", h.name, h.line)
		return cp, nil
	}
}

// readLine reads one line of at most maxHeadLine bytes; a longer one is read
// through to its end and returned cut, so that it fails to parse.
func (h *HeadsReader) readLine() (text string, n int, complete bool, err error) {
	var b []byte
	for {
		chunk, err := h.r.ReadSlice('\n')
		n += len(chunk)
		if len(b) < maxHeadLine {
			b = append(b, chunk[:min(len(chunk), maxHeadLine-len(b))]...)
		}
		switch {
		case err == nil:
			return string(b), n, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return string(b), n, false, nil
		default:
			return "", 0, false, err
		}
	}
}

// CheckHeld checks that each checkpoint proven outside the database (read
// from a heads file) is still among the database's own, by entry and hash
// (two instances may sign the same head; the database keeps one of them). It
// returns how many are missing and a *Break at the first, by entry.
func CheckHeld(held, proven []Checkpoint) (missing int, brk *Break) {
	have := make(map[int64]string, len(held))
	for _, cp := range held {
		have[cp.Seq] = cp.Hash
	}
	var first *Checkpoint
	for i, cp := range proven {
		if hash, ok := have[cp.Seq]; ok && hash == cp.Hash {
			continue
		}
		missing++
		if first == nil || cp.Seq < first.Seq {
			first = &proven[i]
		}
	}
	if first == nil {
		return 0, nil
	}
	others := ""
	switch {
	case missing == 2:
		others = ", nor 1 other checkpoint proven there"
	case missing > 2:
		others = fmt.Sprintf(", nor %d other checkpoints proven there", missing-1)
	}
	return missing, &Break{Seq: first.Seq, Reason: CheckpointMissing,
		Detail: fmt.Sprintf("the database no longer holds the checkpoint signed at %s for this entry%s%s: checkpoints were deleted",
			stamp(first.Time), from(*first), others)}
}
