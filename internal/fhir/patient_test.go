package fhir

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/store"
)

// bundleIDs returns the Patient ids of a searchset in order, its total, and
// its links by relation.
func bundleIDs(t *testing.T, m map[string]any) (ids []string, total int, links map[string]string) {
	t.Helper()
	if m["resourceType"] != "Bundle" || m["type"] != "searchset" {
		t.Fatalf("expected a searchset Bundle, got %v", m)
	}
	total = int(m["total"].(float64))
	links = map[string]string{}
	for _, l := range asList(m["link"]) {
		lm := l.(map[string]any)
		links[lm["relation"].(string)] = lm["url"].(string)
	}
	for _, e := range asList(m["entry"]) {
		r := e.(map[string]any)["resource"].(map[string]any)
		ids = append(ids, r["id"].(string))
	}
	return ids, total, links
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// get sends a GET as a principal, checks the status and that the body is
// valid FHIR, and decodes it.
func (f *fixture) get(t *testing.T, principal, path string, want int) map[string]any {
	t.Helper()
	rec := f.do(principal, http.MethodGet, path)
	return checkResponse(t, rec, want)
}

func checkResponse(t *testing.T, rec *httptest.ResponseRecorder, want int) map[string]any {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/fhir+json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	return mustFHIR(t, rec.Body.Bytes())
}

// outcome checks an OperationOutcome and returns its issue code and diagnostics.
func outcomeOf(t *testing.T, m map[string]any) (code, diagnostics string) {
	t.Helper()
	if m["resourceType"] != "OperationOutcome" {
		t.Fatalf("expected an OperationOutcome, got %v", m)
	}
	issue := asList(m["issue"])[0].(map[string]any)
	if issue["severity"] != "error" {
		t.Errorf("severity %v", issue["severity"])
	}
	d, _ := issue["diagnostics"].(string)
	return issue["code"].(string), d
}

// labels names the ids of a search result by fixture key, sorted.
func (f *fixture) labels(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, f.label(id))
	}
	slices.Sort(out)
	return out
}

func (f *fixture) search(t *testing.T, principal, query string) []string {
	t.Helper()
	ids, total, _ := bundleIDs(t, f.get(t, principal, "/fhir/r4/Patient?"+query, 200))
	if total != len(ids) {
		t.Errorf("%s: total %d but %d entries on one page", query, total, len(ids))
	}
	return f.labels(ids)
}

func same(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestPatientRead(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		p := f.get(t, "assigned", "/fhir/r4/Patient/"+a.ID, 200)
		if p["resourceType"] != "Patient" || p["id"] != a.ID || p["birthDate"] != "1985-02-03" || p["active"] != true {
			t.Errorf("patient: %v", p)
		}
		name := asList(p["name"])[0].(map[string]any)
		if name["use"] != "official" || name["family"] != marker || asList(name["given"])[0] != "Avery" {
			t.Errorf("name: %v", name)
		}
		ident := asList(p["identifier"])[0].(map[string]any)
		if ident["system"] != "urn:doorway:clinic:"+f.p.Clinic.ID+":client" || ident["value"] != a.ID {
			t.Errorf("identifier: %v", ident)
		}
		if org := p["managingOrganization"].(map[string]any); org["display"] != "Main Clinic" {
			t.Errorf("managingOrganization: %v", org)
		}
		var telecom []string
		for _, c := range asList(p["telecom"]) {
			cm := c.(map[string]any)
			telecom = append(telecom, cm["system"].(string)+":"+cm["value"].(string))
		}
		same(t, "telecom", telecom, "email:clienta@example.org", "phone:555-0100")

		// A preferred name is the usual name.
		d := f.get(t, "assigned", "/fhir/r4/Patient/"+f.clients["dana"].ID, 200)
		names := asList(d["name"])
		if len(names) != 2 || names[1].(map[string]any)["use"] != "usual" || asList(names[1].(map[string]any)["given"])[0] != "Dee" {
			t.Errorf("preferred name: %v", names)
		}

		// Out of scope, absent and malformed all look the same and hold
		// nothing of the record.
		var bodies []string
		for _, tc := range []struct{ who, id string }{
			{"unassigned", a.ID}, {"clientB", a.ID}, {"foreignAdmin", a.ID}, {"assigned", auth.NewID()}, {"assigned", "not-an-id"},
		} {
			rec := f.do(tc.who, http.MethodGet, "/fhir/r4/Patient/"+tc.id)
			m := checkResponse(t, rec, 404)
			code, diag := outcomeOf(t, m)
			if code != "not-found" || strings.Contains(rec.Body.String(), marker) || strings.Contains(rec.Body.String(), tc.id) {
				t.Errorf("%s reading %s: %s", tc.who, tc.id, rec.Body)
			}
			bodies = append(bodies, diag)
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Errorf("404s differ: %q vs %q", b, bodies[0])
			}
		}
		// Reads take no search parameters.
		f.get(t, "assigned", "/fhir/r4/Patient/"+a.ID+"?_format=json", 200)
		m := f.get(t, "assigned", "/fhir/r4/Patient/"+a.ID+"?name=x", 400)
		if code, _ := outcomeOf(t, m); code != "invalid" {
			t.Errorf("code %s", code)
		}
	})
}

