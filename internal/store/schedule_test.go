package store_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// la is the practice's zone; clash messages speak in it.
var la = func() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a time on 3 March 2026 in Los Angeles (UTC-8 that day).
func at(hour, minute int) time.Time { return time.Date(2026, 3, 3, hour, minute, 0, 0, la) }

func mustRoom(t *testing.T, s *store.Store, clinicID, name string) store.Room {
	t.Helper()
	r := store.Room{ID: auth.NewID(), ClinicID: clinicID, Name: name, Active: true, CreatedAt: at(8, 0)}
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateRoom(ctx, &r) })
	return r
}

// booking is a medicine session for client k with the given staff and room.
func booking(p *storetest.Practice, client string, room string, from, to time.Time, staff ...string) store.Appointment {
	a := store.Appointment{ID: auth.NewID(), ClinicID: p.Clinic.ID, Kind: store.KindMedicine, StartsAt: from, EndsAt: to, RoomID: room,
		CreatedBy: p.Users["assigned"].ID, CreatedAt: at(7, 0), Clients: []store.AppointmentClient{{ClientID: p.Clients[client].ID}}}
	for _, k := range staff {
		a.Staff = append(a.Staff, p.Users[k].ID)
	}
	return a
}

func book(s *store.Store, a store.Appointment) error {
	ctx := context.Background()
	return s.Write(ctx, func(tx *store.Tx) error { return tx.BookAppointment(ctx, &a) })
}

func TestRoomsAddRenameDeactivate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		willow := mustRoom(t, s, p.Clinic.ID, "Willow Room")
		ctx := context.Background()
		err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.CreateRoom(ctx, &store.Room{ID: auth.NewID(), ClinicID: p.Clinic.ID, Name: " Cedar Room ", Active: true, CreatedAt: at(8, 0)})
		})
		if problem.FieldOf(err) != "name" || !strings.Contains(problem.MessageOf(err), "already a room called Cedar Room") {
			t.Errorf("duplicate name: %v", err)
		}
		// Another clinic may have its own Cedar Room.
		mustRoom(t, s, p.Other.ID, "Cedar Room")
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.UpdateRoom(ctx, p.Clinic.ID, willow.ID, "Aspen Room", false)
		})
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.UpdateRoom(ctx, p.Other.ID, cedar.ID, "Stolen", true) })
		if problem.CodeOf(err) != problem.NotFound {
			t.Errorf("renaming another clinic's room: %v, want not found", err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			rooms, err := tx.Rooms(ctx, p.Clinic.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rooms {
				got = append(got, r.Name+map[bool]string{true: "+", false: "-"}[r.Active])
			}
			if strings.Join(got, ",") != "Cedar Room+,Aspen Room-" {
				t.Errorf("rooms = %v, want active Cedar then inactive Aspen", got)
			}
			return nil
		})
	})
}

func TestBookingRefusesClashes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		willow := mustRoom(t, s, p.Clinic.ID, "Willow Room")
		first := booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned")
		if err := book(s, first); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name    string
			a       store.Appointment
			field   string
			message string // "" means the booking succeeds
		}{
			{"same room, overlapping", booking(p, "B", cedar.ID, at(12, 0), at(14, 0), "unassigned"),
				"room", "Cedar Room is booked 10:00–13:00 for another session."},
			{"same room, inside", booking(p, "B", cedar.ID, at(10, 30), at(11, 0), "unassigned"),
				"room", "Cedar Room is booked 10:00–13:00 for another session."},
			{"same clinician, other room", booking(p, "B", willow.ID, at(9, 0), at(10, 1), "unassigned", "assigned"),
				"staff", "Staff assigned is booked 10:00–13:00 for another session."},
			{"same client, other room and people", booking(p, "A", willow.ID, at(12, 59), at(14, 0), "unassigned"),
				"client", "Avery " + storetest.Marker + " already has a session 10:00–13:00."},
			{"touching at the end is no clash", booking(p, "B", cedar.ID, at(13, 0), at(14, 0), "assigned"), "", ""},
			{"touching at the start is no clash", booking(p, "B", cedar.ID, at(9, 0), at(10, 0), "unassigned"), "", ""},
		}
		for _, c := range cases {
			err := book(s, c.a)
			if c.message == "" {
				if err != nil {
					t.Errorf("%s: %v", c.name, err)
				}
				continue
			}
			if problem.CodeOf(err) != problem.Conflict || problem.FieldOf(err) != c.field || problem.MessageOf(err) != c.message {
				t.Errorf("%s: got %v (field %q), want %q on %s", c.name, err, problem.FieldOf(err), c.message, c.field)
			}
			// A refused booking leaves nothing behind.
			s.Read(context.Background(), func(tx *store.Tx) error {
				if _, err := tx.Appointment(context.Background(), p.Clinic.ID, c.a.ID); problem.CodeOf(err) != problem.NotFound {
					t.Errorf("%s: the refused booking was stored (%v)", c.name, err)
				}
				return nil
			})
		}
	})
}

