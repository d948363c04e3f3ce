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
