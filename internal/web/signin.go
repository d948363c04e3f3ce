package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// Throttling limits from SECURITY.md: at most 100 failed attempts an hour
// for one account; an IP gets more room because a clinic shares one address.
const (
	maxFailuresPerAccount = 100
	maxFailuresPerIP      = 300
	failureWindow         = time.Hour
)

const badLogin = "That email and password do not match an account. Please check them and try again."

func (s *Server) showStart(w http.ResponseWriter, r *http.Request) {
	if viewerOf(r.Context()).signedIn() {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, view.Home(s.page(r, "Welcome", ""), s.publicInfo(r)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.st.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database not answering\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// loginMessages are the notices the sign-in page may show after a redirect.
var loginMessages = map[string]string{
	"password-set": "Your password is saved. Please sign in.",
	"signed-out":   "You are signed out.",
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	if v.signedIn() {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	p := s.page(r, "Sign in", "")
	p.Narrow = true
	if m, ok := loginMessages[r.URL.Query().Get("m")]; ok {
		p.Flash, p.FlashKind = m, "ok"
	}
	s.render(w, r, http.StatusOK, view.Login(p, view.LoginForm{Next: localPath(r.URL.Query().Get("next"))}))
}

// localPath keeps a post-login redirect on this site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, email, msg string, status int) {
	p := s.page(r, "Sign in", "")
	p.Narrow = true
	s.render(w, r, status, view.Login(p, view.LoginForm{Email: email, Next: localPath(r.PostFormValue("next")), Error: msg}))
}

func (s *Server) doLogin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := store.NormalizeEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	ip, now := clientIP(r), s.now()
	if email == "" || password == "" {
		s.loginFailed(w, r, email, "Please enter your email and your password.", http.StatusBadRequest)
		return
	}
	var byEmail, byIP int
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		byEmail, byIP, err = tx.LoginFailures(ctx, email, ip, now.Add(-failureWindow))
		return err
	}); err != nil {
		s.fail(w, r, err)
		return
	}
	if byEmail >= maxFailuresPerAccount || byIP >= maxFailuresPerIP {
		s.record(r, audit.Entry{Action: "login.throttled", ResourceType: "user", Detail: "too many failed sign-ins", Outcome: audit.Denied, Severity: audit.High})
		s.loginFailed(w, r, email, "There have been too many attempts to sign in. Please wait an hour, or ask your clinic to reset your password.", http.StatusTooManyRequests)
		return
	}
	var u store.User
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.UserByEmail(ctx, email); return err })
	ok := false
	switch {
	case err == nil && u.PasswordHash != "":
		ok, err = s.cfg.Hasher.Verify(ctx, password, u.PasswordHash)
	case err == nil || problem.CodeOf(err) == problem.NotFound:
		// Spend the same time as a real check so timing does not say which
		// addresses have accounts.
		err = s.cfg.Hasher.DummyVerify(ctx, password)
	}
	if err != nil && problem.CodeOf(err) != problem.NotFound {
		s.fail(w, r, err)
		return
	}
	if !ok || u.DisabledAt != nil {
		s.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.RecordLoginFailure(ctx, auth.NewID(), email, ip, now); err != nil {
				return err
			}
			e := audit.Entry{Action: "login.failed", ResourceType: "user", ResourceID: u.ID, ClinicID: u.ClinicID, Outcome: audit.Failed, Severity: audit.Info}
			if u.DisabledAt != nil {
				e.Detail = "account disabled"
			}
			return s.recordTx(ctx, tx, r, e)
		})
		s.loginFailed(w, r, email, badLogin, http.StatusUnauthorized)
		return
	}
	if auth.NeedsRehash(u.PasswordHash) {
		if h, err := s.cfg.Hasher.Hash(ctx, password); err == nil {
			s.st.Write(ctx, func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, h) })
		}
	}
	secondStep := u.TOTPEnabledAt != nil || s.mfaRequired(u)
	token := auth.NewSecret()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// A new token at every sign-in: a session id planted before sign-in is worthless.
		if c, err := r.Cookie(s.cookieName()); err == nil {
			tx.DeleteSession(ctx, auth.HashSecret(c.Value))
		}
		if err := tx.CreateSession(ctx, &store.Session{TokenHash: auth.HashSecret(token), UserID: u.ID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(sessionLifetime), MFADone: !secondStep, IP: ip}); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "login.password", ActorID: u.ID, ActorKind: actorKind(u), ClinicID: u.ClinicID,
			ResourceType: "user", ResourceID: u.ID})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, token)
	switch {
	case u.TOTPEnabledAt != nil:
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
	case secondStep:
		http.Redirect(w, r, "/login/setup", http.StatusSeeOther)
	default:
		next := localPath(r.PostFormValue("next"))
		if next == "" {
			next = "/home"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func actorKind(u store.User) audit.ActorKind {
	if u.Kind == "client" {
		return audit.ActorClient
	}
	return audit.ActorStaff
}

func (s *Server) doLogout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
		s.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.DeleteSession(ctx, auth.HashSecret(c.Value)); err != nil {
				return err
			}
			if v.P.UserID == "" {
				return nil
			}
			return s.recordTx(ctx, tx, r, audit.Entry{Action: "session.logout", ResourceType: "user", ResourceID: v.P.UserID})
		})
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login?m=signed-out", http.StatusSeeOther)
}

func (s *Server) showCode(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	if v.User.TOTPEnabledAt == nil {
		http.Redirect(w, r, "/login/setup", http.StatusSeeOther)
		return
	}
	p := s.page(r, "Sign-in code", "")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.Code(p, ""))
}

