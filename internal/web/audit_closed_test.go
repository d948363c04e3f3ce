package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// head is the audit log's newest entry.
func (f *fixture) head() audit.Head {
	f.t.Helper()
	ctx := context.Background()
	var h audit.Head
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { h, err = tx.AuditHead(ctx); return err }); err != nil {
		f.t.Fatal(err)
	}
	return h
}

// unrecordedListing are pages that show clients' names without recording a
// read even when the log works, so the test cannot hold them to it: the
// booking form lists the clients one may book for. (Left as found: it
// belongs to the schedule's pages.)
var unrecordedListing = map[string]bool{"/schedule/new": true}

// TestNoPageServedWithoutItsEntry sends every page route × every principal
// twice: once as usual, noting which requests were served (2xx) and wrote
// an audit entry, and once with the audit log refusing every entry. Then
// each of those answers 503, and no response holds client A's data: a
// read whose entry cannot be written is not served.
func TestNoPageServedWithoutItsEntry(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			f := newFixture(t, cfg)
			recorded := map[string]bool{}
			for _, rt := range f.srv.Routes() {
				if rt.Method != http.MethodGet {
					continue
				}
				for _, p := range principals {
					before := f.head()
					rec := f.do(p, rt.Method, f.pathFor(rt.Pattern), nil)
					if rec.Code/100 == 2 && f.head() != before {
						recorded[rt.Pattern+" "+p] = true
					}
				}
			}
			if len(recorded) < 40 {
				t.Fatalf("only %d recorded reads: the routes were not reached", len(recorded))
			}
			storetest.RefuseAudit(t, cfg)
			refused := 0
			for _, rt := range f.srv.Routes() {
				if rt.Method != http.MethodGet {
					continue
				}
				for _, p := range principals {
					rec := f.do(p, rt.Method, f.pathFor(rt.Pattern), nil)
					key := rt.Pattern + " " + p
					if recorded[key] {
						refused++
						if rec.Code != http.StatusServiceUnavailable {
							t.Errorf("%s: %d with the audit log refusing, want 503", key, rec.Code)
						}
					}
					if strings.Contains(rec.Body.String(), marker) && !unrecordedListing[rt.Pattern] {
						t.Errorf("%s: %d, client A's data served with the audit log refusing", key, rec.Code)
					}
				}
			}
			t.Logf("%d recorded page reads; with the audit log refusing, %d answered 503", len(recorded), refused)
		})
	}
}

// TestDenialOfAnyIDIsRecorded: a refused request for an id the log cannot
// hold as it is (far too long, a newline that would forge a line in an
// export, bytes that are not UTF-8) is still recorded, and answered with
// the plain 404. Where the log keeps the id asked for (an instrument of the
// portal), it is cut or escaped; a client id not spelt as ids are is
// recorded as "malformed id".
func TestDenialOfAnyIDIsRecorded(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Config(t))
			ctx := context.Background()
			for _, id := range []string{strings.Repeat("x", 1000), "abc%0Aforged%20line", "%FF%00"} {
				for _, req := range []struct{ who, method, path, clinic string }{
					{"unassigned", http.MethodGet, "/clients/" + id, f.clinic.ID},
					{"clientA", http.MethodPost, "/portal/measures/" + id, f.clinic.ID},
				} {
					before := f.head()
					var form url.Values
					if req.method == http.MethodPost {
						form = url.Values{}
					}
					if rec := f.do(req.who, req.method, req.path, form); rec.Code != http.StatusNotFound {
						t.Errorf("%s %.40s…: %d, want 404", req.method, req.path, rec.Code)
					}
					var es []audit.Entry
					f.st.Read(ctx, func(tx *store.Tx) (err error) {
						es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: req.clinic, Action: "access.denied", Limit: 1})
						return err
					})
					if f.head().Seq != before.Seq+1 || len(es) != 1 || es[0].ActorID != f.users[req.who].ID {
						t.Fatalf("%s %.40s…: the denial was not recorded (%+v)", req.method, req.path, es)
					}
					got := es[0].ResourceID
					fitted := strings.HasPrefix(got, "xxx") && strings.HasSuffix(got, "…") || strings.HasPrefix(got, `"`)
					if len(got) > 200 || strings.ContainsAny(got, "\n\x00") || (got == "") != (es[0].Detail == "malformed id") || (got != "" && !fitted) {
						t.Errorf("%s %.40s…: recorded id %q (%s)", req.method, req.path, got, es[0].Detail)
					}
				}
			}
		})
	}
}

// TestOddIDsAreNotServerErrors sends every page route with a wildcard, as
// a therapist, an admin and a client, with an id of bytes that are not
// UTF-8 and a NUL: PostgreSQL refuses to compare such text, so a page that
// queries with it before checking its spelling answers 500. None may.
func TestOddIDsAreNotServerErrors(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Config(t))
			wildcard := regexp.MustCompile(`\{[a-z]+\}`)
			for _, rt := range f.srv.Routes() {
				if rt.Method != http.MethodGet || !wildcard.MatchString(rt.Pattern) {
					continue
				}
				path := wildcard.ReplaceAllString(strings.TrimSuffix(rt.Pattern, "{$}"), "%FF%00")
				for _, p := range []string{"assigned", "admin", "clientA"} {
					if rec := f.do(p, http.MethodGet, path, nil); rec.Code >= 500 {
						t.Errorf("%s as %s: %d", path, p, rec.Code)
					}
				}
			}
		})
	}
}
