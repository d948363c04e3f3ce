package store_test

import (
	"testing"
	"time"

	"doorway/internal/store"
)

// TestClinicLocation: a clinic's zone is loaded once and the same Location
// handed out after, the zone it names (Los Angeles is 8 hours behind UTC
// in January); a zone that cannot be loaded is UTC.
func TestClinicLocation(t *testing.T) {
	c := store.Clinic{TimeZone: "America/Los_Angeles"}
	first, again := c.Location(), c.Location()
	if first != again {
		t.Error("the zone was loaded again")
	}
	if _, offset := time.Date(2026, 1, 15, 12, 0, 0, 0, first).Zone(); offset != -8*3600 {
		t.Errorf("%s is %d s from UTC in January", first, offset)
	}
	if got := (store.Clinic{TimeZone: "Nowhere/Atlantis"}).Location(); got != time.UTC {
		t.Errorf("an unknown zone gave %s", got)
	}
}
