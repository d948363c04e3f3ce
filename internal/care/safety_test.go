package care

import (
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/timefmt"
)

// now is Tue 10 Mar 2026 09:00 UTC (see gates_test.go).

func phq9Flag(raised time.Time) SafetyFlag {
	return SafetyFlag{Instrument: "PHQ-9", Kind: string(measures.FlagSuicideRisk), RaisedAt: raised,
		Reason: `PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered "Several days".`}
}

func TestOpenFlagsBlockTheDose(t *testing.T) {
	in := ready()
	in.OpenFlags = []SafetyFlag{phq9Flag(at(2026, 3, 2, 10, 0))}
	gates := Gates(in, Settings{}, now)
	g := gateByID(t, gates, GateSafetyFlags)
	want := `There is a suicide-risk flag from the PHQ-9, open since Mon 2 Mar (PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered "Several days"). No dose until a clinician acknowledges it with a note.`
	if g.Pass || g.Overridable || !g.Safety || g.Scope != DayOfScope || g.Why != want {
		t.Errorf("pass=%v overridable=%v safety=%v scope=%s\n got %q\nwant %q", g.Pass, g.Overridable, g.Safety, g.Scope, g.Why, want)
	}
	if Ready(gates) {
		t.Error("ready with an open flag")
	}
	// No prescriber's override stands in for acknowledging it.
	in.Overrides = []Override{{GateID: GateSafetyFlags, Reason: "Spoke with the client.", By: "Dr Jordan Lee", ByPrescriber: true, OnCareTeam: true, At: now}}
	if g := gateByID(t, Gates(in, Settings{}, now), GateSafetyFlags); g.Cleared() || !strings.HasSuffix(g.Why, "An override was recorded but cannot clear this gate.") {
		t.Errorf("an override cleared an open flag: %q", g.Why)
	}

	// Two flags, listed oldest first, whatever the order given; a C-SSRS
	// moderate flag blocks as the PHQ-9 one does.
	in.Overrides = nil
	in.OpenFlags = []SafetyFlag{
		{Instrument: "C-SSRS screener", Kind: "suicide_risk", RaisedAt: at(2026, 3, 9, 16, 0), Reason: "C-SSRS moderate risk: thinking about a method (question 3)."},
		phq9Flag(at(2026, 3, 2, 10, 0)),
	}
	g = gateByID(t, Gates(in, Settings{}, now), GateSafetyFlags)
	if !strings.HasPrefix(g.Why, "2 safety flags are open: a suicide-risk flag from the PHQ-9, open since Mon 2 Mar (") ||
		!strings.Contains(g.Why, "; a suicide-risk flag from the C-SSRS screener, open since Mon 9 Mar (C-SSRS moderate risk: thinking about a method (question 3)). No dose until a clinician acknowledges each with a note.") {
		t.Errorf("two flags: %q", g.Why)
	}

	// Acknowledged (so no longer passed in): the gate passes.
	in.OpenFlags = nil
	if g := gateByID(t, Gates(in, Settings{}, now), GateSafetyFlags); !g.Pass || g.Why != "No safety flag is waiting for a clinician." {
		t.Errorf("no open flag: %v %q", g.Pass, g.Why)
	}
}

// The flag's day is the clinic's: raised at 23:30 in Los Angeles on 2 Mar,
// which is 3 Mar in UTC.
func TestOpenFlagNamesTheClinicsDay(t *testing.T) {
	loc := losAngeles(t)
	in := GateInput{OpenFlags: []SafetyFlag{{Instrument: "QIDS-SR16", Kind: "suicide_risk", RaisedAt: clinicTime(t, loc, "2026-03-02 23:30")}}}
	g := gateByID(t, Gates(in, Settings{Time: timefmt.New(loc, "")}, clinicTime(t, loc, "2026-03-10 10:59")), GateSafetyFlags)
	if g.Why != "There is a suicide-risk flag from the QIDS-SR16, open since Mon 2 Mar. No dose until a clinician acknowledges it with a note." {
		t.Errorf("%q", g.Why)
	}
}

