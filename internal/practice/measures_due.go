package practice

import (
	"context"
	"strconv"
	"time"

	"doorway/internal/measures"
	"doorway/internal/store"
)

// What a client has due: their clinicians' open assignments, then each
// instrument the clinic's schedule says is due and no assignment covers.

// Due is one questionnaire a client should complete: a clinician's
// assignment, or an occasion of the clinic's schedule (no row until it is
// answered).
type Due struct {
	Instrument   *measures.Instrument
	AssignmentID string // "" for a scheduled occasion
	Occasion     string
	Reason       string
	DueAt        time.Time
	Deadline     time.Time
	Overdue      bool
}

// Key identifies a scheduled occasion in a form: its due time, so a form
// left open across two occasions cannot answer the wrong one.
func (d Due) Key() string { return DueKey(d.DueAt) }

// DueKey is the key of an occasion due at t.
func DueKey(t time.Time) string { return strconv.FormatInt(t.UTC().Unix(), 10) }

// ClientMeasures is what the schedule needs to know about one client.
type ClientMeasures struct {
	Course    store.Course
	HasCourse bool
	Done      []measures.Administration
	Open      []store.Assignment
	// Sessions are the medicine sessions still to come.
	Sessions []time.Time
}

// clientMeasures reads a client's course, administrations, open
// assignments and medicine sessions to come.
func clientMeasures(ctx context.Context, tx *store.Tx, clinic store.Clinic, clientID string, now time.Time) (ClientMeasures, error) {
	var cm ClientMeasures
	var err error
	if cm.Course, cm.HasCourse, err = tx.CurrentCourse(ctx, clinic.ID, clientID); err != nil {
		return cm, err
	}
	done, err := tx.Administrations(ctx, clinic.ID, []string{clientID})
	if err != nil {
		return cm, err
	}
	cm.Done = done[clientID]
	if cm.Open, err = tx.OpenAssignments(ctx, clinic.ID, clientID); err != nil {
		return cm, err
	}
	by, err := sessionsToCome(ctx, tx, store.AppointmentFilter{ClinicID: clinic.ID, ClientID: clientID}, clinic.Location(), now)
	cm.Sessions = by[clientID]
	return cm, err
}

// upcomingSessionHorizon is how far ahead booked sessions are looked for;
// pre-session measures open 72 hours before, so this is ample.
const upcomingSessionHorizon = 60 * 24 * time.Hour

// sessionsToCome are the medicine sessions still to come of every client
// the filter's appointments have (one client's, or a whole clinic's), by
// client id: booked, not cancelled, and not yet dosed. A session booked for
// earlier today that has not been dosed stays in the list, so its
// pre-session measures show as overdue rather than vanish. The times carry
// loc, the clinic's zone, since they are shown ("before session on Mon 7
// Dec, 10:00").
func sessionsToCome(ctx context.Context, tx *store.Tx, f store.AppointmentFilter, loc *time.Location, now time.Time) (map[string][]time.Time, error) {
	f.From, f.To = now.Add(-12*time.Hour), now.Add(upcomingSessionHorizon)
	if f.ClientID == "" {
		f.Limit = 2000 // the bookings of a page of clients
	}
	appts, err := tx.Appointments(ctx, f)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range appts {
		if a.Kind == store.KindMedicine {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	states, err := tx.SessionStates(ctx, f.ClinicID, ids)
	if err != nil {
		return nil, err
	}
	out := map[string][]time.Time{}
	for _, a := range appts {
		if a.Kind != store.KindMedicine {
			continue
		}
		for _, clientID := range a.ClientIDs() {
			if f.ClientID != "" && clientID != f.ClientID {
				continue
			}
			if st, ok := states[store.SessionKey{AppointmentID: a.ID, ClientID: clientID}]; ok && st != store.SessionChecklist {
				continue // dosed, held or stopped: no longer to come
			}
			out[clientID] = append(out[clientID], a.StartsAt.In(loc))
		}
	}
	return out, nil
}

// DueNow lists what the client should complete now: every open assignment
// of an instrument the clinic uses, then each instrument the schedule says
// is due and no assignment already covers. It only reads.
func (st *Settings) DueNow(cm ClientMeasures, now time.Time) []Due {
	var out []Due
	covered := map[string]bool{}
	for _, a := range cm.Open {
		in, ok := measures.ByID(a.InstrumentID)
		if !ok || !st.InstrumentEnabled(in) {
			continue
		}
		covered[in.ID] = true
		deadline := a.DueAt.Add(st.Measures.Protocol.Grace)
		out = append(out, Due{Instrument: in, AssignmentID: a.ID, Occasion: a.Occasion, Reason: "asked for by your care team",
			DueAt: a.DueAt, Deadline: deadline, Overdue: now.After(deadline)})
	}
	if !cm.HasCourse {
		return out
	}
	c := measures.Course{Start: cm.Course.StartedAt, Phase: string(cm.Course.State), Sessions: cm.Sessions, End: cm.Course.End()}
	for _, d := range measures.DueNow(st.Measures.Protocol, c, cm.Done, now, st.Time) {
		in, ok := measures.ByID(d.InstrumentID)
		if !ok || !st.InstrumentEnabled(in) || covered[in.ID] {
			continue
		}
		out = append(out, Due{Instrument: in, Occasion: string(d.Occasion), Reason: d.Reason, DueAt: d.DueAt, Deadline: d.Deadline, Overdue: d.Overdue})
	}
	return out
}
