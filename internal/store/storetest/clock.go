package storetest

import (
	"testing"
	"time"
)

// The suite must pass at any hour, on any day, in any time zone, so tests
// that involve "today" never read the machine's clock: they run at a fixed
// moment of the test clinic's calendar (America/Los_Angeles, as Practice's
// clinic and the demo's).

// ClinicZone is the zone of Practice's clinic.
const ClinicZone = "America/Los_Angeles"

// Now is the moment fixtures run at unless a test chooses another: a
// Wednesday morning in June, 10:30 clinic time.
var Now = At("2026-06-17 10:30")

// At is a clinic-time moment written as "2006-01-02 15:04", in UTC.
func At(local string) time.Time {
	loc, err := time.LoadLocation(ClinicZone)
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// Clocks are the moments a test about "today" runs at: just after midnight,
// either side of 11:00 (an hour before noon, where a day's noon stops being
// in the future), and late evening; on an ordinary day and on both of the
// year's daylight-saving changes in the clinic's zone.
var Clocks = func() []time.Time {
	var out []time.Time
	for _, day := range []string{"2026-06-17", "2026-03-08", "2026-11-01"} {
		for _, hm := range []string{"00:30", "10:59", "11:01", "23:30"} {
			out = append(out, At(day+" "+hm))
		}
	}
	return out
}()

// ClockName names a clock for a subtest: "2026-03-08_10:59".
func ClockName(t time.Time) string {
	loc, _ := time.LoadLocation(ClinicZone)
	return t.In(loc).Format("2006-01-02_15:04")
}

// EachClock runs fn once per clock of Clocks.
func EachClock(t *testing.T, fn func(t *testing.T, now time.Time)) {
	for _, now := range Clocks {
		t.Run(ClockName(now), func(t *testing.T) { fn(t, now) })
	}
}
