package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

func (s *Server) showCaseload(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	// A page number that is not one shows the first page: it only ever
	// comes from the links below, or from someone typing it.
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	cl, err := s.app.Caseload(r.Context(), s.actor(r), q, page-1)
	if err != nil {
		s.failDenied(w, r, "client_list", "", err)
		return
	}
	cv := view.CaseloadView{Heading: "Your caseload", AllOfClinic: cl.AllOfClinic, Query: q, Total: cl.Total, CanAdd: true,
		From: cl.From + 1, To: cl.From + len(cl.Clients)}
	if cl.From > 0 {
		cv.PrevURL = caseloadURL(q, cl.From/cl.PageSize)
	}
	if cl.From+len(cl.Clients) < cl.Total {
		cv.NextURL = caseloadURL(q, cl.From/cl.PageSize+2)
	}
	if cl.AllOfClinic {
		cv.Heading = "Clients"
	}
	// A client in a medicine session now is waiting on nothing but the
	// session: the board says so, and links to it.
	inSession := map[string]string{}
	for _, u := range cl.Sessions {
		inSession[u.Client.ID] = sessionPath(u.Client.ID, u.Session.AppointmentID)
	}
	for _, c := range cl.Clients {
		cv.Clients = append(cv.Clients, view.ClientRow{ID: c.ID, Name: c.DisplayName(), Email: c.Email, Portal: c.Portal, InSession: inSession[c.ID]})
	}
	caseloadMeasures(cl.Measures, cl.Clients, s.timeFormat(r), &cv)
	caseloadPhases(cl.Phases, cl.Courses, &cv)
	s.caseloadSessions(cl.Sessions, &cv)
	s.render(w, r, http.StatusOK, view.Caseload(s.page(r, cv.Heading, "/caseload"), cv))
}

// caseloadURL is the address of page (from 1) of the caseload for query.
func caseloadURL(query string, page int) string {
	v := url.Values{}
	if query != "" {
		v.Set("q", query)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/caseload"
	}
	return "/caseload?" + v.Encode()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func (s *Server) showNewClient(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, view.NewClient(s.page(r, "Add a client", "/caseload"), view.NewClientForm{Invite: true}))
}

func (s *Server) doCreateClient(w http.ResponseWriter, r *http.Request) {
	f := view.NewClientForm{
		GivenName: strings.TrimSpace(r.PostFormValue("given_name")), FamilyName: strings.TrimSpace(r.PostFormValue("family_name")),
		PreferredName: strings.TrimSpace(r.PostFormValue("preferred_name")), DateOfBirth: strings.TrimSpace(r.PostFormValue("date_of_birth")),
		Email: strings.TrimSpace(r.PostFormValue("email")), Phone: strings.TrimSpace(r.PostFormValue("phone")),
		Invite: r.PostFormValue("invite") == "1",
	}
	added, err := s.app.CreateClient(r.Context(), s.actor(r), practice.ClientInput{GivenName: f.GivenName, FamilyName: f.FamilyName,
		PreferredName: f.PreferredName, DateOfBirth: f.DateOfBirth, Email: f.Email, Phone: f.Phone, Invite: f.Invite})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f.Errors = errs
			s.render(w, r, http.StatusBadRequest, view.NewClient(s.page(r, "Add a client", "/caseload"), f))
		})
		return
	}
	notice := added.Client.DisplayName() + " is added."
	if added.Invite != nil {
		notice += " " + added.Invite.Notice()
	}
	s.showClientWith(w, r, added.Client.ID, notice)
}

func (s *Server) showClient(w http.ResponseWriter, r *http.Request) {
	s.showClientWith(w, r, r.PathValue("id"), "")
}

func (s *Server) showClientWith(w http.ResponseWriter, r *http.Request, id, notice string) {
	s.showClientPage(w, r, id, chartOpts{Notice: notice})
}

