// Package fhir serves Doorway's FHIR R4 REST API under /fhir/r4/: JSON only,
// authenticated by API bearer tokens. Every decision about client data is
// internal/access's, every read, search and refusal is audited, and every
// error is an OperationOutcome.
//
// Where FHIR leaves a choice, Doorway makes these:
//   - A resource type the server does not serve answers 404 with issue code
//     not-supported: the URL names nothing here, and the CapabilityStatement
//     says what does exist. Unknown paths and wrong methods (405) are
//     answered before authentication, since they reveal no more than
//     /metadata does.
//   - Search is strict: an unknown parameter, modifier, prefix or _sort key
//     is a 400 naming it, never silently ignored, because an ignored filter
//     returns more records than the caller asked for.
//   - A record outside the caller's scope is 404, exactly as if absent.
package fhir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"doorway/internal/practice"
)

// basePath is where the API is mounted; routes are full paths so the handler
// works both mounted in the web server and on its own in tests.
const basePath = "/fhir/r4"

// Config is what the API needs from the application.
type Config struct {
	// Practice runs the use cases: the API holds no store of its own, so
	// nothing reaches client data but through a use case.
	Practice *practice.Service
	Logger   *slog.Logger
	// Now is the clock; tests move it.
	Now func() time.Time
	// BaseURL is the public address, such as https://doorway.example.org,
	// for fullUrl and paging links. Empty: taken from the request.
	BaseURL string
}

// API is the FHIR R4 server.
type API struct {
	cfg Config
	app *practice.Service
	log *slog.Logger
	// types is the registry of served resource types, in CapabilityStatement order.
	types []*resourceType
	// everything lists, in order, what Patient/$everything gathers about a client.
	everything []everythingPart
	routes     []Route
	mux        *http.ServeMux
}

// Route is one endpoint. The table is the source of truth for the router and
// for the access-matrix test.
type Route struct {
	Method  string
	Pattern string
	// Public routes need no bearer token (only /metadata).
	Public bool
	handle func(w http.ResponseWriter, r *http.Request, c *caller)
}

// New builds the API from its registry of resource types.
func New(cfg Config) *API {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	a := &API{cfg: cfg, app: cfg.Practice, log: cfg.Logger}
	// Each resource type registers itself here; later types add a line.
	a.register(a.patientType())
	a.register(a.groupType()) // group.go: couples
	a.everything = append(a.everything, a.patientEverything)
	a.register(a.questionnaireType())
	a.register(a.questionnaireResponseType())
	a.register(a.observationType())
	a.everything = append(a.everything, a.responsesEverything)
	a.register(a.episodeOfCareType()) // preparation.go: courses, plans, consents, goals
	a.register(a.carePlanType())
	a.register(a.consentType())
	a.register(a.goalType())
	a.everything = append(a.everything, a.prepEverything)
	a.register(a.medicationRequestType()) // medication_request.go: dosing orders
	a.register(a.encounterType())         // encounter.go and beside it: medicine sessions and their parts
	a.register(a.medicationAdministrationType())
	a.register(a.adverseEventType())
	a.everything = append(a.everything, a.sessionsEverything)
	a.register(a.documentReferenceType()) // document_reference.go: signed session notes
	a.everything = append(a.everything, a.notesEverything)

	a.routes = a.routeTable()
	a.mux = http.NewServeMux()
	byPattern := map[string][]Route{}
	var patterns []string
	for _, rt := range a.routes {
		if _, seen := byPattern[rt.Pattern]; !seen {
			patterns = append(patterns, rt.Pattern)
		}
		byPattern[rt.Pattern] = append(byPattern[rt.Pattern], rt)
	}
	// Patterns carry no method so that a wrong method reaches us and is
	// answered with an OperationOutcome rather than the router's plain text.
	for _, p := range patterns {
		a.mux.Handle(p, a.dispatch(byPattern[p]))
	}
	a.mux.HandleFunc(basePath+"/", a.unknownPath)
	return a
}

func (a *API) register(t *resourceType) { a.types = append(a.types, t) }

func (a *API) now() time.Time { return a.cfg.Now().UTC() }

