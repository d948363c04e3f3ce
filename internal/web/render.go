package web

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/problem"
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
	for _, n := range navFor(v.P) {
		n.Current = n.Href == current
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
				view.NavItem{Label: "Audit log", Href: "/admin/audit"})
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

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	if message == "" {
		message = problem.MessageOf(nil)
	}
	p := s.page(r, heading, "")
	p.Narrow = true
	s.render(w, r, status, view.ErrorPage(p, heading, message))
}

// fail answers an error from the layers below: a problem.Error with its safe
// message and status, anything else as a logged internal error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch problem.CodeOf(err) {
	case problem.NotFound:
		s.notFound(w, r)
	case problem.Invalid, problem.Unprocessable:
		s.renderError(w, r, http.StatusBadRequest, "Please check what you entered", problem.MessageOf(err))
	case problem.Conflict:
		s.renderError(w, r, http.StatusConflict, "That could not be saved", problem.MessageOf(err))
	case problem.Unauthorized:
		s.renderError(w, r, http.StatusUnauthorized, "Please sign in again", problem.MessageOf(err))
	case problem.TooMany:
		s.renderError(w, r, http.StatusTooManyRequests, "Please wait a little", problem.MessageOf(err))
	case problem.Unavailable:
		s.log.Error("unavailable", "request_id", requestID(r.Context()), "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Doorway is not available just now", problem.MessageOf(err))
	default:
		if r.Context().Err() != nil {
			return // the browser went away
		}
		s.log.Error("internal error", "request_id", requestID(r.Context()), "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "")
	}
}

// refuseForm answers a write that failed: a refusal the person can put
// right (invalid, naming a field, or several: practice.FieldErrors) goes
// to show, which renders the form again at 400 with each message by its
// field; anything else goes to fail.
func (s *Server) refuseForm(w http.ResponseWriter, r *http.Request, err error, show func(errs view.FieldErrors)) {
	var fields practice.FieldErrors
	if errors.As(err, &fields) {
		show(view.FieldErrors(fields))
		return
	}
	if f := problem.FieldOf(err); f != "" && problem.CodeOf(err) == problem.Invalid {
		show(view.FieldErrors{f: problem.MessageOf(err)})
		return
	}
	s.fail(w, r, err)
}
