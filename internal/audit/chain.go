package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Head is the end of a chain: the last entry's Seq and Hash. It is all that
// is needed to append the next entry, or to resume verification.
type Head struct {
	Seq  int64
	Hash string
}

// Genesis is the head of an empty chain.
var Genesis = Head{Seq: 0, Hash: GenesisHash}

// Head returns the chain head that e makes.
func (e Entry) Head() Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// entryTag starts every canonical encoding. It separates entry hashes from
// the checkpoint signatures' messages, and names the layout so that a future
// layout cannot be mistaken for this one.
const entryTag = "doorway.audit.entry.v1\n"

// Canonical returns the bytes that e's hash covers: every field but Hash, in
// a fixed order, with nothing left to interpretation:
//
//	"doorway.audit.entry.v1\n"
//	Seq                      8 bytes, big-endian two's complement
//	Time                     8 bytes, big-endian, microseconds since 1970 UTC
//	ActorID, ActorKind, ClinicID, Action, ResourceType, ResourceID,
//	ClientID, Outcome, Severity, RequestID, IP, Detail, PrevHash
//	                         each a 4-byte big-endian length, then the UTF-8 bytes
//
// Length prefixes make the encoding unambiguous: moving bytes from one field
// to its neighbour changes a length and so the hash. Time is in microseconds
// because that is what both databases keep exactly; Chain truncates it.
func (e Entry) Canonical() []byte { return appendCanonical(nil, e) }

func appendCanonical(b []byte, e Entry) []byte {
	b = append(b, entryTag...)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))              // #nosec G115 -- Seq is a positive sequence number; its bits are encoded as they are
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro())) // #nosec G115 -- the bits of the time are encoded as they are, and decoded the same way
	for _, s := range [...]string{
		e.ActorID, string(e.ActorKind), e.ClinicID, e.Action, e.ResourceType, e.ResourceID,
		e.ClientID, string(e.Outcome), string(e.Severity), e.RequestID, e.IP, e.Detail, e.PrevHash,
	} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s))) // #nosec G115 -- an entry's fields are cut to a few kilobytes (fit.go), far below 2^32
		b = append(b, s...)
	}
	return b
}

// ComputeHash returns hex(SHA-256(PrevHash || Canonical())), what e.Hash
// should be. PrevHash enters as its hex text, exactly as stored.
func (e Entry) ComputeHash() string {
	return hashCanonical(e.PrevHash, e.Canonical())
}

func hashCanonical(prevHash string, canonical []byte) string {
	sum := sha256.Sum256(append([]byte(prevHash), canonical...))
	return hex.EncodeToString(sum[:])
}

// Chain appends e after prev: it checks e, sets its Seq and PrevHash, puts
// its Time in UTC at microsecond precision (so what is stored is what was
// hashed), and sets its Hash. The caller stores the result and keeps
// result.Head() as the new prev, inside one transaction, so two writers never
// chain onto the same head.
func Chain(prev Head, e Entry) (Entry, error) {
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	if prev.Seq < 0 || !isHash(prev.Hash) {
		return Entry{}, fmt.Errorf("audit: malformed chain head %d/%q", prev.Seq, prev.Hash)
	}
	e.Seq = prev.Seq + 1
	e.PrevHash = prev.Hash
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.Hash = e.ComputeHash()
	return e, nil
}

// isHash reports whether s is 64 lower-case hex digits, as hashes are written.
func isHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
