package web

import (
	"net/http"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

func (s *Server) showForgot(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Forgotten password", "")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.Forgot(p, false, s.app.CanMail(), ""))
}

func (s *Server) doForgot(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Forgotten password", "")
	p.Narrow = true
	if !s.app.CanMail() {
		s.render(w, r, http.StatusOK, view.Forgot(p, false, false, ""))
		return
	}
	err := s.app.RequestReset(r.Context(), s.actor(r), r.PostFormValue("email"))
	switch problem.CodeOf(err) {
	case "":
	case problem.Invalid:
		s.render(w, r, http.StatusBadRequest, view.Forgot(p, false, true, problem.MessageOf(err)))
		return
	default:
		s.fail(w, r, err)
		return
	}
	// The same answer whether or not the address has an account.
	s.render(w, r, http.StatusOK, view.Forgot(p, true, true, ""))
}

// linkPurpose is the purpose a link's path says.
func linkPurpose(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/reset/") {
		return practice.LinkReset
	}
	return practice.LinkInvite
}

func (s *Server) deadLink(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "This link does not work", "It has expired or has already been used. Please ask your clinic for a new one.")
}

func (s *Server) showSetPassword(w http.ResponseWriter, r *http.Request) {
	ol, err := s.app.LinkFor(r.Context(), linkPurpose(r), r.PathValue("token"))
	if err != nil {
		s.deadLink(w, r)
		return
	}
	p := s.page(r, "Choose a password", "")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.SetPassword(p, view.SetPasswordForm{Action: r.URL.Path, Email: ol.User.Email, Invite: ol.Link.Purpose == practice.LinkInvite}))
}

func (s *Server) doSetPassword(w http.ResponseWriter, r *http.Request) {
	purpose := linkPurpose(r)
	err := s.app.SetPassword(r.Context(), s.actor(r), purpose, r.PathValue("token"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	switch {
	case err == nil:
		http.Redirect(w, r, "/login?m=password-set", http.StatusSeeOther)
	case problem.CodeOf(err) == problem.NotFound:
		s.deadLink(w, r)
	case problem.CodeOf(err) == problem.Invalid:
		ol, lerr := s.app.LinkFor(r.Context(), purpose, r.PathValue("token"))
		if lerr != nil {
			s.deadLink(w, r)
			return
		}
		p := s.page(r, "Choose a password", "")
		p.Narrow = true
		s.render(w, r, http.StatusBadRequest, view.SetPassword(p, view.SetPasswordForm{Action: r.URL.Path, Email: ol.User.Email,
			Invite: purpose == practice.LinkInvite, Errors: view.FieldErrors{problem.FieldOf(err): problem.MessageOf(err)}}))
	default:
		s.fail(w, r, err)
	}
}
