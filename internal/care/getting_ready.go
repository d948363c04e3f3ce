package care

import "time"

// The clock times a client gets ready by before a medicine session
// (CLINICAL.md §3), as the portal and the reminder e-mail both say them:
// fasting counted back from the session's start, by the clinic's setting,
// and no alcohol or other drugs in the 24 hours before.

// SubstanceFreeHours is how long before a session the client takes no
// alcohol or other drugs.
const SubstanceFreeHours = 24

// StopEatingAt is when the client last eats before a session that starts
// at start, for a clinic that asks fastingHours without food.
func StopEatingAt(start time.Time, fastingHours float64) time.Time {
	return start.Add(-time.Duration(fastingHours * float64(time.Hour)))
}

// SubstanceFreeFrom is when the client stops alcohol and other drugs
// before a session that starts at start.
func SubstanceFreeFrom(start time.Time) time.Time {
	return start.Add(-SubstanceFreeHours * time.Hour)
}
