package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/problem"
)

const auditVerifyAbout = `Streams the whole audit log and checks its hash chain and every signed
checkpoint, in the database and in the heads file (audit-heads.log in the
data directory, where the server appends each checkpoint it signs). Fails,
naming the first bad entry, if the log was edited, reordered, cut short or
added to; if an entry older than the checkpoint interval (10 minutes, and a
minute's allowance) has no checkpoint; or if the heads file proves a head
that the log or its checkpoints no longer hold. Prints the number of entries
and the head on success.

Checkpoints are checked with the audit signing key (DOORWAY_AUDIT_KEY or
audit-signing.key in the data directory), or with --public-key when
verifying a copy elsewhere; give --as-of for a copy, with the time it was
taken. With several instances on one PostgreSQL database, give each
instance's heads file (--heads, repeated).`

func cmdAuditVerify(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	var pubFile, asOf string
	var heads []string
	fs.StringVar(&pubFile, "public-key", "", "a `file` holding the checkpoint public key (PEM or base64), instead of the signing key")
	fs.Func("heads", "a heads `file` to check the log against (repeat for several instances; default audit-heads.log in the data directory)", func(s string) error {
		heads = append(heads, s)
		return nil
	})
	fs.StringVar(&asOf, "as-of", "", "judge which entries must have a checkpoint as of this `time` (RFC 3339, such as 2026-03-14T09:00:00Z): when a copy was taken; default now")
	if err := parse(fs, "[flags]", auditVerifyAbout, args); err != nil {
		return err
	}
	if err := validate(cfg); err != nil {
		return err
	}
	opts := app.VerifyOptions{HeadsFiles: heads}
	if asOf != "" {
		if opts.AsOf, err = time.Parse(time.RFC3339, asOf); err != nil {
			return usageErrorf("--as-of must be an RFC 3339 time, such as 2026-03-14T09:00:00Z")
		}
	}
	// Without --heads, the data directory's file is used if it is there: a
	// copy of the database checked elsewhere has none.
	defaultHeads := filepath.Join(cfg.DataDir, app.HeadsFile)
	noHeads := false
	if len(heads) == 0 {
		if _, err := os.Stat(defaultHeads); err == nil {
			opts.HeadsFiles = []string{defaultHeads}
		} else {
			noHeads = true
		}
	}
	if opts.Pub, err = checkpointKey(cfg, pubFile); err != nil {
		return err
	}
	m := c.newMain(cfg)
	if err := m.OpenExisting(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	rep, err := app.VerifyAudit(c.ctx, m.Store, opts)
	if err != nil {
		return err
	}
	w := c.stdout
	fmt.Fprintf(w, "The audit log verifies: %s, %s matched.\n",
		plural(rep.Count, "entry", "entries"), plural(int64(rep.Checkpoints), "signed checkpoint", "signed checkpoints"))
	switch {
	case noHeads:
		fmt.Fprintf(w, "No heads file at %s: checked against the database's own checkpoints only, which cannot show the database rolled back to an earlier checkpoint.\n", defaultHeads)
	case len(opts.HeadsFiles) == 1:
		fmt.Fprintf(w, "Heads file %s: %s, each in the log with its checkpoint.\n", opts.HeadsFiles[0], plural(int64(rep.Heads), "signed head", "signed heads"))
	default:
		fmt.Fprintf(w, "Heads files %s: %s, each in the log with its checkpoint.\n", strings.Join(opts.HeadsFiles, ", "), plural(int64(rep.Heads), "signed head", "signed heads"))
	}
	for _, path := range opts.HeadsFiles {
		if lines := rep.Skipped[path]; len(lines) > 0 {
			fmt.Fprintf(w, "%s: skipped %s, not a checkpoint: %s.\n", path, plural(int64(len(lines)), "line", "lines"), joinInts(lines))
		}
	}
	switch uncovered := rep.Head.Seq - rep.Covered; {
	case uncovered == 1:
		fmt.Fprintf(w, "Not yet in a checkpoint: entry %d, written within %s of the check.\n", rep.Head.Seq, app.UncoveredAllowance)
	case uncovered > 1:
		fmt.Fprintf(w, "Not yet in a checkpoint: entries %d to %d, written within %s of the check.\n", rep.Covered+1, rep.Head.Seq, app.UncoveredAllowance)
	}
	fmt.Fprintf(w, "Head: entry %d, hash %s\n", rep.Head.Seq, rep.Head.Hash)
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// checkpointKey finds the public key for checkpoints: from --public-key, or
// from the signing key; nil if there is neither.
func checkpointKey(cfg app.Config, pubFile string) (ed25519.PublicKey, error) {
	if pubFile != "" {
		data, err := readSmall(pubFile)
		if err != nil {
			return nil, err
		}
		pub, err := audit.DecodePublicKey(data)
		if err != nil {
			return nil, usageErrorf("--public-key: %v", err)
		}
		return pub, nil
	}
	priv, err := app.LoadAuditKey(cfg, false)
	if problem.CodeOf(err) == problem.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return audit.PublicKey(priv), nil
}

// readSmall reads a key file, refusing anything larger than a key could be.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path) // #nosec G304 -- the key file the operator named on the command line; readSmall caps what it reads
	if err != nil {
		return nil, problem.New(problem.NotFound, "cannot read %s", filepath.Clean(path))
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
