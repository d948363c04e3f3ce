package timefmt

import (
	"testing"
	"time"

	"doorway/internal/calendar"
)

func TestFormatsInTheClinicsZoneAndClock(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	// 10:30 and 22:05 UTC on either side of the change to summer time
	// (8 March 2026, 02:00 local).
	winter := time.Date(2026, 3, 7, 22, 5, 0, 0, time.UTC)
	summer := time.Date(2026, 3, 9, 22, 5, 0, 0, time.UTC)
	tests := []struct {
		f          Format
		at         time.Time
		dt, secs   string
		zone, span string
	}{
		{New(la, ""), winter, "Sat 7 Mar 2026, 14:05", "14:05:00", "PST", "14:05–15:05"},
		{New(la, Clock24), summer, "Mon 9 Mar 2026, 15:05", "15:05:00", "PDT", "15:05–16:05"},
		{New(la, Clock12), winter, "Sat 7 Mar 2026, 2:05 PM", "2:05:00 PM", "PST", "2:05 PM–3:05 PM"},
		{New(la, Clock12), summer, "Mon 9 Mar 2026, 3:05 PM", "3:05:00 PM", "PDT", "3:05 PM–4:05 PM"},
		{New(nil, "nonsense"), winter, "Sat 7 Mar 2026, 22:05", "22:05:00", "UTC", "22:05–23:05"},
	}
	for _, tt := range tests {
		if got := tt.f.DateTime(tt.at); got != tt.dt {
			t.Errorf("DateTime(%v) = %q, want %q", tt.at, got, tt.dt)
		}
		if got := tt.f.Seconds(tt.at); got != tt.secs {
			t.Errorf("Seconds(%v) = %q, want %q", tt.at, got, tt.secs)
		}
		if got := tt.f.Zone(tt.at); got != tt.zone {
			t.Errorf("Zone(%v) = %q, want %q", tt.at, got, tt.zone)
		}
		if got := tt.f.Span(tt.at, tt.at.Add(time.Hour)); got != tt.span {
			t.Errorf("Span(%v) = %q, want %q", tt.at, got, tt.span)
		}
	}
	// Late evening UTC is still the day before in Los Angeles.
	late := time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)
	if got := New(la, "").Date(late); got != "Mon 7 Dec 2026" {
		t.Errorf("Date = %q, want the clinic's day", got)
	}
	if got := New(la, "").Day(calendar.Day{Year: 2026, Month: 12, Date: 7}); got != "Mon 7 Dec 2026" {
		t.Errorf("Day = %q", got)
	}
	if !ValidClock("12h") || !ValidClock("24h") || ValidClock("12") {
		t.Error("ValidClock accepts the wrong choices")
	}
}

func TestLettersDays(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	// 22:05 UTC on Tuesday 17 March 2026 is 15:05 in Los Angeles; 03:00 UTC
	// on Wednesday 18 March is still Tuesday evening there.
	afternoon := time.Date(2026, 3, 17, 22, 5, 0, 0, time.UTC)
	late := time.Date(2026, 3, 18, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		f    Format
		at   time.Time
		want string
	}{
		{New(la, Clock24), afternoon, "15:05 on Tuesday 17 March"},
		{New(la, Clock12), afternoon, "3:05 PM on Tuesday 17 March"},
		{New(la, Clock12), late, "8:00 PM on Tuesday 17 March"},
		{New(nil, ""), late, "03:00 on Wednesday 18 March"},
	}
	for _, tt := range tests {
		if got := tt.f.TimeOn(tt.at); got != tt.want {
			t.Errorf("TimeOn(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
	if got := New(la, "").LongDayMonthOf(calendar.Day{Year: 2026, Month: 12, Date: 7}); got != "Monday 7 December" {
		t.Errorf("LongDayMonthOf = %q", got)
	}
}

func TestWeek(t *testing.T) {
	for _, c := range []struct{ first, want string }{
		{"2026-06-15", "15–21 June 2026"},
		{"2026-03-30", "30 March – 5 April 2026"},
		{"2025-12-29", "29 December 2025 – 4 January 2026"},
	} {
		first, err := calendar.Parse(c.first)
		if err != nil {
			t.Fatal(err)
		}
		if got := New(nil, "").Week(first, first.AddDays(6)); got != c.want {
			t.Errorf("the week from %s: %q, want %q", c.first, got, c.want)
		}
	}
}
