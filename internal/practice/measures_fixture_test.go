package practice

import (
	"context"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// measuresPractice is storetest's practice with what the measures use
// cases read: client A's active course, started a month ago, with two
// PHQ-9 scores (14, with question 9 answered "Several days" and its open
// safety flag, 20 days ago; 13, 10 days ago), and a medicine session booked
// for 10:00 tomorrow, clinic time. Client B has nothing.
type measuresPractice struct {
	*storetest.Practice
	t        testing.TB
	st       *store.Store
	svc      *Service
	counter  *store.QueryCounter
	courseID string
	flagID   string
	apptA    string
	startA   time.Time
}

func newMeasuresPractice(t testing.TB, cfg store.Config) *measuresPractice {
	t.Helper()
	counter := &store.QueryCounter{Keep: true}
	cfg.Counter = counter
	st := storetest.OpenConfig(t, cfg)
	now := storetest.Now
	m := &measuresPractice{Practice: storetest.NewPractice(t, st, now), t: t, st: st, counter: counter}
	m.svc = New(Config{Store: st, Now: func() time.Time { return m.Now }})
	m.seed()
	return m
}

func (m *measuresPractice) seed() {
	m.t.Helper()
	ctx := context.Background()
	a, now, loc := m.Clients["A"], m.Now, m.Clinic.Location()
	course := store.Course{ID: auth.NewID(), ClinicID: m.Clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: now.AddDate(0, 0, -30), CreatedAt: now}
	m.courseID, m.flagID = course.ID, auth.NewID()
	phq9, _ := measures.ByID(measures.PHQ9)
	day := now.In(loc).AddDate(0, 0, 1)
	m.startA = time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc).UTC()
	room := store.Room{ID: auth.NewID(), ClinicID: m.Clinic.ID, Name: "Cedar Room", Active: true, CreatedAt: now}
	appt := store.Appointment{ID: auth.NewID(), ClinicID: m.Clinic.ID, Kind: store.KindMedicine, StartsAt: m.startA, EndsAt: m.startA.Add(3 * time.Hour),
		RoomID: room.ID, CreatedBy: m.Users["assigned"].ID, CreatedAt: now,
		Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: course.ID}}, Staff: []string{m.Users["assigned"].ID}}
	m.apptA = appt.ID
	err := m.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		for i, days := range []int{20, 10} {
			at := now.AddDate(0, 0, -days)
			answers := measures.Answers{"44250-9": 2, "44255-8": 2, "44259-0": 2, "44254-1": 2, "44251-7": 1, "44258-2": 2, "44252-5": 1, "44253-3": 1, "44260-8": 1 - i}
			res, err := measures.Score(phq9, answers)
			if err != nil {
				return err
			}
			asg := store.Assignment{ID: auth.NewID(), ClinicID: m.Clinic.ID, ClientID: a.ID, CourseID: course.ID, InstrumentID: phq9.ID,
				Occasion: string(measures.OccasionBaseline), DueAt: at, CreatedAt: at}
			if err := tx.CreateAssignment(ctx, &asg); err != nil {
				return err
			}
			r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: m.Clinic.ID, ClientID: a.ID, CourseID: course.ID,
				InstrumentID: phq9.ID, Answers: answers, Total: res.Total, HasTotal: true, BandKey: res.Band.Key,
				EnteredBy: m.Users["clientA"].ID, CompletedAt: at, RecordedAt: at}
			var flags []store.SafetyFlag
			for _, fl := range res.Flags {
				flags = append(flags, store.SafetyFlag{ID: m.flagID, Kind: string(fl.Kind), Severity: string(fl.Severity), Reason: fl.Reason, RaisedAt: at})
			}
			if err := tx.SaveResponse(ctx, &r, flags); err != nil {
				return err
			}
		}
		if err := tx.CreateRoom(ctx, &room); err != nil {
			return err
		}
		return tx.BookAppointment(ctx, &appt)
	})
	if err != nil {
		m.t.Fatalf("measures practice: %v", err)
	}
}

// actor is a principal of the practice asking through the pages.
func (m *measuresPractice) actor(principal string) Actor {
	u := m.Users[principal]
	clinic, clientID := m.Clinic, ""
	switch principal {
	case "foreignAdmin":
		clinic = m.Other
	case "clientA":
		clientID = m.Clients["A"].ID
	case "clientB":
		clientID = m.Clients["B"].ID
	}
	return NewActor(u.Principal(clientID), u.Name, clinic, auth.NewID(), "192.0.2.1", Pages)
}

// entries are the audit entries of the actor's request, oldest first.
func (m *measuresPractice) entries(a Actor) []audit.Entry {
	m.t.Helper()
	ctx := context.Background()
	var all []audit.Entry
	err := m.st.Read(ctx, func(tx *store.Tx) (err error) {
		all, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: a.P.ClinicID, ActorID: a.P.UserID, Limit: 1000})
		return err
	})
	if err != nil {
		m.t.Fatal(err)
	}
	var out []audit.Entry
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].RequestID == a.RequestID {
			out = append(out, all[i])
		}
	}
	return out
}

// openFlags are the clinic's open safety flags.
func (m *measuresPractice) openFlags() []store.SafetyFlag {
	m.t.Helper()
	ctx := context.Background()
	var fs []store.SafetyFlag
	if err := m.st.Read(ctx, func(tx *store.Tx) (err error) { fs, err = tx.OpenFlags(ctx, m.Clinic.ID); return err }); err != nil {
		m.t.Fatal(err)
	}
	return fs
}

// settings are the clinic's stored settings rows.
func (m *measuresPractice) settings() map[string]string {
	m.t.Helper()
	ctx := context.Background()
	var raw map[string]string
	if err := m.st.Read(ctx, func(tx *store.Tx) (err error) { raw, err = tx.ClinicSettings(ctx, m.Clinic.ID); return err }); err != nil {
		m.t.Fatal(err)
	}
	return raw
}
