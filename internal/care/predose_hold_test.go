package care

import (
	"testing"
	"time"

	"doorway/internal/screening"
)

// TestAboveHoldLine: only a reading above the hold line (default 180/100)
// holds the session; one below it, however old, does not.
func TestAboveHoldLine(t *testing.T) {
	s := DefaultSettings()
	now := time.Date(2026, 6, 17, 17, 30, 0, 0, time.UTC)
	reading := func(sys, dia int, ago time.Duration) *PreDose {
		return &PreDose{Vitals: &Vitals{BP: screening.BP{Systolic: sys, Diastolic: dia}, At: now.Add(-ago)}}
	}
	for _, c := range []struct {
		name string
		p    *PreDose
		want bool
	}{
		{"no reading", nil, false},
		{"at the line, 180/100, is not above it", reading(180, 100, time.Minute), false},
		{"181/100 is above", reading(181, 100, time.Minute), true},
		{"180/101 is above", reading(180, 101, time.Minute), true},
		{"above the line and three hours old still holds", reading(190, 105, 3*time.Hour), true},
		{"150/95 two hours old is stale, not a hold", reading(150, 95, 2*time.Hour), false},
	} {
		if got := AboveHoldLine(c.p, s); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