// A clinic on the 12-hour clock reads the clash on its clock.
func TestClashOnTheClinicsClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		if err := book(s, booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned")); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingClock, timefmt.Clock12, p.Users["admin"].ID, at(8, 0))
		})
		err := book(s, booking(p, "B", cedar.ID, at(12, 0), at(14, 0), "unassigned"))
		if want := "Cedar Room is booked 10:00 AM–1:00 PM for another session."; problem.MessageOf(err) != want {
			t.Errorf("got %v, want %q", err, want)
		}
	})
}

func TestCancelledAppointmentFreesTheRoom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		first := booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned")
		first.NotesForClient = "Bring a blanket. " + storetest.Marker
		if err := book(s, first); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.CancelAppointment(ctx, p.Clinic.ID, first.ID, p.Users["assigned"].ID, "  ", at(9, 0))
		})
		if problem.FieldOf(err) != "reason" {
			t.Errorf("cancel without a reason: %v", err)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.CancelAppointment(ctx, p.Clinic.ID, first.ID, p.Users["assigned"].ID, "Client is unwell", at(9, 0))
		})
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.CancelAppointment(ctx, p.Clinic.ID, first.ID, p.Users["assigned"].ID, "again", at(9, 0))
		})
		if problem.CodeOf(err) != problem.Conflict {
			t.Errorf("cancelling twice: %v", err)
		}
		if err := book(s, booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned")); err != nil {
			t.Errorf("a cancelled session still blocks: %v", err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			got, err := tx.Appointment(ctx, p.Clinic.ID, first.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.StatusCancelled || got.CancelReason != "Client is unwell" || got.NotesForClient != first.NotesForClient ||
				got.CancelledAt == nil || !got.CancelledAt.Equal(at(9, 0)) || !got.StartsAt.Equal(at(10, 0)) {
				t.Errorf("cancelled appointment = %+v", got)
			}
			live, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: p.Clinic.ID, From: at(0, 0), To: at(23, 0), RoomID: cedar.ID})
			if err != nil || len(live) != 1 || live[0].ID == first.ID {
				t.Errorf("live appointments = %v, %v; want only the new one", live, err)
			}
			all, _ := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: p.Clinic.ID, From: at(0, 0), To: at(23, 0), IncludeCancelled: true})
			if len(all) != 2 {
				t.Errorf("with cancelled: %d appointments, want 2", len(all))
			}
			return nil
		})
	})
}

func TestJointSessionAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		joint := booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned", "prescriber", "assigned")
		joint.Clients = append(joint.Clients, store.AppointmentClient{ClientID: p.Clients["B"].ID})
		if err := book(s, joint); err != nil {
			t.Fatal(err)
		}
		solo := booking(p, "B", "", at(15, 0), at(16, 0), "unassigned")
		solo.Kind = store.KindIntegration
		if err := book(s, solo); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		day := store.AppointmentFilter{ClinicID: p.Clinic.ID, From: at(0, 0), To: at(23, 59)}
		ids := func(f store.AppointmentFilter) string {
			var out []string
			s.Read(ctx, func(tx *store.Tx) error {
				list, err := tx.Appointments(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range list {
					out = append(out, a.ID)
				}
				return nil
			})
			return strings.Join(out, ",")
		}
		byStaff, byRoom, byClientA, byClientB := day, day, day, day
		byStaff.StaffID, byRoom.RoomID = p.Users["prescriber"].ID, cedar.ID
		byClientA.ClientID, byClientB.ClientID = p.Clients["A"].ID, p.Clients["B"].ID
		for name, c := range map[string]struct {
			f    store.AppointmentFilter
			want string
		}{
			"day": {day, joint.ID + "," + solo.ID}, "staff": {byStaff, joint.ID}, "room": {byRoom, joint.ID},
			"client A": {byClientA, joint.ID}, "client B": {byClientB, joint.ID + "," + solo.ID},
		} {
			if got := ids(c.f); got != c.want {
				t.Errorf("%s: got %s, want %s", name, got, c.want)
			}
		}
		s.Read(ctx, func(tx *store.Tx) error {
			got, err := tx.Appointment(ctx, p.Clinic.ID, joint.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Clients) != 2 || !got.HasClient(p.Clients["B"].ID) || len(got.Staff) != 2 {
				t.Errorf("joint session = %+v; want two clients and two staff (the duplicate dropped)", got)
			}
			if _, err := tx.Appointment(ctx, p.Other.ID, joint.ID); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("another clinic reads the appointment: %v", err)
			}
			return nil
		})
	})
}

