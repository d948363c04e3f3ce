package fhir

import (
	"net/http"
	"testing"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestOneVitalSignQueries counts, at the database driver, the statements
// one blood-pressure reading costs through POST /Observation: the whole
// request, from the bearer token to the response. The README's
// Architecture section quotes the figure beside the live view's.
func TestOneVitalSignQueries(t *testing.T) {
	var counter store.QueryCounter
	cfg := storetest.Engines(t)[0].Config(t)
	cfg.Counter = &counter
	f := newFixture(t, cfg)
	f.seedMedicineSessions()
	a := f.clients["A"]
	live := f.sessions.encounter(f.sessions.liveAppt, a)
	// A first reading marks the token used, which is written at most once a
	// minute; the second is the one counted.
	if rec := f.post("assigned", "/fhir/r4/Observation", vitalBody("85354-9", a.ID, live)); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	counter.Reset()
	rec := f.post("assigned", "/fhir/r4/Observation", vitalBody("85354-9", a.ID, live))
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	n := counter.Count()
	t.Logf("one vital sign through FHIR: %d statements", n)
	if n > maxVitalSignQueries {
		t.Errorf("one vital sign through FHIR took %d statements; at most %d", n, maxVitalSignQueries)
	}
}

// maxVitalSignQueries is what recording one reading may cost.
const maxVitalSignQueries = 1000