// showClientPage renders a client's chart, with what a form post left to say.
func (s *Server) showClientPage(w http.ResponseWriter, r *http.Request, id string, o chartOpts) {
	ch, err := s.app.Chart(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	c := ch.Client
	cv := view.ClientView{Measures: chartMeasures(ch.Measures, c, o, s.timeFormat(r)), ID: c.ID, Name: c.DisplayName(), DateOfBirth: c.DateOfBirth,
		Email: c.Email, Phone: c.Phone, Portal: c.Portal, CanEditTeam: ch.CanEditTeam, CanInvite: c.Portal != "active" && c.Portal != "disabled",
		CanKeepProcessNotes: ch.CanKeepProcessNotes,
		CanEditDetails:      ch.CanEditDetails, Details: view.ClientDetailsForm{GivenName: c.GivenName, FamilyName: c.FamilyName,
			PreferredName: c.PreferredName, DateOfBirth: c.DateOfBirth, Email: c.Email, Phone: c.Phone}}
	if o.Details != nil {
		cv.Details = *o.Details
	}
	onTeam := map[string]bool{}
	for _, id := range ch.Team {
		onTeam[id] = true
	}
	for _, u := range ch.Staff {
		if u.DisabledAt != nil && !onTeam[u.ID] {
			continue
		}
		if len(u.Roles) == 1 && u.Roles[0] == store.RoleAdmin && !onTeam[u.ID] {
			continue // admins see every client; a care team is for clinicians
		}
		cv.Team = append(cv.Team, view.TeamMember{ID: u.ID, Name: u.Name, Roles: roleList(u.Roles), OnTeam: onTeam[u.ID]})
	}
	p := s.page(r, c.DisplayName(), "/caseload")
	if o.Notice != "" {
		p.Flash, p.FlashKind = o.Notice, "ok"
	}
	if !ch.EmergencyUntil.IsZero() {
		p.Flash, p.FlashKind = "Emergency access: you can read this record until "+s.timeFormat(r).Time(ch.EmergencyUntil)+
			". Every page you open is recorded, and the admins review this access.", "warn"
	}
	status := o.Status
	if status == 0 {
		status = http.StatusOK
	}
	s.render(w, r, status, view.ClientChart(p, cv))
}

func roleList(roles []store.Role) string {
	var out []string
	for _, r := range roles {
		out = append(out, string(r))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// doClientDetails changes a client's details from the chart; a refused
// form comes back with what was typed and the message by the field.
func (s *Server) doClientDetails(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	pf := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := view.ClientDetailsForm{GivenName: pf("given_name"), FamilyName: pf("family_name"), PreferredName: pf("preferred_name"),
		DateOfBirth: pf("date_of_birth"), Email: pf("email"), Phone: pf("phone")}
	_, err := s.app.UpdateClientDetails(r.Context(), s.actor(r), id, practice.ClientDetails{GivenName: form.GivenName, FamilyName: form.FamilyName,
		PreferredName: form.PreferredName, DateOfBirth: form.DateOfBirth, Email: form.Email, Phone: form.Phone})
	if problem.CodeOf(err) == problem.Invalid {
		field := problem.FieldOf(err)
		if field == "" {
			field = "details"
		}
		form.Errors, form.Open = view.FieldErrors{field: problem.MessageOf(err)}, true
		s.showClientPage(w, r, id, chartOpts{Status: http.StatusBadRequest, Details: &form})
		return
	}
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	s.showClientPage(w, r, id, chartOpts{Notice: "The client's details are saved."})
}

func (s *Server) doInviteClient(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	l, err := s.app.InviteClient(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	s.showClientWith(w, r, id, l.Notice())
}

func (s *Server) doCareTeam(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("staff", "The form could not be read."))
		return
	}
	if err := s.app.SetCareTeam(r.Context(), s.actor(r), id, r.PostForm["staff"]); err != nil {
		s.failClient(w, r, id, err)
		return
	}
	s.showClientWith(w, r, id, "The care team is saved.")
}
