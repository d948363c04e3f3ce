package practice

import (
	"maps"
	"slices"

	"doorway/internal/problem"
)

// FieldErrors refuses input on several fields at once, each with its
// message, so a form comes back with every message by its field rather
// than one at a time. To code that asks problem.CodeOf it is one Invalid
// problem: the first field's, in name order.
type FieldErrors map[string]string

func (e FieldErrors) Error() string { return e.first().Error() }
func (e FieldErrors) Unwrap() error { return e.first() }

func (e FieldErrors) first() *problem.Error {
	keys := slices.Sorted(maps.Keys(e))
	if len(keys) == 0 {
		return problem.Invalidf("", "Please check what you entered.")
	}
	return problem.Invalidf(keys[0], "%s", e[keys[0]])
}

// err is e as an error: nil when no field was refused.
func (e FieldErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}
