package web

import (
	"context"
	"net/http"
	"time"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// viewer is who is making a request: nobody, or a signed-in user whose
// session is valid. A disabled account or an expired session is nobody.
type viewer struct {
	P       access.Principal
	User    store.User
	Clinic  store.Clinic
	Session store.Session
	// PendingMFA is true between the password and the second factor (or its
	// required setup); such a session reaches only the second-factor pages.
	PendingMFA bool
	// MustEnrol is true when the role requires a second factor that is not set up.
	MustEnrol bool
	// actor is the use cases' view of the viewer, made once per request.
	actor *practice.Actor
	// tf is how the clinic writes times, read once per request (timeFormat).
	tf *timefmt.Format
}

// timeFormat is how the viewer's clinic writes dates and times: its zone,
// one date format and its clock. Every time a page or PDF shows goes
// through it (README, Architecture: page conventions).
func (s *Server) timeFormat(r *http.Request) timefmt.Format {
	v := viewerOf(r.Context())
	if v.tf != nil {
		return *v.tf
	}
	var tf timefmt.Format
	if v.signedIn() {
		tf = s.app.TimeFormat(r.Context(), s.actor(r))
	} else {
		tf = timefmt.New(v.Clinic.Location(), "")
	}
	v.tf = &tf
	return tf
}

func (v *viewer) signedIn() bool { return v != nil && v.P.Kind != access.Anonymous && !v.PendingMFA }

func viewerOf(ctx context.Context) *viewer {
	v, _ := ctx.Value(keyViewer).(*viewer)
	if v == nil {
		return &viewer{P: access.Principal{Kind: access.Anonymous}}
	}
	return v
}

func (s *Server) cookieName() string {
	if s.cfg.Secure {
		// __Host- cookies are bound to this host and path and must be Secure.
		return "__Host-doorway"
	}
	return "doorway"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", HttpOnly: true, // #nosec G124 -- Secure is set whenever the site is served over TLS or behind a TLS proxy (cfg.Secure); over plain HTTP on loopback a browser would drop a Secure cookie
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", HttpOnly: true, // #nosec G124 -- as setSessionCookie: Secure whenever served over TLS
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// deviceCookieName is the device cookie's: it tells the sign-in that this
// browser has signed in to an account before (practice.SignInInput).
func (s *Server) deviceCookieName() string {
	if s.cfg.Secure {
		return "__Host-doorway-device"
	}
	return "doorway-device"
}

// setDeviceCookie keeps the browser's device cookie for as long as a
// device stays trusted. It is HttpOnly, and Strict: only the sign-in form,
// posted from this site, needs it.
func (s *Server) setDeviceCookie(w http.ResponseWriter, value string) {
	if value == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.deviceCookieName(), Value: value, Path: "/", HttpOnly: true, // #nosec G124 -- as setSessionCookie: Secure whenever served over TLS
		Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode, MaxAge: int(practice.DeviceLifetime / time.Second)})
}

// withPrincipal resolves the session cookie into a viewer.
func (s *Server) withPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.loadViewer(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyViewer, v)))
	})
}

func (s *Server) loadViewer(r *http.Request) *viewer {
	c, err := r.Cookie(s.cookieName())
	if err != nil {
		return &viewer{P: access.Principal{Kind: access.Anonymous}}
	}
	si, err := s.app.ResolveSession(r.Context(), c.Value)
	if err != nil {
		return &viewer{P: access.Principal{Kind: access.Anonymous}}
	}
	return &viewer{P: si.P, User: si.User, Clinic: si.Clinic, Session: si.Session, PendingMFA: si.PendingMFA, MustEnrol: si.MustEnrol}
}

// signedInOf is the viewer as the sign-in use cases know it.
func (v *viewer) signedInOf() practice.SignedIn {
	return practice.SignedIn{Session: v.Session, User: v.User, Clinic: v.Clinic, P: v.P, PendingMFA: v.PendingMFA, MustEnrol: v.MustEnrol}
}

// actor is the request's Actor for the use cases: the viewer, the request
// id and the address it came from.
func (s *Server) actor(r *http.Request) practice.Actor {
	v := viewerOf(r.Context())
	if v.actor == nil {
		a := practice.NewActor(v.P, v.User.Name, v.Clinic, requestID(r.Context()), clientIP(r), practice.Pages)
		a.BaseURL = s.baseURL(r)
		v.actor = &a
	}
	return *v.actor
}
