package practice

import (
	"context"
	"fmt"
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

// Throttling limits (SECURITY.md; throttle.go has the throttles). A
// sign-in from a browser that is not one of the account's devices may
// fail at most 100 times an hour for one account from one address, and
// 300 times from one address whatever the account; every address's
// failures for one account together are slowed, after five, by a wait
// that doubles from a second up to a minute. A browser that signed in to
// the account before is let through all of these, and has its own limit
// of ten failures an hour. Second-factor codes may fail 100 times an hour
// per account, slowed alike; MaxFailuresPerAccount also bounds the
// password-reset emails an account may be sent (links.go).
const (
	MaxFailuresPerPair    = 100
	MaxFailuresPerIP      = 300
	MaxFailuresPerDevice  = 10
	MaxFailuresPerAccount = 100
	SignInFreeFailures    = 5
	SignInMaxDelay        = time.Minute
	failureWindow         = throttleWindow
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
	var h store.SessionHolder
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		h, err = tx.SessionHolder(ctx, hash)
		return err
	})
	si.Session, si.User, si.Clinic = h.Session, h.User, h.Clinic
	clientID := h.ClientID
	if err != nil {
		return si, problem.New(problem.NotFound, "No session.")
	}
	idle := StaffIdle
	if si.User.Kind == "client" {
		idle = ClientIdle
	}
	if si.User.DisabledAt != nil || !now.Before(si.Session.ExpiresAt) || now.Sub(si.Session.LastSeenAt) > idle {
		s.st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hash) }) // #nosec G104 -- the session is refused either way; an expired row left behind is swept later
		return SignedIn{}, problem.New(problem.NotFound, "No session.")
	}
	if now.Sub(si.Session.LastSeenAt) > time.Minute {
		s.st.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, hash, now) }) // #nosec G104 -- best effort: a session not touched this minute is touched on the next request
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

// SignInInput is the sign-in form with what the browser holds.
type SignInInput struct {
	Email, Password string
	// Replaced is the session cookie the browser had: the sign-in ends
	// that session, so a session id planted before sign-in is worthless.
	Replaced string
	// Devices is the browser's device cookie, "" for none.
	Devices string
}

// SignInResult is a new session.
type SignInResult struct {
	Token string // the session cookie's value
	User  store.User
	Next  Next
	// Devices is the device cookie the browser keeps from now on.
	Devices string
}

// Sign-in refusals. Unknown account and wrong password answer alike, with
// the same cost, so neither the message nor the timing says which
// addresses have accounts; a throttle's answer depends only on what was
// typed and where from, never on whether the account exists.
const (
	badLogin      = "That email and password do not match an account. Please check them and try again."
	throttledText = "There have been too many attempts to sign in to this account. Please wait %s and try again; from a device you have signed in on before, you can sign in now."
)

// signInKeys are the throttles an attempt at email from ip counts in.
type signInKeys struct{ pair, address, account string }

func signInKeysOf(email, ip string) signInKeys {
	return signInKeys{pair: pairSubject(email, ip), address: addressSubject(ip), account: accountSubject(email)}
}

