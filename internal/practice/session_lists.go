package practice

import (
	"context"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
)

// The medicine sessions other pages list: the caseload's sessions under
// way, an appointment's records on the schedule, a client's on their
// course. Each reads inside the transaction of the page that lists them,
// whose loader has already asked access for the clients it shows.

// underWayWithin is how far back a medicine session may have been opened and
// still count as under way on the caseload: a record left open overnight
// (never discharged) is a loose end for its course page, not today's board.
const underWayWithin = 12 * time.Hour

// SessionUnderWay is a medicine session under way (checks begun or dosed,
// not yet ended), for the caseload.
type SessionUnderWay struct {
	Client  store.Client
	Session store.MedicineSession
	// OpenAlerts counts the alerts nobody has acknowledged yet; none before
	// the dose.
	OpenAlerts int
}

// sessionsUnderWay lists the medicine sessions under way of the listed
// clients, in their order, with the alerts nobody has acknowledged yet, so
// a clinician walking past the desk sees which chair needs them. It reads
// in tx, the caseload's own transaction.
func (s *Service) sessionsUnderWay(ctx context.Context, tx *store.Tx, a Actor, clients []store.Client) ([]SessionUnderWay, error) {
	ms, err := tx.SessionsUnderWay(ctx, a.P.ClinicID, s.Now().Add(-underWayWithin))
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	byClient := map[string][]store.MedicineSession{}
	for _, m := range ms {
		byClient[m.ClientID] = append(byClient[m.ClientID], m)
	}
	var out []SessionUnderWay
	for _, c := range clients {
		for _, m := range byClient[c.ID] {
			row := SessionUnderWay{Client: c, Session: m}
			if m.Dose != nil {
				// The alerts need only the readings and their
				// acknowledgements, not the whole record.
				rec, st, err := s.readingsOf(ctx, tx, a, m)
				if err != nil {
					return nil, err
				}
				row.OpenAlerts = len(session.OpenAlerts(sessionAlerts(rec, st.Session, st.Time)))
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// SessionStanding is where one client's record of a medicine session
// stands, for a link to it.
type SessionStanding struct {
	ClientID    string
	Appointment store.Appointment
	// Started is false before the pre-dose checks are first saved.
	Started bool
	Session store.MedicineSession
}

// AppointmentSessions lists, for the appointment's page, where each
// client's record of a medicine appointment stands; none for another kind
// of appointment, or a cancelled one. It reads in tx, the page's own
// transaction.
func AppointmentSessions(ctx context.Context, tx *store.Tx, a store.Appointment) ([]SessionStanding, error) {
	if a.Kind != store.KindMedicine || a.Status == store.StatusCancelled {
		return nil, nil
	}
	var out []SessionStanding
	for _, id := range a.ClientIDs() {
		m, ok, err := tx.MedicineSessionFor(ctx, a.ClinicID, a.ID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, SessionStanding{ClientID: id, Appointment: a, Started: ok, Session: m})
	}
	return out, nil
}

// ClientSessions lists, for the course page, a client's medicine sessions
// from two years back to 60 days ahead, newest first, with where each
// record stands. It reads in tx, the page's own transaction.
func ClientSessions(ctx context.Context, tx *store.Tx, c store.Client, now time.Time) ([]SessionStanding, error) {
	list, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: c.ClinicID, ClientID: c.ID,
		From: now.AddDate(-2, 0, 0), To: now.AddDate(0, 0, 60)})
	if err != nil {
		return nil, err
	}
	var out []SessionStanding
	for i := len(list) - 1; i >= 0; i-- {
		a := list[i]
		if a.Kind != store.KindMedicine {
			continue
		}
		m, ok, err := tx.MedicineSessionFor(ctx, c.ClinicID, a.ID, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, SessionStanding{ClientID: c.ID, Appointment: a, Started: ok, Session: m})
	}
	return out, nil
}
