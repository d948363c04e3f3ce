package fhir

import (
	"context"
	"net/http"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
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
	token, reason := bearerToken(r)
	if reason != "" {
		a.refuseLogin(w, r, reason, "", reason != "no bearer token")
		return nil
	}
	var c caller
	var tok store.APIToken
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		// APITokenByHash finds only tokens that are not revoked.
		if tok, err = tx.APITokenByHash(ctx, auth.HashSecret(token)); err != nil {
			return err
		}
		if c.User, err = tx.User(ctx, tok.UserID); err != nil {
			return err
		}
		if c.Clinic, err = tx.Clinic(ctx, c.User.ClinicID); err != nil {
			return err
		}
		clientID := ""
		if c.User.Kind == "client" {
			// A client account without a client record sees nothing.
			if cl, err := tx.ClientByUser(ctx, c.User.ID); err == nil {
				clientID = cl.ID
			} else if problem.CodeOf(err) != problem.NotFound {
				return err
			}
		}
		c.P = c.User.Principal(clientID)
		return nil
	})
	if problem.CodeOf(err) == problem.NotFound {
		a.refuseLogin(w, r, "unknown or revoked token", "", true)
		return nil
	}
	if err != nil {
		a.problem(w, r, err)
		return nil
	}
	if c.User.DisabledAt != nil {
		a.refuseLogin(w, r, "account disabled", c.User.ClinicID, true)
		return nil
	}
	// Last use is shown to the user beside the token. The store writes it at
	// most once a minute; checking here first spares a write transaction on
	// every request of a busy integration.
	now := a.now()
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= time.Minute {
		wctx := context.WithoutCancel(ctx)
		err := a.st.Write(wctx, func(tx *store.Tx) error { return tx.MarkAPITokenUsed(wctx, tok.ID, now) })
		if err != nil {
			a.problem(w, r, err)
			return nil
		}
	}
	c.actor = practice.NewActor(c.P, c.User.Name, c.Clinic, requestID(ctx), remoteIP(r), practice.API)
	c.actor.Names = resourceNames
	return &c
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

// refuseLogin audits a failed authentication and answers 401. The reason
// goes to the audit log only; every caller gets the same answer, so the
// response says nothing about which tokens exist or which accounts are
// disabled.
func (a *API) refuseLogin(w http.ResponseWriter, r *http.Request, reason, clinicID string, presented bool) {
	err := a.record(r, nil, audit.Entry{Action: "fhir.auth.failed", ClinicID: clinicID, Outcome: audit.Failed, Detail: reason})
	if err != nil {
		a.problem(w, r, err)
		return
	}
	challenge := `Bearer realm="doorway"`
	if presented {
		// RFC 6750: a token was sent and is not good.
		challenge += `, error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	a.fail(w, r, http.StatusUnauthorized, issueLogin, "A valid API token is required: send it as \"Authorization: Bearer <token>\". Tokens are made with \"doorway token create\" or on your account page.")
}
