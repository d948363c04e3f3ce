package session_test

import (
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/timefmt"
)

// mustFail checks that err is a problem with the given code and field.
func mustFail(t *testing.T, err error, code problem.Code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s on %q", code, field)
	}
	if got := problem.CodeOf(err); got != code {
		t.Fatalf("code = %s, want %s (%v)", got, code, err)
	}
	if got := problem.FieldOf(err); got != field {
		t.Fatalf("field = %q, want %q (%v)", got, field, err)
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// dose is 10:00 UTC on an ordinary day; at(m) is m minutes after it.
var dose = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)

// clock24 and clock12 write times in UTC, the zone of dose, on each clock.
var (
	clock24 = timefmt.New(time.UTC, timefmt.Clock24)
	clock12 = timefmt.New(time.UTC, timefmt.Clock12)
)

func at(minutes float64) time.Time {
	return dose.Add(time.Duration(minutes * float64(time.Minute)))
}

func sed(s int) *session.Sedation {
	v := session.Sedation(s)
	return &v
}

// full is a reading with BP, HR and SpO2.
func full(minutes float64, sys, dia, hr, spo2 int) session.Vitals {
	return session.Vitals{At: at(minutes), Systolic: sys, Diastolic: dia, HeartRate: hr, SpO2: spo2}
}
