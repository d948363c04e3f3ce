package web

import (
	"net/http"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
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
	ctx := r.Context()
	v := viewerOf(ctx)
	a := view.AccountView{Name: v.User.Name, Email: v.User.Email, TwoStep: v.User.TOTPEnabledAt != nil, Errors: errs, NewToken: newToken}
	for _, role := range v.User.Roles {
		a.Roles = append(a.Roles, string(role))
	}
	if v.P.Kind != access.Staff {
		return a, nil
	}
	loc := v.Clinic.Location()
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		tokens, err := tx.APITokens(ctx, v.User.ID)
		for _, t := range tokens {
			row := view.TokenRow{ID: t.ID, Name: t.Name, Created: view.When(t.CreatedAt, loc), LastUsed: "never", Revoked: t.RevokedAt != nil}
			if t.LastUsedAt != nil {
				row.LastUsed = view.When(*t.LastUsedAt, loc)
			}
			a.Tokens = append(a.Tokens, row)
		}
		return err
	})
	return a, err
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.accountView(r, nil, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, view.Account(s.page(r, "Your account", "/account"), a))
}

func (s *Server) accountError(w http.ResponseWriter, r *http.Request, errs view.FieldErrors) {
	a, err := s.accountView(r, errs, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, view.Account(s.page(r, "Your account", "/account"), a))
}

func (s *Server) doChangePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	current, pw, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	ok, err := s.cfg.Hasher.Verify(ctx, current, v.User.PasswordHash)
	if err != nil && v.User.PasswordHash != "" {
		s.fail(w, r, err)
		return
	}
	errs := view.FieldErrors{}
	if !ok {
		errs["current"] = "That is not your current password."
	} else if err := auth.CheckPassword(pw, v.User.Email); err != nil {
		errs["password"] = problem.MessageOf(err)
	} else if pw != confirm {
		errs["confirm"] = "The two new passwords are not the same."
	}
	if len(errs) > 0 {
		s.accountError(w, r, errs)
		return
	}
	hash, err := s.cfg.Hasher.Hash(ctx, pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token := auth.NewSecret()
	now := s.now()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, v.User.ID, hash); err != nil {
			return err
		}
		// Other browsers are signed out; this one gets a fresh session.
		if err := tx.DeleteUserSessions(ctx, v.User.ID); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, &store.Session{TokenHash: auth.HashSecret(token), UserID: v.User.ID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: v.Session.ExpiresAt, MFADone: true, IP: clientIP(r)}); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user.password_change", ResourceType: "user", ResourceID: v.User.ID, Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, token)
	a, err := s.accountView(r, nil, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Your account", "/account")
	p.Flash, p.FlashKind = "Your password is changed. You have been signed out everywhere else.", "ok"
	s.render(w, r, http.StatusOK, view.Account(p, a))
}

func (s *Server) doCreateToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if v.P.Kind != access.Staff {
		s.deny(w, r, "api_token", "")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" || len(name) > 80 {
		s.accountError(w, r, view.FieldErrors{"name": "Please give the token a name of up to 80 characters."})
		return
	}
	token := auth.NewSecret()
	id := auth.NewID()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, &store.APIToken{ID: id, UserID: v.User.ID, Name: name, TokenHash: auth.HashSecret(token), CreatedAt: s.now()}); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "token.create", ResourceType: "api_token", ResourceID: id, Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.accountView(r, nil, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, view.Account(s.page(r, "Your account", "/account"), a))
}

func (s *Server) doRevokeToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeAPIToken(ctx, v.User.ID, id, s.now()); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "token.revoke", ResourceType: "api_token", ResourceID: id, Severity: audit.High})
	})
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			s.deny(w, r, "api_token", id)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
