package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 123456789, time.UTC)

// sampleEntry returns the i-th entry of a plausible log, every field filled
// so that the tampering tests have something to change.
func sampleEntry(i int) Entry {
	kinds := []ActorKind{ActorStaff, ActorClient, ActorSystem, ActorAnonymous}
	actions := []string{"client.read", "login.failed", "access.denied", "user.role_change", "breakglass.open"}
	return Entry{
		Time:         t0.Add(time.Duration(i) * 1500 * time.Millisecond),
		ActorID:      fmt.Sprintf("actor%03d", i%17),
		ActorKind:    kinds[i%len(kinds)],
		ClinicID:     "clinic" + fmt.Sprint(i%3),
		Action:       actions[i%len(actions)],
		ResourceType: "client",
		ResourceID:   fmt.Sprintf("res%04d", i),
		ClientID:     fmt.Sprintf("client%02d", i%40),
		Outcome:      []Outcome{OK, Denied, Failed}[i%3],
		Severity:     []Severity{Info, High}[i%2],
		RequestID:    fmt.Sprintf("req-%06d", i),
		IP:           "192.0.2." + fmt.Sprint(i%250),
		Detail:       "via web",
	}
}

// mustChain builds a valid chain of n entries.
func mustChain(t testing.TB, n int) []Entry {
	t.Helper()
	out := make([]Entry, 0, n)
	head := Genesis
	for i := range n {
		e, err := Chain(head, sampleEntry(i))
		if err != nil {
			t.Fatalf("Chain entry %d: %v", i+1, err)
		}
		out = append(out, e)
		head = e.Head()
	}
	return out
}

