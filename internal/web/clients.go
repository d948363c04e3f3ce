package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// clientRecord loads a client of the viewer's clinic with its care team and
// asks access whether the viewer may act on it. Out of scope and absent look
// the same to the caller: both are NotFound.
func (s *Server) clientRecord(ctx context.Context, id string, t access.Type, a access.Action) (store.Client, []string, error) {
	v := viewerOf(ctx)
	var c store.Client
	var team []string
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if c, err = tx.Client(ctx, v.P.ClinicID, id); err != nil {
			return err
		}
		team, err = tx.CareTeam(ctx, c.ID)
		return err
	})
	if err != nil {
		return c, nil, err
	}
	if !access.Allow(v.P, a, access.Resource{Type: t, ClinicID: c.ClinicID, ClientID: c.ID, CareTeam: team}) {
		return store.Client{}, nil, problem.New(problem.NotFound, "The client was not found.")
	}
	return c, team, nil
}

// failClient answers an error from clientRecord.
func (s *Server) failClient(w http.ResponseWriter, r *http.Request, id string, err error) {
	s.failDenied(w, r, "client", id, err)
}

// failDenied answers an error loading a record that access guards: a
// NotFound is audited as a denial of the resource id, since the record may
// exist outside the viewer's scope; anything else goes to fail.
func (s *Server) failDenied(w http.ResponseWriter, r *http.Request, resource, id string, err error) {
	if practice.Recorded(err) {
		s.notFound(w, r)
		return
	}
	if problem.CodeOf(err) == problem.NotFound {
		s.deny(w, r, resource, id)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) showCaseload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !access.Allow(v.P, access.List, access.Resource{Type: access.ClientList, ClinicID: v.P.ClinicID}) {
		s.deny(w, r, "client_list", "")
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	f := store.ClientFilter{ClinicID: v.P.ClinicID, Name: q, Limit: 200}
	admin := v.P.Has(access.Admin)
	if !admin {
		f.CareTeamOf = v.P.UserID
	}
	var clients []store.Client
	var total int
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { clients, total, err = tx.Clients(ctx, f); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "client.list", ResourceType: "client_list", Detail: plural(total, "client")})
	cv := view.CaseloadView{Heading: "Your caseload", AllOfClinic: admin, Query: q, Total: total, CanAdd: true}
	if admin {
		cv.Heading = "Clients"
	}
	for _, c := range clients {
		cv.Clients = append(cv.Clients, view.ClientRow{ID: c.ID, Name: c.DisplayName(), Email: c.Email, Portal: c.Portal})
	}
	// The board's measures, phases and sessions are read together, from
	// one picture of the clinic.
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		courses, err := tx.CurrentCourses(ctx, v.P.ClinicID)
		if err != nil {
			return err
		}
		if err := s.caseloadMeasures(ctx, tx, clients, courses, &cv); err != nil {
			return err
		}
		if err := s.caseloadPhases(ctx, tx, courses, &cv); err != nil {
			return err
		}
		return s.caseloadSessions(ctx, r, tx, clients, &cv)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, view.Caseload(s.page(r, cv.Heading, "/caseload"), cv))
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
	ctx := r.Context()
	v := viewerOf(ctx)
	f := view.NewClientForm{
		GivenName: strings.TrimSpace(r.PostFormValue("given_name")), FamilyName: strings.TrimSpace(r.PostFormValue("family_name")),
		PreferredName: strings.TrimSpace(r.PostFormValue("preferred_name")), DateOfBirth: strings.TrimSpace(r.PostFormValue("date_of_birth")),
		Email: strings.TrimSpace(r.PostFormValue("email")), Phone: strings.TrimSpace(r.PostFormValue("phone")),
		Invite: r.PostFormValue("invite") == "1",
	}
	if f.Invite && f.Email == "" {
		f.Errors = view.FieldErrors{"email": "An email address is needed to send a portal invitation."}
		s.render(w, r, http.StatusBadRequest, view.NewClient(s.page(r, "Add a client", "/caseload"), f))
		return
	}
	now := s.now()
	c := store.Client{ID: auth.NewID(), ClinicID: v.P.ClinicID, GivenName: f.GivenName, FamilyName: f.FamilyName,
		PreferredName: f.PreferredName, DateOfBirth: f.DateOfBirth, Email: f.Email, Phone: f.Phone, CreatedAt: now}
	var link string
	var portalUser store.User
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateClient(ctx, &c); err != nil {
			return err
		}
		// The person who adds a client is on their care team from the start
		// (unless they are purely an admin, who sees every client anyway).
		if v.P.Has(access.Therapist) || v.P.Has(access.Prescriber) {
			if err := tx.AddToCareTeam(ctx, c.ID, v.P.UserID, now); err != nil {
				return err
			}
		}
		if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "client.create", ResourceType: "client", ResourceID: c.ID, ClientID: c.ID}); err != nil {
			return err
		}
		if f.Invite {
			var err error
			portalUser, link, err = s.inviteClientTx(ctx, tx, r, c)
			return err
		}
		return nil
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f.Errors = errs
			s.render(w, r, http.StatusBadRequest, view.NewClient(s.page(r, "Add a client", "/caseload"), f))
		})
		return
	}
	notice := c.DisplayName() + " is added."
	if f.Invite {
		notice += " " + s.deliverLink(ctx, portalUser, v.Clinic.Name, "invite", link)
	}
	s.showClientWith(w, r, c.ID, notice)
}

