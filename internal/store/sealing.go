package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"doorway/internal/seal"
)

// keyring holds the master key and the clinics' unwrapped data keys. Data
// keys are cached after first use; the master key never leaves memory.
type keyring struct {
	mu     sync.RWMutex
	master []byte
	data   map[string][]byte // "clinic/version" -> data key
}

// SetMasterKey gives the store the key that wraps the clinics' data keys.
// Without it, writing or reading a sealed column fails.
func (s *Store) SetMasterKey(master []byte) error {
	if len(master) != seal.KeySize {
		return fmt.Errorf("store: master key is %d bytes, want %d", len(master), seal.KeySize)
	}
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	s.keys.master = append([]byte(nil), master...)
	s.keys.data = map[string][]byte{}
	return nil
}

func (k *keyring) cached(clinicID string, version int) ([]byte, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	key, ok := k.data[fmt.Sprintf("%s/%d", clinicID, version)]
	return key, ok
}

func (k *keyring) remember(clinicID string, version int, key []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.data[fmt.Sprintf("%s/%d", clinicID, version)] = key
}

func (k *keyring) masterKey() ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.master == nil {
		return nil, fmt.Errorf("store: no master key set: sealed columns cannot be used")
	}
	return k.master, nil
}

// dataKey loads (and caches) one version of a clinic's data key.
func (t *Tx) dataKey(ctx context.Context, clinicID string, version int) ([]byte, error) {
	if k, ok := t.s.keys.cached(clinicID, version); ok {
		return k, nil
	}
	master, err := t.s.keys.masterKey()
	if err != nil {
		return nil, err
	}
	var wrapped string
	if err := t.queryRow(ctx, `SELECT wrapped_key FROM clinic_keys WHERE clinic_id = ? AND version = ?`, clinicID, version).Scan(&wrapped); err != nil {
		return nil, fmt.Errorf("store: data key %d of clinic %s: %w", version, clinicID, err)
	}
	k, err := seal.Unwrap(master, wrapped, clinicID, version)
	if err != nil {
		return nil, fmt.Errorf("store: data key %d of clinic %s does not unwrap with this master key", version, clinicID)
	}
	t.s.keys.remember(clinicID, version, k)
	return k, nil
}

// currentKey is the clinic's newest data key, made on first use.
func (t *Tx) currentKey(ctx context.Context, clinicID string) ([]byte, int, error) {
	if v, ok := t.newestKey[clinicID]; ok {
		k, err := t.dataKey(ctx, clinicID, v)
		return k, v, err
	}
	var version int
	err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM clinic_keys WHERE clinic_id = ?`, clinicID).Scan(&version)
	if err != nil {
		return nil, 0, err
	}
	if version == 0 {
		// Two first seals in a clinic at once would both make key 1; the
		// lock makes the second wait and find the first one's key.
		if err := t.lockClinic(ctx, "keys", clinicID); err != nil {
			return nil, 0, err
		}
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM clinic_keys WHERE clinic_id = ?`, clinicID).Scan(&version); err != nil {
			return nil, 0, err
		}
		if version == 0 {
			return t.addDataKey(ctx, clinicID, 1)
		}
	}
	k, err := t.dataKey(ctx, clinicID, version)
	if err == nil {
		t.rememberNewestKey(clinicID, version)
	}
	return k, version, err
}

func (t *Tx) rememberNewestKey(clinicID string, version int) {
	if t.newestKey == nil {
		t.newestKey = map[string]int{}
	}
	t.newestKey[clinicID] = version
}

func (t *Tx) addDataKey(ctx context.Context, clinicID string, version int) ([]byte, int, error) {
	master, err := t.s.keys.masterKey()
	if err != nil {
		return nil, 0, err
	}
	k := seal.NewKey()
	wrapped, err := seal.Wrap(master, k, clinicID, version)
	if err != nil {
		return nil, 0, err
	}
	if _, err := t.exec(ctx, `INSERT INTO clinic_keys (clinic_id, version, wrapped_key, created_at) VALUES (?, ?, ?, ?)`,
		clinicID, version, wrapped, time.Now()); err != nil {
		return nil, 0, err
	}
	t.s.keys.remember(clinicID, version, k)
	t.rememberNewestKey(clinicID, version)
	return k, version, nil
}

