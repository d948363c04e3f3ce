package web

import (
	"context"
	"time"

	"doorway/internal/auth"
	"doorway/internal/store"
)

// scheduleFixture gives the calendar pages something to show: the Cedar
// Room, a medicine session for client A tomorrow at 10:00 clinic time with
// the assigned therapist, and an integration session for client B the day
// after with the unassigned therapist (B's care team).
type scheduleFixture struct {
	roomID string
	apptA  string
	apptB  string
	// startA is when A's session starts.
	startA time.Time
}

func (f *fixture) seedSchedule() {
	f.t.Helper()
	ctx := context.Background()
	loc := f.clinic.Location()
	day := f.now.In(loc).AddDate(0, 0, 1)
	startA := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc).UTC()
	room := store.Room{ID: auth.NewID(), ClinicID: f.clinic.ID, Name: "Cedar Room", Active: true, CreatedAt: f.now}
	a := store.Appointment{ID: auth.NewID(), ClinicID: f.clinic.ID, Kind: store.KindMedicine, StartsAt: startA, EndsAt: startA.Add(3 * time.Hour),
		RoomID: room.ID, NotesForClient: "Bring warm socks.", CreatedBy: f.users["assigned"].ID, CreatedAt: f.now,
		Clients: []store.AppointmentClient{{ClientID: f.clients["A"].ID, CourseID: f.measures.courseID}}, Staff: []string{f.users["assigned"].ID}}
	b := store.Appointment{ID: auth.NewID(), ClinicID: f.clinic.ID, Kind: store.KindIntegration, StartsAt: startA.Add(24 * time.Hour),
		EndsAt: startA.Add(25 * time.Hour), RoomID: room.ID, CreatedBy: f.users["unassigned"].ID, CreatedAt: f.now,
		Clients: []store.AppointmentClient{{ClientID: f.clients["B"].ID}}, Staff: []string{f.users["unassigned"].ID}}
	f.schedule = scheduleFixture{roomID: room.ID, apptA: a.ID, apptB: b.ID, startA: startA}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRoom(ctx, &room); err != nil {
			return err
		}
		if err := tx.BookAppointment(ctx, &a); err != nil {
			return err
		}
		return tx.BookAppointment(ctx, &b)
	})
	if err != nil {
		f.t.Fatalf("schedule fixture: %v", err)
	}
}
