package web

import (
	"net/http"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

// The admin's rooms: add, rename, and switch off a room that is no longer
// used (practice/rooms.go).

// renderRooms shows the rooms; typed holds a refused rename, by room id, so
// what the admin typed stays in its field.
func (s *Server) renderRooms(w http.ResponseWriter, r *http.Request, status int, newName, notice string, errs view.FieldErrors, typed map[string]string) {
	rooms, err := s.app.Rooms(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rv := view.RoomsView{NewName: newName, Errors: errs}
	for _, rm := range rooms {
		if t, ok := typed[rm.ID]; ok {
			rm.Name = t
		}
		rv.Rooms = append(rv.Rooms, view.RoomRow{ID: rm.ID, Name: rm.Name, Active: rm.Active})
	}
	p := s.page(r, "Rooms", "/schedule")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Rooms(p, rv))
}

func (s *Server) showRooms(w http.ResponseWriter, r *http.Request) {
	s.renderRooms(w, r, http.StatusOK, "", "", nil, nil)
}

func (s *Server) doAddRoom(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	rm, err := s.app.AddRoom(r.Context(), s.actor(r), name)
	if problem.FieldOf(err) == "name" {
		s.renderRooms(w, r, http.StatusBadRequest, name, "", view.FieldErrors{"name": problem.MessageOf(err)}, nil)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRooms(w, r, http.StatusOK, "", rm.Name+" is added.", nil, nil)
}

func (s *Server) doUpdateRoom(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("room")
	name := strings.TrimSpace(r.PostFormValue("name"))
	err := s.app.SaveRoom(r.Context(), s.actor(r), practice.RoomInput{ID: id, Name: name, Active: r.PostFormValue("active") == "1"})
	if problem.FieldOf(err) == "name" {
		s.renderRooms(w, r, http.StatusBadRequest, "", "", view.FieldErrors{"name-" + id: problem.MessageOf(err)}, map[string]string{id: name})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRooms(w, r, http.StatusOK, "", "The room is saved.", nil, nil)
}
