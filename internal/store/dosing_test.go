package store_test

import (
	"context"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

func mustCourse(t *testing.T, s *store.Store, p *storetest.Practice, client string) store.Course {
	t.Helper()
	c := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients[client].ID, State: care.Active,
		StartedAt: p.Now.AddDate(0, -1, 0), CreatedAt: p.Now}
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCourse(ctx, &c) })
	return c
}

func writeOrder(s *store.Store, o *store.DosingOrder) error {
	ctx := context.Background()
	return s.Write(ctx, func(tx *store.Tx) error { return tx.WriteDosingOrder(ctx, o, session.DefaultSettings()) })
}

func TestDosingOrderVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := mustCourse(t, s, p, "A")
		ctx := context.Background()
		s.Read(ctx, func(tx *store.Tx) error {
			if _, ok, err := tx.CurrentDosingOrder(ctx, p.Clinic.ID, course.ID); ok || err != nil {
				t.Errorf("before any order: ok=%v err=%v", ok, err)
			}
			return nil
		})
		first := store.DosingOrder{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, CourseID: course.ID,
			WrittenBy: p.Users["prescriber"].ID, WrittenAt: now,
			Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(200), Notes: "Start low."}}
		if err := writeOrder(s, &first); err != nil {
			t.Fatal(err)
		}
		second := first
		second.ID, second.WrittenAt = auth.NewID(), now.Add(14*24*time.Hour)
		second.Order = session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60), Notes: "Switch to IM."}
		if err := writeOrder(s, &second); err != nil {
			t.Fatal(err)
		}
		if first.Version != 1 || second.Version != 2 {
			t.Errorf("versions %d, %d; want 1, 2", first.Version, second.Version)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			cur, ok, err := tx.CurrentDosingOrder(ctx, p.Clinic.ID, course.ID)
			if err != nil || !ok {
				t.Fatalf("current: %v %v", ok, err)
			}
			if cur.Version != 2 || cur.Order != second.Order || cur.SupersededAt != nil || cur.WrittenByName != "Staff prescriber" || !cur.ByPrescriber {
				t.Errorf("current = %+v", cur)
			}
			if g := cur.Gate(); g.By != "Staff prescriber" || !g.ByPrescriber || !g.At.Equal(second.WrittenAt) {
				t.Errorf("gate = %+v", g)
			}
			hist, err := tx.DosingOrderHistory(ctx, p.Clinic.ID, course.ID)
			if err != nil || len(hist) != 2 {
				t.Fatalf("history: %v %v", hist, err)
			}
			old := hist[1]
			// The first version is kept exactly as written, stamped superseded
			// when the second was written.
			if old.Version != 1 || old.Order != first.Order || old.SupersededAt == nil || !old.SupersededAt.Equal(second.WrittenAt) {
				t.Errorf("first version = %+v", old)
			}
			if _, ok, _ := tx.CurrentDosingOrder(ctx, p.Other.ID, course.ID); ok {
				t.Error("another clinic sees the order")
			}
			return nil
		})
	})
}

func TestDosingOrderRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := mustCourse(t, s, p, "A")
		good := func() store.DosingOrder {
			return store.DosingOrder{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, CourseID: course.ID,
				WrittenBy: p.Users["prescriber"].ID, WrittenAt: now,
				Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}}
		}
		cases := []struct {
			name string
			edit func(o *store.DosingOrder)
			code problem.Code
			fld  string
		}{
			{"a therapist writes it", func(o *store.DosingOrder) { o.WrittenBy = p.Users["assigned"].ID }, problem.Invalid, ""},
			{"max below the dose", func(o *store.DosingOrder) { o.Order.MaxMg = session.MgOf(100) }, problem.Invalid, "max_mg"},
			{"not whole tablets", func(o *store.DosingOrder) { o.Order.Mg = session.MgOf(225) }, problem.Invalid, "mg"},
			{"IV without minutes", func(o *store.DosingOrder) {
				o.Order = session.Order{Route: session.IV, MgPerKg: 50, MaxMg: session.MgOf(50)}
			},
				problem.Invalid, "over_minutes"},
			{"another client's course", func(o *store.DosingOrder) { o.ClientID = p.Clients["B"].ID }, problem.Invalid, ""},
			{"another clinic's course", func(o *store.DosingOrder) { o.ClinicID = p.Other.ID }, problem.Invalid, ""},
		}
		for _, c := range cases {
			o := good()
			c.edit(&o)
			err := writeOrder(s, &o)
			if problem.CodeOf(err) != c.code || problem.FieldOf(err) != c.fld {
				t.Errorf("%s: got %v", c.name, err)
			}
		}
		ctx := context.Background()
		s.Read(ctx, func(tx *store.Tx) error {
			if hist, _ := tx.DosingOrderHistory(ctx, p.Clinic.ID, course.ID); len(hist) != 0 {
				t.Errorf("refused orders were stored: %d", len(hist))
			}
			return nil
		})
	})
}
