package practice

import (
	"context"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Credential is what a request to the API presented to say who it is from:
// a bearer token, or why it has none worth looking up.
type Credential struct {
	Token string
	// Unusable says why there is no token to look up ("no bearer token",
	// "malformed bearer token"); the log records it.
	Unusable string
}

// lastUseEvery is how often a token's last use is written: it is shown to
// its user beside the token, and a write transaction on every request of
// a busy integration would buy nothing.
const lastUseEvery = time.Minute

// errNotSignedIn is every failed authentication, whatever the reason: the
// answer says nothing of which tokens exist or which accounts are disabled.
var errNotSignedIn = problem.New(problem.Unauthorized, "A valid API token is required.")

// Authenticate signs a request to the API in with its bearer token. A token
// sees exactly what its user sees in the pages, so the principal is the
// user's, made the same way. anon is the request as yet unsigned-in (its
// request id, address and channel); the Actor returned is the same request
// signed in, with the token's user. Every failure is recorded, with why,
// and answered as Unauthorized alike; the token's last use is written at
// most once a minute.
func (s *Service) Authenticate(ctx context.Context, anon Actor, cred Credential) (Actor, store.User, error) {
	if cred.Unusable != "" {
		return anon, store.User{}, s.authFailed(ctx, anon, cred.Unusable, "")
	}
	var tok store.APIToken
	var u store.User
	var clinic store.Clinic
	clientID := ""
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		// APITokenByHash finds only tokens that are not revoked.
		if tok, err = tx.APITokenByHash(ctx, auth.HashSecret(cred.Token)); err != nil {
			return err
		}
		if u, err = tx.User(ctx, tok.UserID); err != nil {
			return err
		}
		if clinic, err = tx.Clinic(ctx, u.ClinicID); err != nil {
			return err
		}
		if u.Kind == "client" {
			// A client account without a client record sees nothing.
			if cl, err := tx.ClientByUser(ctx, u.ID); err == nil {
				clientID = cl.ID
			} else if problem.CodeOf(err) != problem.NotFound {
				return err
			}
		}
		return nil
	})
	if problem.CodeOf(err) == problem.NotFound {
		return anon, store.User{}, s.authFailed(ctx, anon, "unknown or revoked token", "")
	}
	if err != nil {
		return anon, store.User{}, err
	}
	if u.DisabledAt != nil {
		return anon, store.User{}, s.authFailed(ctx, anon, "account disabled", u.ClinicID)
	}
	now := s.Now()
	// The store writes only a use more than a minute after the last; a
	// transaction that could not write is not opened.
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) > lastUseEvery {
		// Written even if the caller has gone away meanwhile.
		wctx := context.WithoutCancel(ctx)
		if err := s.st.Write(wctx, func(tx *store.Tx) error { return tx.MarkAPITokenUsed(wctx, tok.ID, now) }); err != nil {
			return anon, store.User{}, err
		}
	}
	a := NewActor(u.Principal(clientID), u.Name, clinic, anon.RequestID, anon.IP, anon.Channel)
	return a, u, nil
}

// authFailed records a failed authentication, by nobody, in the clinic of
// the account when one was found, and answers Unauthorized.
func (s *Service) authFailed(ctx context.Context, anon Actor, reason, clinicID string) error {
	err := s.Record(ctx, anon, audit.Entry{Action: FHIRAction("auth", "failed"), ClinicID: clinicID, Outcome: audit.Failed, Detail: reason})
	if err != nil {
		return err
	}
	return errNotSignedIn
}
