package fhir

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// caller is who a request is from: a user with a live API token. A token
// sees exactly what its user sees in the pages (CONTRACT.md), so the
// principal is built the same way the web layer builds it.
type caller struct {
	P      access.Principal
	User   store.User
	Clinic store.Clinic
	// actor is the caller as the use cases know it.
	actor practice.Actor
}

// maxTokenLen bounds what is hashed and looked up; real tokens are 43 characters.
const maxTokenLen = 128

// authenticate resolves the bearer token into a caller, or answers 401 and
// returns nil. Cookies are never consulted: a browser session cannot be
// ridden into the API by another site.
func (a *API) authenticate(w http.ResponseWriter, r *http.Request) *caller {
	ctx := r.Context()
	anon := practice.NewActor(access.Principal{}, "", store.Clinic{}, requestID(ctx), remoteIP(r), practice.API)
	token, reason := bearerToken(r)
	act, u, err := a.app.Authenticate(ctx, anon, practice.Credential{Token: token, Unusable: reason})
	if problem.CodeOf(err) == problem.Unauthorized {
		a.refuseLogin(w, r, reason != "no bearer token")
		return nil
	}
	if err != nil {
		// Too many failures from this address (429) or an audit log that
		// cannot be written (503).
		if d := practice.RetryAfter(err); d > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(d/time.Second)))
		}
		a.problem(w, r, err)
		return nil
	}
	act.Names = resourceNames
	return &caller{P: act.P, User: u, Clinic: act.Clinic, actor: act}
}

// bearerToken reads the Authorization header; reason says why there is no
// usable token.
func bearerToken(r *http.Request) (token, reason string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", "no bearer token"
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", "not a bearer token"
	}
	if len(token) > maxTokenLen || strings.ContainsAny(token, " \t") {
		return "", "malformed bearer token"
	}
	return token, ""
}

// refuseLogin answers a failed authentication, already recorded with its
// reason, with 401. Every caller gets the same answer, so the response says
// nothing about which tokens exist or which accounts are disabled.
func (a *API) refuseLogin(w http.ResponseWriter, r *http.Request, presented bool) {
	challenge := `Bearer realm="doorway"`
	if presented {
		// RFC 6750: a token was sent and is not good.
		challenge += `, error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	a.fail(w, r, http.StatusUnauthorized, issueLogin, "A valid API token is required: send it as \"Authorization: Bearer <token>\". Tokens are made with \"doorway token create\" or on your account page.")
}
