package audit

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustKey(t *testing.T) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return priv, PublicKey(priv)
}

func mustCheckpoint(t *testing.T, e Entry, priv ed25519.PrivateKey) Checkpoint {
	t.Helper()
	cp, err := SignCheckpoint(Checkpoint{Seq: e.Seq, Hash: e.Hash, Time: e.Time.Add(time.Minute)}, priv)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// expect returns a verifyAll option that checks against checkpoints.
func expect(pub ed25519.PublicKey, cps ...Checkpoint) func(*Verifier) error {
	return func(v *Verifier) error { return v.Expect(pub, cps...) }
}

func TestCheckpointSignature(t *testing.T) {
	priv, pub := mustKey(t)
	e := mustChain(t, 3)[2]
	in := Checkpoint{Seq: e.Seq, Hash: e.Hash, Time: time.Date(2026, 3, 14, 12, 0, 0, 999, time.FixedZone("CET", 3600))}
	cp, err := SignCheckpoint(in, priv)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Time != time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC) {
		t.Errorf("checkpoint time %v, want UTC microseconds", cp.Time)
	}
	if err := VerifyCheckpoint(cp, pub); err != nil {
		t.Fatalf("fresh checkpoint: %v", err)
	}

	tampered := map[string]func(*Checkpoint){
		"seq":              func(c *Checkpoint) { c.Seq++ },
		"hash":             func(c *Checkpoint) { c.Hash = flipHex(c.Hash) },
		"time":             func(c *Checkpoint) { c.Time = c.Time.Add(time.Microsecond) },
		"signature":        func(c *Checkpoint) { c.Signature = flipB64(c.Signature) },
		"empty signature":  func(c *Checkpoint) { c.Signature = "" },
		"short signature":  func(c *Checkpoint) { c.Signature = c.Signature[:20] },
		"signature base64": func(c *Checkpoint) { c.Signature = "!" + c.Signature[1:] },
	}
	for name, f := range tampered {
		c := cp
		f(&c)
		if err := VerifyCheckpoint(c, pub); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered %s: err = %v, want ErrBadSignature", name, err)
		}
	}
	_, other := mustKey(t)
	if err := VerifyCheckpoint(cp, other); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: err = %v, want ErrBadSignature", err)
	}
	if err := VerifyCheckpoint(cp, pub[:10]); err == nil {
		t.Error("malformed public key accepted")
	}

	for _, bad := range []Checkpoint{
		{Seq: 0, Hash: e.Hash, Time: e.Time},
		{Seq: 3, Hash: "short", Time: e.Time},
		{Seq: 3, Hash: e.Hash},
	} {
		if _, err := SignCheckpoint(bad, priv); err == nil {
			t.Errorf("signed malformed checkpoint %+v", bad)
		}
	}
	if _, err := SignCheckpoint(in, priv[:5]); err == nil {
		t.Error("signed with a malformed key")
	}
}

func flipB64(s string) string {
	c := byte('A')
	if s[0] == 'A' {
		c = 'B'
	}
	return string(c) + s[1:]
}

func TestVerifyWithCheckpoints(t *testing.T) {
	priv, pub := mustKey(t)
	chain := mustChain(t, 1000)
	cps := []Checkpoint{mustCheckpoint(t, chain[999], priv), mustCheckpoint(t, chain[249], priv), mustCheckpoint(t, chain[499], priv)}

	res, err := verifyAll(chain, expect(pub, cps...))
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != 1000 || res.Checkpoints != 3 {
		t.Errorf("result %+v, want 1000 entries and 3 checkpoints", res)
	}

	// Truncation: the tail after entry 900 is cut off.
	_, err = verifyAll(chain[:900], expect(pub, cps...))
	wantBreak(t, "truncated", err, 901, Truncated)
	// Even by one entry.
	_, err = verifyAll(chain[:999], expect(pub, cps...))
	wantBreak(t, "last entry removed", err, 1000, Truncated)
	// Without a checkpoint beyond the cut, truncation is invisible: that is
	// what checkpoints are for.
	if _, err := verifyAll(chain[:900], expect(pub, cps[1:]...)); err != nil {
		t.Errorf("truncation after the last checkpoint reported: %v", err)
	}

	// A forged or altered checkpoint is itself a finding.
	forged := cps[2]
	forged.Hash = chain[500].Hash
	_, err = verifyAll(chain, expect(pub, cps[0], forged))
	wantBreak(t, "altered checkpoint", err, 500, BadCheckpoint)
	_, other := mustKey(t)
	_, err = verifyAll(chain, expect(other, cps...))
	if b := (*Break)(nil); !errors.As(err, &b) || b.Reason != BadCheckpoint {
		t.Errorf("checkpoints under another key: err = %v, want a bad checkpoint", err)
	}
}

// rechain re-links entries from index from onward after a change, as someone
// with write access to the table and this package's source could.
func rechain(t *testing.T, entries []Entry, from int) {
	t.Helper()
	head := Genesis
	if from > 0 {
		head = entries[from-1].Head()
	}
	for i := from; i < len(entries); i++ {
		e, err := Chain(head, entries[i])
		if err != nil {
			t.Fatal(err)
		}
		entries[i], head = e, e.Head()
	}
}

