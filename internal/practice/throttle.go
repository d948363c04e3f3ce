package practice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Throttles (SECURITY.md): what unauthenticated callers may make Doorway
// do, and write, is limited per subject and window, counted in the
// database so that the limits hold across instances. A request a limit
// refuses is answered from a read and writes nothing; a counted attempt
// is one row's update, in the same transaction as whatever else it
// writes. Where one caller could otherwise fill the audit log (bogus API
// tokens, robots at the inquiry form), a window's attempts are one entry
// when it opens and one summary, with the count, when it has ended.

// throttle is one kind of attempt limited per subject.
type throttle struct {
	scope string
	limit auth.Limit
	// summary, when set, is the action under which the scope's windows
	// are summarised in the log once they end, with outcome; what is
	// summarised is counted in noun (the summary says "12 <noun>").
	summary, noun string
	outcome       audit.Outcome
}

// throttleWindow is the length of every throttle's window: SECURITY.md's
// limits are per hour.
const throttleWindow = time.Hour

var (
	// Sign-ins with a password from a browser that is not a device of the
	// account: at most 100 failures an hour per account and address
	// (SECURITY.md), and 300 per address whatever the account.
	throttlePair    = throttle{scope: "signin.pair", limit: auth.Limit{Window: throttleWindow, Max: MaxFailuresPerPair}}
	throttleAddress = throttle{scope: "signin.address", limit: auth.Limit{Window: throttleWindow, Max: MaxFailuresPerIP}}
	// Every address's failures for one account together are slowed, never
	// stopped: after five, each attempt waits a second, doubling with each
	// failure to a minute. A right password from one of the account's
	// devices does not wait.
	throttleAccount = throttle{scope: "signin.account", limit: auth.Limit{Window: throttleWindow, Free: SignInFreeFailures,
		Delay: time.Second, MaxDelay: SignInMaxDelay}}
	// A device's own failures: past ten in the hour, the device is treated
	// as any other browser until the hour is over.
	throttleDevice = throttle{scope: "signin.device", limit: auth.Limit{Window: throttleWindow, Max: MaxFailuresPerDevice}}
	// Second-factor codes, per account: the person has the password, and
	// six digits must not be guessable by trying.
	throttleCode = throttle{scope: "signin.code", limit: auth.Limit{Window: throttleWindow, Max: MaxFailuresPerAccount,
		Free: SignInFreeFailures, Delay: time.Second, MaxDelay: SignInMaxDelay}}
	// API authentications that fail, per address.
	throttleAPI = throttle{scope: "api.auth", limit: auth.Limit{Window: throttleWindow, Max: MaxAPIFailuresPerIP},
		summary: FHIRAction("auth", "failed"), noun: "failed authentications", outcome: audit.Failed}
	// Inquiry forms per address, a robot's too; and the robots' forms,
	// counted only to be summarised.
	throttleInquiry     = throttle{scope: "inquiry", limit: auth.Limit{Window: throttleWindow, Max: InquiriesPerHour}}
	throttleInquirySpam = throttle{scope: "inquiry.spam", limit: auth.Limit{Window: throttleWindow},
		summary: "inquiry.spam", noun: "forms caught by the spam checks", outcome: audit.Denied}
)

// summarised are the throttles whose ended windows are summarised.
var summarised = map[string]throttle{throttleAPI.scope: throttleAPI, throttleInquirySpam.scope: throttleInquirySpam}

// MaxAPIFailuresPerIP is how many failed API authentications an address
// may make in an hour. A right token is never refused for it: tokens are
// 256-bit secrets that cannot be guessed, and the limit is there so that
// nobody can make Doorway write without end.
const MaxAPIFailuresPerIP = 100

// key is the throttle's count for a subject.
func (th throttle) key(subject string) store.ThrottleKey {
	return store.ThrottleKey{Scope: th.scope, Subject: subject}
}

// count is a window as the limit reads it; an absent one counts nothing.
func count(w store.ThrottleWindow) auth.Count {
	return auth.Count{Start: w.StartedAt, Failures: w.Hits, Last: w.LastAt}
}

// wait is how long an attempt at now must wait for the subject's window.
func (th throttle) wait(ws map[store.ThrottleKey]store.ThrottleWindow, subject string, now time.Time) time.Duration {
	return th.limit.Wait(count(ws[th.key(subject)]), now)
}

