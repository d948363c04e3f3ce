package audit

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Checkpoint vouches, under the server's Ed25519 key, that the chain had the
// head (Seq, Hash) at Time. The key lives outside the database (a file in the
// data directory, or the environment), so someone who can rewrite the audit
// table cannot make a checkpoint that agrees with the rewrite; and since
// checkpoints are kept, a chain that now ends before the newest one has lost
// its tail.
type Checkpoint struct {
	Seq       int64
	Hash      string
	Time      time.Time // UTC, microseconds
	Signature string    // standard base64 of the 64-byte Ed25519 signature
	// Source says where the checkpoint was read from, such as a heads file
	// and line, for messages. It is not signed: empty for the database's.
	Source string
}

// checkpointTag starts the signed message, so that a signature over a
// checkpoint can never be passed off as one over anything else.
const checkpointTag = "doorway.audit.checkpoint.v1\n"

// signedBytes is the message a checkpoint's signature covers:
//
//	"doorway.audit.checkpoint.v1\n"
//	Seq   8 bytes, big-endian
//	Time  8 bytes, big-endian, microseconds since 1970 UTC
//	Hash  4-byte big-endian length, then its hex text
func (cp Checkpoint) signedBytes() []byte {
	b := []byte(checkpointTag)
	b = binary.BigEndian.AppendUint64(b, uint64(cp.Seq))              // #nosec G115 -- Seq is a positive sequence number; its bits are encoded as they are
	b = binary.BigEndian.AppendUint64(b, uint64(cp.Time.UnixMicro())) // #nosec G115 -- the bits of the time are encoded as they are, and decoded the same way
	b = binary.BigEndian.AppendUint32(b, uint32(len(cp.Hash)))        // #nosec G115 -- a hash is 64 hex characters, far below 2^32
	return append(b, cp.Hash...)
}

// SignCheckpoint returns cp with its Time in UTC at microsecond precision
// and its Signature set. cp.Seq and cp.Hash are the head of a chain the
// caller has just verified (NewVerifierFrom the previous checkpoint makes
// that cheap): signing an unverified head would vouch for a tampered chain.
func SignCheckpoint(cp Checkpoint, priv ed25519.PrivateKey) (Checkpoint, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return Checkpoint{}, errors.New("audit: malformed checkpoint signing key")
	}
	if cp.Seq < 1 || !isHash(cp.Hash) || cp.Time.IsZero() {
		return Checkpoint{}, fmt.Errorf("audit: malformed checkpoint %d/%q at %v", cp.Seq, cp.Hash, cp.Time)
	}
	cp.Time = cp.Time.UTC().Truncate(time.Microsecond)
	cp.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, cp.signedBytes()))
	return cp, nil
}

// ErrBadSignature means a checkpoint was not signed by the key it was checked
// against, or was changed after signing.
var ErrBadSignature = errors.New("audit: checkpoint signature does not verify")

// VerifyCheckpoint checks cp's signature under pub.
func VerifyCheckpoint(cp Checkpoint, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return errors.New("audit: malformed checkpoint public key")
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(cp.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return ErrBadSignature
	}
	if !ed25519.Verify(pub, cp.signedBytes(), sig) {
		return ErrBadSignature
	}
	return nil
}
