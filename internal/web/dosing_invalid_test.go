package web

import (
	"strings"
	"testing"

	"doorway/internal/session"
)

// An order stored before a rule was tightened (an esketamine order above
// 84 mg) is said plainly to be invalid, with what must be done; a valid
// order says nothing.
func TestInvalidOrderIsSaidPlainly(t *testing.T) {
	old := session.Order{Route: session.Intranasal, Mg: session.MgOf(84), MaxMg: session.MgOf(112)}
	got := invalidOrder(old, session.DefaultSettings())
	for _, want := range []string{"This order no longer passes the clinic's rules: An esketamine order above 84 mg is refused",
		"No dose can be recorded under it; a prescriber must write a new version."} {
		if !strings.Contains(got, want) {
			t.Errorf("invalidOrder = %q, want it to say %q", got, want)
		}
	}
	ok := session.Order{Route: session.Intranasal, Mg: session.MgOf(84), MaxMg: session.MgOf(84)}
	if got := invalidOrder(ok, session.DefaultSettings()); got != "" {
		t.Errorf("a valid order: %q", got)
	}
}