// sealText encrypts a sensitive value for one row's column. Empty stays empty,
// so "nothing written" needs no key.
func (t *Tx) sealText(ctx context.Context, b seal.Binding, plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	k, v, err := t.currentKey(ctx, b.ClinicID)
	if err != nil {
		return "", err
	}
	return seal.Seal(k, v, b, plaintext)
}

// openText decrypts a value sealed by sealText.
func (t *Tx) openText(ctx context.Context, b seal.Binding, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	v, err := seal.Version(sealed)
	if err != nil {
		return "", fmt.Errorf("store: %s.%s of %s is not a sealed value", b.Table, b.Column, b.RowID)
	}
	k, err := t.dataKey(ctx, b.ClinicID, v)
	if err != nil {
		return "", err
	}
	pt, err := seal.Open(k, b, sealed)
	if err != nil {
		return "", fmt.Errorf("store: %s.%s of %s does not open: %w", b.Table, b.Column, b.RowID, err)
	}
	return pt, nil
}

// RotateClinicKey adds a new data key for a clinic; new writes use it, and
// values sealed under older versions stay readable.
func (t *Tx) RotateClinicKey(ctx context.Context, clinicID string) (int, error) {
	var version int
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM clinic_keys WHERE clinic_id = ?`, clinicID).Scan(&version); err != nil {
		return 0, err
	}
	_, v, err := t.addDataKey(ctx, clinicID, version+1)
	return v, err
}

// RewrapKeys wraps every clinic data key under a new master key, in one
// transaction: the master key rotates without touching a single sealed value.
// The store uses the new master key once this returns.
func (s *Store) RewrapKeys(ctx context.Context, newMaster []byte) error {
	if len(newMaster) != seal.KeySize {
		return fmt.Errorf("store: new master key is %d bytes, want %d", len(newMaster), seal.KeySize)
	}
	old, err := s.keys.masterKey()
	if err != nil {
		return err
	}
	err = s.Write(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT clinic_id, version, wrapped_key FROM clinic_keys`)
		if err != nil {
			return err
		}
		type row struct {
			clinic  string
			version int
			wrapped string
		}
		all, err := scanAll(rows, func(r *row) error { return rows.Scan(&r.clinic, &r.version, &r.wrapped) })
		if err != nil {
			return err
		}
		for _, r := range all {
			k, err := seal.Unwrap(old, r.wrapped, r.clinic, r.version)
			if err != nil {
				return fmt.Errorf("store: data key %d of clinic %s does not unwrap with the current master key", r.version, r.clinic)
			}
			w, err := seal.Wrap(newMaster, k, r.clinic, r.version)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE clinic_keys SET wrapped_key = ? WHERE clinic_id = ? AND version = ?`, w, r.clinic, r.version); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.SetMasterKey(newMaster)
}

// PurposeKey derives a key for one purpose (such as signing a form's start
// time) from the master key, so every instance sharing the master key derives
// the same one and the master key itself is never used for two things.
func (s *Store) PurposeKey(purpose string) ([]byte, error) {
	master, err := s.keys.masterKey()
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, master)
	m.Write([]byte("doorway purpose key: " + purpose))
	return m.Sum(nil), nil
}

// openOrClear opens a value of a column sealed since migration 0020, or
// returns as it was written a value stored in clear before then. Rows written
// earlier cannot all be sealed in place (a signed session record and an
// acknowledged alert refuse UPDATE by design), so both forms are read; every
// new write is sealed. A value that names a key version but does not open is
// an error, as for any sealed column.
func (t *Tx) openOrClear(ctx context.Context, b seal.Binding, stored string) (string, error) {
	if _, err := seal.Version(stored); err != nil {
		return stored, nil
	}
	return t.openText(ctx, b, stored)
}
