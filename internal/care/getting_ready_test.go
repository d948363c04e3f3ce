package care

import (
	"testing"
	"time"
)

// TestGettingReadyClockTimes: a 10:00 session with 4 hours' fasting means
// no food from 06:00; with 6.5 hours, from 03:30; no alcohol from 10:00 the
// day before. Across the spring-forward night (2026-03-08 in Los Angeles)
// the hours are real hours: a 09:00 session after the change is 24 hours
// after 08:00 the day before.
func TestGettingReadyClockTimes(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 17, 10, 0, 0, 0, la)
	for _, c := range []struct {
		hours float64
		want  string
	}{{4, "06:00"}, {6.5, "03:30"}, {0, "10:00"}} {
		if got := StopEatingAt(start, c.hours).In(la).Format("15:04"); got != c.want {
			t.Errorf("%v hours' fasting: stop eating at %s, want %s", c.hours, got, c.want)
		}
	}
	if got := SubstanceFreeFrom(start).In(la).Format("Mon 15:04"); got != "Mon 10:00" {
		t.Errorf("substance-free from %s, want Mon 10:00", got)
	}
	dst := time.Date(2026, 3, 8, 9, 0, 0, 0, la)
	if got := SubstanceFreeFrom(dst).In(la).Format("Jan 2 15:04"); got != "Mar 7 08:00" {
		t.Errorf("across the change: %s, want Mar 7 08:00", got)
	}
}