// A high C-SSRS result blocks from its day through the same date a month on
// (the month's last day when that month is shorter), inclusive, on the
// clinic's calendar.
func TestRecentHighCSSRSBlocksTheDose(t *testing.T) {
	loc := losAngeles(t)
	tests := []struct {
		name  string
		high  string // clinic time of the result
		today string // clinic time the gate is looked at
		loc   *time.Location
		why   string // the reason; blocked when it says "No dose"
	}{
		// 10 Feb + 1 month = 10 Mar: still blocked on 10 Mar (a Tuesday).
		{"the last day of the month", "2026-02-10 09:00", "2026-03-10 09:00", time.UTC,
			"A C-SSRS result reached the high tier on Tue 10 Feb, within the past month. No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged; without one it blocks doses through Tue 10 Mar."},
		{"a day after", "2026-02-09 09:00", "2026-03-10 09:00", time.UTC,
			"The last C-SSRS result at the high tier, on Mon 9 Feb, is more than a month ago."},
		// 31 Jan + 1 month = 28 Feb (2026 is not a leap year).
		{"31 Jan, on 28 Feb", "2026-01-31 12:00", "2026-02-28 23:30", time.UTC,
			"A C-SSRS result reached the high tier on Sat 31 Jan, within the past month. No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged; without one it blocks doses through Sat 28 Feb."},
		{"31 Jan, on 1 Mar", "2026-01-31 12:00", "2026-03-01 00:30", time.UTC,
			"The last C-SSRS result at the high tier, on Sat 31 Jan, is more than a month ago."},
		// 10 Feb 23:30 PST is 11 Feb in UTC. On the clinic's calendar it is
		// 10 Feb, so it blocks through 10 Mar and no longer on 11 Mar (after
		// the spring-forward change), even at 00:30.
		{"late in the day, Los Angeles, 10 Mar 23:30", "2026-02-10 23:30", "2026-03-10 23:30", loc,
			"A C-SSRS result reached the high tier on Tue 10 Feb, within the past month. No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged; without one it blocks doses through Tue 10 Mar."},
		{"late in the day, Los Angeles, 11 Mar 00:30", "2026-02-10 23:30", "2026-03-11 00:30", loc,
			"The last C-SSRS result at the high tier, on Tue 10 Feb, is more than a month ago."},
		// Across the fall-back change: 1 Oct + 1 month = 1 Nov.
		{"1 Oct, on 1 Nov at 23:30", "2026-10-01 10:59", "2026-11-01 23:30", loc,
			"A C-SSRS result reached the high tier on Thu 1 Oct, within the past month. No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged; without one it blocks doses through Sun 1 Nov."},
		{"1 Oct, on 2 Nov at 00:30", "2026-10-01 10:59", "2026-11-02 00:30", loc,
			"The last C-SSRS result at the high tier, on Thu 1 Oct, is more than a month ago."},
		{"none", "", "2026-03-10 09:00", time.UTC, "No C-SSRS result at the high tier in the past month."},
	}
	for _, tt := range tests {
		var in GateInput
		if tt.high != "" {
			// An older one as well: the latest decides.
			in.CSSRSHighAt = []time.Time{clinicTime(t, tt.loc, tt.high), clinicTime(t, tt.loc, tt.high).AddDate(0, -3, 0)}
		}
		g := gateByID(t, Gates(in, Settings{Time: timefmt.New(tt.loc, "")}, clinicTime(t, tt.loc, tt.today)), GateCSSRSHigh)
		blocked := strings.Contains(tt.why, "No dose")
		if g.Why != tt.why || g.Pass == blocked || g.Overridable != blocked || !g.Safety {
			t.Errorf("%s: pass=%v overridable=%v\n got %q\nwant %q", tt.name, g.Pass, g.Overridable, g.Why, tt.why)
		}
	}
}

