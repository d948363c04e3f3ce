package calendar

import "testing"

func TestMondayStartsTheWeek(t *testing.T) {
	for _, c := range []struct{ day, want string }{
		{"2026-03-02", "2026-03-02"}, // a Monday is its own week's start
		{"2026-03-04", "2026-03-02"},
		{"2026-03-08", "2026-03-02"}, // Sunday ends the week (and is the US spring-forward day)
		{"2026-03-09", "2026-03-09"},
		{"2027-01-01", "2026-12-28"}, // a week across the new year
	} {
		d, err := Parse(c.day)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Monday().String(); got != c.want {
			t.Errorf("%s: Monday = %s, want %s", c.day, got, c.want)
		}
	}
}
