// Package calendar holds the clinic's days: a date on the clinic's wall
// calendar, with no hour and no zone, and the few ways such a day meets an
// instant. A note "for Tuesday", a paper form dated on its page, "baseline
// within 14 days": each is about a calendar day in the clinic's time zone,
// not about 24-hour spans of UTC, and a daylight-saving change must not move
// it. It is pure.
package calendar

import (
	"fmt"
	"time"
)

// Day is one calendar date. The zero Day is not a date.
type Day struct {
	Year  int
	Month time.Month
	Date  int
}

// Layout is how a Day is written in forms, URLs and the database.
const Layout = time.DateOnly

// Of is the day an instant falls on in loc.
func Of(t time.Time, loc *time.Location) Day {
	y, m, d := t.In(loc).Date()
	return Day{y, m, d}
}

// Parse reads a day written as 2006-01-02.
func Parse(s string) (Day, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Day{}, fmt.Errorf("calendar: %q is not a date written as YYYY-MM-DD", s)
	}
	return Of(t, time.UTC), nil
}

// IsZero reports whether d is the zero Day.
func (d Day) IsZero() bool { return d == Day{} }

// String writes the day as 2006-01-02.
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Date)
}

// utc is the day at midnight UTC: the one zone where every day has 24 hours,
// so day arithmetic there is exact.
func (d Day) utc() time.Time { return time.Date(d.Year, d.Month, d.Date, 0, 0, 0, 0, time.UTC) }

// AddDays is the day n days later (earlier for negative n).
func (d Day) AddDays(n int) Day { return Of(d.utc().AddDate(0, 0, n), time.UTC) }

// DaysUntil counts the calendar days from d to e: 1 from a Monday to the
// Tuesday after it, whatever the hours between them.
func (d Day) DaysUntil(e Day) int { return int(e.utc().Sub(d.utc()) / (24 * time.Hour)) }

// AddMonths is the same date n months later (earlier for negative n). When
// that month is shorter, it is the month's last day: one month after 31 Jan
// is 28 Feb (29 in a leap year), never a day of March, so "within a month"
// never reaches into the month after the next.
func (d Day) AddMonths(n int) Day {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Day{first.Year(), first.Month(), min(d.Date, last)}
}

// Weekday is the day of the week d falls on.
func (d Day) Weekday() time.Weekday { return d.utc().Weekday() }

// Format writes the day with a time layout that uses only date parts, such
// as "Mon 2 Jan 2006".
func (d Day) Format(layout string) string { return d.utc().Format(layout) }

// Compare is -1, 0 or +1 as d is before, the same as or after e.
func (d Day) Compare(e Day) int { return d.utc().Compare(e.utc()) }

// Before reports whether d comes before e.
func (d Day) Before(e Day) bool { return d.Compare(e) < 0 }

// After reports whether d comes after e.
func (d Day) After(e Day) bool { return d.Compare(e) > 0 }

// Start is the first instant of the day in loc. On a day whose midnight is
// skipped by a daylight-saving change it is the first instant that exists.
func (d Day) Start(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Date, 0, 0, 0, 0, loc)
	if Of(t, loc) != d { // midnight did not exist; time.Date moved it back a day
		t = time.Date(d.Year, d.Month, d.Date, 1, 0, 0, 0, loc)
	}
	return t
}

// Noon is twelve o'clock of the day in loc: the hour at which something
// known only by its day is placed, since noon stays on its day in loc
// whatever the daylight-saving rules do.
func (d Day) Noon(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Date, 12, 0, 0, 0, loc)
}

// At is the instant to record for something that happened on day d when it
// is written down at now: noon of that day, or now itself when d is today
// and noon has not come yet (a morning session written up before noon is
// not in the future). Callers refuse a day after today first.
func (d Day) At(now time.Time, loc *time.Location) time.Time {
	noon := d.Noon(loc)
	if noon.After(now) {
		return now.UTC()
	}
	return noon.UTC()
}
