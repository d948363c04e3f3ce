package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's side of the calendar: their upcoming sessions on the portal,
// and a page per session with when, where, who, and for a medicine session
// how to get ready (CLINICAL.md §3). The use cases are practice's
// (portal_sessions.go).

// portalSessions lists the signed-in client's sessions from now on,
// soonest first.
func sessionRows(list []store.Appointment, loc *time.Location) []view.SessionRow {
	var rows []view.SessionRow
	for _, a := range list {
		rows = append(rows, view.SessionRow{Href: "/portal/sessions/" + a.ID, Kind: a.Kind.Label(),
			When: a.StartsAt.In(loc).Format("Monday 2 January, 15:04")})
	}
	return rows
}

func hoursText(h float64) string {
	s := strconv.FormatFloat(h, 'f', -1, 64)
	if h == 1 {
		return s + " hour"
	}
	return s + " hours"
}

func (s *Server) showPortalSession(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	id := r.PathValue("appt")
	p, err := s.app.PortalSession(r.Context(), s.actor(r), id)
	if err != nil {
		s.failAppointment(w, r, id, err)
		return
	}
	a, loc := p.Appointment, v.Clinic.Location()
	pv := view.PortalSessionView{Heading: "Your " + lowerKind(a.Kind), Date: a.StartsAt.In(loc).Format("Monday 2 January 2006"),
		Time: a.StartsAt.In(loc).Format("15:04") + " to " + a.EndsAt.In(loc).Format("15:04"),
		// The zone's abbreviation (PST) reads better to a client than its name.
		Zone: a.StartsAt.In(loc).Format("MST"),
		Room: p.RoomName, Notes: a.NotesForClient, Cancelled: a.Status == store.StatusCancelled,
		Past: a.EndsAt.Before(s.now())}
	if pv.Room != "" {
		pv.Address = v.Clinic.Address
	}
	for _, c := range p.Partners {
		pv.With = append(pv.With, c.DisplayName()+" (your partner)")
	}
	pv.With = append(pv.With, p.StaffNames...)
	if a.Kind == store.KindMedicine {
		h := p.FastingHours
		pv.Medicine = &view.MedicinePrep{FastingHours: hoursText(h),
			FastFrom: care.StopEatingAt(a.StartsAt, h).In(loc).Format("15:04 on Monday 2 January"),
			DryFrom:  care.SubstanceFreeFrom(a.StartsAt).In(loc).Format("15:04 on Monday 2 January")}
	}
	s.render(w, r, http.StatusOK, view.PortalSession(s.page(r, pv.Heading, "/portal"), pv))
}

func lowerKind(k store.AppointmentKind) string { return fmt.Sprintf("%s session", k) }