func TestPatientSearchScope(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		extras := []string{"casey", "dana", "emery", "finley", "gray"}
		same(t, "clientA", f.search(t, "clientA", ""), "A")
		same(t, "clientB", f.search(t, "clientB", ""), "B")
		same(t, "clientA asking for B", f.search(t, "clientA", "_id="+f.clients["B"].ID))
		same(t, "assigned", f.search(t, "assigned", ""), append([]string{"A"}, extras...)...)
		same(t, "unassigned", f.search(t, "unassigned", ""), "B")
		same(t, "prescriber", f.search(t, "prescriber", ""), "A")
		same(t, "admin", f.search(t, "admin", ""), append([]string{"A", "B"}, extras...)...)
		same(t, "foreign admin", f.search(t, "foreignAdmin", ""), "other")
		same(t, "foreign admin asking for A", f.search(t, "foreignAdmin", "_id="+f.clients["A"].ID))
		same(t, "foreign admin by name", f.search(t, "foreignAdmin", "name=avery"))
		same(t, "_id across scope", f.search(t, "assigned", "_id="+f.clients["A"].ID+","+f.clients["B"].ID), "A")
	})
}

func TestPatientSearchParameters(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		same(t, "name prefix", f.search(t, "assigned", "name=bro"), "dana", "emery")
		same(t, "name ignores case", f.search(t, "assigned", "name=BRO"), "dana", "emery")
		same(t, "given name", f.search(t, "assigned", "name=cas"), "casey")
		same(t, "preferred name", f.search(t, "assigned", "name=dee"), "dana")
		same(t, "name alternatives", f.search(t, "assigned", "name=brooks,zhang"), "dana", "gray")
		same(t, "names ANDed", f.search(t, "assigned", "name=dana&name=brooks"), "dana")
		same(t, "wildcards are literal", f.search(t, "admin", "name=%25"))
		same(t, "underscore is literal", f.search(t, "admin", "name=_"))
		same(t, "birthdate range", f.search(t, "assigned", "birthdate=ge1985&birthdate=le1990-12"), "A", "casey", "gray")
		same(t, "birthdate year", f.search(t, "assigned", "birthdate=1985"), "A", "gray")
		same(t, "birthdate eq day", f.search(t, "assigned", "birthdate=eq1985-02-03"), "A")
		same(t, "birthdate lt", f.search(t, "assigned", "birthdate=lt1985"), "dana")
		same(t, "birthdate gt", f.search(t, "assigned", "birthdate=gt1990-06"), "emery")
		same(t, "empty birthdate range", f.search(t, "assigned", "birthdate=ge2000&birthdate=le1990"))
		same(t, "email", f.search(t, "assigned", "email=GRAY@example.org"), "gray")

		for _, q := range []string{"birthdate=ne1985", "birthdate=banana", "birthdate=1985-13", "birthdate=1985,1986",
			"_count=-1", "_count=abc", "_count=1&_count=2", "_offset=-5", "_sort=name&_sort=birthdate", "_sort=name,-name",
			"name=a,,b", "_format=xml", "name=%zz", "name="} {
			m := f.get(t, "admin", "/fhir/r4/Patient?"+q, 400)
			if code, _ := outcomeOf(t, m); code != "invalid" {
				t.Errorf("%s: code %s", q, code)
			}
		}
	})
}

