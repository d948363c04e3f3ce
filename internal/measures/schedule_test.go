package measures

import (
	"doorway/internal/timefmt"
	"fmt"
	"slices"
	"testing"
	"time"
)

// start is a Monday morning; days counts from it.
var start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// utc24 writes the reasons' times in UTC, start's zone, on the 24-hour clock.
var utc24 = timefmt.New(time.UTC, timefmt.Clock24)

func days(d float64) time.Time { return start.Add(time.Duration(d * float64(day))) }

// did records administrations of several instruments at the same time.
func did(at time.Time, ids ...string) []Administration {
	var out []Administration
	for _, id := range ids {
		out = append(out, Administration{InstrumentID: id, At: at})
	}
	return out
}

// brief renders a Due list as "id reason deadline-day [overdue]" for comparison.
func brief(ds []Due) []string {
	var out []string
	for _, d := range ds {
		s := fmt.Sprintf("%s %s %g", d.InstrumentID, d.Reason, d.Deadline.Sub(start).Hours()/24)
		if d.Overdue {
			s += " overdue"
		}
		out = append(out, s)
	}
	return out
}

func TestDueNow(t *testing.T) {
	session := days(10) // Thu 15 Jan 2026, 09:00
	tests := []struct {
		name   string
		course Course
		done   []Administration
		now    time.Time
		want   []string
	}{
		{
			name:   "intake, nothing done: every baseline, due within 3 days",
			course: Course{Start: start, Phase: "intake"},
			now:    days(1),
			want:   []string{"phq9 baseline 3", "gad7 baseline 3", "pcl5 baseline 3"},
		},
		{
			name:   "baseline overdue after the grace period",
			course: Course{Start: start, Phase: "screening"},
			done:   did(days(1), GAD7),
			now:    days(4),
			want:   []string{"phq9 baseline 3 overdue", "pcl5 baseline 3 overdue"},
		},
		{
			name:   "a course that has not started yet asks for nothing",
			course: Course{Start: start, Phase: "intake"},
			now:    days(-1),
		},
		{
			name:   "administrations before the course start are not a baseline",
			course: Course{Start: start, Phase: "intake"},
			done:   did(days(-30), PHQ9, GAD7, PCL5),
			now:    days(0.5),
			want:   []string{"phq9 baseline 3", "gad7 baseline 3", "pcl5 baseline 3"},
		},
		{
			name:   "a session sooner than the grace period brings the baseline deadline forward",
			course: Course{Start: start, Phase: "preparation", Sessions: []time.Time{days(2)}},
			done:   did(days(0.5), PCL5),
			now:    days(1),
			// Before-session (deadline day 2) and baseline (deadline day 2) tie: baseline wins.
			want: []string{"phq9 baseline 2", "gad7 baseline 2"},
		},
		{
			name:   "preparation, baselines done, session 10 days away: nothing yet",
			course: Course{Start: start, Phase: "preparation", Sessions: []time.Time{session}},
			done:   did(days(1), PHQ9, GAD7, PCL5),
			now:    days(6.9), // window opens at day 7
		},
		{
			name:   "within 72 hours of a session",
			course: Course{Start: start, Phase: "preparation", Sessions: []time.Time{session}},
			done:   did(days(1), PHQ9, GAD7, PCL5),
			now:    days(7),
			want:   []string{"phq9 before session on Thu 15 Jan 2026, 09:00 10", "gad7 before session on Thu 15 Jan 2026, 09:00 10"},
		},
		{
			name:   "done inside the window: nothing",
			course: Course{Start: start, Phase: "active", Sessions: []time.Time{session}},
			done:   append(did(days(1), PCL5), did(days(8), PHQ9, GAD7)...),
			now:    days(9),
		},
		{
			name:   "a session whose time has passed but has not started: overdue",
			course: Course{Start: start, Phase: "active", Sessions: []time.Time{session}},
			done:   did(days(1), PHQ9, GAD7, PCL5),
			now:    days(10.1),
			want:   []string{"phq9 before session on Thu 15 Jan 2026, 09:00 10 overdue", "gad7 before session on Thu 15 Jan 2026, 09:00 10 overdue"},
		},
		{
			name:   "active: weekly, a week after the latest administration",
			course: Course{Start: start, Phase: "active"},
			done:   append(did(days(1), PHQ9, GAD7, PCL5), did(days(10), PHQ9)...),
			now:    days(17),
			// PHQ-9: latest day 10, due day 17, deadline day 20. GAD-7: latest day 1, due day 8, deadline 11.
			want: []string{"gad7 weekly 11 overdue", "phq9 weekly 20"},
		},
		{
			name:   "weekly: not due before 7 days",
			course: Course{Start: start, Phase: "active"},
			done:   did(days(10), PHQ9, GAD7, PCL5),
			now:    days(16.9),
		},
		{
			name:   "weekly and before-session at once: the session's deadline is sooner",
			course: Course{Start: start, Phase: "active", Sessions: []time.Time{days(18)}},
			done:   did(days(10), PHQ9, GAD7, PCL5),
			now:    days(17.5),
			want:   []string{"phq9 before session on Fri 23 Jan 2026, 09:00 18", "gad7 before session on Fri 23 Jan 2026, 09:00 18"},
		},
		{
			name:   "a pre-session administration also restarts the weekly clock",
			course: Course{Start: start, Phase: "active", Sessions: []time.Time{days(18)}},
			done:   append(did(days(10), PHQ9, GAD7, PCL5), did(days(16), PHQ9, GAD7)...),
			now:    days(17.5),
		},
		{
			name:   "weekly stops when the course is completed; PCL-5 at course end",
			course: Course{Start: start, Phase: "completed", End: days(40)},
			done:   did(days(1), PHQ9, GAD7, PCL5),
			now:    days(35), // opens day 33, deadline day 43
			want:   []string{"pcl5 course end 43"},
		},
		{
			name:   "course end: planned end a week away opens the PCL-5",
			course: Course{Start: start, Phase: "active", End: days(40)},
			done:   did(days(30), PHQ9, GAD7, PCL5),
			now:    days(33),
			want:   []string{"pcl5 course end 43"},
		},
		{
			name:   "course end: not before the window",
			course: Course{Start: start, Phase: "active", End: days(40)},
			done:   did(days(30), PHQ9, GAD7, PCL5),
			now:    days(32.9),
		},
		{
			name:   "course end: done in the window",
			course: Course{Start: start, Phase: "maintenance", End: days(40)},
			done:   did(days(34), PCL5),
			now:    days(50),
		},
		{
			name:   "course end overdue",
			course: Course{Start: start, Phase: "completed", End: days(40)},
			done:   did(days(1), PCL5),
			now:    days(44),
			want:   []string{"pcl5 course end 43 overdue"},
		},
		{
			name:   "paused: nothing",
			course: Course{Start: start, Phase: "paused", Sessions: []time.Time{days(3)}},
			now:    days(2),
		},
		{
			name:   "inquiry: nothing",
			course: Course{Start: start, Phase: "inquiry"},
			now:    days(2),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := brief(DueNow(DefaultProtocol(), tc.course, tc.done, tc.now, utc24))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestDueNowFields(t *testing.T) {
	session := days(10)
	ds := DueNow(DefaultProtocol(), Course{Start: start, Phase: "active", Sessions: []time.Time{session}},
		did(days(1), PHQ9, GAD7, PCL5), days(8), utc24)
	if len(ds) != 2 {
		t.Fatalf("got %v", brief(ds))
	}
	d := ds[0]
	if d.Occasion != OccasionBeforeSession || !d.Session.Equal(session) || !d.DueAt.Equal(days(7)) || !d.Deadline.Equal(session) || d.Overdue {
		t.Errorf("due %+v", d)
	}
	// The session at 09:00 UTC on Thursday 15 January is 1:00 AM in Los
	// Angeles (PST) for a clinic there on the 12-hour clock.
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	ds = DueNow(DefaultProtocol(), Course{Start: start, Phase: "active", Sessions: []time.Time{session}},
		did(days(1), PHQ9, GAD7, PCL5), days(8), timefmt.New(la, timefmt.Clock12))
	if len(ds) == 0 || ds[0].Reason != "before session on Thu 15 Jan 2026, 1:00 AM" {
		t.Errorf("due on the 12-hour clock: %+v", ds)
	}
}

// A zero-value Protocol takes default durations, and other intervals are named.
func TestProtocolDefaultsAndIntervals(t *testing.T) {
	p := Protocol{Rules: []ScheduleRule{{InstrumentID: QIDSSR16, Every: 14 * day}}}
	ds := DueNow(p, Course{Start: start, Phase: "active"}, nil, days(14), utc24)
	if got := brief(ds); !slices.Equal(got, []string{"qids_sr16 every 14 days 17"}) {
		t.Errorf("got %q", got)
	}
	p.Rules[0].Every = 36 * time.Hour
	ds = DueNow(p, Course{Start: start, Phase: "active"}, nil, days(2), utc24)
	if len(ds) != 1 || ds[0].Reason != "every 36h0m0s" {
		t.Errorf("got %q", brief(ds))
	}
	if DueNow(Protocol{}, Course{Start: start, Phase: "active"}, nil, days(2), utc24) != nil {
		t.Error("an empty protocol asked for something")
	}
}
