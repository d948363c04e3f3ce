package store_test

import (
	"context"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// A session's course is the one its appointment names for the client, else
// the client's current course; the appointment's record starts on it.
func TestSessionCourse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSessionWorld(t, s)
		// A newer course: the client's current one, which the appointment
		// does not name.
		newer := store.Course{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, ClientID: w.p.Clients["A"].ID, State: care.Active,
			StartedAt: w.p.Now.Add(-time.Hour), CreatedAt: w.p.Now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCourse(ctx, &newer) })
		course := func(a store.Appointment, client string) (store.Course, bool) {
			t.Helper()
			var c store.Course
			var ok bool
			if err := s.Read(ctx, func(tx *store.Tx) (err error) {
				c, ok, err = tx.SessionCourse(ctx, a, w.p.Clients[client].ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return c, ok
		}
		if c, ok := course(w.appt, "A"); !ok || c.ID != w.course.ID {
			t.Errorf("named course: got %q %v, want %q", c.ID, ok, w.course.ID)
		}
		unnamed := w.appt
		unnamed.Clients = []store.AppointmentClient{{ClientID: w.p.Clients["A"].ID}}
		if c, ok := course(unnamed, "A"); !ok || c.ID != newer.ID {
			t.Errorf("no course named: got %q %v, want the current %q", c.ID, ok, newer.ID)
		}
		gone := w.appt
		gone.Clients = []store.AppointmentClient{{ClientID: w.p.Clients["A"].ID, CourseID: auth.NewID()}}
		if c, ok := course(gone, "A"); !ok || c.ID != newer.ID {
			t.Errorf("named course gone: got %q %v, want the current %q", c.ID, ok, newer.ID)
		}
		if _, ok := course(unnamed, "B"); ok {
			t.Error("a client without a course has one")
		}
		m := w.start(t, s)
		if m.CourseID != w.course.ID {
			t.Errorf("the record started on course %q, want the appointment's %q", m.CourseID, w.course.ID)
		}
	})
}

// A course that cannot be read is an error, not a reason to take the
// client's current course instead.
func TestSessionCourseKeepsReadErrors(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name == "postgres" {
			continue // PostgreSQL will not store an unreadable timestamp
		}
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			w := newSessionWorld(t, s)
			newer := store.Course{ID: auth.NewID(), ClinicID: w.p.Clinic.ID, ClientID: w.p.Clients["A"].ID, State: care.Active,
				StartedAt: w.p.Now.Add(-time.Hour), CreatedAt: w.p.Now}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCourse(ctx, &newer) })
			db := rawDB(t, e, cfg)
			if _, err := db.Exec(`UPDATE courses SET planned_end_at = 'not a time' WHERE id = ?`, w.course.ID); err != nil {
				t.Fatal(err)
			}
			var c store.Course
			err := s.Read(ctx, func(tx *store.Tx) (err error) {
				c, _, err = tx.SessionCourse(ctx, w.appt, w.p.Clients["A"].ID)
				return err
			})
			if err == nil {
				t.Fatalf("an unreadable course gave course %q, want an error", c.ID)
			}
		})
	}
}
