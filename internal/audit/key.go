package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
)

// The checkpoint key's formats. The key file is PEM: a PKCS#8 "PRIVATE KEY"
// block, which openssl and every crypto library read
// (openssl pkey -in audit.key -pubout prints the public key). Where a file is
// awkward (an environment variable, a secret store), the private key may
// instead be the standard or URL-safe base64 of its 32-byte seed, padded or
// not. Public keys, for verifying a copy of the log elsewhere, are PEM
// "PUBLIC KEY" (PKIX) blocks or the base64 of their 32 bytes.

// GenerateKey makes a new checkpoint signing key.
func GenerateKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(nil)
	return priv, err
}

// PublicKey returns the key that verifies priv's checkpoints.
func PublicKey(priv ed25519.PrivateKey) ed25519.PublicKey {
	return priv.Public().(ed25519.PublicKey)
}

// EncodePrivateKey returns priv as a PEM PKCS#8 block, for the key file (to
// be written with mode 0600).
func EncodePrivateKey(priv ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("audit: encoding checkpoint key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// DecodePrivateKey reads a key written by EncodePrivateKey, or the base64 of
// a 32-byte seed.
func DecodePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	if block, rest := pem.Decode(data); block != nil {
		if block.Type != "PRIVATE KEY" || len(bytes.TrimSpace(rest)) > 0 {
			return nil, errors.New("audit: checkpoint key file is not a single PEM PRIVATE KEY block")
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("audit: reading checkpoint key: %w", err)
		}
		priv, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("audit: checkpoint key is %T, not Ed25519", k)
		}
		return priv, nil
	}
	seed, err := decodeBase64(data)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("audit: checkpoint key is neither PEM nor the base64 of a 32-byte seed")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// EncodePublicKey returns pub as a PEM PKIX "PUBLIC KEY" block.
func EncodePublicKey(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("audit: encoding checkpoint public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// DecodePublicKey reads a key written by EncodePublicKey, or the base64 of
// its 32 bytes.
func DecodePublicKey(data []byte) (ed25519.PublicKey, error) {
	if block, rest := pem.Decode(data); block != nil {
		if block.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) > 0 {
			return nil, errors.New("audit: not a single PEM PUBLIC KEY block")
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("audit: reading checkpoint public key: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("audit: checkpoint public key is %T, not Ed25519", k)
		}
		return pub, nil
	}
	raw, err := decodeBase64(data)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("audit: checkpoint public key is neither PEM nor the base64 of 32 bytes")
	}
	return ed25519.PublicKey(raw), nil
}

// decodeBase64 accepts the base64 spellings people paste: standard or
// URL-safe alphabet, with or without padding, surrounded by whitespace.
func decodeBase64(data []byte) ([]byte, error) {
	s := string(bytes.TrimSpace(data))
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		var b []byte
		if b, err = enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, err
}
