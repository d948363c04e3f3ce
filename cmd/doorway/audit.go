package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/problem"
)

const auditVerifyAbout = `Streams the whole audit log and checks its hash chain and every signed
checkpoint. Prints the number of entries and the head on success; exits 1 and
names the first bad entry if the log was edited, reordered, cut short or
added to. Checkpoints are checked with the audit signing key
(DOORWAY_AUDIT_KEY or audit-signing.key in the data directory), or with
--public-key when verifying a copy elsewhere.`

func cmdAuditVerify(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	var pubFile string
	fs.StringVar(&pubFile, "public-key", "", "a `file` holding the checkpoint public key (PEM or base64), instead of the signing key")
	if err := parse(fs, "[flags]", auditVerifyAbout, args); err != nil {
		return err
	}
	if err := validate(cfg); err != nil {
		return err
	}
	pub, err := checkpointKey(cfg, pubFile)
	if err != nil {
		return err
	}
	m := c.newMain(cfg)
	if err := m.OpenExisting(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	res, err := app.VerifyAudit(c.ctx, m.Store, pub)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "The audit log verifies: %s, %s matched.\nHead: entry %d, hash %s\n",
		plural(res.Count, "entry", "entries"), plural(int64(res.Checkpoints), "signed checkpoint", "signed checkpoints"), res.Head.Seq, res.Head.Hash)
	return nil
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
	f, err := os.Open(path)
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
