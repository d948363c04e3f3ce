package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"unicode"
)

// RecoveryCodeCount is how many recovery codes an account is given at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet is Crockford's base32 in lower case: 32 symbols, so each
// character carries exactly 5 bits, without i, l, o or u, which are read
// as 1, 1, 0 or confused with v. Twelve characters make 60 bits per code:
// too many to guess within the sign-in throttle, which is what lets the codes
// be stored under a fast hash.
const (
	recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	recoveryLen      = 12
	recoveryGroup    = 4
)

// NewRecoveryCodes returns RecoveryCodeCount fresh codes to show the person
// once, formatted xxxx-xxxx-xxxx, and their hashes, in the same order, for the
// store. The codes themselves must not be stored.
func NewRecoveryCodes() (codes, hashes []string) {
	codes = make([]string, RecoveryCodeCount)
	hashes = make([]string, RecoveryCodeCount)
	for i := range codes {
		raw := make([]byte, recoveryLen)
		rand.Read(raw) // never fails (crypto/rand, Go 1.24+)
		var b strings.Builder
		for j, x := range raw {
			if j > 0 && j%recoveryGroup == 0 {
				b.WriteByte('-')
			}
			// 256 is a multiple of 32, so masking to 5 bits keeps every
			// symbol equally likely.
			b.WriteByte(recoveryAlphabet[x&31])
		}
		codes[i] = b.String()
		hashes[i] = HashRecoveryCode(codes[i])
	}
	return codes, hashes
}

// normaliseRecoveryCode reduces a typed code to its canonical symbols:
// lower case, without spaces or dashes, and with the look-alikes Crockford's
// alphabet leaves out read as the symbols they resemble.
func normaliseRecoveryCode(typed string) string {
	return strings.Map(func(r rune) rune {
		switch r = unicode.ToLower(r); {
		case unicode.IsSpace(r) || r == '-':
			return -1
		case r == 'o':
			return '0'
		case r == 'i' || r == 'l':
			return '1'
		}
		return r
	}, typed)
}

// HashRecoveryCode is the stored form of a recovery code: SHA-256 (hex) of its
// normalised symbols. A fast hash is enough because each code carries 60
// random bits; argon2 would add nothing but cost.
func HashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte(normaliseRecoveryCode(code)))
	return hex.EncodeToString(sum[:])
}

// MatchRecoveryCode reports which of the stored hashes, if any, the typed
// code matches, ignoring case, spaces and dashes. The caller marks that one
// used (in the same transaction as the sign-in) so that it works only once.
// Every hash is compared, so the time taken does not say which one matched.
func MatchRecoveryCode(typed string, hashes []string) (index int, ok bool) {
	norm := normaliseRecoveryCode(typed)
	if len(norm) != recoveryLen {
		return -1, false
	}
	h := []byte(HashRecoveryCode(norm))
	index = -1
	for i, stored := range hashes {
		if subtle.ConstantTimeCompare(h, []byte(stored)) == 1 && index < 0 {
			index = i
		}
	}
	return index, index >= 0
}
