package session

import (
	"fmt"
	"slices"
	"time"

	"doorway/internal/problem"
)

// Protocol is a monitoring protocol: when vital signs are taken and which.
// A clinic may define its own; DefaultProtocol is CLINICAL.md §3.
type Protocol struct {
	Name string
	// Points are the fixed time points, in minutes after the dose, in
	// order. Minute 0 is the reading before the dose.
	Points []Point
	// After the last fixed point, a point every RepeatEvery minutes until
	// discharge, recording RepeatMeasures. Zero for none.
	RepeatEvery    int
	RepeatMeasures []Measure
	// DischargeMeasures must all be in the last reading before discharge.
	DischargeMeasures []Measure
	// MinObservation is the least time, in minutes after the dose, before
	// discharge.
	MinObservation int
	// Tolerance is how many minutes either side of a point a reading counts
	// for it (see Schedule).
	Tolerance int
	// PreDoseWindow is how many minutes before the dose the minute-0 reading
	// may be taken and still count as the pre-dose reading.
	PreDoseWindow int
}

// Point is one time point of a protocol.
type Point struct {
	Minute   int
	Measures []Measure
}

// DefaultProtocol is CLINICAL.md §3: before the dose; every 15 minutes for the
// first hour; every 30 minutes after that; BP, HR and SpO2 at every point,
// with alertness too at discharge; at least 120 minutes.
//
// CLINICAL.md asks for the first hour to include "about 40 min, the usual BP
// peak". We honour it with an extra point at 40 beside 45, rather than moving
// 45 to 40, so the first hour is still every 15 minutes as written, and the 40
// and 45 readings are themselves the two readings 5 minutes apart that the
// sustained blood-pressure alert needs, taken just when a rise is likeliest.
// Schedule keeps the two windows from overlapping.
func DefaultProtocol() Protocol {
	full := []Measure{BP, HR, SpO2}
	return Protocol{
		Name: "Doorway's default",
		Points: []Point{
			{0, full}, {15, full}, {30, full}, {40, full}, {45, full}, {60, full},
		},
		RepeatEvery:       30,
		RepeatMeasures:    []Measure{BP, HR, SpO2},
		DischargeMeasures: []Measure{BP, HR, SpO2, Alertness},
		MinObservation:    120,
		Tolerance:         5,
		PreDoseWindow:     60,
	}
}

// Validate checks a protocol a clinic has defined.
func (p Protocol) Validate() error {
	if len(p.Points) == 0 || p.Points[0].Minute != 0 {
		return problem.Invalidf("points", "A protocol starts with a reading before the dose, at minute 0.")
	}
	for i, pt := range p.Points {
		field := fmt.Sprintf("points.%d", i)
		if i > 0 && pt.Minute <= p.Points[i-1].Minute {
			return problem.Invalidf(field, "Time points must be in order, each later than the one before (minute %d).", pt.Minute)
		}
		if pt.Minute > 24*60 {
			return problem.Invalidf(field, "Minute %d is more than a day after the dose.", pt.Minute)
		}
		if err := validateMeasures(field, pt.Measures); err != nil {
			return err
		}
	}
	if p.RepeatEvery < 0 || p.RepeatEvery > 0 && p.RepeatEvery < 5 {
		return problem.Invalidf("repeat_every", "Repeat readings at most every 5 minutes, or not at all (0).")
	}
	if p.RepeatEvery > 0 {
		if err := validateMeasures("repeat_measures", p.RepeatMeasures); err != nil {
			return err
		}
	}
	if err := validateMeasures("discharge_measures", p.DischargeMeasures); err != nil {
		return err
	}
	switch {
	case p.MinObservation < 1 || p.MinObservation > 24*60:
		return problem.Invalidf("min_observation", "The minimum observation is between 1 minute and 24 hours.")
	case p.Tolerance < 1 || p.Tolerance > 30:
		return problem.Invalidf("tolerance", "The tolerance is between 1 and 30 minutes.")
	case p.PreDoseWindow < 1 || p.PreDoseWindow > 240:
		return problem.Invalidf("pre_dose_window", "The pre-dose window is between 1 and 240 minutes.")
	}
	return nil
}

func validateMeasures(field string, ms []Measure) error {
	if len(ms) == 0 {
		return problem.Invalidf(field, "Choose at least one measure to record.")
	}
	for _, m := range ms {
		if !m.Valid() {
			return problem.Invalidf(field, "%q is not a measure.", m)
		}
	}
	return nil
}

// Status is where a time point stands.
type Status string

const (
	Done     Status = "done"     // every measure recorded
	Due      Status = "due"      // its window is open now
	Overdue  Status = "overdue"  // its window closed with a measure missing
	Upcoming Status = "upcoming" // its window has not opened
)

// Slot is a time point of one session, with its status at "now".
type Slot struct {
	Minute   int
	At       time.Time // the dose time plus Minute
	Opens    time.Time // first moment a reading counts for it
	Closes   time.Time // last moment a reading counts for it on time
	Measures []Measure
	Status   Status
	Missing  []Measure // measures not yet recorded; empty when Done
	Late     bool      // Done, but only with a reading taken after Closes
	Repeat   bool      // made by the protocol's repeat rule
}

// Timetable is the schedule of a session at one moment.
type Timetable struct {
	// MinutesSinceDose is whole minutes elapsed, rounded down; negative
	// before the dose.
	MinutesSinceDose int
	Slots            []Slot
}

// Next is the point to do next: the earliest one due now, otherwise the
// earliest upcoming one. Overdue points are reported separately (Overdue):
// they are missed, and pointing staff at them would hide the one due now.
func (t Timetable) Next() (Slot, bool) {
	for _, st := range []Status{Due, Upcoming} {
		for _, s := range t.Slots {
			if s.Status == st {
				return s, true
			}
		}
	}
	return Slot{}, false
}