// SignIn checks an email and password from the actor's address and opens a
// session. A right password from one of the account's devices is let
// through whatever the throttles say (but for the device's own limit);
// from anywhere else it waits while the account, the address or the two
// together have failed too often. A throttled attempt is answered from one
// read and writes nothing, and is not checked: the wait is the answer.
func (s *Service) SignIn(ctx context.Context, a Actor, in SignInInput) (SignInResult, error) {
	email := store.NormalizeEmail(in.Email)
	now := s.Now()
	if email == "" || in.Password == "" {
		return SignInResult{}, problem.Invalidf("email", "Please enter your email and your password.")
	}
	keys := signInKeysOf(email, a.IP)
	var u store.User
	var known bool
	var devs devicesOf
	var ws map[store.ThrottleKey]store.ThrottleWindow
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByEmail(ctx, email)
		switch problem.CodeOf(err) {
		case "":
			known = true
		case problem.NotFound:
			u = store.User{}
		default:
			return err
		}
		if devs, err = s.readDevices(ctx, tx, in.Devices, now); err != nil {
			return err
		}
		tks := []store.ThrottleKey{throttlePair.key(keys.pair), throttleAddress.key(keys.address), throttleAccount.key(keys.account)}
		if dev, _, ok := devs.of(u.ID); ok {
			tks = append(tks, throttleDevice.key(dev.ID))
		}
		ws, err = tx.ThrottleWindows(ctx, tks...)
		return err
	})
	if err != nil {
		return SignInResult{}, err
	}
	dev, _, fromDevice := devs.of(u.ID)
	trusted := fromDevice && throttleDevice.wait(ws, dev.ID, now) == 0
	if !trusted {
		wait := max(throttlePair.wait(ws, keys.pair, now), throttleAddress.wait(ws, keys.address, now), throttleAccount.wait(ws, keys.account, now))
		if wait > 0 {
			return SignInResult{}, tooMany(wait, throttledText)
		}
	}
	ok := false
	switch {
	case known && u.PasswordHash != "":
		ok, err = s.hasher.Verify(ctx, in.Password, u.PasswordHash)
	default:
		// Spend the same time as a real check.
		err = s.hasher.DummyVerify(ctx, in.Password)
	}
	if err != nil {
		return SignInResult{}, err
	}
	if !ok || u.DisabledAt != nil {
		if err := s.st.Write(ctx, func(tx *store.Tx) error { return s.signInFailed(ctx, tx, a, u, keys, dev, trusted, now) }); err != nil {
			s.log.Error("record a failed sign-in", "request_id", a.RequestID, "err", err)
			return SignInResult{}, problem.New(problem.Unavailable, "Signing in is not available just now. Please try again in a moment.")
		}
		return SignInResult{}, problem.New(problem.Unauthorized, badLogin)
	}
	if auth.NeedsRehash(u.PasswordHash) {
		if h, err := s.hasher.Hash(ctx, in.Password); err == nil {
			s.st.Write(ctx, func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, h) }) // #nosec G104 -- rehashing with stronger settings is best effort; the sign-in goes on with the old hash, and it is tried again next time
		}
	}
	secondStep := u.TOTPEnabledAt != nil || s.MFARequired(u)
	res := SignInResult{Token: auth.NewSecret(), User: u}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if in.Replaced != "" {
			tx.DeleteSession(ctx, auth.HashSecret(in.Replaced)) // #nosec G104 -- dropping the session this sign-in replaces is best effort; the new one is made either way, and the old one expires
		}
		if err := tx.CreateSession(ctx, &store.Session{TokenHash: auth.HashSecret(res.Token), UserID: u.ID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime), MFADone: !secondStep, IP: a.IP}); err != nil {
			return err
		}
		var err error
		if res.Devices, err = s.keepDevice(ctx, tx, devs, u.ID, now); err != nil {
			return err
		}
		e := audit.Entry{Action: "login.password", ActorID: u.ID, ActorKind: actorKindOf(u), ClinicID: u.ClinicID,
			ResourceType: "user", ResourceID: u.ID}
		if fromDevice {
			e.Detail = "from a device of the account"
		}
		return s.appendTx(ctx, tx, a, e)
	})
	if err != nil {
		return SignInResult{}, err
	}
	switch {
	case u.TOTPEnabledAt != nil:
		res.Next = NextCode
	case secondStep:
		res.Next = NextSetup
	}
	return res, nil
}

