package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Device cookies (OWASP, "Blocking Brute Force Attacks"): a browser that
// signed in to an account with the right password keeps a random secret
// for it, signed with a key of the server's. The server stores only the
// secret's hash, bound to the account, and lets a right password from
// that browser through while sign-ins to the account from anywhere else
// are throttled. The signature lets a forged or mangled cookie be set
// aside without a database look-up.
//
// One browser may be shared (a front desk), so the cookie holds the
// devices of up to MaxDeviceAccounts accounts, newest first.

// MaxDeviceAccounts is how many accounts one browser's cookie remembers.
const MaxDeviceAccounts = 4

// deviceSep separates a cookie's entries; it is not in base64url, and it
// may stand in a cookie value unquoted.
const deviceSep = "~"

// deviceMACLen is how much of the HMAC a cookie carries: 128 bits.
const deviceMACLen = 16

// DeviceCookie is the cookie holding the device secrets given (from
// NewSecret), newest first, each signed under key; past MaxDeviceAccounts
// the oldest are left out.
func DeviceCookie(key []byte, secrets ...string) string {
	var entries []string
	for _, secret := range secrets {
		if len(entries) == MaxDeviceAccounts {
			break
		}
		entries = append(entries, secret+"."+base64.RawURLEncoding.EncodeToString(deviceMAC(key, secret)))
	}
	return strings.Join(entries, deviceSep)
}

func deviceMAC(key []byte, secret string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("doorway device|" + secret))
	return m.Sum(nil)[:deviceMACLen]
}

// DeviceSecrets are the secrets of a cookie's entries whose signature
// under key checks out, newest first; the rest are ignored.
func DeviceSecrets(key []byte, cookie string) []string {
	var out []string
	for i, entry := range strings.Split(cookie, deviceSep) {
		if i == MaxDeviceAccounts {
			break
		}
		secret, mac, ok := strings.Cut(entry, ".")
		if !ok || len(secret) > 64 {
			continue
		}
		got, err := base64.RawURLEncoding.DecodeString(mac)
		if err == nil && hmac.Equal(got, deviceMAC(key, secret)) {
			out = append(out, secret)
		}
	}
	return out
}