func TestHighCSSRSOverrideNeedsAPrescriberOnTheCareTeam(t *testing.T) {
	high := at(2026, 3, 3, 15, 0)
	base := func() GateInput {
		in := ready()
		in.CSSRSHighAt = []time.Time{high}
		return in
	}
	onTeam := Override{GateID: GateCSSRSHigh, Reason: "Assessed today with the safety plan; risk now low, on-call psychiatrist agrees.",
		By: "Dr Jordan Lee", ByPrescriber: true, OnCareTeam: true, At: now.Add(-10 * time.Minute)}
	tests := []struct {
		name    string
		o       Override
		cleared bool
		suffix  string
	}{
		{"prescriber on the care team", onTeam, true, ""},
		{"a prescriber not on the care team", func() Override { o := onTeam; o.OnCareTeam = false; return o }(), false,
			" An override by Dr Jordan Lee was not counted: Only a prescriber on the client's care team can override this gate (No high C-SSRS result in the past month)."},
		{"a therapist on the care team", func() Override { o := onTeam; o.ByPrescriber, o.By = false, "Sam Ortiz"; return o }(), false,
			" An override by Sam Ortiz was not counted: Only a prescriber can override a gate."},
		{"no reason", func() Override { o := onTeam; o.Reason = " "; return o }(), false,
			" An override by Dr Jordan Lee was not counted: Write the reason for overriding No high C-SSRS result in the past month; it is audited and shown on the session record."},
		// Made before the high result: it was about something else, and
		// does not count (nor is it mentioned, as with an older confirmation
		// of a reading).
		{"made before the result", func() Override { o := onTeam; o.At = high.Add(-time.Minute); return o }(), false, "through Fri 3 Apr."},
	}
	for _, tt := range tests {
		in := base()
		in.Overrides = []Override{tt.o}
		gates := Gates(in, Settings{}, now)
		g := gateByID(t, gates, GateCSSRSHigh)
		if g.Cleared() != tt.cleared || g.Pass {
			t.Errorf("%s: cleared=%v pass=%v (%s)", tt.name, g.Cleared(), g.Pass, g.Why)
		}
		if tt.suffix != "" && !strings.HasSuffix(g.Why, tt.suffix) {
			t.Errorf("%s: %q\nwant it to end %q", tt.name, g.Why, tt.suffix)
		}
		if Ready(gates) != tt.cleared {
			t.Errorf("%s: ready=%v", tt.name, Ready(gates))
		}
	}
	// An open flag still blocks when the C-SSRS gate is overridden: the two
	// are separate, and the flag must be acknowledged.
	in := base()
	in.Overrides = []Override{onTeam}
	in.OpenFlags = []SafetyFlag{{Instrument: "C-SSRS screener", Kind: "suicide_risk", RaisedAt: high}}
	if b := Blocking(Gates(in, Settings{}, now)); len(b) != 1 || b[0].ID != GateSafetyFlags {
		t.Errorf("blocking %v", b)
	}
	// CheckOverride says the same before anything is stored.
	g := gateByID(t, Gates(base(), Settings{}, now), GateCSSRSHigh)
	notOnTeam := onTeam
	notOnTeam.OnCareTeam = false
	if err := CheckOverride(g, notOnTeam); problem.FieldOf(err) != "by" {
		t.Errorf("CheckOverride: %v", err)
	}
	if err := CheckOverride(g, onTeam); err != nil {
		t.Errorf("CheckOverride on the team: %v", err)
	}
	// Other gates do not ask for the care team (the store's access check
	// covers them): a prescriber's BP confirmation is as before.
	in = ready()
	in.PreDose.Vitals.BP.Systolic = 150
	if err := CheckOverride(gateByID(t, Gates(in, Settings{}, now), GateBP), Override{GateID: GateBP, Reason: "ok", ByPrescriber: true}); err != nil {
		t.Errorf("BP confirmation: %v", err)
	}
}

// Gates keeps DESIGN.md's order with the safety gates last; SafetyFirst is
// the order a page shows.
func TestSafetyFirst(t *testing.T) {
	in := ready()
	in.OpenFlags = []SafetyFlag{phq9Flag(at(2026, 3, 2, 10, 0))}
	gates := Gates(in, Settings{}, now)
	var ids []string
	for _, g := range SafetyFirst(gates) {
		ids = append(ids, g.ID)
	}
	want := []string{GateSafetyFlags, GateCSSRSHigh, GateScreening, "consent:kap", "consent:privacy", GateBaseline, GateDosingOrder, GatePreparation,
		GateRide, GateFasting, GateSubstances, GateStimulants, GateMedications, GateIntention, GateBP, GateVitals}
	if !slices.Equal(ids, want) {
		t.Errorf("SafetyFirst:\n got %v\nwant %v", ids, want)
	}
	if gates[0].ID != GateScreening || gates[len(gates)-1].ID != GateCSSRSHigh {
		t.Error("SafetyFirst changed the slice it was given")
	}
	// The safety gates are there, passing, when nothing is open, and on a
	// page that has no pre-dose checks yet.
	for _, g := range Gates(GateInput{}, Settings{}, now) {
		if g.Safety && !g.Pass {
			t.Errorf("%s fails with nothing open: %s", g.ID, g.Why)
		}
	}
	// The course gates (the caseload board) do not include them.
	for _, g := range CourseGates(in, Settings{}, now) {
		if g.Safety {
			t.Errorf("%s among the course gates", g.ID)
		}
	}
}
