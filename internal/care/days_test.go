package care

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/screening"
	"doorway/internal/timefmt"
)

func losAngeles(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// clinicTime is a wall-clock time in loc, written "2006-01-02 15:04".
func clinicTime(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The baseline window counts the clinic's calendar days, at any hour of the
// day the gate is looked at and across both US daylight-saving changes of
// 2026 (8 Mar, spring forward; 1 Nov, fall back). Los Angeles is UTC-8 in
// winter and UTC-7 in summer, so 23:30 there is already the next day in UTC,
// and 00:30 is 07:30 or 08:30 UTC: a UTC count would move each case below by
// a day.
func TestBaselineCountsClinicDays(t *testing.T) {
	loc := losAngeles(t)
	set := Settings{Time: timefmt.New(loc, "")}
	tests := []struct {
		name string
		phq9 string // when the PHQ-9 was done, clinic time
		day  string // the day the gate is looked at
		why  string // "" when the gate passes
	}{
		// 18 Mar less 14 days is 4 Mar; 8 Mar lies between (a 23-hour day).
		{"14 days across spring forward, done just after midnight", "2026-03-04 00:30", "2026-03-18", ""},
		{"14 days across spring forward, done late", "2026-03-04 23:30", "2026-03-18", ""},
		// 3 Mar 23:30 PST is 4 Mar 07:30 UTC: 15 clinic days, though the UTC
		// date would say 14.
		{"15 days, done late the day before", "2026-03-03 23:30", "2026-03-18",
			"PHQ-9 was done on Tue 3 Mar, 15 days before today (Wed 18 Mar)."},
		// The example of the review: 2 Mar to 18 Mar is 16 days.
		{"16 days", "2026-03-02 10:59", "2026-03-18",
			"PHQ-9 was done on Mon 2 Mar, 16 days before today (Wed 18 Mar)."},
		// 15 Nov less 14 days is 1 Nov, the 25-hour day.
		{"14 days across fall back", "2026-11-01 00:30", "2026-11-15", ""},
		{"14 days across fall back, after the change", "2026-11-01 23:30", "2026-11-15", ""},
		// 31 Oct 23:30 PDT is 1 Nov 06:30 UTC: 15 clinic days.
		{"15 days across fall back", "2026-10-31 23:30", "2026-11-15",
			"PHQ-9 was done on Sat 31 Oct, 15 days before today (Sun 15 Nov)."},
	}
	for _, tt := range tests {
		for _, clock := range []string{"00:30", "10:59", "11:01", "23:30"} {
			now := clinicTime(t, loc, tt.day+" "+clock)
			in := GateInput{Baseline: []Completion{
				{Instrument: "phq9", At: clinicTime(t, loc, tt.phq9)},
				{Instrument: "gad7", At: clinicTime(t, loc, tt.day+" 00:01")},
			}}
			g := gateByID(t, CourseGates(in, set, now), GateBaseline)
			switch {
			case tt.why == "" && !g.Pass:
				t.Errorf("%s, at %s: fails: %s", tt.name, clock, g.Why)
			case tt.why != "" && (g.Pass || !strings.HasSuffix(g.Why, ": "+tt.why)):
				t.Errorf("%s, at %s: pass=%v %q\nwant it to end %q", tt.name, clock, g.Pass, g.Why, tt.why)
			}
		}
	}
}

// An approval's days are the clinic's too. Given on day D for 180 days it
// holds through D+179 and has expired on D+180, whatever the hour, and
// across daylight-saving changes.
func TestApprovalExpiryCountsClinicDays(t *testing.T) {
	loc := losAngeles(t)
	set := Settings{Time: timefmt.New(loc, "")}
	approval := func(at time.Time, recorded bool) GateInput {
		d := &ScreeningDecision{Kind: screening.Approve, Tier: screening.Review, At: at, By: "Dr Jordan Lee", ByPrescriber: true}
		if recorded {
			// As the store records it: 180 days of UTC clock.
			d.ExpiresAt = new(at.UTC().AddDate(0, 0, 180))
		}
		return GateInput{Screening: d}
	}
	tests := []struct {
		name     string
		decided  string
		recorded bool
		now      string
		why      string
	}{
		// 9 Sep 2025 + 180 days: Sep 30 (+21), Oct 31 (+52), Nov 30 (+82),
		// Dec 31 (+113), Jan 31 (+144), Feb 28 (+172), Mar 8 (+180): it
		// expires on the spring-forward day and holds through Sat 7 Mar.
		{"last day, late", "2025-09-09 10:59", false, "2026-03-07 23:30",
			"Approved by Dr Jordan Lee on Tue 9 Sep 2025; valid through Sat 7 Mar (approvals last 180 days)."},
		{"expiry day, just after midnight", "2025-09-09 10:59", false, "2026-03-08 00:30",
			"The screening approval of Tue 9 Sep 2025 expired on Sun 8 Mar (approvals last 180 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again."},
		// Given at 23:30 PDT, which is 9 Sep in UTC: still the clinic's 8 Sep,
		// so it expires on 7 Mar, not 8 Mar.
		{"given late: expired a day earlier than UTC would say", "2025-09-08 23:30", false, "2026-03-07 10:59",
			"The screening approval of Mon 8 Sep 2025 expired on Sat 7 Mar (approvals last 180 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again."},
		// 1 Mar 2026 23:30 PST is 07:30 UTC on 2 Mar; 180 days of UTC clock
		// later is 07:30 UTC on 29 Aug, 00:30 PDT on 29 Aug. The approval
		// was given for 180 days from the clinic's 1 Mar: Mar 31 (+30), Apr 30
		// (+60), May 31 (+91), Jun 30 (+121), Jul 31 (+152), Aug 28 (+180).
		{"recorded end across spring forward: last day", "2026-03-01 23:30", true, "2026-08-27 23:30",
			"Approved by Dr Jordan Lee on Sun 1 Mar; valid through Thu 27 Aug (this one was given for 180 days)."},
		{"recorded end across spring forward: expired", "2026-03-01 23:30", true, "2026-08-28 11:01",
			"The screening approval of Sun 1 Mar expired on Fri 28 Aug (this one was given for 180 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again."},
		// 5 May 2026 + 180 days: May 31 (+26), Jun 30 (+56), Jul 31 (+87),
		// Aug 31 (+118), Sep 30 (+148), Oct 31 (+179), Nov 1 (+180): expires on
		// the fall-back day.
		{"expires on the fall-back day", "2026-05-05 00:30", true, "2026-11-01 23:30",
			"The screening approval of Tue 5 May expired on Sun 1 Nov (this one was given for 180 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again."},
		{"the day before the fall-back day", "2026-05-05 00:30", true, "2026-10-31 23:30",
			"Approved by Dr Jordan Lee on Tue 5 May; valid through Sat 31 Oct (this one was given for 180 days)."},
	}
	for _, tt := range tests {
		g := gateByID(t, CourseGates(approval(clinicTime(t, loc, tt.decided), tt.recorded), set, clinicTime(t, loc, tt.now)), GateScreening)
		if g.Why != tt.why {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, g.Why, tt.why)
		}
		if g.Pass == strings.Contains(tt.why, "expired") || g.Overridable {
			t.Errorf("%s: pass=%v overridable=%v", tt.name, g.Pass, g.Overridable)
		}
	}
}

// The screening page and the gate say the same about an approval's end:
// given at 23:30 on Sun 1 Mar 2026 (Los Angeles) for 30 days, recorded
// as an instant 30 × 24 h on, across the change to summer time on 8 Mar.
// It holds through Mon 30 Mar and has expired on Tue 31 Mar.
func TestApprovalExpiryAgreesWithTheGate(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip(err)
	}
	at := time.Date(2026, 3, 1, 23, 30, 0, 0, la)
	end := at.Add(30 * 24 * time.Hour) // 31 Mar 00:30 PDT: the next day by the clock
	d := ScreeningDecision{Kind: screening.Approve, Tier: screening.Clear, At: at, ByPrescriber: true, By: "Dr Lee", ExpiresAt: &end}
	s := Settings{Time: timefmt.New(la, "")}
	if got := ApprovalExpiry(d, s).String(); got != "2026-03-31" {
		t.Errorf("expiry day %s, want 2026-03-31", got)
	}
	for _, tc := range []struct {
		now     time.Time
		expired bool
	}{
		{time.Date(2026, 3, 30, 23, 59, 0, 0, la), false},
		{time.Date(2026, 3, 31, 0, 0, 0, 0, la), true},
	} {
		gate := screeningGate(&d, s.withDefaults(), s.dayOf(tc.now))
		if ApprovalExpired(d, s, tc.now) != tc.expired || gate.Pass == tc.expired {
			t.Errorf("at %v: expired %v, gate passes %v; want expired %v", tc.now, ApprovalExpired(d, s, tc.now), gate.Pass, tc.expired)
		}
	}
}
