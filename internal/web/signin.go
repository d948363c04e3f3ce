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

	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

func (s *Server) showStart(w http.ResponseWriter, r *http.Request) {
	if viewerOf(r.Context()).signedIn() {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, view.Home(s.page(r, "Welcome", ""), s.publicInfo(r)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n")) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.app.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database not answering\n")) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
		return
	}
	w.Write([]byte("ready\n")) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
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
	email := r.PostFormValue("email")
	in := practice.SignInInput{Email: email, Password: r.PostFormValue("password")}
	if c, err := r.Cookie(s.cookieName()); err == nil {
		in.Replaced = c.Value
	}
	if c, err := r.Cookie(s.deviceCookieName()); err == nil {
		in.Devices = c.Value
	}
	res, err := s.app.SignIn(r.Context(), s.actor(r), in)
	switch problem.CodeOf(err) {
	case "":
	case problem.Invalid:
		s.loginFailed(w, r, store.NormalizeEmail(email), problem.MessageOf(err), http.StatusBadRequest)
		return
	case problem.Unauthorized:
		s.loginFailed(w, r, store.NormalizeEmail(email), problem.MessageOf(err), http.StatusUnauthorized)
		return
	case problem.TooMany:
		setRetryAfter(w, err)
		s.loginFailed(w, r, store.NormalizeEmail(email), problem.MessageOf(err), http.StatusTooManyRequests)
		return
	default:
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, res.Token)
	s.setDeviceCookie(w, res.Devices)
	switch res.Next {
	case practice.NextCode:
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
	case practice.NextSetup:
		http.Redirect(w, r, "/login/setup", http.StatusSeeOther)
	default:
		next := localPath(r.PostFormValue("next"))
		if next == "" {
			next = "/home"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (s *Server) doLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
		if err := s.app.SignOut(r.Context(), s.actor(r), c.Value); err != nil {
			s.log.Error("sign out", "request_id", requestID(r.Context()), "err", err)
		}
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
	v := viewerOf(r.Context())
	if v.User.TOTPEnabledAt == nil {
		http.Redirect(w, r, "/login/setup", http.StatusSeeOther)
		return
	}
	err := s.app.SecondFactor(r.Context(), s.actor(r), v.signedInOf(), r.PostFormValue("code"))
	p := s.page(r, "Sign-in code", "")
	p.Narrow = true
	switch problem.CodeOf(err) {
	case "":
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	case problem.TooMany:
		setRetryAfter(w, err)
		s.render(w, r, http.StatusTooManyRequests, view.Code(p, problem.MessageOf(err)))
	case problem.Internal:
		s.fail(w, r, err)
	default:
		s.render(w, r, http.StatusUnauthorized, view.Code(p, problem.MessageOf(err)))
	}
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
	v := viewerOf(r.Context())
	if v.User.TOTPEnabledAt != nil {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	secret := strings.TrimSpace(r.PostFormValue("secret"))
	p := s.page(r, "Two-step sign-in", "/account")
	p.Narrow = true
	codes, err := s.app.EnrolSecondFactor(r.Context(), s.actor(r), v.signedInOf(), secret, r.PostFormValue("code"))
	if problem.CodeOf(err) == problem.Invalid {
		if secret == "" {
			secret, _, _ = auth.NewTOTP(v.User.Email)
		}
		url, _ := auth.TOTPURL(secret, v.User.Email)
		s.render(w, r, http.StatusBadRequest, view.Enrol(p, view.EnrolForm{Action: enrolAction(v), Required: v.MustEnrol,
			Secret: secret, QRDataURL: qrDataURL(url), Error: problem.MessageOf(err)}))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, view.Enrol(p, view.EnrolForm{Codes: codes, Continue: "/home"}))
}

func (s *Server) doNewRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	if v.User.TOTPEnabledAt == nil {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	codes, err := s.app.NewRecoveryCodes(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Two-step sign-in", "/account")
	p.Narrow = true
	s.render(w, r, http.StatusOK, view.Enrol(p, view.EnrolForm{Codes: codes, Continue: "/account"}))
}
