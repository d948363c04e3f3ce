// Package seal encrypts the most sensitive free text (session notes,
// psychotherapy notes, journal entries, screening answers) before it reaches
// the database. Each clinic has its own data keys; each data key is stored
// wrapped by the installation's master key. Every ciphertext is bound to the
// clinic, table, column and row it belongs to, so a ciphertext copied to
// another row (or another clinic) fails to open rather than showing the wrong
// person's words.
//
// The format of a sealed value is "s1.<key version>.<base64 nonce||ciphertext>":
// short, ASCII, and self-describing enough to rotate keys without downtime
// (old versions stay readable; new writes use the newest).
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// KeySize is the size of master and data keys: AES-256.
const KeySize = 32

// ErrOpen means a sealed value could not be opened: wrong key, tampered bytes,
// or a value moved from where it was sealed.
var ErrOpen = errors.New("seal: the value could not be decrypted")

// Binding says where a sealed value lives. It is authenticated, not secret.
type Binding struct {
	ClinicID string
	Table    string
	Column   string
	RowID    string
}

func (b Binding) aad() []byte {
	// Length-prefixed so that no two bindings share an encoding.
	var s strings.Builder
	for _, part := range []string{"doorway.seal.v1", b.ClinicID, b.Table, b.Column, b.RowID} {
		s.WriteString(strconv.Itoa(len(part)))
		s.WriteByte(':')
		s.WriteString(part)
	}
	return []byte(s.String())
}

// NewKey returns a fresh random key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
	return k
}

func gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("seal: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func encrypt(key, aad, plaintext []byte) ([]byte, error) {
	a, err := gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return a.Seal(nonce, nonce, plaintext, aad), nil
}

func decrypt(key, aad, data []byte) ([]byte, error) {
	a, err := gcm(key)
	if err != nil {
		return nil, err
	}
	if len(data) < a.NonceSize()+a.Overhead() {
		return nil, ErrOpen
	}
	out, err := a.Open(nil, data[:a.NonceSize()], data[a.NonceSize():], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// Seal encrypts plaintext under the data key of the given version.
func Seal(dataKey []byte, version int, b Binding, plaintext string) (string, error) {
	ct, err := encrypt(dataKey, b.aad(), []byte(plaintext))
	if err != nil {
		return "", err
	}
	return "s1." + strconv.Itoa(version) + "." + base64.RawStdEncoding.EncodeToString(ct), nil
}

// Version reads which data key sealed a value.
func Version(sealed string) (int, error) {
	rest, ok := strings.CutPrefix(sealed, "s1.")
	if !ok {
		return 0, ErrOpen
	}
	v, _, ok := strings.Cut(rest, ".")
	n, err := strconv.Atoi(v)
	if !ok || err != nil || n < 1 {
		return 0, ErrOpen
	}
	return n, nil
}

// Open decrypts a sealed value with the data key of the version it names.
func Open(dataKey []byte, b Binding, sealed string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, "s1.")
	if !ok {
		return "", ErrOpen
	}
	_, enc, ok := strings.Cut(rest, ".")
	if !ok {
		return "", ErrOpen
	}
	ct, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil {
		return "", ErrOpen
	}
	pt, err := decrypt(dataKey, b.aad(), ct)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// Wrap encrypts a clinic's data key under the master key, bound to the clinic
// and version so a wrapped key cannot be swapped between clinics.
func Wrap(master, dataKey []byte, clinicID string, version int) (string, error) {
	ct, err := encrypt(master, wrapAAD(clinicID, version), dataKey)
	if err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(ct), nil
}

// Unwrap recovers a data key.
func Unwrap(master []byte, wrapped, clinicID string, version int) ([]byte, error) {
	ct, err := base64.RawStdEncoding.DecodeString(wrapped)
	if err != nil {
		return nil, ErrOpen
	}
	return decrypt(master, wrapAAD(clinicID, version), ct)
}

func wrapAAD(clinicID string, version int) []byte {
	return Binding{ClinicID: clinicID, Table: "clinic_keys", Column: "wrapped_key", RowID: strconv.Itoa(version)}.aad()
}
