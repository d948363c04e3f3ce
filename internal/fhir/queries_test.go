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
	counter := store.QueryCounter{Keep: true}
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
	for _, q := range counter.Statements() {
		t.Log(q)
	}
	if n > maxVitalSignQueries {
		t.Errorf("one vital sign through FHIR took %d statements; at most %d", n, maxVitalSignQueries)
	}
}

// maxVitalSignQueries is what recording one reading may cost: the same on
// both doors, since both call the one use case. It was 48 from the live
// view, which reloaded the whole session record inside its write, and 14
// through the API, before the use cases moved into internal/practice; then
// 14 on both, until the use case claimed the session in one statement
// instead of reading it, claiming it and reading it again: 4 for the
// request's session or token, and 6 in the use case (the client, the care
// team, the claim, the reading, the audit head and the entry).
const maxVitalSignQueries = 10
