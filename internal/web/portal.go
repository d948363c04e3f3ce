package web

import (
	"net/http"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

func (s *Server) showPortal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	var c store.Client
	var team []string
	var staff []store.User
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if c, err = tx.Client(ctx, v.P.ClinicID, v.P.ClientID); err != nil {
			return err
		}
		if team, err = tx.CareTeam(ctx, c.ID); err != nil {
			return err
		}
		staff, err = tx.Staff(ctx, v.P.ClinicID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !access.Allow(v.P, access.Read, access.Resource{Type: access.ClientPortal, ClinicID: c.ClinicID, ClientID: c.ID}) {
		s.deny(w, r, "client_portal", c.ID)
		return
	}
	onTeam := map[string]bool{}
	for _, id := range team {
		onTeam[id] = true
	}
	due, err := s.portalDue(ctx, c.ClinicID, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sessions, err := s.portalSessions(ctx, c.ClinicID, c.ID, v.Clinic.Location())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prep, err := s.portalPrep(ctx, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	intakeOpen, err := s.portalIntakeOpen(ctx, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	intakeReturn, err := s.portalIntakeReturn(ctx, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv := view.PortalView{IntakeOpen: intakeOpen, IntakeReturn: intakeReturn, Prep: prep, Sessions: sessions, FirstName: firstName(c), ClinicName: v.Clinic.Name, ClinicEmail: v.Clinic.ContactEmail, ClinicPhone: v.Clinic.ContactPhone, Due: due}
	for _, u := range staff {
		if onTeam[u.ID] && u.DisabledAt == nil {
			pv.Team = append(pv.Team, u.Name+" ("+roleList(u.Roles)+")")
		}
	}
	s.render(w, r, http.StatusOK, view.Portal(s.page(r, "My care", "/portal"), pv))
}

func firstName(c store.Client) string {
	if c.PreferredName != "" {
		return c.PreferredName
	}
	return c.GivenName
}

// showAccessLog is the client's accounting of who looked at their record.
func (s *Server) showAccessLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !access.Allow(v.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: v.P.ClinicID, ClientID: v.P.ClientID}) {
		s.deny(w, r, "client_record", v.P.ClientID)
		return
	}
	var entries []audit.Entry
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		entries, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: v.P.ClinicID, ClientID: v.P.ClientID, Limit: 200})
		return err
	}); err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.actorNames(ctx, v.P.ClinicID)
	loc := v.Clinic.Location()
	var rows []view.AccessRow
	for _, e := range entries {
		if e.ActorID == v.P.UserID || e.Outcome != audit.OK {
			continue
		}
		who := names[e.ActorID]
		if who == "" {
			who = "Doorway"
		}
		rows = append(rows, view.AccessRow{When: view.When(e.Time, loc), Who: who, What: describeAction(e.Action)})
	}
	s.render(w, r, http.StatusOK, view.AccessLog(s.page(r, "Who has looked at your record", "/portal"), rows))
}

// describeAction says an audit action in plain words for a client.
func describeAction(a string) string {
	switch a {
	case "client.read":
		return "Opened your record"
	case "client.create":
		return "Created your record"
	case "client.invite":
		return "Invited you to the portal"
	case "care_team.add":
		return "Added someone to your care team"
	case "care_team.remove":
		return "Removed someone from your care team"
	case "appointment.create":
		return "Booked a session for you"
	case "appointment.read":
		return "Opened one of your sessions"
	case "appointment.cancel":
		return "Cancelled one of your sessions"
	case "dosing_order.read":
		return "Opened your dosing order"
	case "dosing_order.write":
		return "Wrote or changed your dosing order"
	case "course.read":
		return "Opened your course, its gates and your checklist"
	case "course.state":
		return "Moved your course to its next phase"
	case "gate.override":
		return "Overrode a check before your medicine session, with a written reason"
	case "prep_note.sign", "prep_note.addendum":
		return "Wrote a note of your preparation session"
	case "goal.add", "goal.agree":
		return "Proposed or agreed a goal with you"
	}
	return a
}
