package web

import (
	"fmt"
	"net/http"
	"strconv"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The client's side of the calendar: their upcoming sessions on the portal,
// and a page per session with when, where, who, and for a medicine session
// how to get ready (CLINICAL.md §3). The use cases are practice's
// (portal_sessions.go).

// portalSessions lists the signed-in client's sessions from now on,
// soonest first.
func sessionRows(list []store.Appointment, tf timefmt.Format) []view.SessionRow {
	var rows []view.SessionRow
	for _, a := range list {
		rows = append(rows, view.SessionRow{Href: "/portal/sessions/" + a.ID, Kind: a.Kind.Label(),
			When: tf.DateTime(a.StartsAt)})
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
	a, tf := p.Appointment, s.timeFormat(r)
	pv := view.PortalSessionView{Heading: "Your " + lowerKind(a.Kind), Date: tf.Date(a.StartsAt),
		Time: tf.Time(a.StartsAt) + " to " + tf.Time(a.EndsAt),
		// The zone's abbreviation (PST) reads better to a client than its name.
		Zone: tf.Zone(a.StartsAt),
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
			FastFrom: tf.Time(care.StopEatingAt(a.StartsAt, h)) + " on " + tf.Date(care.StopEatingAt(a.StartsAt, h)),
			DryFrom:  tf.Time(care.SubstanceFreeFrom(a.StartsAt)) + " on " + tf.Date(care.SubstanceFreeFrom(a.StartsAt))}
	}
	s.render(w, r, http.StatusOK, view.PortalSession(s.page(r, pv.Heading, "/portal"), pv))
}

func lowerKind(k store.AppointmentKind) string { return fmt.Sprintf("%s session", k) }
