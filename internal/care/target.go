package care

import (
	"fmt"
	"strconv"
	"strings"

	"doorway/internal/problem"
)

// Target is a goal's measurable aim on an instrument's total, such as
// PHQ-9 below 10, written phq9<10.
type Target struct {
	Instrument string // the measures package's id, e.g. "phq9"
	Op         string // "<", "<=", ">" or ">="
	Value      int
}

// ops in the order they must be tried: two-character ones first, so "<="
// is not read as "<" followed by "=5".
var ops = []string{"<=", ">=", "<", ">"}

// ParseTarget reads a target such as "phq9<10" or "gad7 <= 4". Empty text is
// no target (ok false, no error). It checks the form only; whether the
// instrument exists is the caller's to check.
func ParseTarget(s string) (t Target, ok bool, err error) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return Target{}, false, nil
	}
	bad := problem.Invalidf("measure", "Write a target as a questionnaire, a comparison and a score, such as phq9<10 or gad7<=4.")
	for _, op := range ops {
		name, num, found := strings.Cut(s, op)
		if !found {
			continue
		}
		v, err := strconv.Atoi(num)
		if err != nil || v < 0 || name == "" || strings.ContainsAny(name, "<>=") {
			return Target{}, false, bad
		}
		return Target{Instrument: name, Op: op, Value: v}, true, nil
	}
	return Target{}, false, bad
}

// String is the stored form, e.g. "phq9<10".
func (t Target) String() string { return t.Instrument + t.Op + strconv.Itoa(t.Value) }

// Met reports whether a total reaches the target.
func (t Target) Met(total int) bool {
	switch t.Op {
	case "<":
		return total < t.Value
	case "<=":
		return total <= t.Value
	case ">":
		return total > t.Value
	case ">=":
		return total >= t.Value
	}
	return false
}

// Describe says the target in words, with the instrument's display name.
func (t Target) Describe(name string) string {
	words := map[string]string{"<": "below", "<=": "at or below", ">": "above", ">=": "at or above"}[t.Op]
	return fmt.Sprintf("%s %s %d", name, words, t.Value)
}
