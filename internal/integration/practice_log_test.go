package integration

import (
	"testing"

	"doorway/internal/calendar"
	"doorway/internal/problem"
)

func day(s string) calendar.Day {
	if s == "" {
		return calendar.Day{}
	}
	d, err := calendar.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCheckPractice(t *testing.T) {
	today := day("2026-03-17")
	cases := []struct {
		kind, day string
		minutes   int
		field     string // "" for accepted
	}{
		{"breathing", "2026-03-17", 5, ""},
		{"nature", "2025-03-16", 600, ""}, // a year and a day back, the longest
		{"other", "2026-03-16", 1, ""},
		{"juggling", "2026-03-17", 5, "kind"},
		{"", "2026-03-17", 5, "kind"},
		{"breathing", "", 5, "day"},
		{"breathing", "2026-03-18", 5, "day"},
		{"breathing", "2025-03-15", 5, "day"},
		{"breathing", "2026-03-17", 0, "minutes"},
		{"breathing", "2026-03-17", -5, "minutes"},
		{"breathing", "2026-03-17", 601, "minutes"},
	}
	for _, c := range cases {
		err := CheckPractice(c.kind, day(c.day), today, c.minutes)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: refused: %v", c, err)
		case c.field != "" && (problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != c.field):
			t.Errorf("%+v: %v, want invalid %s", c, err, c.field)
		}
	}
}

// TestWeekOfLog: the week shown and its neighbours, on Tuesday 17 March
// 2026 (this week runs from Monday 16 March).
func TestWeekOfLog(t *testing.T) {
	today := day("2026-03-17")
	cases := []struct {
		name               string
		asked, first       string
		monday, prev, next string
	}{
		{"no log yet: this week only", "", "", "2026-03-16", "", ""},
		{"no log yet, an old week asked", "2026-01-05", "", "2026-03-16", "", ""},
		{"first log this week", "", "2026-03-16", "2026-03-16", "", ""},
		{"first log a fortnight ago", "", "2026-03-04", "2026-03-16", "2026-03-09", ""},
		{"the week before", "2026-03-11", "2026-03-04", "2026-03-09", "2026-03-02", "2026-03-16"},
		{"the first week: no earlier", "2026-03-05", "2026-03-04", "2026-03-02", "", "2026-03-09"},
		{"before the first week: held at it", "2026-02-01", "2026-03-04", "2026-03-02", "", "2026-03-09"},
		{"a future week: held at this one", "2026-04-01", "2026-03-04", "2026-03-16", "2026-03-09", ""},
		{"asked by its Sunday", "2026-03-15", "2026-03-04", "2026-03-09", "2026-03-02", "2026-03-16"},
	}
	for _, c := range cases {
		w := WeekOfLog(day(c.asked), day(c.first), today)
		if len(w.Days) != 7 || w.Days[0] != day(c.monday) || w.Days[6] != day(c.monday).AddDays(6) {
			t.Errorf("%s: days %v, want the week from %s", c.name, w.Days, c.monday)
		}
		if w.Prev != day(c.prev) || w.Next != day(c.next) {
			t.Errorf("%s: previous %s and next %s, want %q and %q", c.name, w.Prev, w.Next, c.prev, c.next)
		}
	}
}
