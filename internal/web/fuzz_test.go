package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzForms posts any body to any of the pages' forms, as any principal,
// on the shared practice (with a medicine session under way). Whatever is
// sent, the answer is never a server error and never shows a stack trace,
// SQL or a source path; and a field sent twice that the form does not read
// as a list is never taken: the answer is a 400, or the refusal of a
// principal who may not use the form at all.
func FuzzForms(f *testing.F) {
	fx := newFixture(f, sqliteConfig(f))
	var posts []string
	for _, rt := range fx.srv.Routes() {
		// Signing out and disabling an account end the principals' sessions,
		// after which the fuzzer would only reach the sign-in page.
		if rt.Method != http.MethodPost || rt.Pattern == "/logout" || strings.HasSuffix(rt.Pattern, "/disable") {
			continue
		}
		posts = append(posts, fx.pathFor(rt.Pattern))
	}
	seeds := []url.Values{
		validOrderForm(),
		{"route": {"rdt", "iv"}, "mg": {"200"}},
		{"given_name": {"Robin"}, "family_name": {"Hale"}, "date_of_birth": {"1980-04-23"}},
		{"systolic": {"120"}, "diastolic": {"80"}, "heart_rate": {"0"}},
		{"text": {"Sleep\x1b[2J"}, "body": {"\x00"}},
		{"staff": {"a", "b"}, "roles": {"admin", "therapist"}},
	}
	// One seed a route, the seeds taking turns, so the fuzzer starts from
	// every form without hundreds of seeds to replay first.
	for i := range posts {
		f.Add(uint16(i), uint8(i), seeds[i%len(seeds)].Encode())
	}
	f.Fuzz(func(t *testing.T, route uint16, who uint8, body string) {
		path := posts[int(route)%len(posts)]
		principal := principals[int(who)%len(principals)]
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tok := fx.cookies[principal]; tok != "" {
			req.AddCookie(&http.Cookie{Name: "doorway", Value: tok})
		}
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, req)
		page := rec.Body.String()
		if rec.Code >= 500 {
			t.Fatalf("POST %s as %s, %q: %d", path, principal, body, rec.Code)
		}
		for _, leak := range []string{"goroutine ", ".go:", "SQLITE", "sql: "} {
			if strings.Contains(page, leak) {
				t.Fatalf("POST %s as %s, %q: the page shows %q", path, principal, body, leak)
			}
		}
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		for name, vals := range form {
			if len(vals) > 1 && !listFields[name] {
				switch o := outcome(rec.Code, rec.Header().Get("Location")); {
				case rec.Code == http.StatusBadRequest, rec.Code == http.StatusRequestEntityTooLarge, denied(o),
					strings.HasPrefix(path, "/login/") && o == "303>/home": // the second step of a sign-in already done
				default:
					t.Fatalf("POST %s as %s sent %s twice and got %s", path, principal, name, o)
				}
			}
		}
	})
}
