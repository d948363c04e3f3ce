package auth

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func mustHash(t *testing.T, h *Hasher, password string) string {
	t.Helper()
	enc, err := h.Hash(context.Background(), password)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	return enc
}

func mustVerify(t *testing.T, h *Hasher, password, encoded string) bool {
	t.Helper()
	ok, err := h.Verify(context.Background(), password, encoded)
	if err != nil {
		t.Fatalf("Verify(%q): %v", encoded, err)
	}
	return ok
}

func TestHashFormatAndRoundTrip(t *testing.T) {
	h := NewHasher(2)
	enc := mustHash(t, h, "correct horse battery staple")

	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(enc, prefix) {
		t.Fatalf("hash %q does not start with %q", enc, prefix)
	}
	parts := strings.Split(enc, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes, unpadded base64
		t.Errorf("salt %q or key %q has the wrong length", parts[4], parts[5])
	}
	// The key is exactly argon2id of the password with the stored salt: the
	// string is readable by any other argon2id implementation.
	salt, _ := b64.DecodeString(parts[4])
	want := argon2.IDKey([]byte("correct horse battery staple"), salt, 2, 19456, 1, 32)
	if b64.EncodeToString(want) != parts[5] {
		t.Errorf("stored key is not argon2id(password, salt, t=2, m=19456, p=1)")
	}

	if !mustVerify(t, h, "correct horse battery staple", enc) {
		t.Error("the right password did not verify")
	}
	if mustVerify(t, h, "correct horse battery stapl", enc) {
		t.Error("a wrong password verified")
	}
	if mustVerify(t, h, "", enc) {
		t.Error("the empty password verified")
	}
	if again := mustHash(t, h, "correct horse battery staple"); again == enc {
		t.Error("two hashes of one password are identical: the salt is not random")
	}
}

func TestVerifyTamperedHash(t *testing.T) {
	// Cheap parameters: these cases are about the encoding, not the cost.
	p := params{memory: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}
	h := newHasher(1, p)
	enc := hashWith("a good long password", p)
	if !mustVerify(t, h, "a good long password", enc) {
		t.Fatal("untampered hash did not verify")
	}
	parts := strings.Split(enc, "$")
	flip := func(s string) string { // change the first character to another valid one
		c := byte('A')
		if s[0] == 'A' {
			c = 'B'
		}
		return string(c) + s[1:]
	}
	wrong := map[string]string{
		"salt changed":   strings.Join([]string{"", parts[1], parts[2], parts[3], flip(parts[4]), parts[5]}, "$"),
		"key changed":    strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], flip(parts[5])}, "$"),
		"memory changed": strings.Replace(enc, "m=64,", "m=72,", 1),
		"passes changed": strings.Replace(enc, "t=1,", "t=2,", 1),
	}
	for name, enc := range wrong {
		if mustVerify(t, h, "a good long password", enc) {
			t.Errorf("%s: still verified", name)
		}
	}

	malformed := map[string]string{
		"empty":             "",
		"argon2i":           strings.Replace(enc, "$argon2id$", "$argon2i$", 1),
		"bcrypt":            "$2a$10$abcdefghijklmnopqrstuu5Gq6y3fNm4hH1c8V1fXr4c1Q9nV9yO",
		"old version":       strings.Replace(enc, "v=19", "v=16", 1),
		"no version":        strings.Replace(enc, "$v=19", "", 1),
		"params reordered":  strings.Replace(enc, "m=64,t=1,p=1", "t=1,m=64,p=1", 1),
		"params missing":    strings.Replace(enc, "m=64,t=1,p=1", "m=64,t=1", 1),
		"param sign":        strings.Replace(enc, "t=1", "t=+1", 1),
		"zero passes":       strings.Replace(enc, "t=1", "t=0", 1),
		"zero lanes":        strings.Replace(enc, "p=1", "p=0", 1),
		"4 GiB":             strings.Replace(enc, "m=64", "m=4194304", 1),
		"too many passes":   strings.Replace(enc, "t=1", "t=1000", 1),
		"salt not base64":   strings.Replace(enc, parts[4], "!!!!", 1),
		"short key":         strings.Replace(enc, parts[5], parts[5][:10], 1),
		"padded key":        strings.Replace(enc, parts[5], parts[5]+"=", 1),
		"non-canonical key": strings.Replace(enc, parts[5], parts[5][:42]+nextB64(parts[5][42]), 1),
		"trailing field":    enc + "$x",
	}
	for name, enc := range malformed {
		if ok, err := h.Verify(context.Background(), "a good long password", enc); ok || err == nil {
			t.Errorf("%s: Verify = %v, %v; want an error", name, ok, err)
		}
	}
}

// nextB64 returns the base64 character after c, which for the last character
// of a 32-byte key differs only in bits that encode nothing.
func nextB64(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}

func TestVerifyReadsParamsFromTheString(t *testing.T) {
	// A hash made under other (here weaker, and multi-lane) parameters still
	// verifies with a Hasher set to the current ones, so raising the
	// parameters never locks anyone out.
	old := params{memory: 8 * 1024, time: 1, threads: 2, saltLen: 16, keyLen: 32}
	enc := hashWith("an older password", old)
	if !strings.Contains(enc, "$m=8192,t=1,p=2$") {
		t.Fatalf("hash %q does not record its parameters", enc)
	}
	h := NewHasher(1)
	if !mustVerify(t, h, "an older password", enc) {
		t.Error("hash made with other parameters did not verify")
	}
	if mustVerify(t, h, "another password", enc) {
		t.Error("wrong password verified against an old hash")
	}
}

func TestNeedsRehash(t *testing.T) {
	p := current
	weaker := func(f func(*params)) string {
		q := p
		f(&q)
		return encodeHash(q, make([]byte, q.saltLen), make([]byte, q.keyLen))
	}
	cases := []struct {
		name    string
		encoded string
		want    bool
	}{
		{"current", weaker(func(*params) {}), false},
		{"more memory", weaker(func(q *params) { q.memory *= 2 }), false},
		{"more passes", weaker(func(q *params) { q.time++ }), false},
		{"less memory", weaker(func(q *params) { q.memory /= 2 }), true},
		{"fewer passes", weaker(func(q *params) { q.time = 1 }), true},
		{"shorter salt", weaker(func(q *params) { q.saltLen = 8 }), true},
		{"shorter key", weaker(func(q *params) { q.keyLen = 16 }), true},
		{"malformed", "$argon2id$nonsense", true},
		{"empty", "", true},
	}
	for _, c := range cases {
		if got := NeedsRehash(c.encoded); got != c.want {
			t.Errorf("%s: NeedsRehash(%q) = %v, want %v", c.name, c.encoded, got, c.want)
		}
	}
}

// FuzzDecodeHash checks that no stored string, however mangled, makes the
// parser panic or accept parameters a server cannot afford.
func FuzzDecodeHash(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$$")
	f.Add("$argon2id$v=19$m=,t=,p=$x$y")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodeHash(s)
		if err != nil {
			return
		}
		if p.memory > maxMemory || p.time > maxTime || p.time < 1 || p.threads < 1 ||
			len(salt) < minSaltLen || len(key) < minKeyLen || len(key) > maxKeyLen {
			t.Fatalf("accepted out-of-bounds hash %q: %+v", s, p)
		}
	})
}
