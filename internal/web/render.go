package web

import (
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/web/view"
)

// page builds what every page has. current is the path of the nav item to mark.
func (s *Server) page(r *http.Request, title, current string) view.Page {
	v := viewerOf(r.Context())
	p := view.Page{Title: title, Demo: s.cfg.Demo, RequestID: requestID(r.Context())}
	if !v.signedIn() {
		return p
	}
	p.UserName = v.User.Name
	p.ClinicName = v.Clinic.Name
	section := navSection(current, r.URL.Path)
	for _, n := range navFor(v.P) {
		n.Current = n.Href == section
		p.Nav = append(p.Nav, n)
	}
	return p
}

// navFor lists the links each role works with.
func navFor(p access.Principal) []view.NavItem {
	var nav []view.NavItem
	switch p.Kind {
	case access.Client:
		nav = append(nav, view.NavItem{Label: "My care", Href: "/portal"})
	case access.Staff:
		if p.Has(access.Therapist) || p.Has(access.Prescriber) {
			nav = append(nav, view.NavItem{Label: "Caseload", Href: "/caseload"})
		}
		if p.Has(access.Admin) {
			nav = append(nav,
				view.NavItem{Label: "Clients", Href: "/caseload"},
				view.NavItem{Label: "Staff", Href: "/admin/staff"},
				view.NavItem{Label: "Settings", Href: "/admin/settings"},
				view.NavItem{Label: "Outcomes", Href: "/admin/outcomes"},
				view.NavItem{Label: "Outbox", Href: "/admin/outbox"},
				view.NavItem{Label: "Audit log", Href: "/admin/audit"},
				view.NavItem{Label: "Emergency access", Href: "/admin/emergency-access"})
			if p.Has(access.Therapist) || p.Has(access.Prescriber) {
				nav = append(nav[:1], nav[2:]...) // one link to the client list is enough
			}
		}
	}
	if p.Kind == access.Staff {
		nav = append(nav, view.NavItem{Label: "Schedule", Href: "/schedule"})
		if practice.MayListInquiries(p) {
			nav = append(nav, view.NavItem{Label: "Inquiries", Href: "/inquiries"})
		}
	}
	return append(nav, view.NavItem{Label: "Account", Href: "/account"})
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		s.log.Error("render", "request_id", requestID(r.Context()), "err", err)
	}
}

// navSection is the navigation link a page belongs to, so the bar shows
// where the reader is: the page's own link when it has one, else the
// section its path lies in (a client's chart, course or session belongs to
// the caseload; a booking to the schedule; an admin page to its list).
func navSection(current, path string) string {
	if current != "" {
		return current
	}
	for _, s := range []struct{ prefix, href string }{
		{"/clients/", "/caseload"}, {"/caseload", "/caseload"},
		{"/schedule", "/schedule"}, {"/inquiries", "/inquiries"},
		{"/admin/audit", "/admin/audit"}, {"/admin/outbox", "/admin/outbox"}, {"/admin/outcomes", "/admin/outcomes"},
		{"/admin/staff", "/admin/staff"}, {"/admin/", "/admin/settings"},
		{"/portal", "/portal"}, {"/account", "/account"},
	} {
		if strings.HasPrefix(path, s.prefix) {
			return s.href
		}
	}
	return ""
}