func TestPatientSearchStrict(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		m := f.get(t, "admin", "/fhir/r4/Patient?foo=1&name=a&bar=2", 400)
		code, diag := outcomeOf(t, m)
		if code != "invalid" || !strings.Contains(diag, "bar, foo") {
			t.Errorf("unknown parameters: %s %q", code, diag)
		}
		// A modifier is a parameter name this server does not know.
		m = f.get(t, "admin", "/fhir/r4/Patient?name:exact=Avery", 400)
		if _, diag := outcomeOf(t, m); !strings.Contains(diag, "name:exact") {
			t.Errorf("modifier: %q", diag)
		}
		// _sort is allow-listed: nothing of it reaches SQL.
		for _, s := range []string{"password", "-password_hash", "name;DROP TABLE clients", "_lastUpdated"} {
			rec := f.do("admin", http.MethodGet, "/fhir/r4/Patient?_sort="+url.QueryEscape(s))
			m := checkResponse(t, rec, 400)
			if code, _ := outcomeOf(t, m); code != "invalid" {
				t.Errorf("_sort=%s: code %s", s, code)
			}
		}
	})
}

func TestPatientSortAndPaging(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ids, _, _ := bundleIDs(t, f.get(t, "admin", "/fhir/r4/Patient?_sort=-birthdate", 200))
		got := f.labelsInOrder(ids)
		want := []string{"emery", "casey", "gray", "A", "dana"} // then those without a date of birth
		if !slices.Equal(got[:5], want) {
			t.Errorf("-birthdate: got %v, want %v first", got, want)
		}
		ids, _, _ = bundleIDs(t, f.get(t, "admin", "/fhir/r4/Patient?_sort=name", 200))
		if got := f.labelsInOrder(ids); !slices.Equal(got, []string{"casey", "dana", "emery", "finley", "B", "A", "gray"}) {
			t.Errorf("name: %v", got)
		}
		ids, _, _ = bundleIDs(t, f.get(t, "admin", "/fhir/r4/Patient?_sort=-name", 200))
		if got := f.labelsInOrder(ids); got[0] != "gray" || got[1] != "A" || got[6] != "casey" {
			t.Errorf("-name: %v", got)
		}

		// Follow next links in pages of 2: every client once, in order.
		var seen []string
		path := "/fhir/r4/Patient?_sort=name&_count=2"
		pages := 0
		for path != "" {
			ids, total, links := bundleIDs(t, f.get(t, "admin", path, 200))
			pages++
			if total != 7 {
				t.Fatalf("total %d", total)
			}
			if len(ids) > 2 {
				t.Fatalf("page of %d", len(ids))
			}
			if pages > 1 && links["previous"] == "" {
				t.Errorf("page %d has no previous link", pages)
			}
			if links["self"] == "" {
				t.Errorf("no self link")
			}
			seen = append(seen, f.labelsInOrder(ids)...)
			path = ""
			if next := links["next"]; next != "" {
				u, err := url.Parse(next)
				if err != nil {
					t.Fatal(err)
				}
				path = u.RequestURI()
			}
			if pages > 10 {
				t.Fatal("paging does not end")
			}
		}
		if pages != 4 || !slices.Equal(seen, []string{"casey", "dana", "emery", "finley", "B", "A", "gray"}) {
			t.Errorf("paged %d times through %v", pages, seen)
		}

		// _count=0 is the total alone; a large _count is capped.
		ids, total, links := bundleIDs(t, f.get(t, "admin", "/fhir/r4/Patient?_count=0", 200))
		if len(ids) != 0 || total != 7 || links["next"] != "" {
			t.Errorf("_count=0: %d entries, total %d, next %q", len(ids), total, links["next"])
		}
		_, _, links = bundleIDs(t, f.get(t, "admin", "/fhir/r4/Patient?_count=5000", 200))
		if !strings.Contains(links["self"], "_count=200") {
			t.Errorf("_count not capped: %s", links["self"])
		}
		// A cursor past the end is an empty page, not an error.
		ids, total, _ = bundleIDs(t, f.get(t, "admin", "/fhir/r4/Patient?_offset=100", 200))
		if len(ids) != 0 || total != 7 {
			t.Errorf("past the end: %d entries, total %d", len(ids), total)
		}
	})
}

