package web

import (
	"doorway/internal/practice"
	"doorway/internal/web/view"
)

// caseloadSessions lists, first on the caseload, the medicine sessions of the
// listed clients that are under way (checks begun or dosed, not yet ended),
// with the time since the dose and any alert nobody has acknowledged yet, so
// a clinician walking past the desk sees which chair needs them.
func (s *Server) caseloadSessions(list []practice.SessionUnderWay, cv *view.CaseloadView) {
	now := s.now()
	for _, u := range list {
		m := u.Session
		row := view.SessionUnderWay{ClientName: u.Client.DisplayName(), Href: sessionPath(u.Client.ID, m.AppointmentID), Status: m.State.Label()}
		if m.Dose != nil {
			row.SinceDose = hoursMinutes(max(0, now.Sub(m.Dose.GivenAt)))
			row.OpenAlerts = u.OpenAlerts
		}
		cv.Sessions = append(cv.Sessions, row)
	}
}
