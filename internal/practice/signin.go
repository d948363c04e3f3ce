package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Signing in and the session that follows (SECURITY.md, Authentication).

// Timeouts from SECURITY.md: idle 15 minutes for staff, 30 for clients;
// 12 hours at most for any session.
const (
	StaffIdle       = 15 * time.Minute
	ClientIdle      = 30 * time.Minute
	SessionLifetime = 12 * time.Hour
)

// Throttling limits from SECURITY.md: at most 100 failed attempts an hour
// for one account; an address gets more room because a clinic shares one.
const (
	MaxFailuresPerAccount = 100
	MaxFailuresPerIP      = 300
	failureWindow         = time.Hour
)

// SignedIn is a live session: the person, their clinic, and where their
// sign-in stands.
type SignedIn struct {
	Session store.Session
	User    store.User
	Clinic  store.Clinic
	P       access.Principal
	// PendingMFA is true between the password and the second factor (or its
	// required setup); such a session reaches only the second-factor pages.
	PendingMFA bool
	// MustEnrol is true when the role requires a second factor that is not set up.
	MustEnrol bool
}

// ResolveSession turns a session cookie's token into the person signed in.
// A disabled account, an expired session or one idle too long is ended and
// answers NotFound. Touching the session (the idle timeout) is a write, done
// at most once a minute.
func (s *Service) ResolveSession(ctx context.Context, token string) (SignedIn, error) {
	var si SignedIn
	if token == "" || len(token) > 128 {
		return si, problem.New(problem.NotFound, "No session.")
	}
	hash := auth.HashSecret(token)
	now := s.Now()
	clientID := ""
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if si.Session, err = tx.Session(ctx, hash); err != nil {
			return err
		}
		if si.User, err = tx.User(ctx, si.Session.UserID); err != nil {
			return err
		}
		if si.Clinic, err = tx.Clinic(ctx, si.User.ClinicID); err != nil {
			return err
		}
		if si.User.Kind == "client" {
			if c, err := tx.ClientByUser(ctx, si.User.ID); err == nil {
				clientID = c.ID
			}
		}
		return nil
	})
	if err != nil {
		return si, problem.New(problem.NotFound, "No session.")
	}
	idle := StaffIdle
	if si.User.Kind == "client" {
		idle = ClientIdle
	}
	if si.User.DisabledAt != nil || !now.Before(si.Session.ExpiresAt) || now.Sub(si.Session.LastSeenAt) > idle {
		s.st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hash) })
		return SignedIn{}, problem.New(problem.NotFound, "No session.")
	}
	if now.Sub(si.Session.LastSeenAt) > time.Minute {
		s.st.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, hash, now) })
	}
	si.P = si.User.Principal(clientID)
	si.MustEnrol = s.MFARequired(si.User) && si.User.TOTPEnabledAt == nil
	si.PendingMFA = !si.Session.MFADone
	return si, nil
}

// MFARequired: admins and prescribers must use a second factor; demo
// accounts in a demo may skip it (CONTRACT.md).
func (s *Service) MFARequired(u store.User) bool {
	if s.demo && u.Demo {
		return false
	}
	return u.HasRole(store.RoleAdmin) || u.HasRole(store.RolePrescriber)
}

// Next says where a sign-in goes after the password.
type Next int

const (
	NextDone  Next = iota // signed in
	NextCode              // enter the second factor's code
	NextSetup             // set up the required second factor
)

// SignInResult is a new session.
type SignInResult struct {
	Token string // the session cookie's value
	User  store.User
	Next  Next
}

// Sign-in refusals. Unknown account and wrong password answer alike, with
// the same cost, so neither the message nor the timing says which
// addresses have accounts.
const (
	badLogin      = "That email and password do not match an account. Please check them and try again."
	throttledText = "There have been too many attempts to sign in. Please wait an hour, or ask your clinic to reset your password."
)

// SignIn checks an email and password from the actor's address and opens a
// session, replacing the one whose token was replaced (a session id planted
// before sign-in is worthless).
func (s *Service) SignIn(ctx context.Context, a Actor, email, password, replaced string) (SignInResult, error) {
	email = store.NormalizeEmail(email)
	now := s.Now()
	if email == "" || password == "" {
		return SignInResult{}, problem.Invalidf("email", "Please enter your email and your password.")
	}
	var byEmail, byIP int
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		byEmail, byIP, err = tx.LoginFailures(ctx, email, a.IP, now.Add(-failureWindow))
		return err
	}); err != nil {
		return SignInResult{}, err
	}
	if byEmail >= MaxFailuresPerAccount || byIP >= MaxFailuresPerIP {
		if err := s.Record(ctx, a, audit.Entry{Action: "login.throttled", ResourceType: "user", Detail: "too many failed sign-ins",
			Outcome: audit.Denied, Severity: audit.High}); err != nil {
			return SignInResult{}, err
		}
		return SignInResult{}, problem.New(problem.TooMany, throttledText)
	}
	var u store.User
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.UserByEmail(ctx, email); return err })
	ok := false
	switch {
	case err == nil && u.PasswordHash != "":
		ok, err = s.hasher.Verify(ctx, password, u.PasswordHash)
	case err == nil || problem.CodeOf(err) == problem.NotFound:
		// Spend the same time as a real check.
		err = s.hasher.DummyVerify(ctx, password)
	}
	if err != nil && problem.CodeOf(err) != problem.NotFound {
		return SignInResult{}, err
	}
	if !ok || u.DisabledAt != nil {
		werr := s.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.RecordLoginFailure(ctx, auth.NewID(), email, a.IP, now); err != nil {
				return err
			}
			e := audit.Entry{Action: "login.failed", ResourceType: "user", ResourceID: u.ID, ClinicID: u.ClinicID, Outcome: audit.Failed}
			if u.DisabledAt != nil {
				e.Detail = "account disabled"
			}
			return s.appendTx(ctx, tx, a, e)
		})
		if werr != nil {
			s.log.Error("record a failed sign-in", "request_id", a.RequestID, "err", werr)
		}
		return SignInResult{}, problem.New(problem.Unauthorized, badLogin)
	}
	if auth.NeedsRehash(u.PasswordHash) {
		if h, err := s.hasher.Hash(ctx, password); err == nil {
			s.st.Write(ctx, func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, h) })
		}
	}
	secondStep := u.TOTPEnabledAt != nil || s.MFARequired(u)
	token := auth.NewSecret()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if replaced != "" {
			tx.DeleteSession(ctx, auth.HashSecret(replaced))
		}
		if err := tx.CreateSession(ctx, &store.Session{TokenHash: auth.HashSecret(token), UserID: u.ID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime), MFADone: !secondStep, IP: a.IP}); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "login.password", ActorID: u.ID, ActorKind: actorKindOf(u), ClinicID: u.ClinicID,
			ResourceType: "user", ResourceID: u.ID})
	})
	if err != nil {
		return SignInResult{}, err
	}
	res := SignInResult{Token: token, User: u}
	switch {
	case u.TOTPEnabledAt != nil:
		res.Next = NextCode
	case secondStep:
		res.Next = NextSetup
	}
	return res, nil
}

