package care

import "time"

// DayOfGates works out only the day-of checks, for a change that judges the
// day's reading (a pre-dose blood pressure above the hold line holds the
// session) without the course's facts.
func DayOfGates(in GateInput, s Settings, now time.Time) []Gate {
	return dayOfGates(in, s.withDefaults(), now)
}
