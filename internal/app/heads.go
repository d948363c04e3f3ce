package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"doorway/internal/audit"
	"doorway/internal/problem"
)

// HeadsFile is the heads file in the data directory: every checkpoint this
// instance signs, one line each (audit.HeadLine), appended and synced before
// the checkpoint counts as made. The database's writer can delete checkpoint
// rows and re-hash the chain; it cannot take back a line already here, and
// `doorway audit verify` fails when the log no longer contains a head this
// file proves. Each instance appends to the file in its own data directory.
//
// The server only ever appends (O_APPEND, one write a line), so the file can
// be made append-only for everyone on Linux (chattr +a, as root), and the
// same line goes to the server's log, which can be kept off the machine.
const HeadsFile = "audit-heads.log"

// headsLog is this instance's heads file, and what the process remembers of
// it. The newest head read or written is kept in memory, so that a file
// truncated or removed while the server runs does not lower the bar.
type headsLog struct {
	path string

	mu     sync.Mutex
	offset int64 // bytes of whole lines read so far
	lines  int   // lines read so far
	newest audit.Checkpoint
	seen   bool // the file existed when last read
}

// Read reads the lines appended since the last call and returns the newest
// head (the highest entry) the file has held, or a zero Checkpoint if none.
// A file that has shrunk or gone since it was read is an error, but the
// newest head remembered is still returned with it.
func (h *headsLog) Read() (audit.Checkpoint, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, err := os.Open(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		if h.seen {
			return h.newest, fmt.Errorf("%s was removed while the server ran", h.path)
		}
		return h.newest, nil
	}
	if err != nil {
		return h.newest, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return h.newest, err
	}
	h.seen = true
	if fi.Size() < h.offset {
		err := fmt.Errorf("%s is shorter than when the server last read it: it was cut or replaced", h.path)
		h.offset, h.lines = 0, 0
		return h.newest, err
	}
	if _, err := f.Seek(h.offset, io.SeekStart); err != nil {
		return h.newest, err
	}
	r := audit.NewHeadsReader(f, h.path, h.lines+1)
	for {
		cp, err := r.Next(false)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return h.newest, err
		}
		if cp.Seq > h.newest.Seq {
			h.newest = cp
		}
	}
	h.offset += r.Consumed
	h.lines = r.Line()
	return h.newest, nil
}

// Append writes cp as one line and syncs the file. The line goes in a single
// write to a file opened O_APPEND, so lines from several processes sharing
// a data directory never interleave.
func (h *headsLog) Append(cp audit.Checkpoint) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	dir := filepath.Dir(h.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	line := cp.HeadLine() + "\n"
	// A line torn by a crash is ended first, so that this one stands on its
	// own and the torn one is merely skipped by readers.
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	created := fi.Size() == 0
	if !created {
		var last [1]byte
		if _, err := f.ReadAt(last[:], fi.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if created {
		syncDir(dir)
	}
	h.seen = true
	if cp.Seq > h.newest.Seq {
		h.newest = cp
	}
	return nil
}

// syncDir makes a newly created file's directory entry durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil { // #nosec G304 -- the configured data directory, opened to sync it
		_ = d.Sync() // best effort: the file itself is already synced
		d.Close()    // #nosec G104 -- syncing the directory is best effort: the file itself is already synced
	}
}

// ReadHeadsFile reads every checkpoint in a heads file, for verifying; it
// also names the lines that were not checkpoints.
func ReadHeadsFile(path string) (heads []audit.Checkpoint, skipped []int, err error) {
	f, err := os.Open(path) // #nosec G304 -- the heads file the operator named, or the data directory's
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, problem.New(problem.NotFound, "there is no heads file %s", path)
	}
	if err != nil {
		return nil, nil, problem.New(problem.Unavailable, "cannot read %s: %s", path, causeOf(err))
	}
	defer f.Close()
	r := audit.NewHeadsReader(f, path, 1)
	for {
		cp, err := r.Next(true)
		if errors.Is(err, io.EOF) {
			return heads, r.Skipped, nil
		}
		if err != nil {
			return nil, nil, problem.New(problem.Unavailable, "cannot read %s: %s", path, causeOf(err))
		}
		heads = append(heads, cp)
	}
}
