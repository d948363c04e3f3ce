package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"doorway/internal/auth"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// login posts the sign-in form and returns the response and the new session
// cookie, if one was set.
func (f *fixture) login(email, password string) (*http.Response, string) {
	f.t.Helper()
	rec := f.do("", "POST", "/login", url.Values{"email": {email}, "password": {password}})
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.Name == "doorway" && c.Value != "" {
			return res, c.Value
		}
	}
	return res, ""
}

func TestSignInOnBothEngines(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Config(t))
			res, tok := f.login("Assigned@example.org ", storetest.Password)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/home" || tok == "" {
				t.Fatalf("therapist sign-in: %d %q token=%v", res.StatusCode, res.Header.Get("Location"), tok != "")
			}
			f.cookies["fresh"] = tok
			rec := f.do("fresh", "GET", "/caseload", nil)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), marker) {
				t.Fatalf("caseload after sign-in: %d", rec.Code)
			}
			// Sign out ends the session on the server, not just in the browser.
			f.do("fresh", "POST", "/logout", url.Values{})
			if rec := f.do("fresh", "GET", "/caseload", nil); rec.Code != http.StatusSeeOther {
				t.Errorf("session survived sign-out: %d", rec.Code)
			}
		})
	}
}

func TestWrongPasswordAndUnknownUserLookTheSame(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := f.do("", "POST", "/login", url.Values{"email": {"assigned@example.org"}, "password": {"wrong password here"}})
	b := f.do("", "POST", "/login", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password here"}})
	c := f.do("", "POST", "/login", url.Values{"email": {"disabled@example.org"}, "password": {storetest.Password}})
	for _, rec := range []*httpRecorder{a, b, c} {
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "do not match") {
			t.Errorf("failed sign-in: %d", rec.Code)
		}
		if len(rec.Result().Cookies()) != 0 {
			t.Errorf("a failed sign-in set a cookie")
		}
	}
	if strip(a.Body.String()) != strip(b.Body.String()) {
		t.Error("wrong password and unknown account answer differently")
	}
}

// strip removes what differs between two renderings of the same page: the
// request id and the typed email.
func strip(s string) string {
	s = regexp.MustCompile(`[0-9a-f]{16}`).ReplaceAllString(s, "")
	return regexp.MustCompile(`value="[^"]*@example.org"`).ReplaceAllString(s, "")
}

func TestIdleAndAbsoluteTimeouts(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	start := f.now
	f.now = start.Add(14 * time.Minute)
	if rec := f.do("assigned", "GET", "/caseload", nil); rec.Code != 200 {
		t.Fatalf("staff at 14 idle minutes: %d", rec.Code)
	}
	f.now = f.now.Add(16 * time.Minute) // 16 minutes since the last touch
	if rec := f.do("assigned", "GET", "/caseload", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("staff after 16 idle minutes: %d, want sign-in", rec.Code)
	}
	f.now = start.Add(29 * time.Minute)
	if rec := f.do("clientA", "GET", "/portal", nil); rec.Code != 200 {
		t.Errorf("client at 29 idle minutes: %d", rec.Code)
	}
	// Keep the prescriber active every 10 minutes: still out at 12 hours.
	for m := 10; m < 12*60; m += 10 {
		f.now = start.Add(time.Duration(m) * time.Minute)
		if rec := f.do("prescriber", "GET", "/caseload", nil); rec.Code != 200 {
			t.Fatalf("active prescriber at %d min: %d", m, rec.Code)
		}
	}
	f.now = start.Add(12 * time.Hour)
	if rec := f.do("prescriber", "GET", "/caseload", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("session past 12 hours: %d", rec.Code)
	}
}

