package demo

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/session"
	"doorway/internal/store"
)

// The schedule part: Stillwater's two rooms, Dr. Lee's dosing orders, and
// the sessions of DEMO.md on the calendar. Maya's four medicine sessions fall
// between her weekly PHQ-9s (measures.go), two on her first order of 200 mg
// and two on the 300 mg that replaced it; Noah's six span his course; Tom is
// in the Cedar Room now, 35 minutes in; Lena's first medicine session is
// booked after his; Priya and Ben's joint session and Ruth's preparation
// session are next week.

// orderSpec is one version of a client's dosing order.
type orderSpec struct {
	client  string
	daysAgo int
	order   session.Order
}

var demoOrders = []orderSpec{
	{"maya", 60, session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(200),
		Notes: "Start at 200 mg; review after two sessions."}},
	// Maya's second version, 300 mg, is laterOrders' (sessions.go).
	{"daniel", 40, session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60),
		Notes: "Deltoid. Hold and call me if pre-dose BP is above 140/90."}},
	{"tom", 30, session.Order{Route: session.Lozenge, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}},
	{"ruth", 10, session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(200)}},
	{"priya", 25, session.Order{Route: session.RDT, Mg: session.MgOf(150), MaxMg: session.MgOf(200)}},
	{"ben", 25, session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}},
	{"noah", 125, session.Order{Route: session.RDT, Mg: session.MgOf(250), MaxMg: session.MgOf(300)}},
	{"lena", 20, session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(200),
		Notes: "First medicine session once her safety plan is reviewed."}},
}

// visitSpec is one appointment. days is relative to today (negative: past);
// a past appointment is completed.
type visitSpec struct {
	clients []string
	kind    store.AppointmentKind
	days    int
	hour    int
	room    string // "cedar", "willow" or "" for none
	staff   []string
	notes   string
	// inProgress: it began 35 minutes before now (days and hour unused).
	inProgress bool
	// afterTom: it begins at the first quarter hour after Tom's session
	// under way ends, later the same day as a rule (days and hour unused):
	// the staff are his.
	afterTom bool
}

const bringNotes = "Bring comfortable clothes, an eye mask if you have a favourite, and your companion's phone number. We have blankets, water and music."

func demoVisits() []visitSpec {
	var out []visitSpec
	med := func(client string, days int, room string, staff ...string) visitSpec {
		return visitSpec{clients: []string{client}, kind: store.KindMedicine, days: days, hour: 10, room: room, staff: staff, notes: bringNotes}
	}
	for _, d := range []int{-56, -42, -28, -14} {
		out = append(out, med("maya", d, "cedar", "sam"))
	}
	out = append(out, visitSpec{clients: []string{"maya"}, kind: store.KindIntegration, days: 3, hour: 15, room: "willow", staff: []string{"sam"}})
	for _, d := range []int{-35, -21, -7} {
		out = append(out, med("daniel", d, "willow", "sam"))
	}
	for _, d := range []int{-112, -98, -84, -70, -63, -49} {
		out = append(out, med("noah", d, "willow", "sam"))
	}
	out = append(out,
		visitSpec{clients: []string{"priya", "ben"}, kind: store.KindPreparation, days: -20, hour: 16, room: "willow", staff: []string{"robin"}},
		// Their first joint medicine session, two weeks ago: both records
		// signed (sessions.go).
		visitSpec{clients: []string{"priya", "ben"}, kind: store.KindMedicine, days: -15, hour: 10, room: "cedar", staff: []string{"robin", "jordan"}, notes: bringNotes},
		visitSpec{clients: []string{"priya", "ben"}, kind: store.KindMedicine, days: 7, hour: 10, room: "cedar", staff: []string{"robin", "jordan"},
			notes: bringNotes + " You will each have your own mat and headphones."},
		// Tom is 35 minutes into his medicine session as the demo starts.
		visitSpec{clients: []string{"tom"}, kind: store.KindMedicine, inProgress: true, room: "cedar", staff: []string{"sam", "jordan"}, notes: bringNotes},
		visitSpec{clients: []string{"ruth"}, kind: store.KindPreparation, days: 5, hour: 14, room: "willow", staff: []string{"sam"},
			notes: "We will go through consent together and plan your first medicine session."},
		// Lena's first medicine session is today; her PHQ-9 question 9
		// flag from last week is still open, so its page leads with the
		// safety gate, failing, until a clinician acknowledges the flag.
		visitSpec{clients: []string{"lena"}, kind: store.KindMedicine, afterTom: true, room: "willow", staff: []string{"sam", "jordan"}, notes: bringNotes},
	)
	return out
}