// routeTable derives every route from the registry.
func (a *API) routeTable() []Route {
	routes := []Route{{Method: http.MethodGet, Pattern: basePath + "/metadata", Public: true, handle: a.capabilities}}
	for _, t := range a.types {
		if t.search != nil {
			routes = append(routes, Route{Method: http.MethodGet, Pattern: basePath + "/" + t.name, handle: a.searchHandler(t)})
		}
		if t.create != nil {
			routes = append(routes, Route{Method: http.MethodPost, Pattern: basePath + "/" + t.name, handle: t.create})
		}
		if t.read != nil {
			routes = append(routes, Route{Method: http.MethodGet, Pattern: basePath + "/" + t.name + "/{id}", handle: a.readHandler(t)})
		}
		for _, op := range t.operations {
			routes = append(routes, Route{Method: http.MethodGet, Pattern: basePath + "/" + t.name + "/{id}/$" + op.name, handle: op.handle})
		}
	}
	return routes
}

// Routes lists the API's routes, for the access-matrix test.
func (a *API) Routes() []Route { return a.routes }

// Handler is the API. Mounted in the web server it runs inside that
// server's middleware (request id, security headers, body limits); the
// headers it sets itself keep it safe when served alone.
func (a *API) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		id := h.Get("X-Request-Id")
		if id == "" {
			id = newRequestID()
			h.Set("X-Request-Id", id)
		}
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		r = r.WithContext(context.WithValue(ctx, baseKey{}, a.base(r)))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// Responses are encoded in full before anything is written,
				// so nothing has reached the client yet.
				a.log.Error("fhir panic", "request_id", id, "panic", v, "stack", string(debug.Stack()))
				a.internal(w, r)
			}
		}()
		if !acceptsJSON(r) {
			a.fail(w, r, http.StatusNotAcceptable, issueNotSupported,
				"This server answers only in JSON: send Accept: application/fhir+json (or application/json), or leave Accept out.")
			return
		}
		a.mux.ServeHTTP(w, r)
	})
}

// acceptsJSON reports whether the request's Accept header admits the one
// format served. A header left out, or a _format parameter (which FHIR
// lets override Accept, and which the routes check), admits it; a caller
// asking for XML alone is told so (406) rather than sent JSON it did not
// ask for and may misread.
func acceptsJSON(r *http.Request) bool {
	if r.URL.Query().Has(paramFormat) {
		return true
	}
	header := strings.Join(r.Header.Values("Accept"), ",")
	if strings.TrimSpace(header) == "" {
		return true
	}
	for _, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, err := strconv.ParseFloat(params["q"], 64); params["q"] != "" && (err != nil || q <= 0) {
			continue // q=0: explicitly not acceptable
		}
		switch mt {
		case "*/*", "application/*", "application/fhir+json", "application/json", "application/json+fhir":
			return true
		}
	}
	return false
}

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// baseKey carries the API's absolute address, for canonical URLs built
// below the handlers (a Questionnaire's url, a response's questionnaire).
type baseKey struct{}

func baseOf(ctx context.Context) string {
	b, _ := ctx.Value(baseKey{}).(string)
	return b
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// dispatch picks the route for the request's method among those sharing a
// pattern, answering 405 with the allowed methods otherwise.
func (a *API) dispatch(routes []Route) http.Handler {
	var allowed []string
	for _, rt := range routes {
		allowed = append(allowed, rt.Method)
		if rt.Method == http.MethodGet {
			allowed = append(allowed, http.MethodHead)
		}
	}
	sort.Strings(allowed)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet // net/http drops the body of a HEAD response
		}
		for _, rt := range routes {
			if rt.Method != method {
				continue
			}
			if rt.Public {
				rt.handle(w, r, nil)
				return
			}
			if c := a.authenticate(w, r); c != nil {
				rt.handle(w, r, c)
			}
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		a.fail(w, r, http.StatusMethodNotAllowed, issueNotSupported, "This endpoint does not accept "+safeToken(r.Method)+"; it accepts "+strings.Join(allowed, ", ")+".")
	})
}

// unknownPath answers everything under the base that no route matches.
func (a *API) unknownPath(w http.ResponseWriter, r *http.Request) {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, basePath+"/"), "/")
	for _, t := range a.types {
		if t.name == first {
			a.fail(w, r, http.StatusNotFound, issueNotFound, "There is no such "+t.name+" endpoint. GET "+basePath+"/metadata lists what this server supports.")
			return
		}
	}
	if looksLikeType(first) {
		a.fail(w, r, http.StatusNotFound, issueNotSupported, "The resource type "+first+" is not supported by this server. GET "+basePath+"/metadata lists what is.")
		return
	}
	a.fail(w, r, http.StatusNotFound, issueNotFound, "There is nothing here. GET "+basePath+"/metadata lists what this server supports.")
}

// looksLikeType reports whether s is spelt like a FHIR resource type, so it
// can be named in a message without echoing arbitrary text.
func looksLikeType(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
