package auth

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestNewID(t *testing.T) {
	format := regexp.MustCompile(`^[a-z2-7]{26}$`)
	seen := make(map[string]bool)
	for range 10000 {
		id := NewID()
		if !format.MatchString(id) || !ValidID(id) {
			t.Fatalf("id %q is not 26 lowercase base32 characters", id)
		}
		if seen[id] {
			t.Fatalf("id %q issued twice", id)
		}
		seen[id] = true
	}
}

func TestValidID(t *testing.T) {
	id := NewID()
	// The last character carries 3 bits; its 2 low bits are padding, and an
	// id with them set decodes to the same bytes under another spelling.
	last := strings.IndexByte("abcdefghijklmnopqrstuvwxyz234567", id[25])
	respelt := id[:25] + string("abcdefghijklmnopqrstuvwxyz234567"[last|1])
	bad := []string{"", id[:25], id + "a", strings.ToUpper(id), id[:25] + "1", id[:25] + "8", id[:24] + "=a", respelt, "../../etc/passwd"}
	for _, s := range bad {
		if ValidID(s) {
			t.Errorf("ValidID(%q) = true", s)
		}
	}
}

func TestNewSecret(t *testing.T) {
	format := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	seen := make(map[string]bool)
	for range 10000 {
		s := NewSecret()
		if !format.MatchString(s) {
			t.Fatalf("secret %q is not 43 URL-safe characters", s)
		}
		if b, err := base64.RawURLEncoding.DecodeString(s); err != nil || len(b) != 32 {
			t.Fatalf("secret %q does not decode to 256 bits", s)
		}
		if seen[s] {
			t.Fatalf("secret %q issued twice", s)
		}
		seen[s] = true
	}
}

func TestHashSecret(t *testing.T) {
	// SHA-256("abc"), FIPS 180-2 appendix B.1.
	if got := HashSecret("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashSecret(abc) = %s", got)
	}
	s := NewSecret()
	h := HashSecret(s)
	if h == s || len(h) != 64 || h != strings.ToLower(h) {
		t.Errorf("HashSecret(%q) = %q", s, h)
	}
	if !SecretMatches(s, h) {
		t.Error("a secret does not match its own hash")
	}
	if SecretMatches(NewSecret(), h) || SecretMatches(s, h[:63]) || SecretMatches(s, "") {
		t.Error("SecretMatches accepted a wrong token or hash")
	}
}
