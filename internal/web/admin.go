package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// adminOnly checks the clinic's own resource types (settings, staff, the
// audit log); a refusal is recorded and answered 404.
func (s *Server) adminOnly(w http.ResponseWriter, r *http.Request, t access.Type, a access.Action) bool {
	if err := s.app.Allowed(r.Context(), s.actor(r), t, a); err != nil {
		s.failDenied(w, r, string(t), "", err)
		return false
	}
	return true
}

func staffStatus(u store.User) string {
	switch {
	case u.DisabledAt != nil:
		return "disabled"
	case u.PasswordHash == "":
		return "invited"
	}
	return "active"
}

func (s *Server) renderStaff(w http.ResponseWriter, r *http.Request, status int, form view.InviteStaffForm, notice string) {
	staff, err := s.app.Staff(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, "staff_accounts", "", err)
		return
	}
	sv := view.StaffView{Form: form}
	for _, u := range staff {
		sv.Staff = append(sv.Staff, view.StaffRow{ID: u.ID, Name: u.Name, Email: u.Email, Roles: practice.RoleList(u.Roles), Status: staffStatus(u), TwoStep: u.TOTPEnabledAt != nil})
	}
	p := s.page(r, "Staff", "/admin/staff")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Staff(p, sv))
}

func (s *Server) showStaff(w http.ResponseWriter, r *http.Request) {
	s.renderStaff(w, r, http.StatusOK, view.InviteStaffForm{Roles: map[string]bool{"therapist": true}}, "")
}

// formRoles reads the checked roles, refusing any value that is not a role.
func formRoles(r *http.Request) ([]store.Role, map[string]bool, error) {
	if err := r.ParseForm(); err != nil {
		return nil, nil, problem.Invalidf("roles", "The form could not be read.")
	}
	checked := map[string]bool{}
	var roles []store.Role
	for _, v := range r.PostForm["roles"] {
		role, err := store.ParseRole(v)
		if err != nil {
			return nil, checked, problem.Invalidf("roles", "Choose roles from the list.")
		}
		if !checked[string(role)] {
			roles = append(roles, role)
		}
		checked[string(role)] = true
	}
	if len(roles) == 0 {
		return nil, checked, problem.Invalidf("roles", "Choose at least one role.")
	}
	return roles, checked, nil
}

func (s *Server) doInviteStaff(w http.ResponseWriter, r *http.Request) {
	roles, checked, perr := formRoles(r)
	form := view.InviteStaffForm{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")), Roles: checked}
	var l practice.Link
	err := perr
	if err == nil {
		l, err = s.app.InviteStaff(r.Context(), s.actor(r), form.Name, form.Email, roles)
	} else if !s.adminOnly(w, r, access.StaffAccounts, access.Write) {
		// A form that cannot be read is refused as such only to an admin.
		return
	}
	if err != nil {
		if f := problem.FieldOf(err); f != "" && problem.CodeOf(err) == problem.Invalid {
			form.Errors = view.FieldErrors{f: problem.MessageOf(err)}
			s.renderStaff(w, r, http.StatusBadRequest, form, "")
			return
		}
		s.failDenied(w, r, "staff_accounts", "", err)
		return
	}
	s.renderStaff(w, r, http.StatusOK, view.InviteStaffForm{Roles: map[string]bool{"therapist": true}}, l.Notice())
}

func (s *Server) renderStaffMember(w http.ResponseWriter, r *http.Request, status int, u store.User, errs view.FieldErrors, notice string) {
	v := viewerOf(r.Context())
	m := view.StaffMemberView{ID: u.ID, Name: u.Name, Email: u.Email, Status: staffStatus(u), TwoStep: u.TOTPEnabledAt != nil,
		Roles: map[string]bool{}, Self: u.ID == v.P.UserID, Errors: errs}
	for _, role := range u.Roles {
		m.Roles[string(role)] = true
	}
	p := s.page(r, u.Name, "/admin/staff")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.StaffMember(p, m))
}

// staffChanged shows a staff member after a change, or the change's
// refusal: an Invalid by its field on the member's page, anything else as
// failDenied says.
func (s *Server) staffChanged(w http.ResponseWriter, r *http.Request, u store.User, err error, notice string) {
	if err == nil {
		s.renderStaffMember(w, r, http.StatusOK, u, nil, notice)
		return
	}
	if problem.CodeOf(err) == problem.Invalid {
		if u, lerr := s.app.StaffMember(r.Context(), s.actor(r), r.PathValue("id")); lerr == nil {
			s.renderStaffMember(w, r, http.StatusBadRequest, u, view.FieldErrors{"roles": problem.MessageOf(err)}, "")
			return
		}
	}
	s.failDenied(w, r, "user", r.PathValue("id"), err)
}

func (s *Server) showStaffMember(w http.ResponseWriter, r *http.Request) {
	u, err := s.app.StaffMember(r.Context(), s.actor(r), r.PathValue("id"))
	s.staffChanged(w, r, u, err, "")
}

