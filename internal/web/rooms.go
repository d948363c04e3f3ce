package web

import (
	"net/http"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The admin's rooms: add, rename, and switch off a room that is no longer
// used. Rooms are clinic settings, so only an admin changes them.

// renderRooms shows the rooms; typed holds a refused rename, by room id, so
// what the admin typed stays in its field.
func (s *Server) renderRooms(w http.ResponseWriter, r *http.Request, status int, newName, notice string, errs view.FieldErrors, typed map[string]string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	var rooms []store.Room
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { rooms, err = tx.Rooms(ctx, v.P.ClinicID); return err }); err != nil {
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
	if !s.adminOnly(w, r, access.ClinicSettings, access.Read) {
		return
	}
	s.renderRooms(w, r, http.StatusOK, "", "", nil, nil)
}

func (s *Server) doAddRoom(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Write) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	name := strings.TrimSpace(r.PostFormValue("name"))
	rm := store.Room{ID: auth.NewID(), ClinicID: v.P.ClinicID, Name: name, Active: true, CreatedAt: s.now()}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRoom(ctx, &rm); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "room.create", ResourceType: "room", ResourceID: rm.ID, Detail: rm.Name})
	})
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
	if !s.adminOnly(w, r, access.ClinicSettings, access.Write) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("room")
	name := strings.TrimSpace(r.PostFormValue("name"))
	active := r.PostFormValue("active") == "1"
	// Another clinic's room (or none) is refused as absent before anything
	// typed is looked at.
	if err := s.st.Read(ctx, func(tx *store.Tx) error { _, err := tx.Room(ctx, v.P.ClinicID, id); return err }); err != nil {
		s.failDenied(w, r, "room", id, err)
		return
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateRoom(ctx, v.P.ClinicID, id, name, active); err != nil {
			return err
		}
		detail := name
		if !active {
			detail += "; switched off"
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "room.update", ResourceType: "room", ResourceID: id, Detail: detail})
	})
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
