package care

import (
	"fmt"
	"time"

	"doorway/internal/calendar"
)

// Days in gates are the clinic's calendar days (CLINICAL.md §3): "within 14
// days" and an approval's expiry count dates on the clinic's wall calendar,
// not 24-hour spans, so neither the hour of the day nor a daylight-saving
// change moves them, and the reasons name the days they counted.

// loc is the clinic's time zone, UTC when none is set.
func (s Settings) loc() *time.Location {
	if s.Time.Loc == nil {
		return time.UTC
	}
	return s.Time.Loc
}

// dayOf is the clinic's calendar day that t falls on.
func (s Settings) dayOf(t time.Time) calendar.Day { return calendar.Of(t, s.loc()) }

// clock is t's time of day on the clinic's clock: "09:05", or "9:05 AM".
func (s Settings) clock(t time.Time) string { return s.Time.Time(t) }

// dayText names a day as the gates' reasons do: "Mon 2 Mar", with the year
// when it is not the year of today: "Thu 11 Sep 2025".
func dayText(d, today calendar.Day) string {
	if d.Year == today.Year {
		return d.Format("Mon 2 Jan")
	}
	return d.Format("Mon 2 Jan 2006")
}

// daysWord is "1 day" or "16 days".
func daysWord(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
