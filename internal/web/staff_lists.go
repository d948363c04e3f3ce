package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/store"
)

// What the session pages list of the clinic's staff: who can be present,
// in a steady order.

// isClinician reports whether a staff member can be present at a session.
func isClinician(u store.User) bool { return practice.IsClinician(u) }

// sortedStaff lists staff by name.
func sortedStaff(m map[string]store.User) []store.User {
	return sortedBy(m, func(u store.User) string { return u.Name + u.ID })
}

// sortedBy lists a map's values in the order of key, so a list reads the
// same way every time.
func sortedBy[T any](m map[string]T, key func(T) string) []T {
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}

// failAppointment answers an appointment's refusal or failure.
func (s *Server) failAppointment(w http.ResponseWriter, r *http.Request, id string, err error) {
	s.failDenied(w, r, "appointment", id, err)
}
