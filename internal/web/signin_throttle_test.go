package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// signInAt posts the sign-in form from an address, with the browser's
// device cookie ("" for none).
func (f *fixture) signInAt(addr, email, password, device string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr + ":4711"
	if device != "" {
		req.AddCookie(&http.Cookie{Name: "doorway-device", Value: device})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// deviceCookie is the device cookie a response set.
func deviceCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "doorway-device" {
			return c
		}
	}
	return nil
}

// attack is what 1,000 wrong passwords for one account cost and got.
type attack struct {
	checked, refused int // answered 401 (a password checked) and 429 (told to wait)
	entries          int // audit entries written
	refusedWrites    int // statements that changed something, over every refused attempt
}

// TestAttackDoesNotLockOutTheClinician: an attacker's 1,000 wrong passwords
// for a therapist's account, from one address and from 1,000, every three
// seconds. They do not stop the therapist signing in from the browser they
// use; a new browser is still told to wait; and a refused attempt writes
// nothing.
func TestAttackDoesNotLockOutTheClinician(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		for _, spread := range []string{"one address", "many addresses"} {
			t.Run(e.Name+"/"+spread, func(t *testing.T) {
				counter := &store.QueryCounter{Keep: true}
				cfg := e.Config(t)
				cfg.Counter = counter
				f := newFixture(t, cfg)
				email := f.users["assigned"].Email
				usual := "198.51.100.10"

				// The therapist's usual browser signs in once, and keeps its
				// device cookie: signed, HttpOnly, Strict, for 180 days.
				rec := f.signInAt(usual, email, storetest.Password, "")
				device := deviceCookie(rec)
				if rec.Code != http.StatusSeeOther || device == nil || !device.HttpOnly || device.SameSite != http.SameSiteStrictMode ||
					device.MaxAge != 180*24*3600 || !strings.Contains(device.Value, ".") {
					t.Fatalf("first sign-in: %d, device cookie %+v", rec.Code, device)
				}

				var got attack
				head := f.head()
				for i := range 1000 {
					addr := "203.0.113.66"
					if spread == "many addresses" {
						addr = fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256)
					}
					counter.Reset()
					rec := f.signInAt(addr, email, "wrong password "+strconv.Itoa(i), "")
					switch rec.Code {
					case http.StatusUnauthorized:
						got.checked++
					case http.StatusTooManyRequests:
						got.refused++
						if rec.Header().Get("Retry-After") == "" {
							t.Fatalf("attempt %d: 429 without Retry-After", i)
						}
						for _, q := range counter.Statements() {
							if !strings.HasPrefix(q, "SELECT") {
								got.refusedWrites++
							}
						}
					default:
						t.Fatalf("attempt %d: %d", i, rec.Code)
					}
					f.now = f.now.Add(3 * time.Second)
				}
				got.entries = int(f.head().Seq - head.Seq)
				t.Logf("%s, %s: 1,000 wrong passwords over 50 minutes: %d checked, %d told to wait; %d audit entries; %d writes for the refused",
					e.Name, spread, got.checked, got.refused, got.entries, got.refusedWrites)
				if got.refusedWrites != 0 {
					t.Errorf("refused attempts wrote %d statements", got.refusedWrites)
				}
				if got.checked > 100 {
					t.Errorf("%d wrong passwords checked in under an hour; at most 100", got.checked)
				}
				// One login.failed per password checked, and login.throttled
				// once, when the waits began.
				if got.entries != got.checked+1 {
					t.Errorf("%d audit entries for %d checked passwords", got.entries, got.checked)
				}

				// The therapist, at the usual browser, signs in at once.
				rec = f.signInAt(usual, email, storetest.Password, device.Value)
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/home" {
					t.Errorf("the therapist's usual browser during the attack: %d %s", rec.Code, rec.Header().Get("Location"))
				}
				// A new browser, even at the usual address, is told to wait.
				rec = f.signInAt(usual, email, storetest.Password, "")
				if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "device you have signed in on before") {
					t.Errorf("a new browser during the attack: %d", rec.Code)
				}
				// A forged device cookie is a new browser's.
				if rec := f.signInAt(usual, email, storetest.Password, "forged.AAAAAAAAAAAAAAAAAAAAAA"); rec.Code != http.StatusTooManyRequests {
					t.Errorf("a forged device cookie: %d", rec.Code)
				}
			})
		}
	}
}
