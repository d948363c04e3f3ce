package problem

import (
	"strings"
	"testing"
)

func TestTextChecks(t *testing.T) {
	for _, c := range []struct {
		name       string
		check      func(field, label, s string, max int) error
		in         string
		ok         bool
		messageHas string
	}{
		{"a plain name", Line, "Zoë O'Brien-Łukasik", true, ""},
		{"a name at the limit", Line, strings.Repeat("é", 20), true, ""},
		{"a name past the limit", Line, strings.Repeat("é", 21), false, "at most 20 characters, and this has 21"},
		{"NUL", Line, "Ann\x00", false, "control character"},
		{"ESC", Line, "Ann\x1b[31m", false, "control character"},
		{"DEL", Line, "Ann\x7f", false, "control character"},
		{"a C1 control", Line, "Ann\u009b", false, "control character"},
		{"a tab in a name", Line, "Ann\tLee", false, "control character"},
		{"a line break in a name", Line, "Ann\nLee", false, "control character"},
		{"not UTF-8", Line, "Ann\xff", false, "not UTF-8"},
		{"a cut-off UTF-8 sequence", Prose, "caf\xc3", false, "not UTF-8"},
		{"lines and tabs in a note", Prose, "One.\r\n\tTwo.\nThree.", true, ""},
		{"NUL in a note", Prose, "One.\x00", false, "control character"},
		{"ESC in a note", Prose, "\x1b]0;title\x07", false, "control character"},
	} {
		err := c.check("f", "The field", c.in, 20)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok = %v", c.name, err, c.ok)
			continue
		}
		if err != nil && (CodeOf(err) != Invalid || FieldOf(err) != "f" || !strings.Contains(MessageOf(err), c.messageHas) ||
			!strings.HasPrefix(MessageOf(err), "The field ")) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
