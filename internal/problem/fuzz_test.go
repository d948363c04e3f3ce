package problem

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzTextChecks holds Line and Prose to what they promise for any bytes:
// what passes is UTF-8, within the limit, with no control character (but
// tab, line feed and carriage return in prose); what passes as a line
// passes as prose; and every refusal is an Invalid problem naming the field.
func FuzzTextChecks(f *testing.F) {
	for _, s := range []string{"Robin", "Rob\x00in", "\x1b[31m", "caf\xc3", "One\r\nTwo\tThree", "\u0085", "\u202e", "ééééé"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		line, prose := Line("f", "The field", s, max), Prose("f", "The field", s, max)
		for _, err := range []error{line, prose} {
			if err != nil && (CodeOf(err) != Invalid || FieldOf(err) != "f" || MessageOf(err) == "") {
				t.Fatalf("%q: refused as %v", s, err)
			}
		}
		if line == nil && prose != nil {
			t.Fatalf("%q passes as a line but not as prose: %v", s, prose)
		}
		if prose != nil {
			return
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
			t.Fatalf("%q (max %d) passed", s, max)
		}
		for _, r := range s {
			if unicode.IsControl(r) && (line == nil || (r != '\t' && r != '\n' && r != '\r')) {
				t.Fatalf("%q passed with the control character %U", s, r)
			}
		}
	})
}
