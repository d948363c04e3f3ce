package fhir

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestAuthBogusTokenFlood: one loop sending 1,000 made-up tokens. The
// first MaxAPIFailuresPerIP are answered 401 and counted; the rest 429 with
// Retry-After, from a read, writing nothing; the audit log gains one entry
// for all of them until the hour is over. A right token from the same
// address is answered meanwhile.
func TestAuthBogusTokenFlood(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			counter := &store.QueryCounter{Keep: true}
			cfg := e.Config(t)
			cfg.Counter = counter
			f := newFixture(t, cfg)
			head := f.head(t)
			unauthorized, throttled, refusedWrites := 0, 0, 0
			for range 1000 {
				counter.Reset()
				rec := f.doToken(auth.NewSecret(), http.MethodGet, "/fhir/r4/Patient")
				switch rec.Code {
				case http.StatusUnauthorized:
					unauthorized++
				case http.StatusTooManyRequests:
					throttled++
					if rec.Header().Get("Retry-After") != "3600" || !strings.Contains(rec.Body.String(), `"code":"throttled"`) {
						t.Fatalf("429: %s %s", rec.Header().Get("Retry-After"), rec.Body)
					}
					for _, q := range counter.Statements() {
						if !strings.HasPrefix(q, "SELECT") {
							refusedWrites++
						}
					}
				default:
					t.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
			entries := f.head(t).Seq - head.Seq
			t.Logf("%s: 1,000 made-up tokens from one address: %d answered 401, %d answered 429; %d audit entries; %d writes for the 429s",
				e.Name, unauthorized, throttled, entries, refusedWrites)
			if unauthorized != practice.MaxAPIFailuresPerIP || refusedWrites != 0 || entries != 1 {
				t.Errorf("want %d answered 401, no writes for the rest, one entry", practice.MaxAPIFailuresPerIP)
			}
			f.get(t, "assigned", "/fhir/r4/Patient/"+f.clients["A"].ID, 200)
			// The hour over: the summary, and the next hour's first failure.
			f.now = f.now.Add(time.Hour)
			f.doToken(auth.NewSecret(), http.MethodGet, "/fhir/r4/Patient")
			if n := f.head(t).Seq - head.Seq; n != 4 { // and the therapist's read
				t.Errorf("%d entries after the hour, want 4", n)
			}
		})
	}
}
