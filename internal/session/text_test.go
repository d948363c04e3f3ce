package session

import (
	"testing"
	"time"

	"doorway/internal/problem"
)

// What is written during a session keeps to text: a NUL, an ESC or bytes
// that are not UTF-8 in an observation, an adverse event or an order's
// notes are refused, naming the field.
func TestSessionTextRefusesControlCharacters(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		field string
		err   error
	}{
		{"note", Observation{At: at, Note: "calm\x00"}.Validate()},
		{"dissociation", Observation{At: at, Dissociation: "\x1b[31mfloating"}.Validate()},
		{"description", AdverseEvent{At: at, Kind: OtherAdverse, Severity: Mild, Description: "rash \xff"}.Validate()},
		{"action", AdverseEvent{At: at, Kind: OtherAdverse, Severity: Moderate, Description: "rash", Action: "observed\x1b"}.Validate()},
	} {
		if problem.CodeOf(c.err) != problem.Invalid || problem.FieldOf(c.err) != c.field {
			t.Errorf("%s: %v", c.field, c.err)
		}
	}
	if err := (Observation{At: at, Note: "Calm.\nEyes closed."}).Validate(); err != nil {
		t.Errorf("a note over two lines: %v", err)
	}
}
