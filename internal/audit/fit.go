package audit

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fit makes the text of an entry fit to be chained, so that an entry about
// a request is never lost for what the request carried: a denial of an id
// a thousand characters long, or with a newline in it, is still recorded.
// A value that holds a control character or is not UTF-8 is escaped as a
// quoted Go string ("\n", "\x00"), so an escaped value is told from a
// plain one by its quotes and cannot forge lines in an export; a value too
// long for its field is cut at a character and ends in "…". Everything
// else is left as it is. The kinds, outcome, severity and action are the
// code's own and are not touched: Validate still refuses a wrong one.
func Fit(e Entry) Entry {
	for _, f := range []struct {
		value *string
		max   int
	}{
		{&e.ActorID, maxFieldLen},
		{&e.ClinicID, maxFieldLen},
		{&e.ResourceType, maxFieldLen},
		{&e.ResourceID, maxFieldLen},
		{&e.ClientID, maxFieldLen},
		{&e.RequestID, maxFieldLen},
		{&e.IP, maxFieldLen},
		{&e.Detail, MaxDetailLen},
	} {
		*f.value = fitText(*f.value, f.max)
	}
	return e
}

// ellipsis ends a value that was cut.
const ellipsis = "…"

func fitText(s string, max int) string {
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strconv.Quote(s)
	}
	if len(s) <= max {
		return s
	}
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