func (f *fixture) labelsInOrder(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, f.label(id))
	}
	return out
}

func TestEverything(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		for _, who := range []string{"assigned", "admin", "clientA"} {
			m := f.get(t, who, "/fhir/r4/Patient/"+a.ID+"/$everything", 200)
			ids, total, links := bundleIDs(t, m)
			if total != 1 || !slices.Equal(ids, []string{a.ID}) || !strings.HasSuffix(links["self"], "/Patient/"+a.ID+"/$everything") {
				t.Errorf("%s: %v", who, m)
			}
		}
		for _, who := range []string{"unassigned", "clientB", "foreignAdmin"} {
			rec := f.do(who, http.MethodGet, "/fhir/r4/Patient/"+a.ID+"/$everything")
			checkResponse(t, rec, 404)
			if strings.Contains(rec.Body.String(), marker) {
				t.Errorf("%s: marker in a refusal", who)
			}
		}
		f.get(t, "assigned", "/fhir/r4/Patient/"+a.ID+"/$everything?_since=2020", 400)
	})
}

func TestAuthentication(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		path := "/fhir/r4/Patient"
		cases := map[string]func() *httptest.ResponseRecorder{
			"no token":       func() *httptest.ResponseRecorder { return f.doToken("", http.MethodGet, path) },
			"unknown token":  func() *httptest.ResponseRecorder { return f.doToken(auth.NewSecret(), http.MethodGet, path) },
			"revoked token":  func() *httptest.ResponseRecorder { return f.do("expired", http.MethodGet, path) },
			"disabled user":  func() *httptest.ResponseRecorder { return f.do("disabled", http.MethodGet, path) },
			"too long token": func() *httptest.ResponseRecorder { return f.doToken(strings.Repeat("x", 500), http.MethodGet, path) },
			"basic auth": func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.SetBasicAuth("admin@example.org", "correct horse battery")
				rec := httptest.NewRecorder()
				f.h.ServeHTTP(rec, req)
				return rec
			},
			"session cookie only": func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.AddCookie(&http.Cookie{Name: "doorway", Value: f.tokens["admin"]})
				rec := httptest.NewRecorder()
				f.h.ServeHTTP(rec, req)
				return rec
			},
		}
		for name, send := range cases {
			rec := send()
			m := checkResponse(t, rec, 401)
			if code, _ := outcomeOf(t, m); code != "login" {
				t.Errorf("%s: code %s", name, code)
			}
			if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: WWW-Authenticate %q", name, rec.Header().Get("WWW-Authenticate"))
			}
		}
		// The scheme is case-insensitive, and a good token records its use.
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "bearer "+f.tokens["admin"])
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		checkResponse(t, rec, 200)
		ctx := context.Background()
		var toks []store.APIToken
		if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { toks, err = tx.APITokens(ctx, f.p.Users["admin"].ID); return }); err != nil {
			t.Fatal(err)
		}
		if len(toks) != 1 || toks[0].LastUsedAt == nil || !toks[0].LastUsedAt.Equal(f.now) {
			t.Errorf("last use not recorded: %+v", toks)
		}
	})
}

func TestMetadata(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		m := f.get(t, "anonymous", "/fhir/r4/metadata", 200)
		if m["resourceType"] != "CapabilityStatement" || m["status"] != "active" || m["kind"] != "instance" || m["fhirVersion"] != "4.0.1" {
			t.Errorf("capability statement: %v", m)
		}
		if f := asList(m["format"]); len(f) != 1 || f[0] != "application/fhir+json" {
			t.Errorf("format: %v", f)
		}
		// It lists exactly the routes: each interaction is a route and each
		// route an interaction.
		var listed []string
		rest := asList(m["rest"])[0].(map[string]any)
		for _, r := range asList(rest["resource"]) {
			rm := r.(map[string]any)
			typ := rm["type"].(string)
			for _, i := range asList(rm["interaction"]) {
				switch code := i.(map[string]any)["code"]; code {
				case "read":
					listed = append(listed, "GET /fhir/r4/"+typ+"/{id}")
				case "search-type":
					listed = append(listed, "GET /fhir/r4/"+typ)
				case "create":
					listed = append(listed, "POST /fhir/r4/"+typ)
				default:
					t.Errorf("%s: unexpected interaction %v", typ, code)
				}
			}
			for _, o := range asList(rm["operation"]) {
				listed = append(listed, "GET /fhir/r4/"+typ+"/{id}/$"+o.(map[string]any)["name"].(string))
			}
			if typ == "Patient" {
				var params []string
				for _, p := range asList(rm["searchParam"]) {
					params = append(params, p.(map[string]any)["name"].(string))
				}
				slices.Sort(params)
				same(t, "Patient search parameters", params, "_id", "name", "birthdate", "email")
			}
		}
		var routes []string
		for _, r := range f.api.Routes() {
			if !r.Public {
				routes = append(routes, r.Method+" "+r.Pattern)
			}
		}
		slices.Sort(listed)
		same(t, "capabilities vs routes", listed, routes...)
	})
}

func TestErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			method, path string
			status       int
			code         string
		}{
			{"GET", "/fhir/r4/Basic", 404, "not-supported"},
			{"GET", "/fhir/r4/Basic/abc", 404, "not-supported"},
			{"GET", "/fhir/r4/Patient/abc/def", 404, "not-found"},
			{"GET", "/fhir/r4/", 404, "not-found"},
			{"GET", "/fhir/r4/<script>", 404, "not-found"},
			{"POST", "/fhir/r4/Patient", 405, "not-supported"},
			{"DELETE", "/fhir/r4/Patient/" + f.clients["A"].ID, 405, "not-supported"},
			{"PUT", "/fhir/r4/metadata", 405, "not-supported"},
			{"GET", "/fhir/r4/metadata?foo=1", 400, "invalid"},
		} {
			rec := f.do("admin", tc.method, tc.path)
			m := checkResponse(t, rec, tc.status)
			code, diag := outcomeOf(t, m)
			if code != tc.code {
				t.Errorf("%s %s: code %s, want %s", tc.method, tc.path, code, tc.code)
			}
			if strings.Contains(diag, "<script>") {
				t.Errorf("%s echoed the path", tc.path)
			}
			if tc.status == 405 && !strings.Contains(rec.Header().Get("Allow"), "GET") {
				t.Errorf("%s %s: Allow %q", tc.method, tc.path, rec.Header().Get("Allow"))
			}
		}

		// An internal failure says nothing internal, only the request id.
		f.st.Close()
		rec := f.do("admin", http.MethodGet, "/fhir/r4/Patient")
		m := checkResponse(t, rec, 500)
		code, diag := outcomeOf(t, m)
		id := rec.Header().Get("X-Request-Id")
		if code != "exception" || id == "" || !strings.Contains(diag, id) {
			t.Errorf("internal error: %s %q (request id %q)", code, diag, id)
		}
		for _, leak := range []string{"sql", "database", "closed", ".go", "/work/", "goroutine"} {
			if strings.Contains(strings.ToLower(rec.Body.String()), leak) {
				t.Errorf("internal error leaks %q: %s", leak, rec.Body)
			}
		}
	})
}