func (s *Server) doStaffRoles(w http.ResponseWriter, r *http.Request) {
	roles, _, err := formRoles(r)
	if err != nil {
		// Only an admin is told the form was wrong.
		u, lerr := s.app.StaffMember(r.Context(), s.actor(r), r.PathValue("id"))
		if lerr != nil {
			s.failDenied(w, r, "user", r.PathValue("id"), lerr)
			return
		}
		s.renderStaffMember(w, r, http.StatusBadRequest, u, view.FieldErrors{"roles": problem.MessageOf(err)}, "")
		return
	}
	u, err := s.app.SetStaffRoles(r.Context(), s.actor(r), r.PathValue("id"), roles)
	s.staffChanged(w, r, u, err, "Roles saved.")
}

func (s *Server) setStaffDisabled(w http.ResponseWriter, r *http.Request, disable bool) {
	u, err := s.app.SetStaffDisabled(r.Context(), s.actor(r), r.PathValue("id"), disable)
	notice := u.Name + " can sign in again."
	if disable {
		notice = u.Name + " is disabled and signed out everywhere."
	}
	s.staffChanged(w, r, u, err, notice)
}

func (s *Server) doStaffDisable(w http.ResponseWriter, r *http.Request) {
	s.setStaffDisabled(w, r, true)
}
func (s *Server) doStaffEnable(w http.ResponseWriter, r *http.Request) {
	s.setStaffDisabled(w, r, false)
}

func (s *Server) doStaffReset(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.StaffLink(r.Context(), s.actor(r), r.PathValue("id"))
	s.staffChanged(w, r, l.For, err, l.Notice())
}

// timeZones offered in settings: the common ones where practices are, plus
// whatever the clinic already has.
var timeZones = []string{
	"America/Los_Angeles", "America/Denver", "America/Phoenix", "America/Chicago", "America/New_York",
	"America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "Europe/London",
	"Europe/Dublin", "Europe/Amsterdam", "Europe/Berlin", "Europe/Paris", "Australia/Sydney",
	"Australia/Melbourne", "Pacific/Auckland", "UTC",
}

func zonesWith(current string) []string {
	for _, z := range timeZones {
		if z == current {
			return timeZones
		}
	}
	return append([]string{current}, timeZones...)
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request) {
	c, err := s.app.ClinicSettings(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, "clinic_settings", "", err)
		return
	}
	clock := timefmt.Clock24
	if s.timeFormat(r).H12 {
		clock = timefmt.Clock12
	}
	s.render(w, r, http.StatusOK, view.Settings(s.page(r, "Clinic settings", "/admin/settings"), view.SettingsForm{
		Name: c.Name, TimeZone: c.TimeZone, ContactEmail: c.ContactEmail, ContactPhone: c.ContactPhone, Address: c.Address, Zones: zonesWith(c.TimeZone), Clock: clock}))
}

func (s *Server) doSettings(w http.ResponseWriter, r *http.Request) {
	d := practice.ClinicDetails{Name: strings.TrimSpace(r.PostFormValue("name")), TimeZone: strings.TrimSpace(r.PostFormValue("time_zone")),
		ContactEmail: strings.TrimSpace(r.PostFormValue("contact_email")), ContactPhone: strings.TrimSpace(r.PostFormValue("contact_phone")),
		Address: strings.TrimSpace(r.PostFormValue("address")), Clock: r.PostFormValue("clock")}
	form := view.SettingsForm{Name: d.Name, TimeZone: d.TimeZone, ContactEmail: d.ContactEmail, ContactPhone: d.ContactPhone, Address: d.Address, Zones: zonesWith(d.TimeZone), Clock: d.Clock}
	c, err := s.app.SaveClinicSettings(r.Context(), s.actor(r), d)
	p := s.page(r, "Clinic settings", "/admin/settings")
	if err != nil {
		if f := problem.FieldOf(err); f != "" && problem.CodeOf(err) == problem.Invalid {
			form.Errors = view.FieldErrors{f: problem.MessageOf(err)}
			s.render(w, r, http.StatusBadRequest, view.Settings(p, form))
			return
		}
		s.failDenied(w, r, "clinic_settings", "", err)
		return
	}
	p.Flash, p.FlashKind = "Settings saved.", "ok"
	p.ClinicName = c.Name
	s.render(w, r, http.StatusOK, view.Settings(p, form))
}