// Overdue lists the points whose windows closed with a measure missing.
func (t Timetable) Overdue() []Slot {
	var out []Slot
	for _, s := range t.Slots {
		if s.Status == Overdue {
			out = append(out, s)
		}
	}
	return out
}

// Schedule lays a protocol over a session: every time point, with whether it
// is done, due now, overdue or upcoming at now.
//
// The rule:
//   - A point at minute m has a window of m ± Tolerance. Where two points are
//     closer than twice the tolerance (40 and 45 in the default protocol) each
//     window stops halfway between them, so windows never overlap and one
//     reading never counts twice; a reading exactly halfway counts for the
//     earlier point. Minute 0 is different: its window is the PreDoseWindow
//     minutes before the dose, up to the dose itself, because a baseline taken
//     after the dose is not a baseline.
//   - A point is Done when the readings in its window together hold every
//     measure it asks for (BP in one reading and SpO2 a minute later is fine).
//   - A reading taken after a window closed but before the next one opens
//     (or after the last point) counts for the point just closed, which is
//     then Done and Late: a reading taken late is still the reading for that
//     point, and staff who take it should see the point cleared.
//   - A point not Done is Upcoming before its window opens, Due while it is
//     open (Opens ≤ now ≤ Closes), and Overdue after it closes.
//   - Repeat points run every RepeatEvery minutes after the last fixed point,
//     up to the minimum observation time and then on while the session goes
//     on, always one beyond now, so there is always a next point until
//     discharge.
//
// Readings need not be in order; readings with none of a point's measures are
// ignored for it.
func Schedule(p Protocol, doseTime, now time.Time, readings []Vitals) (Timetable, error) {
	if err := p.Validate(); err != nil {
		return Timetable{}, err
	}
	if doseTime.IsZero() {
		return Timetable{}, problem.Invalidf("dose_time", "Record when the dose was given.")
	}
	elapsed := now.Sub(doseTime)
	t := Timetable{MinutesSinceDose: floorMinutes(elapsed)}

	for _, pt := range p.Points {
		t.Slots = append(t.Slots, Slot{Minute: pt.Minute, Measures: slices.Clone(pt.Measures)})
	}
	if p.RepeatEvery > 0 {
		horizon := max(time.Duration(p.MinObservation)*time.Minute, elapsed+time.Duration(p.RepeatEvery)*time.Minute)
		for m := p.Points[len(p.Points)-1].Minute + p.RepeatEvery; time.Duration(m)*time.Minute <= horizon; m += p.RepeatEvery {
			t.Slots = append(t.Slots, Slot{Minute: m, Measures: slices.Clone(p.RepeatMeasures), Repeat: true})
		}
	}

	tol := time.Duration(p.Tolerance) * time.Minute
	for i := range t.Slots {
		s := &t.Slots[i]
		s.At = doseTime.Add(time.Duration(s.Minute) * time.Minute)
		before, after := tol, tol
		if i > 0 {
			before = min(tol, s.At.Sub(t.Slots[i-1].At)/2)
		}
		if i+1 < len(t.Slots) {
			next := doseTime.Add(time.Duration(t.Slots[i+1].Minute) * time.Minute)
			after = min(tol, next.Sub(s.At)/2)
		}
		if s.Minute == 0 {
			before, after = time.Duration(p.PreDoseWindow)*time.Minute, 0
		}
		s.Opens, s.Closes = s.At.Add(-before), s.At.Add(after)
	}

	// Assign each reading to at most one slot: the slot whose window holds
	// it, else (as a late reading) the last slot that closed before it, if
	// no later window has opened. Minute 0 takes no late readings: after
	// the dose it is too late for a baseline.
	onTime := make([][]Vitals, len(t.Slots))
	late := make([][]Vitals, len(t.Slots))
	for _, r := range readings {
		i, _ := slices.BinarySearchFunc(t.Slots, r.At, func(s Slot, at time.Time) int {
			// Slots are in time order and their windows do not overlap,
			// so "closes before the reading" splits them in two.
			if s.Closes.Before(at) {
				return -1
			}
			return 1
		})
		switch {
		case i < len(t.Slots) && !r.At.Before(t.Slots[i].Opens):
			onTime[i] = append(onTime[i], r)
		case i > 0 && t.Slots[i-1].Minute > 0:
			late[i-1] = append(late[i-1], r)
		}
	}

	for i := range t.Slots {
		s := &t.Slots[i]
		s.Missing = missing(s.Measures, onTime[i])
		withLate := missing(s.Measures, slices.Concat(onTime[i], late[i]))
		switch {
		case len(s.Missing) == 0:
			s.Status = Done
		case len(withLate) == 0:
			s.Status, s.Late, s.Missing = Done, true, nil
		case now.Before(s.Opens):
			s.Status = Upcoming
		case !now.After(s.Closes):
			s.Status = Due
		default:
			s.Status, s.Missing = Overdue, withLate
		}
	}
	return t, nil
}

// missing lists the measures in want that none of rs holds.
func missing(want []Measure, rs []Vitals) []Measure {
	var out []Measure
	for _, m := range want {
		if !slices.ContainsFunc(rs, func(v Vitals) bool { return v.Has(m) }) {
			out = append(out, m)
		}
	}
	return out
}

// floorMinutes rounds a duration down to whole minutes, also when negative.
func floorMinutes(d time.Duration) int {
	m := d / time.Minute
	if d < 0 && d%time.Minute != 0 {
		m--
	}
	return int(m)
}
