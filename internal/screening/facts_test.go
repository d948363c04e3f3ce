package screening

import (
	"strings"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAge(t *testing.T) {
	tests := []struct {
		name    string
		dob, on time.Time
		want    int
	}{
		{"on the 65th birthday", date(1961, 3, 1), date(2026, 3, 1), 65},
		{"the day before it", date(1961, 3, 2), date(2026, 3, 1), 64},
		{"later month", date(1961, 4, 1), date(2026, 3, 1), 64},
		{"earlier month", date(1961, 2, 1), date(2026, 3, 1), 65},
		// Born 29 Feb: 2025 has no 29 Feb, so the birthday counts on 1 Mar.
		{"leap birthday, 28 Feb of a common year", date(1960, 2, 29), date(2025, 2, 28), 64},
		{"leap birthday, 1 Mar of a common year", date(1960, 2, 29), date(2025, 3, 1), 65},
		{"leap birthday, 29 Feb of a leap year", date(1960, 2, 29), date(2024, 2, 29), 64},
	}
	for _, tt := range tests {
		if got := Age(tt.dob, tt.on); got != tt.want {
			t.Errorf("%s: Age = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestFactsAgeUnknown(t *testing.T) {
	for _, f := range []Facts{
		{AsOf: date(2026, 1, 1)},
		{DateOfBirth: date(1990, 1, 1)},
		{DateOfBirth: date(2027, 1, 1), AsOf: date(2026, 1, 1)}, // born after the screening: a typo
	} {
		if _, ok := f.Age(); ok {
			t.Errorf("Age known for %+v", f)
		}
	}
}

func TestBMI(t *testing.T) {
	tests := []struct {
		h, w *float64
		want float64
		ok   bool
	}{
		{new(200.0), new(140.0), 35, true},    // 140 / 2.0² = 35
		{new(164.0), new(98.0), 36.437, true}, // 98 / 1.64² = 98 / 2.6896 = 36.437
		{new(170.0), new(70.0), 24.221, true}, // 70 / 2.89 = 24.221
		{nil, new(70.0), 0, false},            // height unknown
		{new(170.0), nil, 0, false},           // weight unknown
		{new(0.0), new(70.0), 0, false},       // a zero height is not a height
		{new(170.0), new(-1.0), 0, false},     // nor a negative weight
	}
	for _, tt := range tests {
		got, ok := Facts{HeightCM: tt.h, WeightKG: tt.w}.BMI()
		if ok != tt.ok || roundMG(got) != tt.want {
			t.Errorf("BMI(%v, %v) = %v, %v; want %v, %v", tt.h, tt.w, roundMG(got), ok, tt.want, tt.ok)
		}
	}
}

func TestBPAbove(t *testing.T) {
	limit := BP{180, 100}
	tests := []struct {
		bp   BP
		want bool
	}{
		{BP{180, 100}, false}, // equal is not above
		{BP{181, 100}, true},
		{BP{180, 101}, true},
		{BP{150, 101}, true}, // diastolic alone is enough
		{BP{179, 99}, false},
	}
	for _, tt := range tests {
		if got := tt.bp.Above(limit); got != tt.want {
			t.Errorf("%s above %s = %v, want %v", tt.bp, limit, got, tt.want)
		}
	}
}

func TestDateOrMonth(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		latest string
		text   string
	}{
		{"2026-01-20", true, "2026-01-20", "20 Jan 2026"},
		{" 2026-01 ", true, "2026-01-31", "Jan 2026"},
		{"2026-02", true, "2026-02-28", "Feb 2026"},
		{"2028-02", true, "2028-02-29", "Feb 2028"}, // a leap year
		{"2025-12", true, "2025-12-31", "Dec 2025"},
		{"2026-13", false, "", ""},
		{"2026-02-30", false, "", ""},
		{"Jan 2026", false, "", ""},
		{"", false, "", ""},
	}
	for _, tt := range tests {
		d, ok := ParseDateOrMonth(tt.in)
		if ok != tt.ok {
			t.Errorf("ParseDateOrMonth(%q) ok = %v", tt.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if d.Latest().String() != tt.latest || d.text() != tt.text || d.String() != strings.TrimSpace(tt.in) {
			t.Errorf("%q: latest %s, text %q, string %q", tt.in, d.Latest(), d.text(), d.String())
		}
	}
}
