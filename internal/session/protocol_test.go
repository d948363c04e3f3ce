package session_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
)

func TestDefaultProtocol(t *testing.T) {
	p := session.DefaultProtocol()
	mustOK(t, p.Validate())
	var minutes []int
	for _, pt := range p.Points {
		minutes = append(minutes, pt.Minute)
	}
	// Every 15 minutes for the first hour, plus 40 for the usual BP peak.
	if want := []int{0, 15, 30, 40, 45, 60}; !slices.Equal(minutes, want) {
		t.Errorf("points %v, want %v", minutes, want)
	}
	// SpO2 at every point, the repeat points included (CLINICAL.md §3).
	if p.RepeatEvery != 30 || !slices.Equal(p.RepeatMeasures, []session.Measure{session.BP, session.HR, session.SpO2}) {
		t.Errorf("repeat every %d with %v", p.RepeatEvery, p.RepeatMeasures)
	}
	if p.MinObservation != 120 || p.Tolerance != 5 {
		t.Errorf("min observation %d, tolerance %d", p.MinObservation, p.Tolerance)
	}
	if !slices.Contains(p.DischargeMeasures, session.Alertness) {
		t.Error("discharge records alertness")
	}
}

func TestProtocolValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*session.Protocol)
		field string
	}{
		{"no baseline", func(p *session.Protocol) { p.Points = p.Points[1:] }, "points"},
		{"out of order", func(p *session.Protocol) { p.Points[2].Minute = 10 }, "points.2"},
		{"no measures", func(p *session.Protocol) { p.Points[1].Measures = nil }, "points.1"},
		{"unknown measure", func(p *session.Protocol) { p.Points[1].Measures = []session.Measure{"temp"} }, "points.1"},
		{"repeat every 2", func(p *session.Protocol) { p.RepeatEvery = 2 }, "repeat_every"},
		{"repeat nothing", func(p *session.Protocol) { p.RepeatMeasures = nil }, "repeat_measures"},
		{"no minimum", func(p *session.Protocol) { p.MinObservation = 0 }, "min_observation"},
		{"no tolerance", func(p *session.Protocol) { p.Tolerance = 0 }, "tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := session.DefaultProtocol()
			tt.edit(&p)
			mustFail(t, p.Validate(), problem.Invalid, tt.field)
		})
	}
	// No repeats at all is a valid protocol.
	p := session.DefaultProtocol()
	p.RepeatEvery, p.RepeatMeasures = 0, nil
	mustOK(t, p.Validate())
}

