package calendar

import (
	"testing"
	"time"
)

func la(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestOfIsTheClinicsDay(t *testing.T) {
	loc := la(t)
	for _, c := range []struct {
		utc  string
		want string
	}{
		// 07:59 UTC on 8 Dec is 23:59 on 7 Dec in Los Angeles (UTC-8).
		{"2026-12-08T07:59:00Z", "2026-12-07"},
		{"2026-12-08T08:00:00Z", "2026-12-08"},
		// Summer time (UTC-7): midnight is 07:00 UTC.
		{"2026-06-10T06:59:59Z", "2026-06-09"},
		{"2026-06-10T07:00:00Z", "2026-06-10"},
	} {
		at, _ := time.Parse(time.RFC3339, c.utc)
		if got := Of(at, loc).String(); got != c.want {
			t.Errorf("Of(%s) = %s, want %s", c.utc, got, c.want)
		}
	}
}

func TestParseAndString(t *testing.T) {
	d, err := Parse("2026-03-08")
	if err != nil || d != (Day{2026, time.March, 8}) || d.String() != "2026-03-08" {
		t.Fatalf("Parse: %v %v", d, err)
	}
	for _, bad := range []string{"", "2026-3-8", "08/03/2026", "2026-02-30", "2026-03-08T10:00"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if (Day{}).String() != "" || !(Day{}).IsZero() {
		t.Error("the zero day")
	}
}

func TestDayArithmeticCountsCalendarDays(t *testing.T) {
	d := Day{2026, time.March, 1}
	// Across the spring-forward change (8 March 2026 in the US) a day is
	// still one day, though it has 23 hours in Los Angeles.
	if got := d.AddDays(14); got != (Day{2026, time.March, 15}) {
		t.Errorf("AddDays(14) = %v", got)
	}
	if got := d.DaysUntil(Day{2026, time.March, 15}); got != 14 {
		t.Errorf("DaysUntil = %d, want 14", got)
	}
	if got := (Day{2026, time.March, 15}).DaysUntil(d); got != -14 {
		t.Errorf("DaysUntil backwards = %d, want -14", got)
	}
	if got := (Day{2026, time.December, 31}).AddDays(1); got != (Day{2027, time.January, 1}) {
		t.Errorf("year end: %v", got)
	}
	if got := (Day{2028, time.February, 28}).AddDays(1); got != (Day{2028, time.February, 29}) {
		t.Errorf("leap day: %v", got)
	}
	a, b := Day{2026, time.March, 8}, Day{2026, time.March, 9}
	if !a.Before(b) || !b.After(a) || a.Compare(a) != 0 || a.After(b) {
		t.Error("Compare")
	}
}

func TestStartAndNoonOnDaylightSavingDays(t *testing.T) {
	loc := la(t)
	spring, autumn := Day{2026, time.March, 8}, Day{2026, time.November, 1}
	// Midnight exists on both change days in the US (the change is at 02:00).
	if got := spring.Start(loc).UTC().Format(time.RFC3339); got != "2026-03-08T08:00:00Z" {
		t.Errorf("spring start = %s", got)
	}
	// Noon is after the spring change: UTC-7.
	if got := spring.Noon(loc).UTC().Format(time.RFC3339); got != "2026-03-08T19:00:00Z" {
		t.Errorf("spring noon = %s", got)
	}
	// Noon is after the autumn change: UTC-8.
	if got := autumn.Noon(loc).UTC().Format(time.RFC3339); got != "2026-11-01T20:00:00Z" {
		t.Errorf("autumn noon = %s", got)
	}
	// A zone whose change skips midnight itself (Santiago, 6 Sep 2026 00:00 -> 01:00).
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	d := Day{2026, time.September, 6}
	if s := d.Start(scl); Of(s, scl) != d || s.In(scl).Hour() != 1 {
		t.Errorf("Santiago start = %s", s.In(scl))
	}
}

func TestAtNeverPlacesTodayInTheFuture(t *testing.T) {
	loc := la(t)
	at := func(local string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		day, now, want string // want in clinic time
	}{
		// Today, before noon: the time it is written.
		{"2026-12-07", "2026-12-07 00:30", "2026-12-07 00:30"},
		{"2026-12-07", "2026-12-07 10:59", "2026-12-07 10:59"},
		{"2026-12-07", "2026-12-07 11:01", "2026-12-07 11:01"},
		// Today, after noon, and any earlier day: noon.
		{"2026-12-07", "2026-12-07 23:30", "2026-12-07 12:00"},
		{"2026-12-06", "2026-12-07 00:30", "2026-12-06 12:00"},
		// The spring-forward day: noon is 12:00 summer time.
		{"2026-03-08", "2026-03-08 10:59", "2026-03-08 10:59"},
		{"2026-03-08", "2026-03-08 23:30", "2026-03-08 12:00"},
		{"2026-03-07", "2026-03-08 00:30", "2026-03-07 12:00"},
	} {
		d, _ := Parse(c.day)
		got := d.At(at(c.now), loc)
		if got.Location() != time.UTC {
			t.Errorf("At returns %s, not UTC", got.Location())
		}
		if s := got.In(loc).Format("2006-01-02 15:04"); s != c.want {
			t.Errorf("day %s at %s: %s, want %s", c.day, c.now, s, c.want)
		}
		if Of(got, loc) != d {
			t.Errorf("day %s at %s moved to %s", c.day, c.now, Of(got, loc))
		}
	}
}

func TestAddMonthsKeepsToTheMonth(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-10", 1, "2026-03-10"},
		// 31 Jan + 1 month: February has 28 days in 2026, 29 in 2028.
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-05-31", 12, "2027-05-31"},
	} {
		d, _ := Parse(c.from)
		if got := d.AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestWeekdayAndFormat(t *testing.T) {
	// 8 March 2026 is a Sunday (the US spring-forward day); 18 March a Wednesday.
	d := Day{2026, time.March, 8}
	if d.Weekday() != time.Sunday || d.Format("Mon 2 Jan 2006") != "Sun 8 Mar 2026" {
		t.Errorf("%v: %s, %q", d, d.Weekday(), d.Format("Mon 2 Jan 2006"))
	}
	if got := (Day{2026, time.March, 18}).Format("Mon 2 Jan"); got != "Wed 18 Mar" {
		t.Errorf("Format = %q", got)
	}
}
