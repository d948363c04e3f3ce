package practice

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// from is a visitor at an address, not signed in.
func from(ip string) Actor {
	return NewActor(access.Principal{Kind: access.Anonymous}, "", store.Clinic{}, "req-"+ip, ip, Pages)
}

// seed counts n failures against a throttle's subject, as n refused
// sign-ins would have, without paying for n password checks.
func (f *apiFixture) seed(t *testing.T, th throttle, subject string, n int) {
	t.Helper()
	ctx := context.Background()
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for range n {
			if _, err := f.s.hit(ctx, tx, th, subject, f.now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writes are the statements since the counter's reset that change
// something.
func (f *apiFixture) writes() []string {
	var out []string
	for _, q := range f.n.Statements() {
		if !strings.HasPrefix(q, "SELECT") {
			out = append(out, q)
		}
	}
	return out
}

// A throttle holds the attacker's pair of account and address, not the
// account: the same password from another address, or from one of the
// account's devices at the attacker's address, is let through. An unknown
// account is throttled and answered as a real one. A throttled attempt
// writes nothing.
func TestSignInThrottleHoldsThePairNotTheAccount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			email := f.p.Users["assigned"].Email
			// The therapist's usual browser, at the clinic.
			home, err := f.s.SignIn(ctx, from("198.51.100.10"), SignInInput{Email: email, Password: storetest.Password})
			if err != nil || home.Devices == "" {
				t.Fatalf("sign-in at the clinic: %v %q", err, home.Devices)
			}
			// An attacker at another address has failed 100 times for this
			// account, and as many for an account that does not exist.
			attacker := "203.0.113.66"
			f.seed(t, throttlePair, pairSubject(email, attacker), MaxFailuresPerPair)
			f.seed(t, throttlePair, pairSubject("nobody@example.org", attacker), MaxFailuresPerPair)

			f.n.Reset()
			_, known := f.s.SignIn(ctx, from(attacker), SignInInput{Email: email, Password: storetest.Password})
			_, unknown := f.s.SignIn(ctx, from(attacker), SignInInput{Email: "nobody@example.org", Password: "wrong password here"})
			if problem.CodeOf(known) != problem.TooMany || problem.MessageOf(known) != problem.MessageOf(unknown) {
				t.Errorf("at the attacker's address: %v and %v, want the same TooMany", known, unknown)
			}
			if d := RetryAfter(known); d < 59*time.Minute || d > time.Hour+time.Second {
				t.Errorf("Retry-After %v, want the rest of the hour", d)
			}
			if w := f.writes(); len(w) != 0 {
				t.Errorf("throttled attempts wrote: %v", w)
			}
			if _, err := f.s.SignIn(ctx, from(attacker), SignInInput{Email: email, Password: storetest.Password, Devices: home.Devices}); err != nil {
				t.Errorf("from the therapist's device at the attacker's address: %v", err)
			}
			if _, err := f.s.SignIn(ctx, from("198.51.100.99"), SignInInput{Email: email, Password: storetest.Password}); err != nil {
				t.Errorf("from a new device elsewhere: %v", err)
			}
		})
	}
}

// After a few failures, every address's attempts at one account wait,
// longer with each failure, up to a minute; the account's device does not.
// The log has one login.failed per failure checked, and login.throttled
// once, when the waits begin.
func TestSignInSlowsAnAccountButNotItsDevice(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			u := f.p.Users["assigned"]
			home, err := f.s.SignIn(ctx, from("198.51.100.10"), SignInInput{Email: u.Email, Password: storetest.Password})
			if err != nil {
				t.Fatal(err)
			}
			// Failures from as many addresses, each tried again when told
			// how long to wait.
			for i := range SignInFreeFailures + 3 {
				attempt := SignInInput{Email: u.Email, Password: "wrong password here"}
				_, err := f.s.SignIn(ctx, from(fmt.Sprintf("203.0.113.%d", i+1)), attempt)
				if wait := RetryAfter(err); wait > 0 {
					f.now = f.now.Add(wait)
					_, err = f.s.SignIn(ctx, from(fmt.Sprintf("203.0.113.%d", i+1)), attempt)
				}
				if problem.CodeOf(err) != problem.Unauthorized {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			_, err = f.s.SignIn(ctx, from("192.0.2.200"), SignInInput{Email: u.Email, Password: storetest.Password})
			if problem.CodeOf(err) != problem.TooMany || RetryAfter(err) != 4*time.Second {
				t.Errorf("a new device after %d failures: %v (wait %v), want 4 s", SignInFreeFailures+3, err, RetryAfter(err))
			}
			if _, err := f.s.SignIn(ctx, from("192.0.2.200"), SignInInput{Email: u.Email, Password: storetest.Password, Devices: home.Devices}); err != nil {
				t.Errorf("the account's own device: %v", err)
			}
			failed, throttled := f.entries(t, f.p.Clinic.ID, "login.failed"), f.entries(t, f.p.Clinic.ID, "login.throttled")
			if len(failed) != SignInFreeFailures+3 || len(throttled) != 1 || throttled[0].Severity != audit.High || throttled[0].ResourceID != u.ID {
				t.Errorf("%d login.failed, throttled %+v", len(failed), throttled)
			}
		})
	}
}

