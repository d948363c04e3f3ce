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
// signed in, with the token's user. The token's last use is written at
// most once a minute.
//
// Every failure is answered as Unauthorized alike, and counts against its
// address: past MaxAPIFailuresPerIP in the hour, a failure is answered
// TooMany from a read, and written nowhere. A right token is never
// refused for its address (tokens cannot be guessed; see
// MaxAPIFailuresPerIP). Of an address's failures in the hour only the
// first is an entry of its own, with why; the rest are counted and
// summarised once the hour is over (throttle.go). A failure with the
// token of a disabled account is always recorded, in that account's
// clinic, for its admins to see.
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

// authFailed answers a failed authentication: TooMany, with nothing
// written, when the address is over its limit; otherwise Unauthorized,
// once the failure is counted and, when it is the first of the address's
// window or names a clinic, recorded by nobody with why. It fails closed:
// a failure that cannot be counted answers Unavailable.
func (s *Service) authFailed(ctx context.Context, anon Actor, reason, clinicID string) error {
	address := addressSubject(anon.IP)
	now := s.Now()
	wait, err := s.waitFor(ctx, throttleAPI, address, now)
	if err != nil {
		return err
	}
	if wait > 0 {
		return tooMany(wait, "There have been too many requests with tokens that are not valid from this address. Please wait %s; requests with a valid token are answered meanwhile.")
	}
	// Written even if the caller has gone away meanwhile.
	wctx := context.WithoutCancel(ctx)
	err = s.st.Write(wctx, func(tx *store.Tx) error {
		w, err := s.hit(wctx, tx, throttleAPI, address, now)
		if err != nil || (w.Hits > 1 && clinicID == "") {
			return err
		}
		return s.appendTx(wctx, tx, anon, audit.Entry{Action: FHIRAction("auth", "failed"), ClinicID: clinicID, Outcome: audit.Failed, Detail: reason})
	})
	if err != nil {
		s.log.Error("record a failed authentication", "request_id", anon.RequestID, "err", err)
		return errUnrecorded
	}
	return errNotSignedIn
}