// auditQuery reads the audit filter from the query string, in the clinic's zone.
func auditQuery(r *http.Request, v *viewer) (store.AuditFilter, view.AuditView, view.FieldErrors) {
	q := r.URL.Query()
	f := store.AuditFilter{ClinicID: v.P.ClinicID, Action: strings.TrimSpace(q.Get("action")), Limit: 100,
		ActorID: strings.TrimSpace(q.Get("person")), ClientID: strings.TrimSpace(q.Get("client"))}
	av := view.AuditView{Action: f.Action, From: q.Get("from"), To: q.Get("to"), Person: f.ActorID, Client: f.ClientID}
	errs := view.FieldErrors{}
	switch o := q.Get("outcome"); o {
	case "", "ok", "denied", "failed":
		f.Outcome, av.Outcome = o, o
	default:
		errs["outcome"] = "Choose an outcome from the list."
	}
	loc := v.Clinic.Location()
	if av.From != "" {
		t, err := time.ParseInLocation("2006-01-02", av.From, loc)
		if err != nil {
			errs["from"] = "Use a date such as 2026-03-01."
		}
		f.From = t
	}
	if av.To != "" {
		t, err := time.ParseInLocation("2006-01-02", av.To, loc)
		if err != nil {
			errs["to"] = "Use a date such as 2026-03-31."
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.BeforeSeq = b
	}
	return f, av, errs
}

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	f, av, errs := auditQuery(r, v)
	if len(errs) > 0 {
		// The filter is checked after the admin's access, as any form.
		if !s.adminOnly(w, r, access.AuditLog, access.Read) {
			return
		}
		av.Errors = errs
		s.render(w, r, http.StatusBadRequest, view.AuditLog(s.page(r, "Audit log", "/admin/audit"), av))
		return
	}
	pg, err := s.app.AuditLog(r.Context(), s.actor(r), f)
	if err != nil {
		s.failDenied(w, r, "audit_log", "", err)
		return
	}
	tf := s.timeFormat(r)
	for _, e := range pg.Entries {
		client := e.ClientID
		if n := pg.ClientNames[e.ClientID]; n != "" {
			client = n
		}
		av.Rows = append(av.Rows, view.AuditRow{Seq: e.Seq, When: view.When(e.Time, tf), Actor: actorLabel(e, pg.Names), Action: e.Action,
			Resource: e.ResourceType, ResourceID: e.ResourceID, Client: client, ClientID: e.ClientID, Outcome: string(e.Outcome),
			Severity: string(e.Severity), IP: e.IP})
	}
	av.People = nameOptions(pg.Names, av.Person)
	av.Clients = nameOptions(pg.ClientNames, av.Client)
	qs := r.URL.Query()
	qs.Del("before")
	av.CSVURL = "/admin/audit.csv?" + qs.Encode()
	if pg.More {
		qs.Set("before", strconv.FormatInt(pg.Entries[len(pg.Entries)-1].Seq, 10))
		av.NextURL = "/admin/audit?" + qs.Encode()
	}
	s.render(w, r, http.StatusOK, view.AuditLog(s.page(r, "Audit log", "/admin/audit"), av))
}

// actorLabel names who acted: a person by name (a client marked as one),
// the server's own work as the clinic's system, and anyone else by kind and
// id.
func actorLabel(e audit.Entry, names map[string]string) string {
	if n, ok := names[e.ActorID]; ok {
		return n
	}
	switch {
	case e.ActorKind == audit.ActorSystem:
		return "the clinic's system"
	case e.ActorKind == audit.ActorAnonymous:
		return "not signed in"
	case e.ActorID == "":
		return string(e.ActorKind)
	}
	return string(e.ActorKind) + " " + e.ActorID
}

func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	f, _, errs := auditQuery(r, v)
	if len(errs) > 0 {
		if !s.adminOnly(w, r, access.AuditLog, access.Export) {
			return
		}
		s.fail(w, r, problem.Invalidf("from", "The dates in the filter are not valid."))
		return
	}
	entries, err := s.app.ExportAudit(r.Context(), s.actor(r), f)
	if err != nil {
		s.failDenied(w, r, "audit_log", "", err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+url.PathEscape(v.Clinic.ShortName)+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time_utc", "actor_kind", "actor_id", "action", "resource_type", "resource_id", "client_id", "outcome", "severity", "request_id", "ip", "detail", "hash"}) // #nosec G104 -- the CSV goes straight to the response; a write fails only when the reader has gone, with no one left to tell
	for _, e := range entries {
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.Time.Format(time.RFC3339Nano), string(e.ActorKind), e.ActorID, e.Action, e.ResourceType, e.ResourceID, // #nosec G104 -- the CSV goes straight to the response; a write fails only when the reader has gone, with no one left to tell
			e.ClientID, string(e.Outcome), string(e.Severity), e.RequestID, e.IP, csvSafe(e.Detail), e.Hash})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// nameOptions are a filter's choices, by name, with the chosen one marked.
func nameOptions(names map[string]string, chosen string) []view.Option {
	var out []view.Option
	for id, n := range names {
		out = append(out, view.Option{Value: id, Label: n, Selected: id == chosen})
	}
	slices.SortFunc(out, func(a, b view.Option) int { return strings.Compare(a.Label+a.Value, b.Label+b.Value) })
	return out
}