// TestConcurrentBookingsOneWins books the same room at the same time from
// many goroutines, each with its own client and clinician, as if from many
// instances. Exactly one may win; every other is told the room is booked.
func TestConcurrentBookingsOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		const n = 8
		// Each attempt has its own clinician so that only the room can clash.
		var staff []string
		for i := 0; i < n; i++ {
			u := store.User{ID: auth.NewID(), ClinicID: p.Clinic.ID, Email: auth.NewID() + "@example.org", Name: "Racer", Kind: "staff",
				Roles: []store.Role{store.RoleTherapist}, CreatedAt: at(8, 0)}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateUser(ctx, &u) })
			staff = append(staff, u.ID)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				a := booking(p, map[bool]string{true: "A", false: "B"}[i%2 == 0], cedar.ID, at(10, i), at(13, 0))
				a.Staff = []string{staff[i]}
				<-start
				errs[i] = book(s, a)
			}(i)
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case problem.FieldOf(err) == "room" || problem.FieldOf(err) == "client":
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d bookings of one room at one time succeeded, want exactly 1", won)
		}
		ctx := context.Background()
		s.Read(ctx, func(tx *store.Tx) error {
			list, _ := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: p.Clinic.ID, From: at(0, 0), To: at(23, 0)})
			if len(list) != 1 {
				t.Errorf("%d appointments stored, want 1", len(list))
			}
			return nil
		})
	})
}

func TestBookingValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		base := booking(p, "A", "", at(10, 0), at(13, 0), "assigned")
		cases := []struct {
			field string
			edit  func(a *store.Appointment)
		}{
			{"kind", func(a *store.Appointment) { a.Kind = "massage" }},
			{"client", func(a *store.Appointment) { a.Clients = nil }},
			{"partner", func(a *store.Appointment) { a.Clients = append(a.Clients, a.Clients[0]) }},
			{"staff", func(a *store.Appointment) { a.Staff = nil }},
			{"duration", func(a *store.Appointment) { a.EndsAt = a.StartsAt }},
			{"duration", func(a *store.Appointment) { a.EndsAt = a.StartsAt.Add(13 * time.Hour) }},
			{"notes", func(a *store.Appointment) { a.NotesForClient = strings.Repeat("x", 2001) }},
		}
		for _, c := range cases {
			a := base
			a.ID = auth.NewID()
			a.Clients = append([]store.AppointmentClient(nil), base.Clients...)
			c.edit(&a)
			if err := book(s, a); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != c.field {
				t.Errorf("%s: got %v", c.field, err)
			}
		}
	})
}

// Two cancels of one session at the same moment: one succeeds, the other
// is told the session changed, so it is cancelled (and audited) once.
func TestConcurrentCancelsOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		a := booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned")
		// A sealed note first, so the clinic's key exists before the race.
		a.NotesForClient = "Bring a blanket."
		if err := book(s, a); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		cancel := func(reason string) error {
			return s.Write(ctx, func(tx *store.Tx) error {
				return tx.CancelAppointment(ctx, p.Clinic.ID, a.ID, p.Users["assigned"].ID, reason, at(9, 0))
			})
		}
		// The first cancel holds its transaction open after its update; the
		// second reads the session while it is still scheduled as committed,
		// then its update waits for the first to commit.
		cancelled := make(chan struct{})
		var wg sync.WaitGroup
		var first, second error
		wg.Add(2)
		go func() {
			defer wg.Done()
			first = s.Write(ctx, func(tx *store.Tx) error {
				if err := tx.CancelAppointment(ctx, p.Clinic.ID, a.ID, p.Users["assigned"].ID, "Client is unwell", at(9, 0)); err != nil {
					close(cancelled)
					return err
				}
				close(cancelled)
				time.Sleep(200 * time.Millisecond)
				return nil
			})
		}()
		go func() {
			defer wg.Done()
			<-cancelled
			second = cancel("Room flooded")
		}()
		wg.Wait()
		if first != nil {
			t.Fatalf("first cancel: %v", first)
		}
		if problem.CodeOf(second) != problem.Conflict {
			t.Errorf("second cancel at the same moment: %v, want a conflict", second)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			got, err := tx.Appointment(ctx, p.Clinic.ID, a.ID)
			if err != nil || got.CancelReason != "Client is unwell" {
				t.Errorf("cancelled appointment = %+v, %v", got, err)
			}
			return nil
		})
	})
}

