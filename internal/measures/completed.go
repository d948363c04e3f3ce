package measures

import (
	"time"

	"doorway/internal/calendar"
	"doorway/internal/problem"
)

// When a response may say it was completed. A course's figures start from
// its first score (the baseline), so a response dated before the course
// began, or one dated in the future, would change what every later score
// is compared with: a paper form dated 1999 would become the baseline.
//
// Window is where a response's completion time must fall.
type Window struct {
	// CourseStart is when the course the response belongs to began; the
	// whole of that day in the clinic's calendar is in the window, since
	// a paper form carries a day, not an hour. Zero when the client has
	// no course.
	CourseStart time.Time
	// Asked is when what a client answers themself was asked for (an
	// assignment made, a scheduled occasion opened): their own answers
	// cannot be dated before it. Zero for a clinician's entry.
	Asked time.Time
	// Loc is the clinic's time zone.
	Loc *time.Location
}

// Check refuses a completion time outside the window at now, saying why;
// the problem names the field "at".
func (w Window) Check(at, now time.Time) error {
	if at.After(now) {
		return problem.Invalidf("at", "That is in the future: a questionnaire is recorded as completed on or before today.")
	}
	if !w.CourseStart.IsZero() && calendar.Of(at, w.Loc).Before(calendar.Of(w.CourseStart, w.Loc)) {
		return problem.Invalidf("at", "That is before the client's course began, on %s: a questionnaire is recorded within the course it belongs to.",
			calendar.Of(w.CourseStart, w.Loc))
	}
	if !w.Asked.IsZero() && at.Before(w.Asked) {
		return problem.Invalidf("at", "That is before this questionnaire was asked for, on %s.", calendar.Of(w.Asked, w.Loc))
	}
	return nil
}
