package auth

import (
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"doorway/internal/problem"
)

// TOTP settings are the ones every authenticator app assumes (RFC 6238
// defaults): 30-second steps, 6 digits, HMAC-SHA1, a 160-bit secret.
const (
	totpIssuer     = "Doorway"
	totpPeriod     = 30
	totpSkew       = 1 // steps either side, for clocks that drift and people who type slowly
	totpSecretSize = 20
	// minTOTPSecretLen is the shortest secret CheckTOTP will use, in base32
	// characters: 80 bits, the least any authenticator has issued.
	minTOTPSecretLen = 16
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Errors from CheckTOTP, safe to show.
var (
	ErrTOTPWrong  = &problem.Error{Code: problem.Unauthorized, Message: "That code did not match. Check that you are reading the Doorway entry in your authenticator app and try again."}
	ErrTOTPReused = &problem.Error{Code: problem.Unauthorized, Message: "That code has already been used. Please wait for the next code and enter it."}
)

// NewTOTP makes a second-factor secret for the account with this email. The
// secret (base32) is what the store keeps; the otpauth:// URL is what the
// person scans (as a QR code) or opens to enrol an authenticator app.
func NewTOTP(email string) (secret, url string, err error) {
	key, err := totpKey(email, nil)
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// TOTPURL rebuilds the otpauth:// URL for a secret NewTOTP made, for showing
// an enrolment again (a page reloaded before the first code was entered)
// without hand-building a URL that must escape the email.
func TOTPURL(secret, email string) (string, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil || len(raw) == 0 {
		return "", errors.New("auth: malformed TOTP secret")
	}
	key, err := totpKey(email, raw)
	if err != nil {
		return "", err
	}
	return key.URL(), nil
}

// totpKey makes the key for email, with the given secret or, if nil, a new one.
func totpKey(email string, secret []byte) (*otp.Key, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      totpIssuer,
		AccountName: email,
		Period:      totpPeriod,
		SecretSize:  totpSecretSize,
		Secret:      secret,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: making TOTP key: %w", err)
	}
	return key, nil
}

// TOTPStep is the RFC 6238 time step that t falls in.
func TOTPStep(t time.Time) int64 {
	u := t.Unix()
	s := u / totpPeriod
	if u < 0 && u%totpPeriod != 0 {
		s-- // floor, not truncation, before 1970
	}
	return s
}

// CheckTOTP checks a typed code against secret at time now, accepting the
// codes of the step before and after as well as the current one. It returns
// the step the code belongs to; the caller stores it as the account's last
// used step and passes it back as lastStep next time (0 for never), so that
// a code, once used, cannot be used again, nor can any earlier one
// (RFC 6238 §5.2). Spaces and dashes in the typed code are ignored.
//
// A malformed secret is an internal error; a wrong or reused code is
// ErrTOTPWrong or ErrTOTPReused.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (int64, error) {
	// An empty secret is a valid HMAC key whose codes anyone can compute, so
	// an account without a second factor must never get this far.
	if len(strings.TrimSpace(secret)) < minTOTPSecretLen {
		return 0, errors.New("auth: TOTP secret missing or too short")
	}
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != totpOpts.Digits.Length() || strings.Trim(code, "0123456789") != "" {
		return 0, ErrTOTPWrong
	}
	cur := TOTPStep(now)
	var matched int64 = -1
	reused := false
	// Every candidate step is computed and compared, matched or not, so the
	// time taken does not depend on which one matched.
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts) // #nosec G115 -- step is the Unix time in 30-second steps, positive for any clock after 1970
		if err != nil {
			return 0, fmt.Errorf("auth: checking TOTP code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if step > lastStep {
				matched = step // the latest step wins if a code happens to match two
			} else {
				reused = true
			}
		}
	}
	switch {
	case matched >= 0:
		return matched, nil
	case reused:
		return 0, ErrTOTPReused
	default:
		return 0, ErrTOTPWrong
	}
}
