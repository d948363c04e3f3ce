package measures

import (
	"testing"
	"time"

	"doorway/internal/problem"
)

func TestWindowCheck(t *testing.T) {
	loc, _ := time.LoadLocation("America/Los_Angeles")
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			panic(err)
		}
		return t.UTC()
	}
	now := at("2026-06-17 10:30")
	// The course began on the day the clocks went forward, at 09:00.
	w := Window{CourseStart: at("2026-03-08 09:00"), Loc: loc}
	client := Window{CourseStart: w.CourseStart, Asked: at("2026-06-10 08:00"), Loc: loc}
	for _, tc := range []struct {
		name string
		w    Window
		at   time.Time
		ok   bool
	}{
		{"now", w, now, true},
		{"a minute ahead", w, now.Add(time.Minute), false},
		{"1999", w, at("1999-03-02 12:00"), false},
		{"the evening before the course", w, at("2026-03-07 23:59"), false},
		{"the course's first day, before it began", w, at("2026-03-08 00:30"), true},
		{"no course", Window{Loc: loc}, at("1999-03-02 12:00"), true},
		{"a client's, before it was asked for", client, at("2026-06-10 07:59"), false},
		{"a client's, once asked", client, at("2026-06-10 08:00"), true},
	} {
		err := tc.w.Check(tc.at, now)
		if (err == nil) != tc.ok || (err != nil && problem.FieldOf(err) != "at") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