// TestFirstSealsAtOnceShareOneKey: a clinic's data key is made on its first
// sealed write. Two cancellations at once (each seals its reason) in a clinic
// that has sealed nothing yet must both succeed, under one key, rather than
// both trying to make key 1.
func TestFirstSealsAtOnceShareOneKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.NewPractice(t, s, at(8, 0))
		cedar := mustRoom(t, s, p.Clinic.ID, "Cedar Room")
		birch := mustRoom(t, s, p.Clinic.ID, "Birch Room")
		a := booking(p, "A", cedar.ID, at(10, 0), at(13, 0), "assigned")
		b := booking(p, "B", birch.ID, at(10, 0), at(13, 0), "unassigned")
		for _, x := range []store.Appointment{a, b} {
			if err := book(s, x); err != nil {
				t.Fatal(err)
			}
		}
		ctx := context.Background()
		// The first holds its transaction open after sealing; the second
		// seals meanwhile, while key 1 is made but not yet committed.
		sealed := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs[0] = s.Write(ctx, func(tx *store.Tx) error {
				err := tx.CancelAppointment(ctx, p.Clinic.ID, a.ID, p.Users["assigned"].ID, "Room needed for repairs", at(9, 0))
				close(sealed)
				if err != nil {
					return err
				}
				time.Sleep(200 * time.Millisecond)
				return nil
			})
		}()
		go func() {
			defer wg.Done()
			<-sealed
			errs[1] = s.Write(ctx, func(tx *store.Tx) error {
				return tx.CancelAppointment(ctx, p.Clinic.ID, b.ID, p.Users["assigned"].ID, "Room needed for repairs", at(9, 0))
			})
		}()
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("cancel %d: %v", i, err)
			}
		}
		for _, x := range []store.Appointment{a, b} {
			var got store.Appointment
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				got, err = tx.Appointment(ctx, p.Clinic.ID, x.ID)
				return err
			})
			if got.CancelReason != "Room needed for repairs" {
				t.Errorf("the reason reads back as %q", got.CancelReason)
			}
		}
	})
}

// TestClashChecksReadIndexesAlone reads how SQLite runs the clash checks of
// a booking. A clinician's are looked for among the clinic's appointments
// around the new one, which the clinic's time index answers by itself, with
// no read of each appointment's row; a client's among their own
// appointments, not the clinic's. Either way, booking costs the same in a
// clinic of 3 clinicians as in one of 300. SQLite plans without statistics,
// so the plan is the same on this small practice as on a large one.
func TestClashChecksReadIndexesAlone(t *testing.T) {
	counter := store.QueryCounter{Keep: true}
	s := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir(), Counter: &counter})
	p := storetest.NewPractice(t, s, at(8, 0))
	counter.Reset()
	if err := book(s, booking(p, "A", "", at(10, 0), at(13, 0), "assigned")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"appointment_staff":   "SEARCH a USING COVERING INDEX appointments_clinic_time (clinic_id=? AND starts_at>? AND starts_at<?)",
		"appointment_clients": "SEARCH ac USING COVERING INDEX appointment_clients_client (client_id=?)",
	}
	checked := 0
	for _, q := range counter.Statements() {
		if !strings.Contains(q, "ORDER BY a.starts_at LIMIT 1") {
			continue
		}
		for table, step := range want {
			if !strings.Contains(q, table) {
				continue
			}
			checked++
			plan, err := s.QueryPlan(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(plan, step) {
				t.Errorf("the clash check through %s does not %s:\n  %s", table, step, strings.Join(plan, "\n  "))
			}
		}
	}
	if checked != 2 {
		t.Errorf("%d clash checks planned, want the clinician's and the client's", checked)
	}
}
