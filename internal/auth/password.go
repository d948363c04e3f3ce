package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// params are argon2id cost parameters. Memory is in KiB.
type params struct {
	memory  uint32
	time    uint32
	threads uint8
	saltLen int
	keyLen  int
}

// current are the parameters new hashes are made with: the OWASP minimum for
// argon2id (19 MiB, 2 passes, 1 lane). They live only here so that raising
// them is a one-line change; stored hashes carry their own parameters, verify
// as before, and NeedsRehash tells the caller to re-hash at the next sign-in.
var current = params{memory: 19 * 1024, time: 2, threads: 1, saltLen: 16, keyLen: 32}

// Bounds on parameters read back from a stored hash. A row edited to ask for
// 4 GiB per verification would otherwise take the server down at the next
// sign-in attempt.
const (
	maxMemory  = 1 << 20 // KiB, i.e. 1 GiB
	maxTime    = 64
	minSaltLen = 8
	minKeyLen  = 16
	maxKeyLen  = 64
)

// b64 is the PHC string format's base64: standard alphabet, no padding.
// Strict, so that a string with altered unused trailing bits is refused rather
// than silently decoded to the same bytes.
var b64 = base64.RawStdEncoding.Strict()

var errMalformedHash = errors.New("auth: malformed password hash")

// derive is the argon2id key derivation; a variable only so that the tests
// can count how many derivations run at once without paying for real ones.
var derive = func(password, salt []byte, p params) []byte {
	return argon2.IDKey(password, salt, p.time, p.memory, p.threads, uint32(p.keyLen))
}

// encodeHash writes the PHC string
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>.
func encodeHash(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash parses a PHC string made by encodeHash (or by any argon2id
// implementation using the same format), checking that its parameters are
// within bounds a server can afford.
func decodeHash(encoded string) (p params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", errMalformedHash, parts[2])
	}
	if p, err = decodeParams(parts[3]); err != nil {
		return p, nil, nil, err
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < minSaltLen {
		return p, nil, nil, fmt.Errorf("%w: bad salt", errMalformedHash)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, fmt.Errorf("%w: bad key", errMalformedHash)
	}
	p.saltLen, p.keyLen = len(salt), len(key)
	return p, salt, key, nil
}

// decodeParams parses "m=19456,t=2,p=1", in that order, as the reference
// implementation writes it.
func decodeParams(s string) (params, error) {
	var p params
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return p, fmt.Errorf("%w: bad parameters", errMalformedHash)
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return p, fmt.Errorf("%w: bad parameters", errMalformedHash)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, fmt.Errorf("%w: bad parameters", errMalformedHash)
		}
		vals[i] = n
	}
	m, t, l := vals[0], vals[1], vals[2]
	if l < 1 || l > 255 || t < 1 || t > maxTime || m < 8*l || m > maxMemory {
		return p, fmt.Errorf("%w: parameters out of range", errMalformedHash)
	}
	return params{memory: uint32(m), time: uint32(t), threads: uint8(l)}, nil
}

// hashWith hashes password under p with a fresh random salt.
func hashWith(password string, p params) string {
	salt := make([]byte, p.saltLen)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24+)
	return encodeHash(p, salt, derive([]byte(password), salt, p))
}

// verifyHash reports whether password matches encoded. An error means the
// stored string is unusable, which is a fault in the data, not a wrong password.
func verifyHash(password, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := derive([]byte(password), salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker parameters than
// those new hashes use (or cannot be read at all), so that the caller, having
// just verified the password, should store a fresh hash of it.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	if err != nil {
		return true
	}
	return p.memory < current.memory || p.time < current.time || p.threads < current.threads ||
		p.saltLen < current.saltLen || p.keyLen < current.keyLen
}
