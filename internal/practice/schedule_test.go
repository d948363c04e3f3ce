package practice_test

import (
	"context"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/calendar"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// calendarPractice is storetest's practice with the use cases over it, on
// each engine the run has.
type calendarPractice struct {
	t   *testing.T
	st  *store.Store
	app *practice.Service
	*storetest.Practice
}

func eachCalendarPractice(t *testing.T, fn func(t *testing.T, p calendarPractice)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := storetest.NewPractice(t, st, storetest.Now)
		fn(t, calendarPractice{t: t, st: st, Practice: p,
			app: practice.New(practice.Config{Store: st, Now: func() time.Time { return p.Now }})})
	})
}

// as is a request by one of the practice's principals.
func (p calendarPractice) as(who string) practice.Actor {
	u := p.Users[who]
	clientID := ""
	if who == "clientA" {
		clientID = p.Clients["A"].ID
	}
	return practice.NewActor(u.Principal(clientID), u.Name, p.Clinic, "req-"+who, "192.0.2.1", practice.Pages)
}

// entries are the clinic's audit entries, newest first.
func (p calendarPractice) entries() []audit.Entry {
	p.t.Helper()
	ctx := context.Background()
	var out []audit.Entry
	if err := p.st.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: p.Clinic.ID, Limit: 500})
		return err
	}); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// mustBook books a session tomorrow at start (15:04, clinic time) for the
// client, with the clinician, in the room.
func (p calendarPractice) mustBook(who, client, start, clinician, roomID string) store.Appointment {
	p.t.Helper()
	appt, err := p.app.BookAppointment(context.Background(), p.as(who), p.booking(client, start, clinician, roomID))
	if err != nil {
		p.t.Fatalf("booking %s at %s: %v", client, start, err)
	}
	return appt
}

func (p calendarPractice) booking(client, start, clinician, roomID string) practice.BookingInput {
	tomorrow := calendar.Of(p.Now, p.Clinic.Location()).AddDays(1)
	return practice.BookingInput{ClientID: p.Clients[client].ID, Kind: store.KindIntegration, Date: tomorrow.String(), Time: start,
		RoomID: roomID, StaffIDs: []string{p.Users[clinician].ID}}
}

// TestCalendarRefusalsAreRecordedOnce: each use case of the calendar, the
// dosing order and the clinic's rules refuses a principal out of scope as
// absent, changes nothing, and leaves exactly one entry, the denial, which
// the adapters then need not write.
func TestCalendarRefusalsAreRecordedOnce(t *testing.T) {
	eachCalendarPractice(t, func(t *testing.T, p calendarPractice) {
		ctx := context.Background()
		room, err := p.app.AddRoom(ctx, p.as("admin"), "Cedar Room")
		if err != nil {
			t.Fatal(err)
		}
		apptA := p.mustBook("assigned", "A", "10:00", "assigned", room.ID)
		for _, c := range []struct {
			name string
			call func() error
		}{
			{"booking someone else's client", func() error {
				_, err := p.app.BookAppointment(ctx, p.as("unassigned"), p.booking("A", "14:00", "unassigned", ""))
				return err
			}},
			{"booking as a client", func() error {
				_, err := p.app.BookAppointment(ctx, p.as("clientA"), p.booking("A", "14:00", "assigned", ""))
				return err
			}},
			{"opening someone else's session", func() error { _, err := p.app.Appointment(ctx, p.as("unassigned"), apptA.ID); return err }},
			{"cancelling someone else's session", func() error { return p.app.CancelAppointment(ctx, p.as("unassigned"), apptA.ID, "x") }},
			{"another client's calendar", func() error {
				_, err := p.app.Schedule(ctx, p.as("unassigned"), practice.ScheduleOf{Kind: practice.ScheduleClient, ID: p.Clients["A"].ID}, "")
				return err
			}},
			{"a therapist writing a dosing order", func() error {
				_, err := p.app.WriteDosingOrder(ctx, p.as("assigned"), practice.DosingOrderInput{ClientID: p.Clients["A"].ID,
					Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}})
				return err
			}},
			{"a prescriber restoring the session rules", func() error {
				_, err := p.app.RestoreSessionRules(ctx, p.as("prescriber"), "alerts")
				return err
			}},
			{"a therapist adding a room", func() error { _, err := p.app.AddRoom(ctx, p.as("assigned"), "Oak Room"); return err }},
			{"another clinic's admin renaming a room", func() error {
				return p.app.SaveRoom(ctx, practice.NewActor(p.Users["foreignAdmin"].Principal(""), "", p.Other, "req", "192.0.2.1", practice.Pages),
					practice.RoomInput{ID: room.ID, Name: "Taken", Active: true})
			}},
		} {
			before := len(p.entries())
			err := c.call()
			if problem.CodeOf(err) != problem.NotFound || !practice.Recorded(err) {
				t.Errorf("%s: %v, want a recorded NotFound", c.name, err)
			}
			after := p.entries()
			// The foreign admin's denial is in their own clinic's log.
			if c.name == "another clinic's admin renaming a room" {
				if len(after) != before {
					t.Errorf("%s: %d entries in this clinic's log", c.name, len(after)-before)
				}
				continue
			}
			if len(after) != before+1 || after[0].Action != "access.denied" || after[0].Outcome != audit.Denied {
				t.Errorf("%s: %d new entries (newest %+v), want the one denial", c.name, len(after)-before, after[0])
			}
		}
		// Nothing changed: one session, the room as it was.
		wk, err := p.app.Schedule(ctx, p.as("admin"), practice.ScheduleOf{Kind: practice.ScheduleAll}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(wk.Slots) != 1 || wk.Slots[0].Cancelled || len(wk.Rooms) != 1 || wk.Rooms[0].Name != "Cedar Room" {
			t.Errorf("after the refusals: %+v, rooms %+v", wk.Slots, wk.Rooms)
		}
	})
}

// TestCalendarCarriesNothingHidden: a session whose client the actor may
// not read is on their calendar as booked, and the result itself holds no
// client, no kind, no staff and no way in, so no page can show them.
func TestCalendarCarriesNothingHidden(t *testing.T) {
	eachCalendarPractice(t, func(t *testing.T, p calendarPractice) {
		ctx := context.Background()
		p.mustBook("assigned", "A", "10:00", "assigned", "")
		apptB := p.mustBook("unassigned", "B", "14:00", "unassigned", "")
		wk, err := p.app.Schedule(ctx, p.as("unassigned"), practice.ScheduleOf{Kind: practice.ScheduleAll}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(wk.Slots) != 2 {
			t.Fatalf("%d slots, want 2", len(wk.Slots))
		}
		a, b := wk.Slots[0], wk.Slots[1]
		if !a.Hidden || a.Kind != "" || a.Staff != nil || a.Clients != nil || a.ID != "" {
			t.Errorf("client A's session as the unassigned therapist sees it: %+v", a)
		}
		if b.Hidden || b.ID != apptB.ID || len(b.Clients) != 1 || b.Clients[0].ID != p.Clients["B"].ID || len(b.Staff) != 1 {
			t.Errorf("their own client's session: %+v", b)
		}
		// Without a calendar asked for, a clinician sees their own.
		if wk, err := p.app.Schedule(ctx, p.as("unassigned"), practice.ScheduleOf{}, ""); err != nil ||
			wk.Of != (practice.ScheduleOf{Kind: practice.ScheduleStaff, ID: p.Users["unassigned"].ID}) || len(wk.Slots) != 1 {
			t.Errorf("the default calendar: %+v %v", wk.Of, err)
		}
	})
}
