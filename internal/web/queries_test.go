package web

import (
	"net/http"
	"net/url"
	"testing"

	"doorway/internal/store"
)

// TestOneVitalSignQueries counts, at the database driver, the statements
// one blood-pressure reading costs when a clinician records it on the live
// view: the whole request, from the session cookie to the redirect. The
// README's Architecture section quotes the figure.
func TestOneVitalSignQueries(t *testing.T) {
	counter := store.QueryCounter{Keep: true}
	cfg := sqliteConfig(t)
	cfg.Counter = &counter
	f := readyFixtureOn(t, cfg)
	f.dosed(t)
	f.wait(15 * 60e9)
	counter.Reset()
	r := f.post("assigned", "/vitals", url.Values{"systolic": {"132"}, "diastolic": {"84"}, "heart_rate": {"80"}, "spo2": {"98"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("vitals: %d %s", r.code, r.body)
	}
	n := counter.Count()
	t.Logf("one vital sign from the live view: %d statements", n)
	for _, q := range counter.Statements() {
		t.Log(q)
	}
	if n > maxVitalSignQueries {
		t.Errorf("one vital sign from the live view took %d statements; at most %d", n, maxVitalSignQueries)
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
