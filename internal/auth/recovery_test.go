package auth

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var recoveryFormat = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)

func TestNewRecoveryCodes(t *testing.T) {
	codes, hashes := NewRecoveryCodes()
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes and %d hashes, want 10 of each", len(codes), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if !recoveryFormat.MatchString(c) {
			t.Errorf("code %q is not xxxx-xxxx-xxxx in the unambiguous alphabet", c)
		}
		if seen[c] {
			t.Errorf("code %q issued twice", c)
		}
		seen[c] = true
		if hashes[i] != HashRecoveryCode(c) || len(hashes[i]) != 64 || strings.Contains(hashes[i], c) {
			t.Errorf("hash %q of code %q is not its SHA-256", hashes[i], c)
		}
	}
	// 32 distinct symbols, 5 bits each.
	if len(recoveryAlphabet) != 32 || recoveryLen*5 < 60 {
		t.Errorf("codes carry %d bits, want at least 60", recoveryLen*5)
	}
	for _, r := range recoveryAlphabet {
		if strings.Count(recoveryAlphabet, string(r)) != 1 || strings.ContainsRune("ilou", r) {
			t.Errorf("alphabet symbol %q is repeated or ambiguous", r)
		}
	}
}

func TestMatchRecoveryCode(t *testing.T) {
	codes, hashes := NewRecoveryCodes()
	c := codes[6]
	typed := map[string]string{
		"as shown":       c,
		"upper case":     strings.ToUpper(c),
		"without dashes": strings.ReplaceAll(c, "-", ""),
		"spaces":         strings.ReplaceAll(c, "-", " "),
		"loose spacing":  "  " + strings.ReplaceAll(strings.ToUpper(c), "-", " - ") + "\n",
	}
	for name, s := range typed {
		if i, ok := MatchRecoveryCode(s, hashes); !ok || i != 6 {
			t.Errorf("%s: MatchRecoveryCode(%q) = %d, %v; want 6, true", name, s, i, ok)
		}
	}
	for _, s := range []string{"", "0000-0000-0000", c[:13], c + "x", strings.Replace(c, c[:1], nextSymbol(c[0]), 1)} {
		if i, ok := MatchRecoveryCode(s, hashes); ok {
			t.Errorf("MatchRecoveryCode(%q) matched %d", s, i)
		}
	}
	if _, ok := MatchRecoveryCode(c, nil); ok {
		t.Error("matched against no stored hashes")
	}
}

func nextSymbol(b byte) string {
	i := strings.IndexByte(recoveryAlphabet, b)
	return string(recoveryAlphabet[(i+1)%len(recoveryAlphabet)])
}

func TestRecoveryCodeLookAlikes(t *testing.T) {
	// O for 0 and I or L for 1 are what people misread; they still match.
	hashes := []string{HashRecoveryCode("0011-abcd-ef01")}
	for _, s := range []string{"OOil-ABCD-EFOL", "ooII abcd efol"} {
		if _, ok := MatchRecoveryCode(s, hashes); !ok {
			t.Errorf("%q did not match 0011-abcd-ef01", s)
		}
	}
}

func TestRecoveryCodeSingleUse(t *testing.T) {
	codes, hashes := NewRecoveryCodes()
	i, ok := MatchRecoveryCode(codes[3], hashes)
	if !ok {
		t.Fatal("fresh code did not match")
	}
	// The store marks the matched hash used, so it is no longer offered.
	hashes = slices.Delete(hashes, i, i+1)
	if _, ok := MatchRecoveryCode(codes[3], hashes); ok {
		t.Error("a used code matched again")
	}
	for j, c := range codes {
		if j == 3 {
			continue
		}
		if _, ok := MatchRecoveryCode(c, hashes); !ok {
			t.Errorf("unused code %d stopped matching", j)
		}
	}
}
