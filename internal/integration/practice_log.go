package integration

import (
	"doorway/internal/calendar"
	"doorway/internal/problem"
)

// The practices a client logs between sessions: what a log entry may say,
// and which week of the log a page shows.

// MaxPracticeMinutes is the most one entry holds: a long day's retreat.
const MaxPracticeMinutes = 600

// PracticeLookback is how many days back a practice may be logged.
// Catching up on last month is ordinary; a date years back is a slip of
// the keyboard, and it would stretch the log's weeks back to it.
const PracticeLookback = 366

// CheckPractice checks a practice as the client logs it, on day of the
// clinic's calendar where today is today. A wrong part is an Invalid
// problem naming it ("kind", "day", "minutes").
func CheckPractice(kind string, day, today calendar.Day, minutes int) error {
	if _, ok := PracticeKindByKey(kind); !ok {
		return problem.Invalidf("kind", "Choose what you practised from the list.")
	}
	switch {
	case day.IsZero():
		return problem.Invalidf("day", "Give the day as a date, such as %s.", today)
	case day.After(today):
		return problem.Invalidf("day", "That day has not come yet; log a practice once you have done it.")
	case day.Before(today.AddDays(-PracticeLookback)):
		return problem.Invalidf("day", "That is more than a year ago; the log keeps the past year.")
	case minutes < 1 || minutes > MaxPracticeMinutes:
		return problem.Invalidf("minutes", "Give the minutes as a number from 1 to %d.", MaxPracticeMinutes)
	}
	return nil
}

// LogWeek is the week of a practices log that a page shows.
type LogWeek struct {
	Days []calendar.Day // Monday to Sunday
	// Prev and Next are the Mondays of the weeks either side, zero where
	// the log stops: before the week of the first practice, and after this
	// week.
	Prev, Next calendar.Day
}

// WeekOfLog is the week holding asked, kept between the week of the first
// practice logged (first; zero before any, when only this week is shown)
// and the week holding today. A zero asked is this week.
func WeekOfLog(asked, first, today calendar.Day) LogWeek {
	this := Week(today)[0]
	start := this
	if !asked.IsZero() {
		start = Week(asked)[0]
	}
	earliest := this
	if !first.IsZero() && first.Before(today) {
		earliest = Week(first)[0]
	}
	if start.After(this) {
		start = this
	}
	if start.Before(earliest) {
		start = earliest
	}
	w := LogWeek{Days: Week(start)}
	if start.After(earliest) {
		w.Prev = start.AddDays(-7)
	}
	if start.Before(this) {
		w.Next = start.AddDays(7)
	}
	return w
}
