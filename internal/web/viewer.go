package web

import (
	"context"
	"net/http"
	"time"

	"doorway/internal/access"
	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/store"
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
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// withPrincipal resolves the session cookie into a viewer. Touching the
// session (the idle timeout) is a write, done at most once a minute.
func (s *Server) withPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.loadViewer(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyViewer, v)))
	})
}

func (s *Server) loadViewer(r *http.Request) *viewer {
	anon := &viewer{P: access.Principal{Kind: access.Anonymous}}
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return anon
	}
	hash := auth.HashSecret(c.Value)
	ctx := r.Context()
	now := s.now()
	var v viewer
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		sess, err := tx.Session(ctx, hash)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, sess.UserID)
		if err != nil {
			return err
		}
		cl, err := tx.Clinic(ctx, u.ClinicID)
		if err != nil {
			return err
		}
		v.Session, v.User, v.Clinic = sess, u, cl
		if u.Kind == "client" {
			if c, err := tx.ClientByUser(ctx, u.ID); err == nil {
				v.P.ClientID = c.ID
			}
		}
		return nil
	})
	if err != nil {
		return anon
	}
	idle := staffIdle
	if v.User.Kind == "client" {
		idle = clientIdle
	}
	if v.User.DisabledAt != nil || !now.Before(v.Session.ExpiresAt) || now.Sub(v.Session.LastSeenAt) > idle {
		s.st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hash) })
		return anon
	}
	if now.Sub(v.Session.LastSeenAt) > time.Minute {
		s.st.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, hash, now) })
	}
	v.P = v.User.Principal(v.P.ClientID)
	v.MustEnrol = s.mfaRequired(v.User) && v.User.TOTPEnabledAt == nil
	v.PendingMFA = !v.Session.MFADone
	return &v
}

// mfaRequired: admins and prescribers must use a second factor; demo accounts
// in a demo may skip it (CONTRACT.md).
func (s *Server) mfaRequired(u store.User) bool {
	if s.cfg.Demo && u.Demo {
		return false
	}
	return u.HasRole(store.RoleAdmin) || u.HasRole(store.RolePrescriber)
}

// actor is the request's Actor for the use cases: the viewer, the request
// id and the address it came from.
func (s *Server) actor(r *http.Request) practice.Actor {
	v := viewerOf(r.Context())
	if v.actor == nil {
		a := practice.NewActor(v.P, v.User.Name, v.Clinic, requestID(r.Context()), clientIP(r), practice.Pages)
		v.actor = &a
	}
	return *v.actor
}