func TestChainFillsLinks(t *testing.T) {
	in := sampleEntry(0)
	in.Time = time.Date(2026, 3, 14, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	in.Seq, in.PrevHash, in.Hash = 99, "junk", "junk" // overwritten
	first, err := Chain(Genesis, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.PrevHash != GenesisHash || first.Hash != first.ComputeHash() || !isHash(first.Hash) {
		t.Errorf("first entry: seq %d prev %q hash %q", first.Seq, first.PrevHash, first.Hash)
	}
	if want := time.Date(2026, 3, 14, 9, 0, 0, 123456000, time.UTC); first.Time != want || first.Time.Location() != time.UTC {
		t.Errorf("time %v, want %v (UTC, microseconds)", first.Time, want)
	}
	second, err := Chain(first.Head(), sampleEntry(1))
	if err != nil {
		t.Fatal(err)
	}
	if second.Seq != 2 || second.PrevHash != first.Hash {
		t.Errorf("second entry: seq %d prev %q, want 2 and %q", second.Seq, second.PrevHash, first.Hash)
	}
	if GenesisHash != strings.Repeat("0", 64) {
		t.Error("genesis hash is not 64 zeros")
	}

	for _, head := range []Head{{Seq: -1, Hash: GenesisHash}, {Seq: 3, Hash: "abc"}, {Seq: 3, Hash: strings.ToUpper(first.Hash)}} {
		if _, err := Chain(head, sampleEntry(2)); err == nil {
			t.Errorf("Chain accepted malformed head %+v", head)
		}
	}
}

// TestCanonicalLayout spells the documented encoding out byte by byte, so
// that any change to it, which would invalidate every stored chain, fails here.
func TestCanonicalLayout(t *testing.T) {
	e := Entry{
		Seq: 7, Time: time.UnixMicro(1_700_000_000_123_456).UTC(),
		ActorID: "u1", ActorKind: ActorStaff, ClinicID: "c1", Action: "client.read",
		ResourceType: "client", ResourceID: "r1", ClientID: "k1", Outcome: OK, Severity: Info,
		RequestID: "q1", IP: "192.0.2.1", Detail: "", PrevHash: GenesisHash,
	}
	var want bytes.Buffer
	want.WriteString("doorway.audit.entry.v1\n")
	binary.Write(&want, binary.BigEndian, int64(7))
	binary.Write(&want, binary.BigEndian, int64(1_700_000_000_123_456))
	for _, s := range []string{"u1", "staff", "c1", "client.read", "client", "r1", "k1", "ok", "info", "q1", "192.0.2.1", "", GenesisHash} {
		binary.Write(&want, binary.BigEndian, uint32(len(s)))
		want.WriteString(s)
	}
	if got := e.Canonical(); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("canonical encoding changed:\n got %x\nwant %x", got, want.Bytes())
	}
	sum := sha256.Sum256(append([]byte(GenesisHash), want.Bytes()...))
	if got := e.ComputeHash(); got != hex.EncodeToString(sum[:]) {
		t.Errorf("ComputeHash = %s, want SHA-256(PrevHash || canonical)", got)
	}
	// Pinned so a change to hashing shows even if the layout test is edited too.
	if got := e.ComputeHash(); got != pinnedHash {
		t.Errorf("ComputeHash = %s, pinned %s", got, pinnedHash)
	}
}

const pinnedHash = "802e9e37a36d3d816105986d27d45808f0169db279941177c0e6a498426071e4"

// stringField reads and writes one string field of an Entry.
type stringField struct {
	name string
	get  func(Entry) string
	set  func(*Entry, string)
}

var stringFields = []stringField{
	{"ActorID", func(e Entry) string { return e.ActorID }, func(e *Entry, s string) { e.ActorID = s }},
	{"ActorKind", func(e Entry) string { return string(e.ActorKind) }, func(e *Entry, s string) { e.ActorKind = ActorKind(s) }},
	{"ClinicID", func(e Entry) string { return e.ClinicID }, func(e *Entry, s string) { e.ClinicID = s }},
	{"Action", func(e Entry) string { return e.Action }, func(e *Entry, s string) { e.Action = s }},
	{"ResourceType", func(e Entry) string { return e.ResourceType }, func(e *Entry, s string) { e.ResourceType = s }},
	{"ResourceID", func(e Entry) string { return e.ResourceID }, func(e *Entry, s string) { e.ResourceID = s }},
	{"ClientID", func(e Entry) string { return e.ClientID }, func(e *Entry, s string) { e.ClientID = s }},
	{"Outcome", func(e Entry) string { return string(e.Outcome) }, func(e *Entry, s string) { e.Outcome = Outcome(s) }},
	{"Severity", func(e Entry) string { return string(e.Severity) }, func(e *Entry, s string) { e.Severity = Severity(s) }},
	{"RequestID", func(e Entry) string { return e.RequestID }, func(e *Entry, s string) { e.RequestID = s }},
	{"IP", func(e Entry) string { return e.IP }, func(e *Entry, s string) { e.IP = s }},
	{"Detail", func(e Entry) string { return e.Detail }, func(e *Entry, s string) { e.Detail = s }},
	{"PrevHash", func(e Entry) string { return e.PrevHash }, func(e *Entry, s string) { e.PrevHash = s }},
}

func TestCanonicalIsUnambiguous(t *testing.T) {
	// Moving a byte across any boundary between neighbouring fields keeps
	// the concatenated text the same; the hash must still change.
	base := mustChain(t, 1)[0]
	for i := 0; i+1 < len(stringFields); i++ {
		a, b := stringFields[i], stringFields[i+1]
		e := base
		av, bv := a.get(e), b.get(e)
		if av == "" {
			continue
		}
		a.set(&e, av[:len(av)-1])
		b.set(&e, av[len(av)-1:]+bv)
		if e.ComputeHash() == base.Hash {
			t.Errorf("moving a byte from %s to %s left the hash unchanged", a.name, b.name)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := sampleEntry(0) // a staff actor
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid entry refused: %v", err)
	}
	bad := map[string]func(*Entry){
		"unknown actor kind": func(e *Entry) { e.ActorKind = "robot" },
		"staff without id":   func(e *Entry) { e.ActorID = "" },
		"unknown outcome":    func(e *Entry) { e.Outcome = "maybe" },
		"unknown severity":   func(e *Entry) { e.Severity = "critical" },
		"no time":            func(e *Entry) { e.Time = time.Time{} },
		"empty action":       func(e *Entry) { e.Action = "" },
		"one-segment action": func(e *Entry) { e.Action = "read" },
		"upper-case action":  func(e *Entry) { e.Action = "Client.Read" },
		"action with space":  func(e *Entry) { e.Action = "client. read" },
		"empty segment":      func(e *Entry) { e.Action = "client..read" },
		"long detail":        func(e *Entry) { e.Detail = strings.Repeat("x", MaxDetailLen+1) },
		"newline in detail":  func(e *Entry) { e.Detail = "ok\n2026-01-01 forged line" },
		"control char in ip": func(e *Entry) { e.IP = "192.0.2.1\x00" },
		"invalid UTF-8":      func(e *Entry) { e.ResourceID = "\xff\xfe" },
		"long request id":    func(e *Entry) { e.RequestID = strings.Repeat("r", 201) },
	}
	for name, f := range bad {
		e := ok
		f(&e)
		if err := e.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
		if _, err := Chain(Genesis, e); err == nil {
			t.Errorf("%s: Chain accepted it", name)
		}
	}
	anon := Entry{Time: t0, ActorKind: ActorAnonymous, Action: "login.failed", Outcome: Failed, Severity: Info}
	if err := anon.Validate(); err != nil {
		t.Errorf("anonymous entry without ids refused: %v", err)
	}
}
