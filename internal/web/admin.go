package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// adminOnly checks the admin's resource types; a non-admin gets a 404.
func (s *Server) adminOnly(w http.ResponseWriter, r *http.Request, t access.Type, a access.Action) bool {
	v := viewerOf(r.Context())
	if access.Allow(v.P, a, access.Resource{Type: t, ClinicID: v.P.ClinicID}) {
		return true
	}
	s.deny(w, r, string(t), "")
	return false
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
	ctx := r.Context()
	v := viewerOf(ctx)
	var staff []store.User
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { staff, err = tx.Staff(ctx, v.P.ClinicID); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	sv := view.StaffView{Form: form}
	for _, u := range staff {
		sv.Staff = append(sv.Staff, view.StaffRow{ID: u.ID, Name: u.Name, Email: u.Email, Roles: roleList(u.Roles), Status: staffStatus(u), TwoStep: u.TOTPEnabledAt != nil})
	}
	p := s.page(r, "Staff", "/admin/staff")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Staff(p, sv))
}

func (s *Server) showStaff(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.StaffAccounts, access.Read) {
		return
	}
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
	if !s.adminOnly(w, r, access.StaffAccounts, access.Write) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	roles, checked, err := formRoles(r)
	form := view.InviteStaffForm{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")), Roles: checked}
	if err != nil {
		form.Errors = view.FieldErrors{problem.FieldOf(err): problem.MessageOf(err)}
		s.renderStaff(w, r, http.StatusBadRequest, form, "")
		return
	}
	u := store.User{ID: auth.NewID(), ClinicID: v.P.ClinicID, Email: form.Email, Name: form.Name, Kind: "staff", Roles: roles, CreatedAt: s.now()}
	var link string
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "user.create", ResourceType: "user", ResourceID: u.ID, Detail: "roles " + roleList(roles), Severity: audit.High}); err != nil {
			return err
		}
		var err error
		link, err = s.issueLink(ctx, tx, r, u, "invite")
		return err
	})
	if err != nil {
		if f := problem.FieldOf(err); f != "" {
			form.Errors = view.FieldErrors{f: problem.MessageOf(err)}
			s.renderStaff(w, r, http.StatusBadRequest, form, "")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderStaff(w, r, http.StatusOK, view.InviteStaffForm{Roles: map[string]bool{"therapist": true}}, s.deliverLink(ctx, u, v.Clinic.Name, "invite", link))
}

// staffMember loads a staff member of the admin's own clinic.
func (s *Server) staffMember(ctx context.Context, id string) (store.User, error) {
	v := viewerOf(ctx)
	var u store.User
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.User(ctx, id); return err })
	if err == nil && (u.ClinicID != v.P.ClinicID || u.Kind != "staff") {
		err = problem.New(problem.NotFound, "Not found.")
	}
	return u, err
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

// withStaffMember runs the common start of the staff-member handlers.
func (s *Server) withStaffMember(w http.ResponseWriter, r *http.Request, a access.Action) (store.User, bool) {
	if !s.adminOnly(w, r, access.StaffAccounts, a) {
		return store.User{}, false
	}
	id := r.PathValue("id")
	u, err := s.staffMember(r.Context(), id)
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			s.deny(w, r, "user", id)
		} else {
			s.fail(w, r, err)
		}
		return u, false
	}
	return u, true
}

func (s *Server) showStaffMember(w http.ResponseWriter, r *http.Request) {
	if u, ok := s.withStaffMember(w, r, access.Read); ok {
		s.renderStaffMember(w, r, http.StatusOK, u, nil, "")
	}
}