func seedSchedule(ctx context.Context, s *seeder) error {
	clinic := s.clinics[ShortName]
	loc := clinic.Location()
	rooms := map[string]string{}
	for key, name := range map[string]string{"cedar": "Cedar Room", "willow": "Willow Room"} {
		r := store.Room{ID: auth.NewID(), ClinicID: clinic.ID, Name: name, Active: true, CreatedAt: s.now.Add(-days(300))}
		if err := s.tx.CreateRoom(ctx, &r); err != nil {
			return fmt.Errorf("demo room %s: %w", name, err)
		}
		rooms[key] = r.ID
	}
	course := func(client string) (store.Course, error) {
		c, ok, err := s.tx.CurrentCourse(ctx, clinic.ID, s.clients[client].ID)
		if err == nil && !ok {
			err = fmt.Errorf("demo: %s has no course", client)
		}
		return c, err
	}
	// Orders are checked against the clinic's own rules, as on the page.
	rules, err := s.tx.SessionRules(ctx, clinic.ID)
	if err != nil {
		return err
	}
	settings := rules.Settings
	for _, spec := range demoOrders {
		c, err := course(spec.client)
		if err != nil {
			return err
		}
		if err := s.dosingOrder(ctx, spec, c, settings); err != nil {
			return err
		}
	}
	for _, v := range demoVisits() {
		start := s.now.Add(-35 * time.Minute)
		switch {
		case v.afterTom:
			tomEnds := s.now.Add(-35*time.Minute + time.Duration(rules.MedicineMinutes)*time.Minute)
			start = tomEnds.Add(14 * time.Minute).Truncate(15 * time.Minute)
		case !v.inProgress:
			day := s.now.In(loc).AddDate(0, 0, v.days)
			start = time.Date(day.Year(), day.Month(), day.Day(), v.hour, 0, 0, 0, loc).UTC()
		}
		length := time.Duration(store.DefaultSessionMinutes) * time.Minute
		if v.kind == store.KindMedicine {
			length = time.Duration(rules.MedicineMinutes) * time.Minute
		}
		a := store.Appointment{ID: auth.NewID(), ClinicID: clinic.ID, Kind: v.kind, StartsAt: start, EndsAt: start.Add(length),
			RoomID: rooms[v.room], NotesForClient: v.notes, CreatedBy: s.staff[v.staff[0]].ID, CreatedAt: start.Add(-days(10))}
		if a.CreatedAt.After(s.now) { // booked ahead, but never in the future
			a.CreatedAt = s.now.Add(-days(1))
		}
		if a.EndsAt.Before(s.now) {
			a.Status = store.StatusCompleted
		}
		for _, k := range v.clients {
			c, err := course(k)
			if err != nil {
				return err
			}
			a.Clients = append(a.Clients, store.AppointmentClient{ClientID: c.ClientID, CourseID: c.ID})
		}
		for _, k := range v.staff {
			a.Staff = append(a.Staff, s.staff[k].ID)
		}
		if err := s.tx.BookAppointment(ctx, &a); err != nil {
			return fmt.Errorf("demo %s session for %v: %w", v.kind, v.clients, err)
		}
		for _, c := range a.Clients {
			s.record(clinic.ID, s.staffMember(v.staff[0]), a.CreatedAt, audit.Entry{Action: "appointment.create", ResourceType: "appointment", ResourceID: a.ID, ClientID: c.ClientID})
		}
	}
	return nil
}

// dosingOrder writes one version of a client's order on their course, as
// Jordan writes it on the page, with its audit entry.
func (s *seeder) dosingOrder(ctx context.Context, spec orderSpec, c store.Course, settings session.Settings) error {
	o := store.DosingOrder{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ClientID, CourseID: c.ID, Order: spec.order,
		WrittenBy: s.staff["jordan"].ID, WrittenAt: s.now.Add(-days(spec.daysAgo))}
	if err := s.tx.WriteDosingOrder(ctx, &o, settings); err != nil {
		return fmt.Errorf("demo dosing order for %s: %w", spec.client, err)
	}
	s.record(c.ClinicID, s.staffMember("jordan"), o.WrittenAt, audit.Entry{Action: "dosing_order.write", ResourceType: "dosing_order", ResourceID: o.ID, ClientID: c.ClientID})
	return nil
}
