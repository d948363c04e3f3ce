package fhir

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// head is the audit log's newest entry.
func (f *fixture) head(t *testing.T) audit.Head {
	t.Helper()
	var h audit.Head
	if err := f.st.Read(t.Context(), func(tx *store.Tx) (err error) { h, err = tx.AuditHead(t.Context()); return err }); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestNoResourceServedWithoutItsEntry sends every read and search of the
// API × every principal twice: as usual, noting which were served and
// recorded, and with the audit log refusing every entry. Then each of
// those answers 503 with an OperationOutcome and nothing of the record;
// and a failed authentication that cannot be recorded answers 503 too.
func TestNoResourceServedWithoutItsEntry(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			f := newFixture(t, cfg)
			f.seedResponses()
			f.seedPreparation()
			f.seedDosing()
			f.seedMedicineSessions()
			recorded := map[string]bool{}
			pass := func(check func(key string, rec int, body string)) {
				for _, rt := range f.api.Routes() {
					if rt.Method != http.MethodGet {
						continue
					}
					for _, p := range principals {
						path := f.pathFor(rt.Pattern)
						if !strings.Contains(rt.Pattern, "{id}") && !strings.HasSuffix(rt.Pattern, "/metadata") {
							path += "?patient=" + f.clients["A"].ID
						}
						rec := f.do(p, rt.Method, path)
						check(rt.Pattern+" "+p, rec.Code, rec.Body.String())
					}
				}
			}
			before := f.head(t)
			pass(func(key string, code int, _ string) {
				if after := f.head(t); code == http.StatusOK && after != before {
					recorded[key] = true
				}
				before = f.head(t)
			})
			if len(recorded) < 50 {
				t.Fatalf("only %d recorded reads: the routes were not reached", len(recorded))
			}
			storetest.RefuseAudit(t, cfg)
			refused := 0
			pass(func(key string, code int, body string) {
				if recorded[key] {
					refused++
					if code != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"transient"`) {
						t.Errorf("%s: %d with the audit log refusing, want 503", key, code)
					}
				}
				if strings.Contains(body, marker) {
					t.Errorf("%s: %d, client A's data served with the audit log refusing", key, code)
				}
			})
			// An hour on, the first failed authentication of the address's
			// window is an entry of its own, which cannot be written.
			f.now = f.now.Add(time.Hour)
			if rec := f.doToken(auth.NewSecret(), http.MethodGet, "/fhir/r4/Patient"); rec.Code != http.StatusServiceUnavailable {
				t.Errorf("a failed authentication that cannot be recorded: %d, want 503", rec.Code)
			}
			t.Logf("%d recorded API reads and searches; with the audit log refusing, %d answered 503", len(recorded), refused)
		})
	}
}
