package web

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"doorway/internal/workbook"
)

var updateMatrix = flag.Bool("update-matrix", false, "rewrite testdata/access_matrix.txt from what the server does")

const matrixFile = "testdata/access_matrix.txt"

// outcome names what a principal got: a status, or where a redirect went.
func outcome(code int, location string) string {
	if code >= 300 && code < 400 {
		u, _ := url.Parse(location)
		return fmt.Sprintf("%d>%s", code, u.Path)
	}
	return fmt.Sprint(code)
}

// denied reports whether an outcome gave the principal nothing: a 404, a
// refusal, or a trip to the sign-in page.
func denied(o string) bool {
	return o == "404" || o == "403" || o == "401" || strings.HasSuffix(o, ">/login")
}

// pathFor fills a route's wildcards with the fixture's records: client A, the
// assigned therapist, a token of theirs, a bogus one-time token.
func (f *fixture) pathFor(pattern string) string {
	if pattern == "/schedule/{appt}/joint" && f.jointAppt != "" {
		return "/schedule/" + f.jointAppt + "/joint"
	}
	r := strings.NewReplacer("{$}", "",
		"/clients/{id}", "/clients/"+f.clients["A"].ID,
		"/admin/staff/{id}", "/admin/staff/"+f.users["assigned"].ID,
		"/account/tokens/{id}", "/account/tokens/"+f.tokenID,
		"{token}", "not-a-real-token",
		"{instrument}", "phq9",
		"{flag}", f.measures.flagID,
		"{appt}", f.schedule.apptA,
		"{room}", f.schedule.roomID,
		"{goal}", f.prep.goalID,
		"{kind}", "kap",
		"/inquiries/{id}", "/inquiries/"+f.frontDoor.inquiryID,
		"{section}", "hopes",
		"{slug}", workbook.Articles()[0].Slug,
		"{n}", "1",
		"{log}", f.integration.logID,
		"{file}", "not-a-real-token.ics",
		"{job}", f.users["assigned"].ID,
		"{pnote}", f.integration.processNoteID)
	return r.Replace(pattern)
}

// TestAccessMatrix sends every route × every principal of SECURITY.md and
// compares what happened with the committed table. A route missing from the
// table fails, so every new route must be thought about. It also proves that
// client A's planted marker never reaches anyone who is refused.
func TestAccessMatrix(t *testing.T) {
	got := map[string]string{} // "METHOD PATTERN" -> "p=o p=o ..."
	var routes []string
	// A and B are a couple, so the second partner is a principal of the
	// couple's pages (couples_test.go).
	fixtureFor := func() *fixture {
		f := newFixture(t, sqliteConfig(t))
		f.seedCouple()
		return f
	}
	shared := fixtureFor()
	leaks, checks := 0, 0
	for _, rt := range shared.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		routes = append(routes, key)
		var cells []string
		for _, p := range principals {
			f := shared
			if rt.Method != http.MethodGet {
				f = fixtureFor() // a write must not change what the next principal sees
			}
			var form url.Values
			if rt.Method == http.MethodPost {
				form = url.Values{}
			}
			rec := f.do(p, rt.Method, f.pathFor(rt.Pattern), form)
			o := outcome(rec.Code, rec.Header().Get("Location"))
			cells = append(cells, p+"="+o)
			checks++
			if denied(o) && strings.Contains(rec.Body.String(), marker) {
				leaks++
				t.Errorf("%s as %s: denied (%s) but the body holds client A's data", key, p, o)
			}
		}
		got[key] = strings.Join(cells, " ")
	}
	sort.Strings(routes)
	if *updateMatrix {
		var b strings.Builder
		b.WriteString("# Every page route x every principal: the outcome expected.\n# 404 = refused as if absent; 303>/login = sent to sign in; 2xx/400 = reached the handler.\n")
		for _, k := range routes {
			fmt.Fprintf(&b, "%s | %s\n", k, got[k])
		}
		if err := os.WriteFile(matrixFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readMatrix(t)
	unexpectedAllows := 0
	for _, k := range routes {
		w, ok := want[k]
		if !ok {
			t.Errorf("route %s is not in %s: decide who may use it and add it (go test -run TestAccessMatrix -update-matrix, then review the diff)", k, matrixFile)
			continue
		}
		if w != got[k] {
			wc, gc := strings.Fields(w), strings.Fields(got[k])
			for i := range gc {
				if i < len(wc) && wc[i] != gc[i] {
					_, wo, _ := strings.Cut(wc[i], "=")
					_, go_, _ := strings.Cut(gc[i], "=")
					if denied(wo) && !denied(go_) {
						unexpectedAllows++
					}
					t.Errorf("%s: expected %s, got %s", k, wc[i], gc[i])
				}
			}
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s lists %s, which is no longer a route", matrixFile, k)
		}
	}
	t.Logf("access matrix: %d routes x %d principals = %d requests; %d unexpected allows; %d leaks of the planted marker",
		len(routes), len(principals), checks, unexpectedAllows, leaks)
}

func readMatrix(t *testing.T) map[string]string {
	data, err := os.ReadFile(matrixFile)
	if err != nil {
		t.Fatalf("read %s: %v", matrixFile, err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, " | ")
		if !ok {
			t.Fatalf("%s: malformed line %q", matrixFile, line)
		}
		out[k] = v
	}
	return out
}
