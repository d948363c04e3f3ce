package problem

import (
	"unicode"
	"unicode/utf8"
)

// The checks every piece of free text passes before it is kept, whichever
// door it came in by (a page's form, a FHIR resource, the command line):
// text that is not UTF-8, or that carries control characters (a NUL that
// cuts a C string short, an ESC that recolours a terminal reading the log
// or a CSV export), or that runs far past what the field is for, is
// refused with a message saying so, never cleaned up quietly.

// Line checks a one-line value, such as a name: UTF-8, no control
// characters at all (not even a tab or a line break), at most max
// characters. label names the field in the message ("The first name").
func Line(field, label, s string, max int) error {
	return check(field, label, s, max, false)
}

// Prose checks free text that may run over several lines, such as a note
// or a goal: UTF-8, no control characters but tab, line feed and carriage
// return, at most max characters.
func Prose(field, label, s string, max int) error {
	return check(field, label, s, max, true)
}

func check(field, label, s string, max int, lines bool) error {
	if !utf8.ValidString(s) {
		return Invalidf(field, "%s holds characters that could not be read (the text is not UTF-8). Please type it again.", label)
	}
	n := 0
	for _, r := range s {
		n++
		if lines && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return Invalidf(field, "%s holds a control character (such as NUL or ESC) that cannot be kept. Please type it again without it.", label)
		}
	}
	if n > max {
		return Invalidf(field, "%s is too long: at most %d characters, and this has %d.", label, max, n)
	}
	return nil
}
