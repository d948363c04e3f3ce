package web

import (
	"net/http"

	"doorway/internal/access"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

// home sends each role to where its work is.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	switch {
	case v.P.Kind == access.Client:
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
	case v.P.Has(access.Therapist) || v.P.Has(access.Prescriber):
		http.Redirect(w, r, "/caseload", http.StatusSeeOther)
	case v.P.Has(access.Admin):
		http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/account", http.StatusSeeOther)
	}
}

func (s *Server) accountView(r *http.Request, errs view.FieldErrors, newToken string) (view.AccountView, error) {
	acc, err := s.app.Account(r.Context(), s.actor(r))
	if err != nil {
		return view.AccountView{}, err
	}
	u := acc.User
	a := view.AccountView{Name: u.Name, Email: u.Email, TwoStep: u.TOTPEnabledAt != nil, Errors: errs, NewToken: newToken}
	if a.Notifications, err = s.notificationsView(r, "/account"); err != nil {
		return view.AccountView{}, err
	}
	for _, role := range u.Roles {
		a.Roles = append(a.Roles, string(role))
	}
	tf := s.timeFormat(r)
	for _, t := range acc.Tokens {
		row := view.TokenRow{ID: t.ID, Name: t.Name, Created: view.When(t.CreatedAt, tf), LastUsed: "never", Revoked: t.RevokedAt != nil}
		if t.LastUsedAt != nil {
			row.LastUsed = view.When(*t.LastUsedAt, tf)
		}
		a.Tokens = append(a.Tokens, row)
	}
	return a, nil
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, nil, "", "")
}

// renderAccount shows the account page with what a form left to say.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, errs view.FieldErrors, newToken, notice string) {
	a, err := s.accountView(r, errs, newToken)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Your account", "/account")
	if notice == "" && r.Method == http.MethodGet {
		notice = savedNotice(r)
	}
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Account(p, a))
}

// accountRefused shows a refused account form again, or fails.
func (s *Server) accountRefused(w http.ResponseWriter, r *http.Request, err error) {
	if problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) != "" {
		s.renderAccount(w, r, http.StatusBadRequest, view.FieldErrors{problem.FieldOf(err): problem.MessageOf(err)}, "", "")
		return
	}
	s.failDenied(w, r, "api_token", r.PathValue("id"), err)
}

func (s *Server) doChangePassword(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	token, err := s.app.ChangePassword(r.Context(), s.actor(r), r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"), v.Session.ExpiresAt)
	if err != nil {
		s.accountRefused(w, r, err)
		return
	}
	s.setSessionCookie(w, token)
	s.renderAccount(w, r, http.StatusOK, nil, "", "Your password is changed. You have been signed out everywhere else.")
}

func (s *Server) doCreateToken(w http.ResponseWriter, r *http.Request) {
	token, err := s.app.CreateToken(r.Context(), s.actor(r), r.PostFormValue("name"))
	if err != nil {
		s.accountRefused(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, nil, token, "")
}

func (s *Server) doRevokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RevokeToken(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		s.accountRefused(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