func TestPrescriberMustEnrolSecondFactor(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	res, tok := f.login("prescriber@example.org", storetest.Password)
	if res.Header.Get("Location") != "/login/setup" {
		t.Fatalf("prescriber sign-in went to %q, want the second-factor setup", res.Header.Get("Location"))
	}
	f.cookies["p"] = tok
	// Until the second factor is set up, nothing else is reachable.
	if rec := f.do("p", "GET", "/caseload", nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login/setup" {
		t.Fatalf("half-signed-in prescriber reached the caseload: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page := f.do("p", "GET", "/login/setup", nil).Body.String()
	m := regexp.MustCompile(`name="secret" value="([A-Z2-7]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no secret on the setup page")
	}
	wrong := f.do("p", "POST", "/login/setup", url.Values{"secret": {m[1]}, "code": {"000000"}})
	if wrong.Code != http.StatusBadRequest {
		t.Errorf("wrong code accepted: %d", wrong.Code)
	}
	code, _ := totp.GenerateCode(m[1], f.now)
	ok := f.do("p", "POST", "/login/setup", url.Values{"secret": {m[1]}, "code": {code}})
	codes := regexp.MustCompile(`<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</li>`).FindAllStringSubmatch(ok.Body.String(), -1)
	if ok.Code != 200 || len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("enrol: %d with %d recovery codes", ok.Code, len(codes))
	}
	if rec := f.do("p", "GET", "/caseload", nil); rec.Code != 200 {
		t.Fatalf("after enrolment: %d", rec.Code)
	}
	// Next sign-in asks for a code; the same code cannot be used twice, a
	// recovery code works once.
	res, tok = f.login("prescriber@example.org", storetest.Password)
	if res.Header.Get("Location") != "/login/code" {
		t.Fatalf("second sign-in went to %q", res.Header.Get("Location"))
	}
	f.cookies["p2"] = tok
	if rec := f.do("p2", "POST", "/login/code", url.Values{"code": {code}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("replayed code: %d", rec.Code)
	}
	if rec := f.do("p2", "POST", "/login/code", url.Values{"code": {strings.ToUpper(codes[0][1])}}); rec.Code != http.StatusSeeOther {
		t.Errorf("recovery code: %d", rec.Code)
	}
	res, tok = f.login("prescriber@example.org", storetest.Password)
	f.cookies["p3"] = tok
	if rec := f.do("p3", "POST", "/login/code", url.Values{"code": {codes[0][1]}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("recovery code used twice: %d", rec.Code)
	}
}

func TestSecurityHeadersAndFriendlyErrors(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	rec := f.do("assigned", "GET", "/clients/"+f.clients["A"].ID, nil)
	h := rec.Header()
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
		"X-Frame-Options":        "DENY",
	} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: %s", csp)
	}
	nf := f.do("assigned", "GET", "/no/such/page", nil)
	if nf.Code != 404 || !strings.Contains(nf.Body.String(), "Request id") || !strings.Contains(nf.Body.String(), "<html") {
		t.Errorf("unknown page: %d", nf.Code)
	}
	wm := f.do("assigned", "GET", "/logout", nil)
	if wm.Code != 404 {
		t.Errorf("GET on a POST route: %d", wm.Code)
	}
}

func TestCrossSiteFormIsRefused(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	req := newFormRequest("POST", "/admin/staff/"+f.users["assigned"].ID+"/disable", url.Values{})
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "doorway", Value: f.cookies["admin"]})
	rec := newRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", rec.Code)
	}
	var u store.User
	f.st.Read(context.Background(), func(tx *store.Tx) (err error) { u, err = tx.User(context.Background(), f.users["assigned"].ID); return })
	if u.DisabledAt != nil {
		t.Error("a cross-site form disabled an account")
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	count := func() int {
		var n int
		f.st.Read(ctx, func(tx *store.Tx) error {
			_, n, _ = tx.Clients(ctx, store.ClientFilter{ClinicID: f.clinic.ID})
			return nil
		})
		return n
	}
	before := count()
	cases := []url.Values{
		{"given_name": {""}, "family_name": {"X"}},
		{"given_name": {"A"}, "family_name": {""}},
		{"given_name": {"A"}, "family_name": {"B"}, "date_of_birth": {"31/12/1980"}},
		{"given_name": {"A"}, "family_name": {"B"}, "email": {"not an email"}},
		{"given_name": {"A"}, "family_name": {"B"}, "invite": {"1"}},
		{"given_name": {"A"}, "family_name": {"B"}, "email": {"clientb@example.org"}, "invite": {"1"}}, // email in use by another account
	}
	for i, form := range cases {
		rec := f.do("assigned", "POST", "/clients", form)
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest {
			t.Errorf("case %d: status %d", i, rec.Code)
		}
		for _, leak := range []string{"sql", "SQL", "goroutine", ".go:", "UNIQUE", "constraint"} {
			if strings.Contains(body, leak) {
				t.Errorf("case %d: page mentions %q", i, leak)
			}
		}
	}
	if after := count(); after != before {
		t.Errorf("bad input changed the client count from %d to %d", before, after)
	}
}
