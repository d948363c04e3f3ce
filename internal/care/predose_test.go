package care

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/timefmt"
)

// The pre-dose BP, heart rate and SpO2 count only when taken within the 60
// minutes before the dose, or before now while the dose is not yet given.
// now is 09:00 UTC.
func TestPreDoseReadingWindow(t *testing.T) {
	tests := []struct {
		name     string
		takenAt  time.Time
		dosedAt  time.Time
		settings Settings
		why      string // "" when both reading gates pass
	}{
		{"10 minutes before now", now.Add(-10 * time.Minute), time.Time{}, Settings{}, ""},
		// 60 minutes exactly still counts.
		{"60 minutes before now", now.Add(-60 * time.Minute), time.Time{}, Settings{}, ""},
		// 07:59 is 61 minutes before 09:00.
		{"61 minutes before now", now.Add(-61 * time.Minute), time.Time{}, Settings{},
			"The pre-dose %s was taken at 07:59, 1 h 1 min before now (09:00); it counts only within the 60 minutes before the dose. Take it again."},
		{"timed after now", now.Add(5 * time.Minute), time.Time{}, Settings{},
			"The pre-dose %s is timed 09:05, after now (09:00); check the time, or take the reading again."},
		// Once dosed, the window ends at the dose: dosed at 08:30, a reading
		// at 07:30 is exactly 60 minutes before it, at 07:29 61.
		{"60 minutes before the dose", now.Add(-90 * time.Minute), now.Add(-30 * time.Minute), Settings{}, ""},
		{"61 minutes before the dose", now.Add(-91 * time.Minute), now.Add(-30 * time.Minute), Settings{},
			"The pre-dose %s was taken at 07:29, 1 h 1 min before the dose (08:30); it counts only within the 60 minutes before the dose. Take it again."},
		{"taken after the dose", now.Add(-20 * time.Minute), now.Add(-30 * time.Minute), Settings{},
			"The pre-dose %s is timed 08:40, after the dose (08:30); check the time, or take the reading again."},
		// A clinic that asks for 30 minutes: 31 minutes is too old.
		{"30-minute clinic, 30 minutes", now.Add(-30 * time.Minute), time.Time{}, Settings{PreDoseVitalsMinutes: 30}, ""},
		{"30-minute clinic, 31 minutes", now.Add(-31 * time.Minute), time.Time{}, Settings{PreDoseVitalsMinutes: 30},
			"The pre-dose %s was taken at 08:29, 31 min before now (09:00); it counts only within the 30 minutes before the dose. Take it again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			in.PreDose.Vitals.At = tt.takenAt
			in.PreDose.DosedAt = tt.dosedAt
			// Even a prescriber's confirmation made after the reading
			// cannot make an old reading count.
			in.Overrides = []Override{
				{GateID: GateBP, Reason: "ok", By: "Dr Jordan Lee", ByPrescriber: true, At: now},
				{GateID: GateVitals, Reason: "ok", By: "Dr Jordan Lee", ByPrescriber: true, At: now},
			}
			gates := Gates(in, tt.settings, now)
			for _, c := range []struct{ id, what string }{{GateBP, "blood pressure"}, {GateVitals, "heart rate and SpO2"}} {
				g := gateByID(t, gates, c.id)
				if tt.why == "" {
					if !g.Pass {
						t.Errorf("%s fails: %s", c.id, g.Why)
					}
					continue
				}
				want := strings.Replace(tt.why, "%s", c.what, 1)
				if g.Pass || g.Cleared() || g.Overridable || !strings.HasPrefix(g.Why, want) {
					t.Errorf("%s: pass=%v cleared=%v overridable=%v\n got %q\nwant %q", c.id, g.Pass, g.Cleared(), g.Overridable, g.Why, want)
				}
			}
		})
	}
}

// A hold is a hold for the day: an old reading above 180/100 still says so,
// rather than asking for a new reading that might come in lower.
func TestHoldOutlastsTheWindow(t *testing.T) {
	in := ready()
	in.PreDose.Vitals.BP.Systolic, in.PreDose.Vitals.BP.Diastolic = 186, 104
	in.PreDose.Vitals.At = now.Add(-3 * time.Hour)
	g := gateByID(t, Gates(in, Settings{}, now), GateBP)
	if g.Pass || g.Overridable || g.Why != "Blood pressure 186/104 is above 180/100: hold, no dose today." {
		t.Errorf("%v %v %q", g.Pass, g.Overridable, g.Why)
	}
}

// The window is read on the clinic's clock.
func TestPreDoseReadingWindowSaysTheClinicsTime(t *testing.T) {
	loc := losAngeles(t)
	in := ready()
	n := clinicTime(t, loc, "2026-03-08 10:59") // the spring-forward day, PDT
	in.PreDose.Vitals.At = clinicTime(t, loc, "2026-03-08 09:30")
	g := gateByID(t, Gates(in, Settings{Time: timefmt.New(loc, "")}, n), GateBP)
	if want := "The pre-dose blood pressure was taken at 09:30, 1 h 29 min before now (10:59); it counts only within the 60 minutes before the dose. Take it again."; g.Why != want {
		t.Errorf("%q\nwant %q", g.Why, want)
	}
	// A clinic on the 12-hour clock reads the same times so.
	g = gateByID(t, Gates(in, Settings{Time: timefmt.New(loc, timefmt.Clock12)}, n.Add(4*time.Hour)), GateBP)
	if want := "The pre-dose blood pressure was taken at 9:30 AM, 5 h 29 min before now (2:59 PM); it counts only within the 60 minutes before the dose. Take it again."; g.Why != want {
		t.Errorf("%q\nwant %q", g.Why, want)
	}
}

func TestNewSettings(t *testing.T) {
	d := (Settings{}).withDefaults()
	if d.PreDoseVitalsMinutes != 60 || d.CSSRSHighMonths != 1 {
		t.Errorf("defaults: %d minutes, %d months", d.PreDoseVitalsMinutes, d.CSSRSHighMonths)
	}
	for _, b := range []struct {
		s     Settings
		field string
	}{
		{Settings{PreDoseVitalsMinutes: -1}, "pre_dose_vitals_minutes"},
		{Settings{PreDoseVitalsMinutes: 241}, "pre_dose_vitals_minutes"},
		{Settings{CSSRSHighMonths: 13}, "cssrs_high_months"},
		{Settings{CSSRSHighMonths: -1}, "cssrs_high_months"},
	} {
		if err := b.s.Validate(); problem.FieldOf(err) != b.field {
			t.Errorf("Validate(%+v) = %v, want %s", b.s, err, b.field)
		}
	}
	if err := (Settings{PreDoseVitalsMinutes: 240, CSSRSHighMonths: 12}).Validate(); err != nil {
		t.Errorf("the highest values: %v", err)
	}
	// A two-month clinic says so in the gate's title.
	g := gateByID(t, Gates(GateInput{}, Settings{CSSRSHighMonths: 2}, now), GateCSSRSHigh)
	if g.Title != "No high C-SSRS result in the past 2 months" || g.Why != "No C-SSRS result at the high tier in the past 2 months." {
		t.Errorf("%q: %q", g.Title, g.Why)
	}
}