// A device's own failures are limited apart: past MaxFailuresPerDevice in
// the hour it is a browser like any other, whose failures count against
// the account. Its failures before that slow nobody else. A new password
// forgets every device.
func TestSignInDeviceLimitAndRevocation(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			u := f.p.Users["assigned"]
			res, err := f.s.SignIn(ctx, from("198.51.100.10"), SignInInput{Email: u.Email, Password: storetest.Password})
			if err != nil {
				t.Fatal(err)
			}
			device := res.Devices
			for i := range MaxFailuresPerDevice {
				if _, err := f.s.SignIn(ctx, from("198.51.100.10"), SignInInput{Email: u.Email, Password: "wrong password here", Devices: device}); problem.CodeOf(err) != problem.Unauthorized {
					t.Fatalf("device failure %d: %v", i+1, err)
				}
			}
			var ws map[store.ThrottleKey]store.ThrottleWindow
			f.st.Read(ctx, func(tx *store.Tx) (err error) {
				ws, err = tx.ThrottleWindows(ctx, throttleAccount.key(accountSubject(u.Email)), throttlePair.key(pairSubject(u.Email, "198.51.100.10")))
				return err
			})
			if len(ws) != 0 {
				t.Errorf("a trusted device's failures counted against the account: %+v", ws)
			}
			// The eleventh counts as a new browser's would.
			f.s.SignIn(ctx, from("198.51.100.10"), SignInInput{Email: u.Email, Password: "wrong password here", Devices: device})
			f.st.Read(ctx, func(tx *store.Tx) (err error) {
				ws, err = tx.ThrottleWindows(ctx, throttleAccount.key(accountSubject(u.Email)))
				return err
			})
			if len(ws) != 1 {
				t.Errorf("past its limit, the device's failure did not count against the account: %+v", ws)
			}
			if es := f.entries(t, f.p.Clinic.ID, "login.throttled"); len(es) != 1 || !strings.Contains(es[0].Detail, "devices") {
				t.Errorf("the device's limit in the log: %+v", es)
			}

			// A new password: the device is forgotten, and a right password
			// from it is a new device's.
			f.now = f.now.Add(time.Hour)
			a := NewActor(u.Principal(""), u.Name, f.p.Clinic, "req-pw", "198.51.100.10", Pages)
			if _, err := f.s.ChangePassword(ctx, a, storetest.Password, "a new and longer passphrase", "a new and longer passphrase", f.now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			var live []store.Device
			f.st.Read(ctx, func(tx *store.Tx) (err error) {
				d, err := f.s.readDevices(ctx, tx, device, f.now)
				for _, dev := range d.live {
					live = append(live, dev)
				}
				return err
			})
			if len(live) != 0 {
				t.Errorf("devices still trusted after a new password: %+v", live)
			}
		})
	}
}

// Second-factor codes are throttled per account: after a few wrong ones
// each waits, and a wait writes nothing.
func TestSecondFactorThrottled(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			u := f.p.Users["assigned"]
			si := SignedIn{User: u, Session: store.Session{TokenHash: "none"}}
			for i := range SignInFreeFailures + 1 {
				if err := f.s.SecondFactor(ctx, from("198.51.100.10"), si, "not a code"); problem.CodeOf(err) != problem.Unauthorized {
					t.Fatalf("code %d: %v", i+1, err)
				}
			}
			f.n.Reset()
			err := f.s.SecondFactor(ctx, from("198.51.100.10"), si, "not a code")
			if problem.CodeOf(err) != problem.TooMany || RetryAfter(err) != time.Second {
				t.Errorf("after %d wrong codes: %v (wait %v)", SignInFreeFailures+1, err, RetryAfter(err))
			}
			if w := f.writes(); len(w) != 0 {
				t.Errorf("a throttled code wrote: %v", w)
			}
		})
	}
}

// An unknown account and a wrong password cost the same: a password check
// each, the same writes, the same answer. (Reading a known account reads
// its roles too: one statement, by its primary key.)
func TestSignInUnknownAccountCostsTheSame(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			try := func(ip, email string) (int, error) {
				f.n.Reset()
				_, err := f.s.SignIn(ctx, from(ip), SignInInput{Email: email, Password: "wrong password here"})
				return len(f.writes()), err
			}
			n1, wrong := try("198.51.100.1", f.p.Users["assigned"].Email)
			n2, unknown := try("198.51.100.2", "nobody@example.org")
			if n1 != n2 || problem.MessageOf(wrong) != problem.MessageOf(unknown) || problem.CodeOf(wrong) != problem.Unauthorized {
				t.Errorf("wrong password: %d writes, %v; unknown account: %d writes, %v", n1, wrong, n2, unknown)
			}
		})
	}
}