// actorKindOf is how the log names a user who is not yet the actor.
func actorKindOf(u store.User) audit.ActorKind {
	if u.Kind == "client" {
		return audit.ActorClient
	}
	return audit.ActorStaff
}

// SignOut ends the session whose token this is.
func (s *Service) SignOut(ctx context.Context, a Actor, token string) error {
	if token == "" {
		return nil
	}
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, auth.HashSecret(token)); err != nil {
			return err
		}
		if a.P.UserID == "" {
			return nil
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "session.logout", ResourceType: "user", ResourceID: a.P.UserID})
	})
}

// SecondFactor completes a half-signed-in session with a code from the
// authenticator app, or one of the recovery codes. A wrong code counts as
// a failed sign-in of the account.
func (s *Service) SecondFactor(ctx context.Context, a Actor, si SignedIn, typed string) error {
	now := s.Now()
	var byEmail int
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		byEmail, _, err = tx.LoginFailures(ctx, si.User.Email, a.IP, now.Add(-failureWindow))
		return err
	}); err != nil {
		return err
	}
	if byEmail >= MaxFailuresPerAccount {
		return problem.New(problem.TooMany, "There have been too many attempts. Please wait an hour and try again.")
	}
	typed = strings.TrimSpace(typed)
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		digits := strings.ReplaceAll(typed, " ", "")
		if len(digits) == 6 && strings.Trim(digits, "0123456789") == "" {
			step, err := auth.CheckTOTP(si.User.TOTPSecret, digits, now, si.User.TOTPLastStep)
			if err != nil {
				return err
			}
			if err := tx.UseTOTPStep(ctx, si.User.ID, step); err != nil {
				return err
			}
		} else {
			hashes, err := tx.UnusedRecoveryCodes(ctx, si.User.ID)
			if err != nil {
				return err
			}
			i, ok := auth.MatchRecoveryCode(typed, hashes)
			if !ok {
				return problem.New(problem.Unauthorized, "That code is not right. Check the app and try again.")
			}
			if err := tx.UseRecoveryCode(ctx, si.User.ID, hashes[i], now); err != nil {
				return err
			}
		}
		if err := tx.CompleteMFA(ctx, si.Session.TokenHash); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "login.second_factor", ResourceType: "user", ResourceID: si.User.ID})
	})
	if err == nil || problem.CodeOf(err) == problem.Internal {
		return err
	}
	werr := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RecordLoginFailure(ctx, auth.NewID(), si.User.Email, a.IP, now); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "login.second_factor", ResourceType: "user", ResourceID: si.User.ID, Outcome: audit.Failed})
	})
	if werr != nil {
		s.log.Error("record a failed second factor", "request_id", a.RequestID, "err", werr)
	}
	return err
}

// EnrolSecondFactor switches on the authenticator app for the signed-in
// person once a code from it checks out, and returns new recovery codes to
// show once. A half-signed-in session completes with it.
func (s *Service) EnrolSecondFactor(ctx context.Context, a Actor, si SignedIn, secret, code string) ([]string, error) {
	now := s.Now()
	step, err := auth.CheckTOTP(secret, code, now, 0)
	if err != nil || secret == "" {
		return nil, problem.Invalidf("code", "That code did not match. Check that the app shows Doorway and enter the newest code.")
	}
	codes, hashes := auth.NewRecoveryCodes()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, si.User.ID, secret, &now); err != nil {
			return err
		}
		if err := tx.UseTOTPStep(ctx, si.User.ID, step); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, si.User.ID, hashes); err != nil {
			return err
		}
		if err := tx.CompleteMFA(ctx, si.Session.TokenHash); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user.second_factor_on", ResourceType: "user", ResourceID: si.User.ID, Severity: audit.High})
	})
	return codes, err
}

// NewRecoveryCodes replaces the signed-in person's recovery codes.
func (s *Service) NewRecoveryCodes(ctx context.Context, a Actor) ([]string, error) {
	codes, hashes := auth.NewRecoveryCodes()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceRecoveryCodes(ctx, a.P.UserID, hashes); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user.recovery_codes", ResourceType: "user", ResourceID: a.P.UserID, Severity: audit.High})
	})
	return codes, err
}