func (s *Server) doCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if v.User.TOTPEnabledAt == nil {
		http.Redirect(w, r, "/login/setup", http.StatusSeeOther)
		return
	}
	typed := strings.TrimSpace(r.PostFormValue("code"))
	now, ip := s.now(), clientIP(r)
	var byEmail int
	s.st.Read(ctx, func(tx *store.Tx) (err error) {
		byEmail, _, err = tx.LoginFailures(ctx, v.User.Email, ip, now.Add(-failureWindow))
		return err
	})
	p := s.page(r, "Sign-in code", "")
	p.Narrow = true
	if byEmail >= maxFailuresPerAccount {
		s.render(w, r, http.StatusTooManyRequests, view.Code(p, "There have been too many attempts. Please wait an hour and try again."))
		return
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		digits := strings.ReplaceAll(typed, " ", "")
		if len(digits) == 6 && strings.Trim(digits, "0123456789") == "" {
			step, err := auth.CheckTOTP(v.User.TOTPSecret, digits, now, v.User.TOTPLastStep)
			if err != nil {
				return err
			}
			if err := tx.UseTOTPStep(ctx, v.User.ID, step); err != nil {
				return err
			}
		} else {
			hashes, err := tx.UnusedRecoveryCodes(ctx, v.User.ID)
			if err != nil {
				return err
			}
			i, ok := auth.MatchRecoveryCode(typed, hashes)
			if !ok {
				return problem.New(problem.Unauthorized, "That code is not right. Check the app and try again.")
			}
			if err := tx.UseRecoveryCode(ctx, v.User.ID, hashes[i], now); err != nil {
				return err
			}
		}
		if err := tx.CompleteMFA(ctx, v.Session.TokenHash); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "login.second_factor", ResourceType: "user", ResourceID: v.User.ID})
	})
	if err != nil {
		if problem.CodeOf(err) == problem.Internal {
			s.fail(w, r, err)
			return
		}
		s.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.RecordLoginFailure(ctx, auth.NewID(), v.User.Email, ip, now); err != nil {
				return err
			}
			return s.recordTx(ctx, tx, r, audit.Entry{Action: "login.second_factor", ResourceType: "user", ResourceID: v.User.ID, Outcome: audit.Failed})
		})
		s.render(w, r, http.StatusUnauthorized, view.Code(p, problem.MessageOf(err)))
		return
	}
	http.Redirect(w, r, "/home", http.StatusSeeOther)
}

// enrolAction is where the second-factor form posts: during sign-in, or from
// the account page.
func enrolAction(v *viewer) string {
	if v.PendingMFA {
		return "/login/setup"
	}
	return "/account/2fa"
}

func (s *Server) showEnrol(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	if v.PendingMFA && v.User.TOTPEnabledAt != nil {
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
		return
	}
	p := s.page(r, "Two-step sign-in", "/account")
	p.Narrow = true
	f := view.EnrolForm{Action: enrolAction(v), Required: v.MustEnrol, Enabled: v.User.TOTPEnabledAt != nil}
	if !f.Enabled {
		secret, url, err := auth.NewTOTP(v.User.Email)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.Secret, f.QRDataURL = secret, qrDataURL(url)
	}
	s.render(w, r, http.StatusOK, view.Enrol(p, f))
}

// qrDataURL draws the otpauth:// URL as a PNG QR code inlined in the page, so
// the secret never leaves this server.
func qrDataURL(otpauth string) string {
	key, err := otp.NewKeyFromURL(otpauth)
	if err != nil {
		return ""
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return ""
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func (s *Server) doEnrol(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if v.User.TOTPEnabledAt != nil {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	secret := strings.TrimSpace(r.PostFormValue("secret"))
	now := s.now()
	p := s.page(r, "Two-step sign-in", "/account")
	p.Narrow = true
	step, err := auth.CheckTOTP(secret, r.PostFormValue("code"), now, 0)
	if err != nil || secret == "" {
		if secret == "" {
			secret, _, _ = auth.NewTOTP(v.User.Email)
		}
		url, _ := auth.TOTPURL(secret, v.User.Email)
		s.render(w, r, http.StatusBadRequest, view.Enrol(p, view.EnrolForm{Action: enrolAction(v), Required: v.MustEnrol,
			Secret: secret, QRDataURL: qrDataURL(url), Error: "That code did not match. Check that the app shows Doorway and enter the newest code."}))
		return
	}
	codes, hashes := auth.NewRecoveryCodes()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, v.User.ID, secret, &now); err != nil {
			return err
		}
		if err := tx.UseTOTPStep(ctx, v.User.ID, step); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, v.User.ID, hashes); err != nil {
			return err
		}
		if err := tx.CompleteMFA(ctx, v.Session.TokenHash); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user.second_factor_on", ResourceType: "user", ResourceID: v.User.ID, Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, view.Enrol(p, view.EnrolForm{Codes: codes, Continue: "/home"}))
}

func (s *Server) doNewRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if v.User.TOTPEnabledAt == nil {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	codes, hashes := auth.NewRecoveryCodes()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceRecoveryCodes(ctx, v.User.ID, hashes); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "user.recovery_codes", ResourceType: "user", ResourceID: v.User.ID, Severity: audit.High})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Two-step sign-in", "/account")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.Enrol(p, view.EnrolForm{Codes: codes, Continue: "/account"}))
}