func TestAudit(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		a, b := f.clients["A"], f.clients["B"]
		read := f.do("assigned", http.MethodGet, "/fhir/r4/Patient/"+a.ID)
		f.do("unassigned", http.MethodGet, "/fhir/r4/Patient/"+a.ID)
		f.do("admin", http.MethodGet, "/fhir/r4/Patient?_id="+a.ID+","+b.ID)
		f.do("clientA", http.MethodGet, "/fhir/r4/Patient/"+a.ID+"/$everything")
		f.doToken(auth.NewSecret(), http.MethodGet, "/fhir/r4/Patient")
		f.do("disabled", http.MethodGet, "/fhir/r4/Patient")
		f.do("anonymous", http.MethodGet, "/fhir/r4/metadata")

		var clinic, anon []audit.Entry
		err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
			if clinic, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir", Limit: 100}); err != nil {
				return err
			}
			anon, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: "", Action: "fhir", Limit: 100})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		type key struct{ action, actor, client, outcome string }
		got := map[key]audit.Entry{}
		for _, e := range append(clinic, anon...) {
			got[key{e.Action, e.ActorID, e.ClientID, string(e.Outcome)}] = e
		}
		u := f.p.Users
		for _, k := range []key{
			{"fhir.patient.read", u["assigned"].ID, a.ID, "ok"},
			{"fhir.patient.read", u["unassigned"].ID, "", "denied"},
			{"fhir.patient.search", u["admin"].ID, a.ID, "ok"},
			{"fhir.patient.search", u["admin"].ID, b.ID, "ok"},
			{"fhir.patient.everything", u["clientA"].ID, a.ID, "ok"},
			{"fhir.auth.failed", "", "", "failed"},
		} {
			if _, ok := got[k]; !ok {
				t.Errorf("no audit entry %+v", k)
			}
		}
		e := got[key{"fhir.patient.read", u["assigned"].ID, a.ID, "ok"}]
		if e.RequestID != read.Header().Get("X-Request-Id") || e.ActorKind != audit.ActorStaff || e.ClinicID != f.p.Clinic.ID || e.IP == "" {
			t.Errorf("read entry: %+v", e)
		}
		if d := got[key{"fhir.patient.read", u["unassigned"].ID, "", "denied"}]; d.Detail != "out of scope" || d.ResourceID != a.ID {
			t.Errorf("denial entry: %+v", d)
		}
		disabled := 0
		for _, e := range clinic {
			if e.Action == "fhir.auth.failed" && e.Detail == "account disabled" && e.ActorKind == audit.ActorAnonymous {
				disabled++
			}
			if e.Action == "fhir.metadata.read" {
				t.Errorf("metadata is not client data and is not audited: %+v", e)
			}
		}
		if disabled != 1 {
			t.Errorf("disabled user's attempt audited %d times", disabled)
		}
		// Nothing the caller typed reaches the log.
		for _, e := range append(clinic, anon...) {
			if strings.Contains(e.Detail, marker) {
				t.Errorf("client data in the audit log: %+v", e)
			}
		}
	})
}

// TestSearchWithoutRole: a staff account with no role may not list clients,
// so its search is refused (and audited) rather than answered.
func TestSearchWithoutRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token := auth.NewSecret()
		u := store.User{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, Email: "norole@example.org", Name: "No Role", Kind: "staff", CreatedAt: f.now}
		err := f.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			return tx.CreateAPIToken(ctx, &store.APIToken{ID: auth.NewID(), UserID: u.ID, Name: "t", TokenHash: auth.HashSecret(token), CreatedAt: f.now})
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := f.doToken(token, http.MethodGet, "/fhir/r4/Patient")
		if code, _ := outcomeOf(t, checkResponse(t, rec, 403)); code != "forbidden" {
			t.Errorf("code %s", code)
		}
		rec = f.doToken(token, http.MethodGet, "/fhir/r4/Patient/"+f.clients["A"].ID)
		checkResponse(t, rec, 404)
		var entries []audit.Entry
		f.st.Read(ctx, func(tx *store.Tx) (err error) {
			entries, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, ActorID: u.ID, Outcome: "denied", Limit: 10})
			return err
		})
		if len(entries) != 2 {
			t.Errorf("denials audited: %+v", entries)
		}
	})
}

// TestRequestIDFromMiddleware: mounted in the web server, the API keeps the
// request id the middleware set, so the log, the audit and the person quote
// the same one.
func TestRequestIDFromMiddleware(t *testing.T) {
	f := newFixture(t, store.Config{DataDir: t.TempDir()})
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "0123456789abcdef")
		f.api.Handler().ServeHTTP(w, r)
	})
	req := httptest.NewRequest(http.MethodGet, "/fhir/r4/Patient/"+f.clients["A"].ID, nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["assigned"])
	rec := httptest.NewRecorder()
	outer.ServeHTTP(rec, req)
	checkResponse(t, rec, 200)
	if got := rec.Header().Get("X-Request-Id"); got != "0123456789abcdef" {
		t.Errorf("request id replaced: %q", got)
	}
	ctx := context.Background()
	var entries []audit.Entry
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		entries, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.patient.read", Limit: 10})
		return err
	})
	if len(entries) != 1 || entries[0].RequestID != "0123456789abcdef" {
		t.Errorf("audit request id: %+v", entries)
	}
}
