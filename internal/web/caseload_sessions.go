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
func (s *Server) caseloadSessions(ctx context.Context, clients []store.Client, cv *view.CaseloadView) error {
	v := viewerOf(ctx)
	now := s.now()
	loc := v.Clinic.Location()
	return s.st.Read(ctx, func(tx *store.Tx) error {
		var rules *store.SessionRules
		for _, c := range clients {
			ms, err := tx.ClientMedicineSessions(ctx, c.ClinicID, c.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.State.Ended() || now.Sub(m.StartedAt) > underWayWithin {
					continue
				}
				row := view.SessionUnderWay{ClientName: c.DisplayName(), Href: sessionPath(c.ID, m.AppointmentID), Status: m.State.Label()}
				if m.Dose != nil {
					row.SinceDose = hoursMinutes(max(0, now.Sub(m.Dose.GivenAt)))
					if rules == nil {
						r, err := tx.SessionRules(ctx, c.ClinicID)
						if err != nil {
							return err
						}
						rules = &r
					}
					rec, err := tx.SessionRecordOf(ctx, c.ClinicID, m.ID)
					if err != nil {
						return err
					}
					row.OpenAlerts = len(session.OpenAlerts(rec.AlertsIn(rules.Settings.Alerts, loc)))
				}
				cv.Sessions = append(cv.Sessions, row)
			}
		}
		return nil
	})
}
