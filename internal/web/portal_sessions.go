package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's side of the calendar: their upcoming sessions on the portal,
// and a page per session with when, where, who, and for a medicine session
// how to get ready (CLINICAL.md §3).

// upcomingHorizon is how far ahead the portal lists sessions.
const upcomingHorizon = 180 * 24 * time.Hour

// portalSessions lists the client's sessions from now on, soonest first.
func (s *Server) portalSessions(ctx context.Context, clinicID, clientID string, loc *time.Location) ([]view.SessionRow, error) {
	now := s.now()
	var list []store.Appointment
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		list, err = tx.Appointments(ctx, store.AppointmentFilter{ClinicID: clinicID, ClientID: clientID, From: now, To: now.Add(upcomingHorizon)})
		return err
	})
	var rows []view.SessionRow
	for _, a := range list {
		rows = append(rows, view.SessionRow{Href: "/portal/sessions/" + a.ID, Kind: a.Kind.Label(),
			When: a.StartsAt.In(loc).Format("Monday 2 January, 15:04")})
	}
	return rows, err
}

func hoursText(h float64) string {
	s := strconv.FormatFloat(h, 'f', -1, 64)
	if h == 1 {
		return s + " hour"
	}
	return s + " hours"
}

func (s *Server) showPortalSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("appt")
	var a store.Appointment
	var facts scheduleFacts
	var set care.Settings
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if a, err = tx.Appointment(ctx, v.P.ClinicID, id); err != nil {
			return err
		}
		if !a.HasClient(v.P.ClientID) {
			return problem.New(problem.NotFound, "The session was not found.")
		}
		if facts, err = loadScheduleFacts(ctx, tx, v.P.ClinicID, []store.Appointment{a}); err != nil {
			return err
		}
		// The fasting time is the one the day-of checks hold the client
		// to, as the preparation checklist shows it.
		set, err = gateSettings(ctx, tx, v.P.ClinicID)
		return err
	})
	if err == nil && !access.Allow(v.P, access.Read, access.Resource{Type: access.ClientPortal, ClinicID: a.ClinicID, ClientID: v.P.ClientID}) {
		err = problem.New(problem.NotFound, "The session was not found.")
	}
	if err != nil {
		s.failAppointment(w, r, id, err)
		return
	}
	s.record(r, audit.Entry{Action: "appointment.read", ResourceType: "appointment", ResourceID: a.ID, ClientID: v.P.ClientID})
	loc := v.Clinic.Location()
	pv := view.PortalSessionView{Heading: "Your " + lowerKind(a.Kind), Date: a.StartsAt.In(loc).Format("Monday 2 January 2006"),
		Time: a.StartsAt.In(loc).Format("15:04") + " to " + a.EndsAt.In(loc).Format("15:04"),
		// The zone's abbreviation (PST) reads better to a client than its name.
		Zone: a.StartsAt.In(loc).Format("MST"),
		Room: facts.rooms[a.RoomID].Name, Notes: a.NotesForClient, Cancelled: a.Status == store.StatusCancelled,
		Past: a.EndsAt.Before(s.now())}
	if pv.Room != "" {
		pv.Address = v.Clinic.Address
	}
	for _, cid := range a.ClientIDs() {
		if cid != v.P.ClientID {
			pv.With = append(pv.With, facts.clients[cid].DisplayName()+" (your partner)")
		}
	}
	pv.With = append(pv.With, facts.staffNames(a.Staff)...)
	if a.Kind == store.KindMedicine {
		h := set.FastingHours
		fast := a.StartsAt.Add(-time.Duration(h * float64(time.Hour)))
		pv.Medicine = &view.MedicinePrep{FastingHours: hoursText(h),
			FastFrom: fast.In(loc).Format("15:04 on Monday 2 January"),
			DryFrom:  a.StartsAt.Add(-24 * time.Hour).In(loc).Format("15:04 on Monday 2 January")}
	}
	s.render(w, r, http.StatusOK, view.PortalSession(s.page(r, pv.Heading, "/portal"), pv))
}

func lowerKind(k store.AppointmentKind) string { return fmt.Sprintf("%s session", k) }
