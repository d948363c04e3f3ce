package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/mail"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// baseURL is the site's public address for links in emails.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// issuedLink is a one-time link just made: its URL, and whether it was emailed.
type issuedLink struct {
	URL    string
	Mailed bool
}

// issueLink makes an invitation or reset link inside tx and, when SMTP is
// configured, emails it after the transaction commits (see sendLink).
func (s *Server) issueLink(ctx context.Context, tx *store.Tx, r *http.Request, u store.User, purpose string) (string, error) {
	token := auth.NewSecret()
	life := inviteLifetime
	if purpose == "reset" {
		life = resetLifetime
	}
	now := s.now()
	if err := tx.CreateLink(ctx, &store.Link{TokenHash: auth.HashSecret(token), UserID: u.ID, Purpose: purpose,
		CreatedBy: viewerOf(ctx).P.UserID, CreatedAt: now, ExpiresAt: now.Add(life)}); err != nil {
		return "", err
	}
	return s.baseURL(r) + "/" + purpose + "/" + token, nil
}

// sendLink emails a link when SMTP is configured. It reports whether it did;
// otherwise the caller shows the link to the admin who made it.
func (s *Server) sendLink(ctx context.Context, u store.User, clinicName, purpose, link string) (bool, error) {
	if s.cfg.Mailer == nil {
		return false, nil
	}
	m := mail.Message{To: u.Email}
	if purpose == "invite" {
		m.Subject = "Your invitation to " + clinicName
		m.Body = fmt.Sprintf("Hello %s,\n\n%s has invited you to Doorway. Open this link to choose your password (it works for 7 days, once):\n\n%s\n\nIf you were not expecting this, you can ignore this email.\n", u.Name, clinicName, link)
	} else {
		m.Subject = "Choose a new Doorway password"
		m.Body = fmt.Sprintf("Hello %s,\n\nOpen this link to choose a new password for Doorway (it works for one hour, once):\n\n%s\n\nIf you did not ask for this, you can ignore this email; your password has not changed.\n", u.Name, link)
	}
	if err := s.cfg.Mailer.Send(ctx, m); err != nil {
		return false, problem.New(problem.Unavailable, "The email could not be sent, so the link is shown here instead. Check the SMTP settings.")
	}
	return true, nil
}

func (s *Server) showForgot(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Forgotten password", "")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.Forgot(p, false, s.cfg.Mailer != nil, ""))
}

func (s *Server) doForgot(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.page(r, "Forgotten password", "")
	p.Narrow = true
	if s.cfg.Mailer == nil {
		s.render(w, r, http.StatusOK, view.Forgot(p, false, false, ""))
		return
	}
	email := store.NormalizeEmail(r.PostFormValue("email"))
	if err := store.ValidateEmail(email); err != nil {
		s.render(w, r, http.StatusBadRequest, view.Forgot(p, false, true, problem.MessageOf(err)))
		return
	}
	var u store.User
	var clinic store.Clinic
	var link string
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByEmail(ctx, email); err != nil || u.DisabledAt != nil {
			return problem.New(problem.NotFound, "")
		}
		if clinic, err = tx.Clinic(ctx, u.ClinicID); err != nil {
			return err
		}
		// Reset requests count against the account's sign-in limit, so the
		// form cannot be used to flood someone's inbox.
		if n, _, err := tx.LoginFailures(ctx, email, "", s.now().Add(-failureWindow)); err != nil || n >= maxFailuresPerAccount {
			return problem.New(problem.TooMany, "")
		}
		if err := tx.RecordLoginFailure(ctx, auth.NewID(), email, clientIP(r), s.now()); err != nil {
			return err
		}
		if link, err = s.issueLink(ctx, tx, r, u, "reset"); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user.reset_requested", ActorID: u.ID, ActorKind: actorKind(u), ClinicID: u.ClinicID, ResourceType: "user", ResourceID: u.ID})
	})
	if err == nil {
		if _, err := s.sendLink(ctx, u, clinic.Name, "reset", link); err != nil {
			s.log.Error("reset email", "request_id", requestID(ctx), "err", err)
		}
	} else if c := problem.CodeOf(err); c != problem.NotFound && c != problem.TooMany {
		s.fail(w, r, err)
		return
	}
	// The same answer whether or not the address has an account.
	s.render(w, r, http.StatusOK, view.Forgot(p, true, true, ""))
}

// linkFromRequest loads the link in the URL, checking it is of the purpose
// its path says.
func (s *Server) linkFromRequest(r *http.Request) (store.Link, store.User, error) {
	ctx := r.Context()
	purpose := "invite"
	if strings.HasPrefix(r.URL.Path, "/reset/") {
		purpose = "reset"
	}
	var l store.Link
	var u store.User
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if l, err = tx.LinkByHash(ctx, auth.HashSecret(r.PathValue("token")), s.now()); err != nil {
			return err
		}
		if l.Purpose != purpose {
			return problem.New(problem.NotFound, "This link is not valid.")
		}
		u, err = tx.User(ctx, l.UserID)
		if err == nil && u.DisabledAt != nil {
			err = problem.New(problem.NotFound, "This account is disabled.")
		}
		return err
	})
	return l, u, err
}

func (s *Server) showSetPassword(w http.ResponseWriter, r *http.Request) {
	l, u, err := s.linkFromRequest(r)
	if err != nil {
		s.renderError(w, r, http.StatusNotFound, "This link does not work", "It has expired or has already been used. Please ask your clinic for a new one.")
		return
	}
	p := s.page(r, "Choose a password", "")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.SetPassword(p, view.SetPasswordForm{Action: r.URL.Path, Email: u.Email, Invite: l.Purpose == "invite"}))
}

func (s *Server) doSetPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, u, err := s.linkFromRequest(r)
	if err != nil {
		s.renderError(w, r, http.StatusNotFound, "This link does not work", "It has expired or has already been used. Please ask your clinic for a new one.")
		return
	}
	pw, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	errs := view.FieldErrors{}
	if err := auth.CheckPassword(pw, u.Email); err != nil {
		errs["password"] = problem.MessageOf(err)
	} else if pw != confirm {
		errs["confirm"] = "The two passwords are not the same."
	}
	if len(errs) > 0 {
		p := s.page(r, "Choose a password", "")
		p.Narrow = true
		s.render(w, r, http.StatusBadRequest, view.SetPassword(p, view.SetPasswordForm{Action: r.URL.Path, Email: u.Email, Invite: l.Purpose == "invite", Errors: errs}))
		return
	}
	hash, err := s.cfg.Hasher.Hash(ctx, pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.UseLink(ctx, l.TokenHash, s.now()); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		// A new password ends every other session.
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user.password_set", ActorID: u.ID, ActorKind: actorKind(u), ClinicID: u.ClinicID,
			ResourceType: "user", ResourceID: u.ID, Detail: "via " + l.Purpose + " link", Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login?m=password-set", http.StatusSeeOther)
}

// linkNotice tells the admin what happened to a link they made.
func linkNotice(who string, l issuedLink) string {
	if l.Mailed {
		return "An email with a one-time link is on its way to " + who + "."
	}
	return "Email is not set up, so please give " + who + " this one-time link yourself: " + l.URL
}