// statuses renders a timetable as "minute:status" words, with "+late" and
// the missing measures, so a whole session reads in one line.
func statuses(tt session.Timetable) string {
	var parts []string
	for _, s := range tt.Slots {
		p := fmt.Sprintf("%d:%s", s.Minute, s.Status)
		if s.Late {
			p += "+late"
		}
		if len(s.Missing) > 0 && len(s.Missing) < len(s.Measures) {
			var m []string
			for _, x := range s.Missing {
				m = append(m, string(x))
			}
			p += "-" + strings.Join(m, ",")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestSchedule(t *testing.T) {
	baseline := full(-10, 130, 80, 70, 98)
	at15 := full(14, 140, 85, 80, 97)
	bpHR := func(m float64) session.Vitals {
		return session.Vitals{At: at(m), Systolic: 150, Diastolic: 90, HeartRate: 90}
	}
	spo2 := func(m float64) session.Vitals { return session.Vitals{At: at(m), SpO2: 97} }
	first := "0:done 15:done 30:done 40:done 45:done 60:done "
	firstHour := []session.Vitals{baseline, at15, full(30, 150, 90, 85, 97), full(40, 160, 95, 88, 97), full(45, 155, 92, 86, 97), full(60, 140, 88, 80, 98)}

	tests := []struct {
		name     string
		now      float64 // minutes after the dose
		readings []session.Vitals
		want     string
		next     int // minute of Next(), -1 for none
	}{
		// Windows with the defaults (±5, halved between 40 and 45):
		// 0: [-60, 0]  15: [10, 20]  30: [25, 35]  40: [35, 42.5]
		// 45: [42.5, 50]  60: [55, 65]  90: [85, 95]  120: [115, 125]
		{"just after the dose", 2, []session.Vitals{baseline},
			"0:done 15:upcoming 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 15},
		{"no baseline", 2, nil,
			"0:overdue 15:upcoming 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 15},
		// A reading 2 min after the dose is no baseline, not even a late one.
		{"baseline after the dose", 3, []session.Vitals{full(2, 130, 80, 70, 98)},
			"0:overdue 15:upcoming 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 15},
		// 61 minutes before the dose is outside the 60-minute pre-dose window.
		{"stale baseline", 2, []session.Vitals{full(-61, 130, 80, 70, 98)},
			"0:overdue 15:upcoming 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 15},
		{"baseline at the dose itself", 2, []session.Vitals{full(0, 130, 80, 70, 98)},
			"0:done 15:upcoming 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 15},
		{"window opens at 10", 10, []session.Vitals{baseline},
			"0:done 15:due 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 15},
		{"due at 33", 33, []session.Vitals{baseline, at15},
			"0:done 15:done 30:due 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 30},
		// At 35 the 30 window is closing as the 40 window opens: both due,
		// and the earlier one is next.
		{"two due at 35", 35, []session.Vitals{baseline, at15},
			"0:done 15:done 30:due 40:due 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 30},
		{"overdue after the close", 36, []session.Vitals{baseline, at15},
			"0:done 15:done 30:overdue 40:due 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 40},
		// 22 is after 15 closed (20) and before 30 opens (25): late for 15.
		{"late reading clears the point", 23, []session.Vitals{baseline, full(22, 140, 85, 80, 97)},
			"0:done 15:done+late 30:upcoming 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 30},
		// Halfway between 40 and 45 counts for 40; a moment later for 45.
		{"42.5 is 40's", 44, []session.Vitals{baseline, at15, full(30, 150, 90, 85, 97), full(42.5, 160, 95, 88, 97)},
			"0:done 15:done 30:done 40:done 45:due 60:upcoming 90:upcoming 120:upcoming", 45},
		{"43 is 45's", 44, []session.Vitals{baseline, at15, full(30, 150, 90, 85, 97), full(43, 160, 95, 88, 97)},
			"0:done 15:done 30:done 40:overdue 45:done 60:upcoming 90:upcoming 120:upcoming", 60},
		// BP and HR at 30, SpO2 forgotten: still due, SpO2 missing.
		{"partly recorded", 31, []session.Vitals{baseline, at15, bpHR(30)},
			"0:done 15:done 30:due-spo2 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 30},
		{"completed by a second reading", 32, []session.Vitals{baseline, at15, bpHR(30), spo2(31)},
			"0:done 15:done 30:done 40:upcoming 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 40},
		{"partly recorded and overdue", 36, []session.Vitals{baseline, at15, bpHR(30)},
			"0:done 15:done 30:overdue-spo2 40:due 45:upcoming 60:upcoming 90:upcoming 120:upcoming", 40},
		// After the first hour too, SpO2 is asked at every point: BP and HR
		// alone leave the point short of it.
		{"repeat points need SpO2 as well", 96, append(slices.Clone(firstHour), bpHR(91)),
			first + "90:overdue-spo2 120:upcoming", 120},
		{"repeat points with all three", 96, append(slices.Clone(firstHour), full(91, 135, 85, 80, 97)),
			first + "90:done 120:upcoming", 120},
		// At 125 the 120 window is still open (its last moment), and the
		// repeat rule adds 150 so there is always a next point.
		{"past the minimum", 125, append(slices.Clone(firstHour), full(91, 135, 85, 80, 97)),
			first + "90:done 120:due 150:upcoming", 120},
		{"long session", 151, append(slices.Clone(firstHour), full(91, 135, 85, 80, 97), full(119, 130, 82, 76, 98)),
			first + "90:done 120:done 150:due 180:upcoming", 150},
	}
	p := session.DefaultProtocol()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := at(tt.now)
			tab, err := session.Schedule(p, dose, now, tt.readings)
			mustOK(t, err)
			if got := statuses(tab); got != tt.want {
				t.Errorf("\ngot  %s\nwant %s", got, tt.want)
			}
			next, ok := tab.Next()
			if tt.next < 0 {
				if ok {
					t.Errorf("next = %d, want none", next.Minute)
				}
			} else if !ok || next.Minute != tt.next {
				t.Errorf("next = %d (%v), want %d", next.Minute, ok, tt.next)
			}
		})
	}
}

func TestScheduleWindowsAndClock(t *testing.T) {
	tab, err := session.Schedule(session.DefaultProtocol(), dose, at(33.98), nil)
	mustOK(t, err)
	if tab.MinutesSinceDose != 33 {
		t.Errorf("minutes since dose = %d, want 33 (rounded down)", tab.MinutesSinceDose)
	}
	// 40 and 45 are 5 minutes apart: each window stops halfway, 42:30.
	want := map[int][2]float64{0: {-60, 0}, 15: {10, 20}, 40: {35, 42.5}, 45: {42.5, 50}, 60: {55, 65}, 120: {115, 125}}
	for _, s := range tab.Slots {
		w, ok := want[s.Minute]
		if !ok {
			continue
		}
		if !s.Opens.Equal(at(w[0])) || !s.Closes.Equal(at(w[1])) || !s.At.Equal(at(float64(s.Minute))) {
			t.Errorf("minute %d: window %s–%s, want %v", s.Minute, s.Opens.Format(time.TimeOnly), s.Closes.Format(time.TimeOnly), w)
		}
	}
	if got := len(tab.Overdue()); got != 2 { // 0 and 15 (no readings), 30 still due
		t.Errorf("overdue = %d, want 2", got)
	}

	before, err := session.Schedule(session.DefaultProtocol(), dose, at(-0.5), nil)
	mustOK(t, err)
	if before.MinutesSinceDose != -1 {
		t.Errorf("30 s before the dose: minutes since = %d, want -1", before.MinutesSinceDose)
	}
	if next, _ := before.Next(); next.Minute != 0 || next.Status != session.Due {
		t.Errorf("before the dose the baseline is due, got %d %s", next.Minute, next.Status)
	}

	_, err = session.Schedule(session.DefaultProtocol(), time.Time{}, at(10), nil)
	mustFail(t, err, problem.Invalid, "dose_time")
}

// A clinic's own protocol: every 10 minutes to 30, no repeats, 60 minutes.
func TestScheduleClinicProtocol(t *testing.T) {
	p := session.Protocol{
		Name:              "Short",
		Points:            []session.Point{{0, []session.Measure{session.BP}}, {10, []session.Measure{session.BP}}, {20, []session.Measure{session.BP}}, {30, []session.Measure{session.BP}}},
		DischargeMeasures: []session.Measure{session.BP},
		MinObservation:    60,
		Tolerance:         3,
		PreDoseWindow:     30,
	}
	mustOK(t, p.Validate())
	tab, err := session.Schedule(p, dose, at(200), []session.Vitals{{At: at(-5), Systolic: 120, Diastolic: 80}})
	mustOK(t, err)
	if got, want := statuses(tab), "0:done 10:overdue 20:overdue 30:overdue"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, ok := tab.Next(); ok {
		t.Error("no point left to do")
	}
	// 35 is after the last window (27–33): late for the last point.
	tab, err = session.Schedule(p, dose, at(200), []session.Vitals{{At: at(35), Systolic: 120, Diastolic: 80}})
	mustOK(t, err)
	if got, want := statuses(tab), "0:overdue 10:overdue 20:overdue 30:done+late"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
