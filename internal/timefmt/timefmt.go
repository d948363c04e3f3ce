// Package timefmt writes every date and time that a page, an e-mail or a PDF
// shows, in one way: the clinic's own time zone, one date format
// ("Mon 7 Dec 2026") and the clinic's choice of clock (24-hour by default,
// or 12-hour). Views and PDFs take a Format and never call time.Format
// themselves, so a record reads the same on the screen and on paper, and an
// alert cannot show UTC beside a table in local time.
package timefmt

import (
	"time"

	"doorway/internal/calendar"
)

// The clock choices, as stored in the clinic's settings.
const (
	Clock24 = "24h"
	Clock12 = "12h"
)

// Format writes times in a clinic's zone with its clock.
type Format struct {
	Loc *time.Location
	// H12 writes "2:05 PM" rather than "14:05".
	H12 bool
}

// New is the format of a zone and a clock choice ("12h" or "24h"; anything
// else is the 24-hour default).
func New(loc *time.Location, clock string) Format {
	if loc == nil {
		loc = time.UTC
	}
	return Format{Loc: loc, H12: clock == Clock12}
}

// ValidClock reports whether s is a clock choice.
func ValidClock(s string) bool { return s == Clock12 || s == Clock24 }

func (f Format) in(t time.Time) time.Time {
	if f.Loc == nil {
		return t.UTC()
	}
	return t.In(f.Loc)
}

// The layouts, in one place.
const (
	dateLayout     = "Mon 2 Jan 2006"
	longDateLayout = "Monday 2 January 2006"
	shortLayout    = "2 Jan"
	dayLayout      = "Mon 2 Jan"
	longDayLayout  = "Monday 2 January"
	monthLayout    = "2 January 2006"
)

func (f Format) clock(sec bool) string {
	switch {
	case f.H12 && sec:
		return "3:04:05 PM"
	case f.H12:
		return "3:04 PM"
	case sec:
		return "15:04:05"
	}
	return "15:04"
}

// Date is the day of t: "Mon 7 Dec 2026".
func (f Format) Date(t time.Time) string { return f.in(t).Format(dateLayout) }

// LongDate is the day written out, for a heading: "Monday 7 December 2026".
func (f Format) LongDate(t time.Time) string { return f.in(t).Format(longDateLayout) }

// DayMonth is the day without the year, for a heading within a week:
// "Mon 7 Dec".
func (f Format) DayMonth(t time.Time) string { return f.in(t).Format(dayLayout) }

// LongDayMonth is the day written out without the year, for a letter about
// a day soon: "Monday 7 December".
func (f Format) LongDayMonth(t time.Time) string { return f.in(t).Format(longDayLayout) }

// TimeOn is the time and then its day, for a letter's "by when":
// "14:05 on Monday 7 December" or "2:05 PM on Monday 7 December".
func (f Format) TimeOn(t time.Time) string { return f.Time(t) + " on " + f.LongDayMonth(t) }

// Short is the day and month alone, for a chart's axis: "7 Dec".
func (f Format) Short(t time.Time) string { return f.in(t).Format(shortLayout) }

// Time is the time of day: "14:05" or "2:05 PM".
func (f Format) Time(t time.Time) string { return f.in(t).Format(f.clock(false)) }

// Seconds is the time of day to the second: "14:05:09".
func (f Format) Seconds(t time.Time) string { return f.in(t).Format(f.clock(true)) }

// DateTime is the day and the time: "Mon 7 Dec 2026, 14:05".
func (f Format) DateTime(t time.Time) string { return f.Date(t) + ", " + f.Time(t) }

// Zone is the zone's abbreviation at t: "PST", "PDT".
func (f Format) Zone(t time.Time) string { return f.in(t).Format("MST") }

// DateTimeZone is DateTime with the zone: "Mon 7 Dec 2026, 14:05 PST".
func (f Format) DateTimeZone(t time.Time) string { return f.DateTime(t) + " " + f.Zone(t) }

// Span is the times from one to another on a day: "10:00–13:00".
func (f Format) Span(from, to time.Time) string { return f.Time(from) + "–" + f.Time(to) }

// Day is a calendar day of the clinic (no time, no zone): "Mon 7 Dec 2026".
func (f Format) Day(d calendar.Day) string { return noon(d).Format(dateLayout) }

// LongDay is a calendar day written out: "Monday 7 December 2026".
func (f Format) LongDay(d calendar.Day) string { return noon(d).Format(longDateLayout) }

// LongDayMonthOf is a calendar day written out without the year:
// "Monday 7 December".
func (f Format) LongDayMonthOf(d calendar.Day) string { return noon(d).Format(longDayLayout) }

// Week names the days from first to last as briefly as reads well:
// "16–22 March 2026", "30 March – 5 April 2026", or with both years when
// they straddle two.
func (f Format) Week(first, last calendar.Day) string {
	from, to := noon(first), noon(last)
	switch {
	case first.Year != last.Year:
		return from.Format(monthLayout) + " – " + to.Format(monthLayout)
	case first.Month != last.Month:
		return from.Format("2 January") + " – " + to.Format(monthLayout)
	}
	return from.Format("2") + "–" + to.Format(monthLayout)
}

// noon is the day at noon UTC: a calendar day has no zone, and its name
// does not depend on one.
func noon(d calendar.Day) time.Time { return time.Date(d.Year, d.Month, d.Date, 12, 0, 0, 0, time.UTC) }