// signInFailed counts a failed sign-in and records it, in tx: against the
// device alone when it came from a trusted device of the account,
// otherwise against the account and address together, the address, and
// the account. When the failure brings a limit into force the log says so
// once, at high severity: that is the window's one entry for every
// attempt it then refuses.
func (s *Service) signInFailed(ctx context.Context, tx *store.Tx, a Actor, u store.User, keys signInKeys, dev store.Device, trusted bool, now time.Time) error {
	failed := audit.Entry{Action: "login.failed", ResourceType: "user", ResourceID: u.ID, ClinicID: u.ClinicID, Outcome: audit.Failed}
	if u.DisabledAt != nil {
		failed.Detail = "account disabled"
	}
	entries := []audit.Entry{failed}
	limited := func(detail string) {
		entries = append(entries, audit.Entry{Action: "login.throttled", ResourceType: "user", ResourceID: u.ID, ClinicID: u.ClinicID,
			Outcome: audit.Denied, Severity: audit.High, Detail: detail})
	}
	if trusted {
		entries[0].Detail = strings.TrimPrefix(entries[0].Detail+"; from a device of the account", "; ")
		w, err := s.hit(ctx, tx, throttleDevice, dev.ID, now)
		if err != nil {
			return err
		}
		if throttleDevice.limit.Reached(count(w)) {
			limited(fmt.Sprintf("%d failed sign-ins from one of the account's devices in the hour: it is treated as a new device until the hour is over", w.Hits))
		}
		return s.appendTx(ctx, tx, a, entries...)
	}
	pair, err := s.hit(ctx, tx, throttlePair, keys.pair, now)
	if err != nil {
		return err
	}
	address, err := s.hit(ctx, tx, throttleAddress, keys.address, now)
	if err != nil {
		return err
	}
	account, err := s.hit(ctx, tx, throttleAccount, keys.account, now)
	if err != nil {
		return err
	}
	if throttlePair.limit.Reached(count(pair)) {
		limited(fmt.Sprintf("%d failed sign-ins to this account from this address in the hour: its attempts from here wait for the hour to end, but for its devices", pair.Hits))
	}
	if throttleAddress.limit.Reached(count(address)) {
		limited(fmt.Sprintf("%d failed sign-ins from this address in the hour: sign-ins from here wait for the hour to end, but for the accounts' devices", address.Hits))
	}
	if throttleAccount.limit.Slowing(count(account)) {
		limited(fmt.Sprintf("%d failed sign-ins to this account in the hour: sign-ins to it are slowed, but for its devices", account.Hits))
	}
	return s.appendTx(ctx, tx, a, entries...)
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
// authenticator app, or one of the recovery codes. Wrong codes are
// throttled per account: after a few, each try waits, longer each time,
// and at MaxFailuresPerAccount in the hour they stop until it is over.
func (s *Service) SecondFactor(ctx context.Context, a Actor, si SignedIn, typed string) error {
	now := s.Now()
	wait, err := s.waitFor(ctx, throttleCode, si.User.ID, now)
	if err != nil {
		return err
	}
	if wait > 0 {
		return tooMany(wait, "There have been too many wrong codes. Please wait %s and try again.")
	}
	typed = strings.TrimSpace(typed)
	err = s.st.Write(ctx, func(tx *store.Tx) error {
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
		w, err := s.hit(ctx, tx, throttleCode, si.User.ID, now)
		if err != nil {
			return err
		}
		entries := []audit.Entry{{Action: "login.second_factor", ResourceType: "user", ResourceID: si.User.ID, Outcome: audit.Failed}}
		if throttleCode.limit.Slowing(count(w)) || throttleCode.limit.Reached(count(w)) {
			entries = append(entries, audit.Entry{Action: "login.throttled", ResourceType: "user", ResourceID: si.User.ID, Outcome: audit.Denied,
				Severity: audit.High, Detail: fmt.Sprintf("%d wrong second-factor codes in the hour: further codes wait", w.Hits)})
		}
		return s.appendTx(ctx, tx, a, entries...)
	})
	if werr != nil {
		s.log.Error("record a failed second factor", "request_id", a.RequestID, "err", werr)
		return problem.New(problem.Unavailable, "Signing in is not available just now. Please try again in a moment.")
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
