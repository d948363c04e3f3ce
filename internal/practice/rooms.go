package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The clinic's rooms: added, renamed, switched off when no longer used,
// never deleted, since past sessions still name them. Rooms are clinic
// settings, so only an admin sees or changes them.

var (
	// opRooms names the rooms page in a refusal; reading the list of rooms
	// is not recorded, as it holds nobody's data.
	opRooms      = op{action: "room.list"}
	opRoomCreate = op{action: "room.create"}
	opRoomUpdate = op{action: "room.update"}
)

// Rooms lists the clinic's rooms, active ones first, by name.
func (s *Service) Rooms(ctx context.Context, a Actor) ([]store.Room, error) {
	if err := s.settle(ctx, a, s.clinicWide(a, opRooms, access.ClinicSettings, access.Read, string(access.ClinicSettings), "")); err != nil {
		return nil, err
	}
	var out []store.Room
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		out, err = tx.Rooms(ctx, a.P.ClinicID)
		return err
	})
	return out, err
}

// AddRoom adds a room that can be booked at once. Its name is unique in
// the clinic.
func (s *Service) AddRoom(ctx context.Context, a Actor, name string) (store.Room, error) {
	if err := s.settle(ctx, a, s.clinicWide(a, opRoomCreate, access.ClinicSettings, access.Write, string(access.ClinicSettings), "")); err != nil {
		return store.Room{}, err
	}
	rm := store.Room{ID: auth.NewID(), ClinicID: a.P.ClinicID, Name: strings.TrimSpace(name), Active: true, CreatedAt: s.Now()}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		if err := tx.CreateRoom(ctx, &rm); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opRoomCreate.action, ResourceType: "room", ResourceID: rm.ID, Detail: rm.Name})
	})
	return rm, err
}

// RoomInput is a room's name and whether it can be booked.
type RoomInput struct {
	ID     string
	Name   string
	Active bool
}

// SaveRoom renames a room and switches it on or off. Another clinic's room,
// or none, is refused as absent before anything typed is looked at.
func (s *Service) SaveRoom(ctx context.Context, a Actor, in RoomInput) error {
	if err := s.settle(ctx, a, s.clinicWide(a, opRoomUpdate, access.ClinicSettings, access.Write, string(access.ClinicSettings), "")); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *store.Tx) error {
		if !auth.ValidID(in.ID) {
			return s.refuse(a, opRoomUpdate, "room", "", "malformed id", "The room was not found.")
		}
		if _, err := tx.Room(ctx, a.P.ClinicID, in.ID); problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opRoomUpdate, "room", in.ID, "no such record", "The room was not found.")
		} else if err != nil {
			return err
		}
		name := strings.TrimSpace(in.Name)
		if err := tx.UpdateRoom(ctx, a.P.ClinicID, in.ID, name, in.Active); err != nil {
			return err
		}
		detail := name
		if !in.Active {
			detail += "; switched off"
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opRoomUpdate.action, ResourceType: "room", ResourceID: in.ID, Detail: detail})
	})
}