// inviteClientTx creates (or reuses) the client's portal account and issues an
// invitation link.
func (s *Server) inviteClientTx(ctx context.Context, tx *store.Tx, r *http.Request, c store.Client) (store.User, string, error) {
	var u store.User
	if c.UserID != "" {
		var err error
		if u, err = tx.User(ctx, c.UserID); err != nil {
			return u, "", err
		}
		if u.PasswordHash != "" {
			return u, "", problem.New(problem.Conflict, "This client already has a portal account. If they cannot sign in, they can use \"Forgotten your password?\".")
		}
	} else {
		if c.Email == "" {
			return u, "", problem.Invalidf("email", "Add an email address for this client before inviting them.")
		}
		u = store.User{ID: auth.NewID(), ClinicID: c.ClinicID, Email: c.Email, Name: c.DisplayName(), Kind: "client", CreatedAt: s.now()}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return u, "", err
		}
		if err := tx.LinkClientUser(ctx, c.ID, u.ID); err != nil {
			return u, "", err
		}
	}
	link, err := s.issueLink(ctx, tx, r, u, "invite")
	if err != nil {
		return u, "", err
	}
	return u, link, s.recordTx(ctx, tx, r, audit.Entry{Action: "client.invite", ResourceType: "user", ResourceID: u.ID, ClientID: c.ID})
}

// deliverLink emails a link if it can and says what happened.
func (s *Server) deliverLink(ctx context.Context, u store.User, clinicName, purpose, link string) string {
	mailed, err := s.sendLink(ctx, u, clinicName, purpose, link)
	if err != nil {
		s.log.Error("send link", "request_id", requestID(ctx), "err", err)
		return problem.MessageOf(err) + " " + link
	}
	return linkNotice(u.Name, issuedLink{URL: link, Mailed: mailed})
}

func (s *Server) showClient(w http.ResponseWriter, r *http.Request) {
	s.showClientWith(w, r, r.PathValue("id"), "")
}

func (s *Server) showClientWith(w http.ResponseWriter, r *http.Request, id, notice string) {
	s.showClientPage(w, r, id, chartOpts{Notice: notice})
}

// showClientPage renders a client's chart, with what a form post left to say.
func (s *Server) showClientPage(w http.ResponseWriter, r *http.Request, id string, o chartOpts) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, team, err := s.clientRecord(ctx, id, access.ClientRecord, access.Read)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	var staff []store.User
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { staff, err = tx.Staff(ctx, v.P.ClinicID); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.chartMeasures(ctx, c, team, o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "client.read", ResourceType: "client", ResourceID: c.ID, ClientID: c.ID})
	cv := view.ClientView{Measures: ms, ID: c.ID, Name: c.DisplayName(), DateOfBirth: c.DateOfBirth, Email: c.Email, Phone: c.Phone, Portal: c.Portal,
		CanEditTeam: access.Allow(v.P, access.Write, access.Resource{Type: access.CareTeam, ClinicID: c.ClinicID, ClientID: c.ID, CareTeam: team}),
		CanInvite:   c.Portal != "active" && c.Portal != "disabled"}
	onTeam := map[string]bool{}
	for _, id := range team {
		onTeam[id] = true
	}
	for _, u := range staff {
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

func (s *Server) doInviteClient(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, _, err := s.clientRecord(ctx, id, access.ClientRecord, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	var u store.User
	var link string
	err = s.st.Write(ctx, func(tx *store.Tx) (err error) {
		u, link, err = s.inviteClientTx(ctx, tx, r, c)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showClientWith(w, r, c.ID, s.deliverLink(ctx, u, v.Clinic.Name, "invite", link))
}

func (s *Server) doCareTeam(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, team, err := s.clientRecord(ctx, id, access.CareTeam, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("staff", "The form could not be read."))
		return
	}
	want := map[string]bool{}
	for _, sid := range r.PostForm["staff"] {
		want[sid] = true
	}
	now := s.now()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		staff, err := tx.Staff(ctx, v.P.ClinicID)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, u := range staff {
			known[u.ID] = true
		}
		for sid := range want {
			// Ids from the form are checked against this clinic's staff:
			// nobody from another clinic can be put on a care team.
			if !known[sid] {
				return problem.Invalidf("staff", "One of the chosen people is not on this clinic's staff.")
			}
		}
		current := map[string]bool{}
		for _, sid := range team {
			current[sid] = true
		}
		for sid := range want {
			if !current[sid] {
				if err := tx.AddToCareTeam(ctx, c.ID, sid, now); err != nil {
					return err
				}
				if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "care_team.add", ResourceType: "user", ResourceID: sid, ClientID: c.ID, Severity: audit.High}); err != nil {
					return err
				}
			}
		}
		for sid := range current {
			if !want[sid] {
				if err := tx.RemoveFromCareTeam(ctx, c.ID, sid); err != nil {
					return err
				}
				if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "care_team.remove", ResourceType: "user", ResourceID: sid, ClientID: c.ID, Severity: audit.High}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showClientWith(w, r, c.ID, "The care team is saved.")
}
