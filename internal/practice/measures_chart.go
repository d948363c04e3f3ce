package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// The measures parts of the care team's pages: the client's chart and the
// caseload board. The loaders of those pages call these inside their own
// one transaction.

// ChartMeasures is the measures section of a client's chart.
type ChartMeasures struct {
	HasCourse bool
	// Latest is each instrument's newest score, in the catalogue's order.
	Latest []LatestScore
	// Due is what the client has to complete now.
	Due []Due
	// Flags are the open safety flags, then the most recently acknowledged
	// ones; older ones stay in the record.
	Flags []ChartFlag
	// Instruments are those the clinic uses: what may be assigned.
	Instruments []*measures.Instrument
	// CanWrite says the actor may add to the record (assign a
	// questionnaire, enter a paper form); CanAcknowledge, that they may
	// acknowledge a safety flag.
	CanWrite, CanAcknowledge bool
}

// LatestScore is an instrument's newest score, and how many there are.
type LatestScore struct {
	Instrument *measures.Instrument
	Response   store.Response
	Count      int
}

// ChartFlag is a safety flag on the chart, with the name of whoever
// acknowledged it.
type ChartFlag struct {
	store.SafetyFlag
	AcknowledgedByName string
}

// chartAcknowledgedFlags is how many acknowledged flags the chart keeps in
// view beside the open ones.
const chartAcknowledgedFlags = 5

// chartMeasures loads the measures section of the chart ch, which access
// has allowed the actor to read.
func (s *Service) chartMeasures(ctx context.Context, tx *store.Tx, a Actor, st *Settings, ch chart) (ChartMeasures, error) {
	c := ch.Client
	now := s.Now()
	cm, err := clientMeasures(ctx, tx, st.Clinic, c.ID, now)
	if err != nil {
		return ChartMeasures{}, err
	}
	rs, err := tx.Responses(ctx, c.ClinicID, c.ID, "")
	if err != nil {
		return ChartMeasures{}, err
	}
	flags, err := tx.ClientFlags(ctx, c.ClinicID, c.ID)
	if err != nil {
		return ChartMeasures{}, err
	}
	out := ChartMeasures{HasCourse: cm.HasCourse, Due: st.DueNow(cm, now),
		CanWrite: ch.may(a, access.Write, access.ClientRecord), CanAcknowledge: ch.may(a, access.Write, access.SafetyFlag)}
	latest, count := map[string]store.Response{}, map[string]int{}
	for _, r := range rs { // oldest first
		latest[r.InstrumentID] = r
		count[r.InstrumentID]++
	}
	for _, in := range measures.All() {
		if r, ok := latest[in.ID]; ok {
			out.Latest = append(out.Latest, LatestScore{Instrument: in, Response: r, Count: count[in.ID]})
		}
		if st.InstrumentEnabled(in) {
			out.Instruments = append(out.Instruments, in)
		}
	}
	out.Flags, err = chartFlags(ctx, tx, c.ClinicID, flags)
	return out, err
}

// chartFlags are the open flags, then the recently acknowledged ones with
// who acknowledged them; flags come newest first.
func chartFlags(ctx context.Context, tx *store.Tx, clinicID string, flags []store.SafetyFlag) ([]ChartFlag, error) {
	var open, done []ChartFlag
	for _, f := range flags {
		switch {
		case f.Open():
			open = append(open, ChartFlag{SafetyFlag: f})
		case len(done) < chartAcknowledgedFlags:
			done = append(done, ChartFlag{SafetyFlag: f})
		}
	}
	if len(done) > 0 {
		names, err := tx.StaffNames(ctx, clinicID)
		if err != nil {
			return nil, err
		}
		for i := range done {
			done[i].AcknowledgedByName = names[done[i].AcknowledgedBy]
		}
	}
	return append(open, done...), nil
}

// CaseloadMeasures is the measures part of the caseload board: what each
// listed client has due and overdue, and their open safety flags.
type CaseloadMeasures struct {
	// Due and Overdue count each client's questionnaires, by client id.
	Due, Overdue map[string]int
	// Flags are the listed clients' open safety flags, newest first.
	Flags []store.SafetyFlag
}

// caseloadMeasures counts what the listed clients have due as their chart
// and portal do, reading the whole clinic's measures in a few queries.
// clients are those the actor may see (the caseload is already filtered to
// their care teams, or the whole clinic for an admin), and only their flags
// are kept; courses are the clinic's current courses (tx.CurrentCourses).
func (s *Service) caseloadMeasures(ctx context.Context, tx *store.Tx, st *Settings, clients []store.Client,
	courses map[string]store.Course, done map[string][]measures.Administration) (CaseloadMeasures, error) {
	out := CaseloadMeasures{Due: map[string]int{}, Overdue: map[string]int{}}
	clinicID, now := st.Clinic.ID, s.Now()
	flags, err := tx.OpenFlags(ctx, clinicID)
	if err != nil {
		return out, err
	}
	ids := clientIDs(clients)
	open, err := tx.OpenAssignmentsOf(ctx, clinicID, ids)
	if err != nil {
		return out, err
	}
	// The medicine sessions to come, as clientMeasures reads them for one
	// client: the before-session measures depend on them.
	sessions, err := sessionsToCome(ctx, tx, store.AppointmentFilter{ClinicID: clinicID, ClientIDs: ids}, st.Clinic.Location(), now)
	if err != nil {
		return out, err
	}
	openBy := map[string][]store.Assignment{}
	for _, asg := range open {
		openBy[asg.ClientID] = append(openBy[asg.ClientID], asg)
	}
	listed := map[string]bool{}
	for _, c := range clients {
		listed[c.ID] = true
		course, has := courses[c.ID]
		cm := ClientMeasures{Course: course, HasCourse: has, Done: done[c.ID], Open: openBy[c.ID], Sessions: sessions[c.ID]}
		for _, d := range st.DueNow(cm, now) {
			if d.Overdue {
				out.Overdue[c.ID]++
			} else {
				out.Due[c.ID]++
			}
		}
	}
	for _, f := range flags {
		if listed[f.ClientID] {
			out.Flags = append(out.Flags, f)
		}
	}
	return out, nil
}