// waitFor reads how long an attempt at now must wait for one subject's
// window of a throttle.
func (s *Service) waitFor(ctx context.Context, th throttle, subject string, now time.Time) (time.Duration, error) {
	var ws map[store.ThrottleKey]store.ThrottleWindow
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		ws, err = tx.ThrottleWindows(ctx, th.key(subject))
		return err
	})
	return th.wait(ws, subject, now), err
}

// addressSubject is the subject of an address's throttles (an IPv6
// address counts by its /64).
func addressSubject(ip string) string { return auth.AddressKey(ip) }

// accountSubject is the subject of an account's throttles, given by its
// email whether or not an account has it, so an unknown account is
// throttled exactly as a real one. It is hashed: what people type in the
// email field is not kept.
func accountSubject(email string) string { return hashSubject(store.NormalizeEmail(email)) }

// pairSubject is an account and an address together.
func pairSubject(email, ip string) string {
	return hashSubject(store.NormalizeEmail(email) + "|" + addressSubject(ip))
}

func hashSubject(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// hit counts an attempt against a throttle inside the caller's write
// transaction and returns the window as it then stands. When the attempt
// opened a window, the one before it, and any others that have ended
// meanwhile, are summarised in the log and cleared away, in the same
// transaction.
func (s *Service) hit(ctx context.Context, tx *store.Tx, th throttle, subject string, now time.Time) (store.ThrottleWindow, error) {
	w, err := tx.HitThrottle(ctx, th.key(subject), now, th.limit.Window)
	if err != nil || w.Hits != 1 {
		return w, err
	}
	if w.PrevStartedAt != nil {
		if err := s.summarise(ctx, tx, store.ThrottleWindow{ThrottleKey: w.ThrottleKey, StartedAt: *w.PrevStartedAt, Hits: w.PrevHits}); err != nil {
			return w, err
		}
	}
	return w, s.closeWindows(ctx, tx, now)
}

// closeEvery is how many ended windows one opening clears at most, so
// that no attempt pays for a long backlog at once.
const closeEvery = 20

// closeWindows summarises and deletes windows that have ended.
func (s *Service) closeWindows(ctx context.Context, tx *store.Tx, now time.Time) error {
	ended, err := tx.TakeEndedThrottles(ctx, now, closeEvery)
	if err != nil {
		return err
	}
	for _, w := range ended {
		if err := s.summarise(ctx, tx, w); err != nil {
			return err
		}
	}
	return nil
}

// summarise writes the summary of an ended window, when its throttle has
// one and the window held more than the attempt its opening entry told
// of. The entry is the server's, about the address: who attempted is not
// known.
func (s *Service) summarise(ctx context.Context, tx *store.Tx, w store.ThrottleWindow) error {
	th, ok := summarised[w.Scope]
	if !ok || w.Hits < 2 {
		return nil
	}
	e := audit.Entry{Action: th.summary, Outcome: th.outcome, Severity: audit.Info,
		Detail: fmt.Sprintf("%d %s from this address in the hour from %s UTC", w.Hits, th.noun, w.StartedAt.UTC().Format("2006-01-02 15:04:05"))}
	if th.limit.Max > 0 && w.Hits >= th.limit.Max {
		e.Severity = audit.High
		e.Detail += fmt.Sprintf("; the limit of %d was reached, and later attempts were refused without being recorded", th.limit.Max)
	}
	server := NewActor(access.Principal{}, "", store.Clinic{}, "", w.Subject, System)
	return s.appendTx(ctx, tx, server, e)
}

// throttled is a refusal by a throttle: the message says how long to
// wait, and RetryAfter tells the adapter, for its Retry-After header.
type throttled struct {
	err  *problem.Error
	wait time.Duration
}

func (t throttled) Error() string { return t.err.Error() }
func (t throttled) Unwrap() error { return t.err }

// RetryAfter is how long a request refused by a throttle should wait before
// it is tried again, rounded up to whole seconds; zero for any other error.
func RetryAfter(err error) time.Duration {
	var t throttled
	if !errors.As(err, &t) {
		return 0
	}
	return (t.wait + time.Second - 1).Truncate(time.Second)
}

// tooMany refuses an attempt that must wait: the message, in which %s is
// how long, as words ("40 seconds", "12 minutes").
func tooMany(wait time.Duration, message string) error {
	return throttled{err: problem.New(problem.TooMany, message, waitText(wait)), wait: wait}
}

// waitText says how long a wait is, rounded up, in words.
func waitText(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs <= 1:
		return "a second"
	case secs < 120:
		return fmt.Sprintf("%d seconds", secs)
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}
