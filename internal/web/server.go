// Package web serves Doorway's pages: the router, the middleware every
// request passes through (request id, security headers, CSRF protection, body
// limits, the signed-in principal), and one small handler per concern.
package web

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"doorway/internal/practice"
	"doorway/internal/web/static"
)

// Config is what the web layer needs from the application.
type Config struct {
	// Practice runs the use cases: the pages hold no store of their own, so
	// nothing reaches client data but through a use case.
	Practice *practice.Service
	// RecordBundle writes a client's exported record as a FHIR Bundle; the
	// FHIR API provides it (fhir.API.WriteRecordBundle), so the pages hold
	// no FHIR mapping of their own. base is the API's address. Nil: the
	// download is not offered (answers 404).
	RecordBundle func(w io.Writer, base string, a practice.Actor, rec practice.ClientRecords, at time.Time) error
	// BaseURL is the public address used in emailed links, such as
	// https://doorway.example.org. Empty: taken from the request.
	BaseURL string
	// Secure marks cookies Secure and adds HSTS: set when served over TLS or
	// behind a TLS-terminating proxy.
	Secure bool
	// Demo marks every page as a demo and lets demo accounts skip the second factor.
	Demo   bool
	Logger *slog.Logger
	// Now is the clock; tests move it.
	Now func() time.Time
	// Extra routes mounted under the same middleware (the FHIR API).
	Mounts []Mount
}

// Mount attaches another handler under a path prefix, such as /fhir/r4/.
type Mount struct {
	Pattern string
	Handler http.Handler
}

// Timeouts from SECURITY.md: idle 15 minutes for staff, 30 for clients;
// 12 hours at most for any session.
const (
	staffIdle       = 15 * time.Minute
	clientIdle      = 30 * time.Minute
	sessionLifetime = 12 * time.Hour
	resetLifetime   = time.Hour
	maxFormBytes    = 64 << 10
)

// Server is the web application.
type Server struct {
	cfg    Config
	app    *practice.Service
	log    *slog.Logger
	routes []Route
	mux    *http.ServeMux
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, app: cfg.Practice, log: cfg.Logger}
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
	s.mux.Handle("GET /static/", static.Handler())
	for _, m := range cfg.Mounts {
		s.mux.Handle(m.Pattern, m.Handler)
	}
	// Anything else gets the friendly page, not the router's plain text.
	s.mux.HandleFunc("/", s.notFound)
	return s
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// Handler is the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	// A mail reader's one-click unsubscribe (RFC 8058) is a POST from
	// wherever the reader's mail is, by design; the signed token in its
	// path is what authorises it, and it can only ever stop e-mail.
	csrf.AddInsecureBypassPattern("POST /series/unsubscribe/{token}")
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "This form could not be sent",
			"The request came from another site, so it was refused. Please go back, reload the page and try again.")
	}))
	var h http.Handler = s.mux
	h = s.withPrincipal(h)
	h = csrf.Handler(h)
	h = s.withLimits(h)
	h = s.withHeaders(h)
	h = s.withRecover(h)
	h = s.withRequestID(h)
	return h
}

// Routes lists the page routes, for the access-matrix test.
func (s *Server) Routes() []Route { return s.routes }

// ctxKey keys request-scoped values.
type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyViewer
)
