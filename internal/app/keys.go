package app

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The keys live outside the database, so that a copy of the database (or
// someone able to rewrite it) has neither:
//
//   - master.key: 32 random bytes, base64. It encrypts backups (and, later,
//     the per-clinic keys of encrypted fields). Without it a backup cannot be
//     restored: keep a copy off the machine, apart from the backups.
//   - audit-signing.key: the Ed25519 key that signs audit checkpoints (PEM
//     PKCS#8). Without it checkpoints cannot be checked or made.
//
// Both are created on first start, mode 0600, unless DOORWAY_MASTER_KEY and
// DOORWAY_AUDIT_KEY supply them (the base64 key, or for the audit key the
// base64 of its 32-byte seed or the PEM text), which then win over the files.
//
// On PostgreSQL with several instances, every instance must use the same two
// keys: start one instance, then copy its master.key and audit-signing.key to
// the others' data directories (or give all of them the same environment
// variables) before they start. An instance with a different audit key
// refuses to sign checkpoints and says so in its log.
const (
	MasterKeyFile = "master.key"
	AuditKeyFile  = "audit-signing.key"
)

// Keys are the server's secrets.
type Keys struct {
	Master []byte
	Audit  ed25519.PrivateKey
}

// errNoKey explains where a missing key was looked for.
func errNoKey(what, env, file, dir string) error {
	return problem.New(problem.NotFound, "no %s: set %s or place %s in %s", what, env, file, dir)
}

// LoadMasterKey reads the master key from the environment or the data
// directory, creating the file when create is set and there is none.
func LoadMasterKey(cfg Config, create bool) ([]byte, error) {
	if cfg.MasterKey != "" {
		k, err := ParseMasterKey([]byte(cfg.MasterKey))
		if err != nil {
			return nil, fmt.Errorf("DOORWAY_MASTER_KEY: %w", err)
		}
		return k, nil
	}
	path := filepath.Join(cfg.DataDir, MasterKeyFile)
	data, err := os.ReadFile(path) // #nosec G304 -- the data directory the operator configured, joined with a constant file name
	if errors.Is(err, fs.ErrNotExist) && create {
		k := make([]byte, store.MasterKeySize)
		rand.Read(k) // never fails
		data, err = writeKeyFile(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n"))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoKey("master key", "DOORWAY_MASTER_KEY", MasterKeyFile, cfg.DataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	k, err := ParseMasterKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ParseMasterKey reads the base64 of 32 bytes, in any of the usual spellings.
func ParseMasterKey(data []byte) ([]byte, error) {
	s := string(bytes.TrimSpace(data))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == store.MasterKeySize {
			return k, nil
		}
	}
	return nil, errors.New("the master key must be the base64 of 32 bytes")
}

// LoadAuditKey reads the checkpoint signing key from the environment or the
// data directory, creating the file when create is set and there is none.
func LoadAuditKey(cfg Config, create bool) (ed25519.PrivateKey, error) {
	if cfg.AuditKey != "" {
		k, err := audit.DecodePrivateKey([]byte(cfg.AuditKey))
		if err != nil {
			return nil, fmt.Errorf("DOORWAY_AUDIT_KEY: %w", err)
		}
		return k, nil
	}
	path := filepath.Join(cfg.DataDir, AuditKeyFile)
	data, err := os.ReadFile(path) // #nosec G304 -- the data directory the operator configured, joined with a constant file name
	if errors.Is(err, fs.ErrNotExist) && create {
		var k ed25519.PrivateKey
		if k, err = audit.GenerateKey(); err != nil {
			return nil, err
		}
		var pemKey []byte
		if pemKey, err = audit.EncodePrivateKey(k); err != nil {
			return nil, err
		}
		data, err = writeKeyFile(path, pemKey)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoKey("audit signing key", "DOORWAY_AUDIT_KEY", AuditKeyFile, cfg.DataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	k, err := audit.DecodePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadKeys loads (or creates) both keys.
func LoadKeys(cfg Config, create bool) (Keys, error) {
	master, err := LoadMasterKey(cfg, create)
	if err != nil {
		return Keys{}, err
	}
	ak, err := LoadAuditKey(cfg, create)
	if err != nil {
		return Keys{}, err
	}
	return Keys{Master: master, Audit: ak}, nil
}

// writeKeyFile creates a key file, 0600, and returns what the file holds.
// The key is written in full to a temporary file and then linked into place:
// a crash never leaves half a key, and when two processes start at once the
// first link wins and the other reads the winner's key instead of replacing
// it (which would orphan anything already encrypted under it).
func writeKeyFile(path string, data []byte) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return os.ReadFile(path) // #nosec G304 -- the key file this function was asked to create, in the configured data directory
		}
		return nil, err
	}
	if d, err := os.Open(dir); err == nil { // #nosec G304 -- the configured data directory, opened to sync it
		_ = d.Sync() // best effort: the file itself is already synced
		d.Close()    // #nosec G104 -- syncing the directory is best effort: the file itself is already synced
	}
	return data, nil
}

// looseKeyFiles names the key files that others than their owner can read.
func looseKeyFiles(dir string) []string {
	var out []string
	for _, name := range []string{MasterKeyFile, AuditKeyFile} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode().Perm()&0o077 != 0 {
			out = append(out, filepath.Join(dir, name))
		}
	}
	return out
}
