package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
)

// idEncoding writes record ids: RFC 4648 base32 in lower case, unpadded.
// Lower case because ids appear in URLs and are sometimes read aloud or typed;
// base32 rather than hex because 26 characters are shorter than 32.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

const (
	idBytes     = 16 // 128 bits: unguessable, so an id in a URL reveals nothing and finds nothing
	secretBytes = 32 // 256 bits
	// IDLen is the length of every id NewID returns.
	IDLen = 26
)

// NewID returns a random 128-bit record id: 26 characters of [a-z2-7].
// Ids are for naming records in URLs, not for proving anything; use NewSecret
// for that.
func NewID() string {
	b := make([]byte, idBytes)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return idEncoding.EncodeToString(b)
}

// ValidID reports whether s is spelt as NewID spells ids, so that a malformed
// id from a URL can be answered "not found" without a database round trip.
func ValidID(s string) bool {
	if len(s) != IDLen {
		return false
	}
	b, err := idEncoding.DecodeString(s)
	// Re-encoding refuses the spellings that differ only in the unused low
	// bits of the last character, so each id has exactly one.
	return err == nil && len(b) == idBytes && idEncoding.EncodeToString(b) == s
}

// NewSecret returns a random 256-bit token for a session cookie, an API bearer
// token, or an invitation or password-reset link: 43 characters of URL-safe
// base64 without padding. Only HashSecret(token) is stored; the token itself
// is given out once.
func NewSecret() string {
	b := make([]byte, secretBytes)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is the stored form of a token from NewSecret: SHA-256, hex. The
// token has 256 bits of entropy, so a fast unsalted hash is enough, and it
// lets the store look the token up by its hash. A stolen copy of the
// database then holds nothing that signs anyone in.
func HashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SecretMatches reports whether token hashes to storedHash, in constant time,
// for the places that hold a hash already rather than looking one up.
func SecretMatches(token, storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashSecret(token)), []byte(storedHash)) == 1
}
