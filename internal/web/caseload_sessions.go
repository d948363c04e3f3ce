package web

import (
	"context"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// underWayWithin is how far back a medicine session may have been opened and
// still count as under way on the caseload: a record left open overnight
// (never discharged) is a loose end for its course page, not today's board.
const underWayWithin = 12 * time.Hour

// caseloadSessions lists, first on the caseload, the medicine sessions of the
// listed clients that are under way (checks begun or dosed, not yet ended),
// with the time since the dose and any alert nobody has acknowledged yet, so
// a clinician walking past the desk sees which chair needs them.
func (s *Server) caseloadSessions(ctx context.Context, tx *store.Tx, clients []store.Client, cv *view.CaseloadView) error {
	v := viewerOf(ctx)
	now := s.now()
	loc := v.Clinic.Location()
	ms, err := tx.SessionsUnderWay(ctx, v.P.ClinicID, now.Add(-underWayWithin))
	if err != nil || len(ms) == 0 {
		return err
	}
	byClient := map[string][]store.MedicineSession{}
	for _, m := range ms {
		byClient[m.ClientID] = append(byClient[m.ClientID], m)
	}
	var rules *store.SessionRules
	for _, c := range clients {
		for _, m := range byClient[c.ID] {
			row := view.SessionUnderWay{ClientName: c.DisplayName(), Href: sessionPath(c.ID, m.AppointmentID), Status: m.State.Label()}
			if m.Dose != nil {
				row.SinceDose = hoursMinutes(max(0, now.Sub(m.Dose.GivenAt)))
				if rules == nil {
					r, err := tx.SessionRules(ctx, v.P.ClinicID)
					if err != nil {
						return err
					}
					rules = &r
				}
				// The alerts need only the readings and their
				// acknowledgements, not the whole record.
				rec := store.SessionRecord{Session: m}
				if rec.Vitals, err = tx.SessionVitals(ctx, m.ClinicID, m.ID); err != nil {
					return err
				}
				if rec.Acks, err = tx.SessionAlertAcks(ctx, m.ClinicID, m.ID); err != nil {
					return err
				}
				row.OpenAlerts = len(session.OpenAlerts(rec.AlertsIn(rules.Settings.Alerts, loc)))
			}
			cv.Sessions = append(cv.Sessions, row)
		}
	}
	return nil
}
