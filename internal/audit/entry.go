package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ActorKind says what kind of principal acted.
type ActorKind string

const (
	ActorStaff     ActorKind = "staff"
	ActorClient    ActorKind = "client"
	ActorSystem    ActorKind = "system"    // the server itself: checkpoints, scheduled jobs
	ActorAnonymous ActorKind = "anonymous" // not signed in: failed sign-ins, denied requests
)

// Outcome says how the action ended.
type Outcome string

const (
	OK     Outcome = "ok"
	Denied Outcome = "denied" // refused by access control or a throttle
	Failed Outcome = "failed" // attempted and failed: a wrong password, a rejected code
)

// Severity marks the entries an admin should be shown first.
type Severity string

const (
	Info Severity = "info"
	High Severity = "high" // break-glass, privilege changes, repeated failures
)

// Entry is one line of the audit log.
type Entry struct {
	Seq          int64     // 1-based, contiguous
	Time         time.Time // UTC, microseconds: what both databases store exactly
	ActorID      string    // empty for anonymous and system actors
	ActorKind    ActorKind //
	ClinicID     string    // the tenant; empty only for events before a clinic is known
	Action       string    // dotted, lower case: "client.read", "login.failed", "breakglass.open"
	ResourceType string
	ResourceID   string
	ClientID     string // the client whose record was touched, for their accounting of access
	Outcome      Outcome
	Severity     Severity
	RequestID    string
	IP           string
	Detail       string // short and fixed by the code, never client free text
	PrevHash     string // Hash of the entry before; GenesisHash for the first
	Hash         string // hex(SHA-256(PrevHash || canonical(entry)))
}

// Field limits. Some values come from requests (an id in a URL, an
// address), and a request refused is still recorded: the store fits every
// entry to these limits (Fit) before chaining it, rather than lose the
// entry. Validate refuses an entry that does not fit, for what is chained
// by other means.
const (
	MaxDetailLen = 500 // bytes
	maxFieldLen  = 200 // bytes, for ids, action names and addresses
)

// Validate checks that e is fit to be chained: known kinds, a well-formed
// action, a time, and short printable fields. It does not look at Seq,
// PrevHash or Hash, which Chain fills.
func (e Entry) Validate() error {
	switch e.ActorKind {
	case ActorStaff, ActorClient:
		if e.ActorID == "" {
			return fmt.Errorf("audit: %s actor without an id", e.ActorKind)
		}
	case ActorSystem, ActorAnonymous:
	default:
		return fmt.Errorf("audit: unknown actor kind %q", e.ActorKind)
	}
	switch e.Outcome {
	case OK, Denied, Failed:
	default:
		return fmt.Errorf("audit: unknown outcome %q", e.Outcome)
	}
	switch e.Severity {
	case Info, High:
	default:
		return fmt.Errorf("audit: unknown severity %q", e.Severity)
	}
	if e.Time.IsZero() {
		return errors.New("audit: entry without a time")
	}
	if !validAction(e.Action) {
		return fmt.Errorf("audit: malformed action %q", e.Action)
	}
	fields := []struct {
		name, value string
		max         int
	}{
		{"actor id", e.ActorID, maxFieldLen},
		{"clinic id", e.ClinicID, maxFieldLen},
		{"resource type", e.ResourceType, maxFieldLen},
		{"resource id", e.ResourceID, maxFieldLen},
		{"client id", e.ClientID, maxFieldLen},
		{"request id", e.RequestID, maxFieldLen},
		{"ip", e.IP, maxFieldLen},
		{"detail", e.Detail, MaxDetailLen},
	}
	for _, f := range fields {
		if len(f.value) > f.max {
			return fmt.Errorf("audit: %s is %d bytes, over %d", f.name, len(f.value), f.max)
		}
		// Control characters would let a value forge lines in a text or CSV
		// export of the log.
		if !utf8.ValidString(f.value) || strings.IndexFunc(f.value, unicode.IsControl) >= 0 {
			return fmt.Errorf("audit: %s is not printable text", f.name)
		}
	}
	return nil
}

// validAction accepts dotted lower-case names such as "user.role_change":
// at least two segments, each starting with a letter.
func validAction(a string) bool {
	if len(a) > maxFieldLen {
		return false
	}
	segments := strings.Split(a, ".")
	if len(segments) < 2 {
		return false
	}
	for _, s := range segments {
		if s == "" || s[0] < 'a' || s[0] > 'z' {
			return false
		}
		for i := 1; i < len(s); i++ {
			if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}
