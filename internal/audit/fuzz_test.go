package audit

import (
	"bytes"
	"testing"
)

// FuzzCanonicalInjective checks that two entries differing in their text
// fields never share a canonical encoding, however the bytes are split
// between fields.
func FuzzCanonicalInjective(f *testing.F) {
	f.Add("ab", "c", "", "a", "bc", "")
	f.Add("", "", "x", "", "x", "")
	f.Add("client.read", "detail", "ff", "client.rea", "ddetail", "ff")
	f.Fuzz(func(t *testing.T, a1, b1, c1, a2, b2, c2 string) {
		e1 := Entry{Seq: 1, Time: t0, Action: a1, Detail: b1, PrevHash: c1}
		e2 := Entry{Seq: 1, Time: t0, Action: a2, Detail: b2, PrevHash: c2}
		same := a1 == a2 && b1 == b2 && c1 == c2
		if bytes.Equal(e1.Canonical(), e2.Canonical()) != same {
			t.Fatalf("entries %q/%q/%q and %q/%q/%q: equal encodings = %v", a1, b1, c1, a2, b2, c2, !same)
		}
	})
}

// FuzzDecodeKeys checks that no key file, however mangled, makes the decoders
// panic or return a key of the wrong size.
func FuzzDecodeKeys(f *testing.F) {
	priv, _ := GenerateKey()
	pemPriv, _ := EncodePrivateKey(priv)
	pemPub, _ := EncodePublicKey(PublicKey(priv))
	f.Add(pemPriv)
	f.Add(pemPub)
	f.Add([]byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := DecodePrivateKey(data); err == nil && len(k) != 64 {
			t.Fatalf("private key of %d bytes", len(k))
		}
		if k, err := DecodePublicKey(data); err == nil && len(k) != 32 {
			t.Fatalf("public key of %d bytes", len(k))
		}
	})
}