func TestCheckpointsCatchRewrittenChains(t *testing.T) {
	priv, pub := mustKey(t)
	chain := mustChain(t, 1000)
	cp := mustCheckpoint(t, chain[799], priv)

	// An entry edited and every later hash recomputed: the chain alone
	// cannot tell, the checkpoint can.
	edited := slices.Clone(chain)
	edited[299].Detail = "rewritten"
	rechain(t, edited, 299)
	if err := verifyErr(edited); err != nil {
		t.Fatalf("re-hashed chain without checkpoints: %v (expected to pass: the chain alone cannot see this)", err)
	}
	_, err := verifyAll(edited, expect(pub, cp))
	wantBreak(t, "edit and rewrite", err, 800, CheckpointMismatch)

	// An entry inserted and the rest renumbered and re-hashed.
	inserted := slices.Insert(slices.Clone(chain), 499, sampleEntry(4242))
	rechain(t, inserted, 499)
	_, err = verifyAll(inserted, expect(pub, cp))
	wantBreak(t, "insert and rewrite", err, 800, CheckpointMismatch)

	// An entry deleted and the rest renumbered and re-hashed.
	deleted := slices.Delete(slices.Clone(chain), 499, 500)
	rechain(t, deleted, 499)
	_, err = verifyAll(deleted, expect(pub, cp))
	wantBreak(t, "delete and rewrite", err, 800, CheckpointMismatch)

	// The tail cut off and new entries appended in its place.
	replaced := slices.Clone(chain[:700])
	for i := range 200 {
		replaced = append(replaced, sampleEntry(5000+i))
	}
	rechain(t, replaced, 700)
	_, err = verifyAll(replaced, expect(pub, cp))
	wantBreak(t, "tail replaced", err, 800, CheckpointMismatch)
}

func TestVerifierFromCheckpoint(t *testing.T) {
	priv, pub := mustKey(t)
	chain := mustChain(t, 1000)
	start, end := mustCheckpoint(t, chain[499], priv), mustCheckpoint(t, chain[999], priv)
	early := mustCheckpoint(t, chain[99], priv)

	v := NewVerifierFrom(Head{Seq: start.Seq, Hash: start.Hash})
	if err := v.Expect(pub, early, start, end); err != nil {
		t.Fatal(err)
	}
	for _, e := range chain[500:] {
		if err := v.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	res, err := v.Finish()
	if err != nil || res.Count != 500 || res.Checkpoints != 2 || res.Head != chain[999].Head() {
		t.Errorf("tail from entry 500: %+v, %v", res, err)
	}

	// Resuming from a head that a signed checkpoint disagrees with.
	v = NewVerifierFrom(chain[498].Head())
	wrong := mustCheckpoint(t, Entry{Seq: 499, Hash: chain[499].Hash, Time: start.Time}, priv)
	wantBreak(t, "start differs", v.Expect(pub, wrong), 499, CheckpointMismatch)

	// Expect after entries is a misuse, not a finding.
	v = NewVerifier()
	v.Add(chain[0])
	if err := v.Expect(pub, end); err == nil || errors.As(err, new(*Break)) {
		t.Errorf("Expect after Add: err = %v, want a plain error", err)
	}
}

func TestKeyEncoding(t *testing.T) {
	priv, pub := mustKey(t)

	pemPriv, err := EncodePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pemPriv), "-----BEGIN PRIVATE KEY-----\n") {
		t.Errorf("key file is not PEM PKCS#8:\n%s", pemPriv)
	}
	seed := priv.Seed()
	for name, data := range map[string][]byte{
		"PEM":              pemPriv,
		"PEM with newline": append([]byte("\n"), pemPriv...),
		"base64 seed":      []byte(base64.StdEncoding.EncodeToString(seed)),
		"raw base64 seed":  []byte(base64.RawStdEncoding.EncodeToString(seed) + "\n"),
		"url base64 seed":  []byte(base64.RawURLEncoding.EncodeToString(seed)),
	} {
		got, err := DecodePrivateKey(data)
		if err != nil || !got.Equal(priv) {
			t.Errorf("%s: DecodePrivateKey = %v", name, err)
		}
	}

	pemPub, err := EncodePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"PEM":    pemPub,
		"base64": []byte(base64.StdEncoding.EncodeToString(pub)),
	} {
		got, err := DecodePublicKey(data)
		if err != nil || !got.Equal(pub) {
			t.Errorf("public %s: DecodePublicKey = %v", name, err)
		}
	}

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})
	badPriv := map[string][]byte{
		"empty":        nil,
		"garbage":      []byte("not a key"),
		"short seed":   []byte(base64.StdEncoding.EncodeToString(seed[:31])),
		"ECDSA key":    ecPEM,
		"public PEM":   pemPub,
		"two blocks":   append(slices.Clone(pemPriv), pemPriv...),
		"corrupt body": []byte(strings.Replace(string(pemPriv), "MC4CAQA", "MC4CAQB", 1)),
	}
	for name, data := range badPriv {
		if _, err := DecodePrivateKey(data); err == nil {
			t.Errorf("DecodePrivateKey accepted %s", name)
		}
	}
	for name, data := range map[string][]byte{"private PEM": pemPriv, "short": []byte("AAAA")} {
		if _, err := DecodePublicKey(data); err == nil {
			t.Errorf("DecodePublicKey accepted %s", name)
		}
	}

	// A key read back signs checkpoints the original's public key accepts.
	back, _ := DecodePrivateKey(pemPriv)
	e := mustChain(t, 1)[0]
	if err := VerifyCheckpoint(mustCheckpoint(t, e, back), pub); err != nil {
		t.Error(err)
	}
}