func (s *Server) doStaffRoles(w http.ResponseWriter, r *http.Request) {
	u, ok := s.withStaffMember(w, r, access.Write)
	if !ok {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	roles, _, err := formRoles(r)
	if err == nil && u.ID == v.P.UserID && !containsRole(roles, store.RoleAdmin) {
		err = problem.Invalidf("roles", "You cannot remove your own admin role; ask another admin.")
	}
	if err != nil {
		s.renderStaffMember(w, r, http.StatusBadRequest, u, view.FieldErrors{"roles": problem.MessageOf(err)}, "")
		return
	}
	before := roleList(u.Roles)
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetRoles(ctx, u.ID, roles); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user.role_change", ResourceType: "user", ResourceID: u.ID,
			Detail: "from " + before + " to " + roleList(roles), Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u.Roles = roles
	s.renderStaffMember(w, r, http.StatusOK, u, nil, "Roles saved.")
}

func containsRole(roles []store.Role, r store.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func (s *Server) setStaffDisabled(w http.ResponseWriter, r *http.Request, disable bool) {
	u, ok := s.withStaffMember(w, r, access.Write)
	if !ok {
		return
	}
	ctx := r.Context()
	if u.ID == viewerOf(ctx).P.UserID {
		s.renderStaffMember(w, r, http.StatusBadRequest, u, view.FieldErrors{"roles": "You cannot disable your own account."}, "")
		return
	}
	var at *time.Time
	action, notice := "user.enable", u.Name+" can sign in again."
	if disable {
		now := s.now()
		at, action, notice = &now, "user.disable", u.Name+" is disabled and signed out everywhere."
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetDisabled(ctx, u.ID, at); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: action, ResourceType: "user", ResourceID: u.ID, Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u.DisabledAt = at
	s.renderStaffMember(w, r, http.StatusOK, u, nil, notice)
}

func (s *Server) doStaffDisable(w http.ResponseWriter, r *http.Request) {
	s.setStaffDisabled(w, r, true)
}
func (s *Server) doStaffEnable(w http.ResponseWriter, r *http.Request) {
	s.setStaffDisabled(w, r, false)
}

func (s *Server) doStaffReset(w http.ResponseWriter, r *http.Request) {
	u, ok := s.withStaffMember(w, r, access.Write)
	if !ok {
		return
	}
	ctx := r.Context()
	purpose := "reset"
	if u.PasswordHash == "" {
		purpose = "invite"
	}
	var link string
	err := s.st.Write(ctx, func(tx *store.Tx) (err error) {
		if link, err = s.issueLink(ctx, tx, r, u, purpose); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user." + purpose + "_link", ResourceType: "user", ResourceID: u.ID, Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderStaffMember(w, r, http.StatusOK, u, nil, s.deliverLink(ctx, u, viewerOf(ctx).Clinic.Name, purpose, link))
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
	if !s.adminOnly(w, r, access.ClinicSettings, access.Read) {
		return
	}
	c := viewerOf(r.Context()).Clinic
	s.render(w, r, http.StatusOK, view.Settings(s.page(r, "Clinic settings", "/admin/settings"), view.SettingsForm{
		Name: c.Name, TimeZone: c.TimeZone, ContactEmail: c.ContactEmail, ContactPhone: c.ContactPhone, Address: c.Address, Zones: zonesWith(c.TimeZone)}))
}

func (s *Server) doSettings(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Write) {
		return
	}
	ctx := r.Context()
	c := viewerOf(ctx).Clinic
	c.Name = strings.TrimSpace(r.PostFormValue("name"))
	c.TimeZone = strings.TrimSpace(r.PostFormValue("time_zone"))
	c.ContactEmail = strings.TrimSpace(r.PostFormValue("contact_email"))
	c.ContactPhone = strings.TrimSpace(r.PostFormValue("contact_phone"))
	c.Address = strings.TrimSpace(r.PostFormValue("address"))
	form := view.SettingsForm{Name: c.Name, TimeZone: c.TimeZone, ContactEmail: c.ContactEmail, ContactPhone: c.ContactPhone, Address: c.Address, Zones: zonesWith(c.TimeZone)}
	err := func() error {
		if c.ContactEmail != "" {
			if err := store.ValidateEmail(c.ContactEmail); err != nil {
				return problem.Invalidf("contact_email", "%s", problem.MessageOf(err))
			}
		}
		return s.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.UpdateClinic(ctx, &c); err != nil {
				return err
			}
			return s.recordTx(ctx, tx, r, audit.Entry{Action: "clinic.settings", ResourceType: "clinic", ResourceID: c.ID})
		})
	}()
	p := s.page(r, "Clinic settings", "/admin/settings")
	if err != nil {
		if f := problem.FieldOf(err); f != "" {
			form.Errors = view.FieldErrors{f: problem.MessageOf(err)}
			s.render(w, r, http.StatusBadRequest, view.Settings(p, form))
			return
		}
		s.fail(w, r, err)
		return
	}
	p.Flash, p.FlashKind = "Settings saved.", "ok"
	p.ClinicName = c.Name
	s.render(w, r, http.StatusOK, view.Settings(p, form))
}

// auditQuery reads the audit filter from the query string, in the clinic's zone.
func auditQuery(r *http.Request, v *viewer) (store.AuditFilter, view.AuditView, view.FieldErrors) {
	q := r.URL.Query()
	f := store.AuditFilter{ClinicID: v.P.ClinicID, Action: strings.TrimSpace(q.Get("action")), Limit: 100}
	av := view.AuditView{Action: f.Action, From: q.Get("from"), To: q.Get("to")}
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
	if !s.adminOnly(w, r, access.AuditLog, access.Read) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	f, av, errs := auditQuery(r, v)
	status := http.StatusOK
	var entries []audit.Entry
	if len(errs) > 0 {
		status = http.StatusBadRequest
	} else if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { entries, err = tx.AuditEntries(ctx, f); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.actorNames(ctx, v.P.ClinicID)
	loc := v.Clinic.Location()
	for _, e := range entries {
		av.Rows = append(av.Rows, view.AuditRow{Seq: e.Seq, When: view.When(e.Time, loc), Actor: actorLabel(e, names), Action: e.Action,
			Resource: strings.TrimSpace(e.ResourceType + " " + e.ResourceID), Client: e.ClientID, Outcome: string(e.Outcome), Severity: string(e.Severity), IP: e.IP})
	}
	qs := r.URL.Query()
	qs.Del("before")
	av.CSVURL = "/admin/audit.csv?" + qs.Encode()
	if len(entries) == f.Limit {
		qs.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		av.NextURL = "/admin/audit?" + qs.Encode()
	}
	av.Errors = errs
	s.record(r, audit.Entry{Action: "audit.read", ResourceType: "audit_log"})
	s.render(w, r, status, view.AuditLog(s.page(r, "Audit log", "/admin/audit"), av))
}

// actorNames maps the clinic's user ids to names for display.
func (s *Server) actorNames(ctx context.Context, clinicID string) map[string]string {
	names := map[string]string{}
	s.st.Read(ctx, func(tx *store.Tx) error {
		staff, err := tx.Staff(ctx, clinicID)
		for _, u := range staff {
			names[u.ID] = u.Name
		}
		return err
	})
	return names
}

func actorLabel(e audit.Entry, names map[string]string) string {
	if n, ok := names[e.ActorID]; ok {
		return n
	}
	if e.ActorID == "" {
		return string(e.ActorKind)
	}
	return string(e.ActorKind) + " " + e.ActorID
}

func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.AuditLog, access.Export) {
		return
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	f, _, errs := auditQuery(r, v)
	if len(errs) > 0 {
		s.fail(w, r, problem.Invalidf("from", "The dates in the filter are not valid."))
		return
	}
	f.Limit = 10000
	var entries []audit.Entry
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { entries, err = tx.AuditEntries(ctx, f); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "audit.export", ResourceType: "audit_log", Detail: plural(len(entries), "entry")})
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+url.PathEscape(v.Clinic.ShortName)+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time_utc", "actor_kind", "actor_id", "action", "resource_type", "resource_id", "client_id", "outcome", "severity", "request_id", "ip", "detail", "hash"})
	for _, e := range entries {
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.Time.Format(time.RFC3339Nano), string(e.ActorKind), e.ActorID, e.Action, e.ResourceType, e.ResourceID,
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
