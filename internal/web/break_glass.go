package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

// Break-glass access: the form a clinician reaches from a refused client
// record or from the caseload, and the admins' review page.

func (s *Server) breakGlassRoutes() []Route {
	return []Route{
		{"GET", "/emergency-access", StaffOnly, s.showBreakGlass},
		{"POST", "/emergency-access", StaffOnly, s.doBreakGlass},
		{"GET", "/admin/emergency-access", StaffOnly, s.showBreakGlassReview},
		{"POST", "/admin/emergency-access/{id}/reviewed", StaffOnly, s.doBreakGlassReviewed},
	}
}

func (s *Server) showBreakGlass(w http.ResponseWriter, r *http.Request) {
	if err := s.app.MayOpenBreakGlass(r.Context(), s.actor(r)); err != nil {
		s.failDenied(w, r, string(access.BreakGlass), "", err)
		return
	}
	f := view.BreakGlassForm{ClientID: strings.TrimSpace(r.URL.Query().Get("client"))}
	s.renderBreakGlass(w, r, http.StatusOK, f)
}

func (s *Server) renderBreakGlass(w http.ResponseWriter, r *http.Request, status int, f view.BreakGlassForm) {
	f.Minutes = int(practice.BreakGlassLength / time.Minute)
	p := s.page(r, "Emergency access", "/caseload")
	p.Narrow = true
	s.render(w, r, status, view.BreakGlass(p, f))
}

func (s *Server) doBreakGlass(w http.ResponseWriter, r *http.Request) {
	f := view.BreakGlassForm{ClientID: strings.TrimSpace(r.PostFormValue("client")), GivenName: r.PostFormValue("given_name"),
		FamilyName: r.PostFormValue("family_name"), DateOfBirth: r.PostFormValue("date_of_birth"), Reason: r.PostFormValue("reason")}
	g, err := s.app.OpenBreakGlass(r.Context(), s.actor(r), practice.BreakGlassInput{ClientID: f.ClientID, GivenName: f.GivenName,
		FamilyName: f.FamilyName, DateOfBirth: f.DateOfBirth, Reason: f.Reason})
	if err != nil {
		// An id that names no client of the clinic is a denial, as on
		// any record.
		if f.ClientID != "" && problem.CodeOf(err) == problem.NotFound {
			s.failClient(w, r, f.ClientID, err)
			return
		}
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f.Errors = errs
			s.renderBreakGlass(w, r, http.StatusBadRequest, f)
		})
		return
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(g.ClientID), http.StatusSeeOther)
}

func (s *Server) showBreakGlassReview(w http.ResponseWriter, r *http.Request) {
	review, err := s.app.BreakGlassToReview(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, string(access.BreakGlass), "", err)
		return
	}
	tf := s.timeFormat(r)
	row := func(g practice.BreakGlassGrant) view.BreakGlassRow {
		out := view.BreakGlassRow{ID: g.ID, Clinician: g.UserName, Client: g.ClientName, ClientHref: "/clients/" + g.ClientID,
			Reason: g.Reason, Opened: view.When(g.OpenedAt, tf), Until: tf.Time(g.ExpiresAt)}
		if g.ReviewedAt != nil {
			out.Reviewed = g.ReviewedByName + ", " + view.When(*g.ReviewedAt, tf)
		}
		// Oldest first, as the audit log names them (the entries come
		// newest first).
		for i := len(g.Reads) - 1; i >= 0; i-- {
			e := g.Reads[i]
			out.Reads = append(out.Reads, tf.Time(e.Time)+" "+e.Action+" "+e.ResourceType)
		}
		return out
	}
	var rv view.BreakGlassReviewView
	for _, g := range review.Open {
		rv.Open = append(rv.Open, row(g))
	}
	for _, g := range review.Reviewed {
		rv.Reviewed = append(rv.Reviewed, row(practice.BreakGlassGrant{BreakGlass: g}))
	}
	p := s.page(r, "Emergency access", "/admin/emergency-access")
	if r.URL.Query().Get("reviewed") == "1" {
		p.Flash, p.FlashKind = "Marked reviewed.", "ok"
	}
	s.render(w, r, http.StatusOK, view.BreakGlassReview(p, rv))
}

func (s *Server) doBreakGlassReviewed(w http.ResponseWriter, r *http.Request) {
	if err := s.app.ReviewBreakGlass(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		s.failDenied(w, r, string(access.BreakGlass), r.PathValue("id"), err)
		return
	}
	http.Redirect(w, r, "/admin/emergency-access?reviewed=1", http.StatusSeeOther)
}
