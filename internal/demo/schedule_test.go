package demo_test

import (
	"testing"
	"time"

	"doorway/internal/demo"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestScheduleTellsTheStories reads back the schedule part of the demo: the
// dosing orders of DEMO.md and the sessions on the calendar.
func TestScheduleTellsTheStories(t *testing.T) {
	st, now := seeded(t, storetest.Engines(t)[0])
	err := st.Read(ctx, func(tx *store.Tx) error {
		clinic, err := tx.ClinicByRef(ctx, demo.ShortName)
		if err != nil {
			return err
		}
		clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: clinic.ID})
		if err != nil {
			return err
		}
		byName := map[string]store.Client{}
		for _, c := range clients {
			byName[c.GivenName] = c
		}
		order := func(name string) (store.DosingOrder, []store.DosingOrder) {
			course, ok, err := tx.CurrentCourse(ctx, clinic.ID, byName[name].ID)
			if err != nil || !ok {
				t.Fatalf("%s's course: %v %v", name, ok, err)
			}
			cur, ok, err := tx.CurrentDosingOrder(ctx, clinic.ID, course.ID)
			if err != nil || !ok {
				t.Fatalf("%s has no dosing order: %v", name, err)
			}
			hist, err := tx.DosingOrderHistory(ctx, clinic.ID, course.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cur.WrittenByName != "Dr. Jordan Lee" || !cur.ByPrescriber {
				t.Errorf("%s's order is by %q (prescriber %v)", name, cur.WrittenByName, cur.ByPrescriber)
			}
			return cur, hist
		}
		maya, hist := order("Maya")
		if len(hist) != 2 || hist[1].Order.Mg != session.MgOf(200) || maya.Order.Mg != session.MgOf(300) || maya.Order.Route != session.RDT {
			t.Errorf("Maya's orders: %+v", hist)
		}
		if daniel, _ := order("Daniel"); daniel.Order.Route != session.IM || daniel.Order.MgPerKg != 50 || daniel.Order.MaxMg != session.MgOf(60) {
			t.Errorf("Daniel's order: %+v", daniel.Order)
		}
		for _, name := range []string{"Tom", "Ruth", "Priya", "Ben", "Noah"} {
			order(name)
		}
		sessions := func(name string, from, to time.Time, kind store.AppointmentKind) []store.Appointment {
			list, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: clinic.ID, ClientID: byName[name].ID, From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			var out []store.Appointment
			for _, a := range list {
				if a.Kind == kind {
					out = append(out, a)
				}
			}
			return out
		}
		past, future := now.AddDate(-1, 0, 0), now.AddDate(0, 1, 0)
		for name, want := range map[string]int{"Maya": 4, "Daniel": 3, "Noah": 6} {
			list := sessions(name, past, now, store.KindMedicine)
			if len(list) != want {
				t.Errorf("%s has %d past medicine sessions, want %d", name, len(list), want)
			}
			for _, a := range list {
				if a.Status != store.StatusCompleted {
					t.Errorf("%s's session of %s is %s", name, a.StartsAt, a.Status)
				}
			}
		}
		tom := sessions("Tom", now.Add(-time.Hour), now.Add(time.Hour), store.KindMedicine)
		if len(tom) != 1 || !tom[0].StartsAt.Equal(now.Add(-35*time.Minute)) || tom[0].Status != store.StatusScheduled {
			t.Errorf("Tom's session today: %+v", tom)
		}
		joint := sessions("Priya", now, future, store.KindMedicine)
		if len(joint) != 1 || !joint[0].HasClient(byName["Ben"].ID) || joint[0].StartsAt.Sub(now) < 6*24*time.Hour {
			t.Errorf("Priya and Ben's joint session next week: %+v", joint)
		}
		if prep := sessions("Ruth", now, future, store.KindPreparation); len(prep) != 1 {
			t.Errorf("Ruth's preparation sessions next week: %d", len(prep))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
