package web

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/store"
)

// What the medicine-session record (medicine_session*.go) and the client's
// session page (portal_sessions.go) still load of the calendar here: the
// clinic's staff and rooms and an appointment's clients. The calendar's own
// pages have moved to internal/practice (schedule.go there); this file goes
// when those two move too.

// isClinician reports whether a staff member can be present at a session.
func isClinician(u store.User) bool { return practice.IsClinician(u) }

// scheduleFacts is the clinic's staff and rooms, and the clients and care
// teams behind some appointments.
type scheduleFacts struct {
	staff   map[string]store.User
	rooms   map[string]store.Room
	clients map[string]store.Client
	teams   map[string][]string
}

func loadScheduleFacts(ctx context.Context, tx *store.Tx, clinicID string, list []store.Appointment) (scheduleFacts, error) {
	f, err := loadStaffAndRooms(ctx, tx, clinicID)
	if err != nil {
		return f, err
	}
	return f, f.loadClients(ctx, tx, clinicID, list)
}

// loadStaffAndRooms is scheduleFacts with the clinic's staff and rooms and
// no clients yet (loadClients adds them).
func loadStaffAndRooms(ctx context.Context, tx *store.Tx, clinicID string) (scheduleFacts, error) {
	f := scheduleFacts{staff: map[string]store.User{}, rooms: map[string]store.Room{}, clients: map[string]store.Client{}, teams: map[string][]string{}}
	staff, err := tx.Staff(ctx, clinicID)
	if err != nil {
		return f, err
	}
	for _, u := range staff {
		f.staff[u.ID] = u
	}
	rooms, err := tx.Rooms(ctx, clinicID)
	if err != nil {
		return f, err
	}
	for _, r := range rooms {
		f.rooms[r.ID] = r
	}
	return f, nil
}

// loadClients adds the clients of the appointments and their care teams,
// all at once.
func (f scheduleFacts) loadClients(ctx context.Context, tx *store.Tx, clinicID string, list []store.Appointment) error {
	var ids []string
	for _, a := range list {
		for _, id := range a.ClientIDs() {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, _, err := tx.SearchClients(ctx, store.ClientQuery{ClinicID: clinicID, IDs: ids, Limit: len(ids)})
	if err != nil {
		return err
	}
	for _, c := range found {
		f.clients[c.ID] = c
	}
	for _, id := range ids {
		if _, ok := f.clients[id]; !ok {
			// Not of this clinic: Client says so as it always has.
			if _, err := tx.Client(ctx, clinicID, id); err != nil {
				return err
			}
		}
	}
	teams, err := tx.CareTeams(ctx, ids)
	if err != nil {
		return err
	}
	maps.Copy(f.teams, teams)
	return nil
}

// staffNames lists the names of the people present, in name order.
func (f scheduleFacts) staffNames(ids []string) []string {
	var out []string
	for _, id := range ids {
		if u, ok := f.staff[id]; ok {
			out = append(out, u.Name)
		}
	}
	slices.Sort(out)
	return out
}

func sortedStaff(m map[string]store.User) []store.User {
	return sortedBy(m, func(u store.User) string { return u.Name + u.ID })
}

// sortedBy lists a map's values in the order of key, so a list reads the
// same way every time.
func sortedBy[T any](m map[string]T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}

// failAppointment answers a NotFound as an audited denial.
func (s *Server) failAppointment(w http.ResponseWriter, r *http.Request, id string, err error) {
	s.failDenied(w, r, "appointment", id, err)
}
