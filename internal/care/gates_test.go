package care

import (
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/timefmt"
)

var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// ready is a course on the morning of its first medicine session with
// everything in place.
func ready() GateInput {
	return GateInput{
		Screening: &ScreeningDecision{Kind: screening.Approve, Tier: screening.Review, At: at(2026, 2, 1, 9, 0), By: "Dr Jordan Lee", ByPrescriber: true},
		Consents: []ConsentDocument{
			{ID: "kap", Title: "KAP informed consent", Version: 3},
			{ID: "privacy", Title: "Privacy notice", Version: 1},
		},
		Signatures: []Signature{
			{DocumentID: "kap", Version: 2, At: at(2025, 12, 1, 10, 0)},
			{DocumentID: "kap", Version: 3, At: at(2026, 2, 3, 10, 0)},
			{DocumentID: "privacy", Version: 1, At: at(2026, 2, 3, 10, 5)},
		},
		Baseline: []Completion{
			{Instrument: "phq9", At: at(2026, 1, 2, 9, 0)}, // an old one that a newer one replaces
			{Instrument: "phq9", At: at(2026, 3, 1, 9, 0)},
			{Instrument: "gad7", At: at(2026, 3, 1, 9, 5)},
		},
		DosingOrder:         &DosingOrder{By: "Dr Jordan Lee", ByPrescriber: true, At: at(2026, 2, 5, 12, 0)},
		PreparationSessions: 1,
		PreDose: &PreDose{
			Companion: "Sam Rivera", CompanionPhone: "555 0100", RideConfirmed: true,
			LastFood:            now.Add(-5 * time.Hour),
			NoAlcoholOrDrugs:    new(true),
			StimulantsPaused:    new(true),
			MedicationsReviewed: true,
			IntentionRecorded:   true,
			Vitals:              &Vitals{BP: screening.BP{Systolic: 128, Diastolic: 82}, HeartRate: 72, SpO2: 98, At: now.Add(-10 * time.Minute)},
		},
	}
}

func gateByID(t *testing.T, gates []Gate, id string) Gate {
	t.Helper()
	for _, g := range gates {
		if g.ID == id {
			return g
		}
	}
	t.Fatalf("no gate %q", id)
	return Gate{}
}

func TestAllGatesPass(t *testing.T) {
	gates := Gates(ready(), Settings{}, now)
	want := []struct{ id, why string }{
		// 1 Feb + 180 days: Mar 1 (+28), Apr 1 (+59), May 1 (+89), Jun 1 (+120),
		// Jul 1 (+150), Jul 31 (+180): expired on 31 Jul, valid through 30 Jul.
		// 1 Feb 2026 is a Sunday (1 Mar is, and February has 28 days); 30 Jul
		// is 179 days later, 25 weeks and 4 days: Thursday.
		{GateScreening, "Approved by Dr Jordan Lee on Sun 1 Feb; valid through Thu 30 Jul (approvals last 180 days)."},
		{"consent:kap", "'KAP informed consent' version 3 signed on Tue 3 Feb."},
		{"consent:privacy", "'Privacy notice' version 1 signed on Tue 3 Feb."},
		// 1 Mar to 10 Mar is 9 days, within 14.
		{GateBaseline, "Done within 14 days: PHQ-9 on Sun 1 Mar, GAD-7 on Sun 1 Mar; today is Tue 10 Mar."},
		{GateDosingOrder, "Written by Dr Jordan Lee on Thu 5 Feb."},
		{GatePreparation, "1 preparation session documented."},
		{GateRide, "Sam Rivera (555 0100) is confirmed to take the client home."},
		{GateFasting, "Last ate 5 h ago (at least 4 h)."},
		{GateSubstances, "The client confirms no alcohol or other drugs in the last 24 hours."},
		{GateStimulants, "No stimulant taken today."},
		{GateMedications, "Interacting medications reviewed today."},
		{GateIntention, "The client's intention for this session is recorded."},
		{GateBP, "Blood pressure 128/82 (not above 140/90)."},
		{GateVitals, "Heart rate 72, SpO2 98%."},
		{GateSafetyFlags, "No safety flag is waiting for a clinician."},
		{GateCSSRSHigh, "No C-SSRS result at the high tier in the past month."},
	}
	if len(gates) != len(want) {
		t.Fatalf("%d gates, want %d", len(gates), len(want))
	}
	for i, w := range want {
		g := gates[i]
		if g.ID != w.id || !g.Pass || g.Why != w.why || g.Overridable || g.Override != nil {
			t.Errorf("gate %d: got %s pass=%v overridable=%v %q; want %s passing %q", i, g.ID, g.Pass, g.Overridable, g.Why, w.id, w.why)
		}
	}
	if !Ready(gates) || len(Blocking(gates)) != 0 {
		t.Errorf("not ready: %v", Blocking(gates))
	}
}

func TestCourseGatesLeaveOutTheDay(t *testing.T) {
	in := ready()
	in.PreDose = nil
	course := CourseGates(in, Settings{}, now)
	for _, g := range course {
		if g.Scope != CourseScope {
			t.Errorf("%s in the course gates", g.ID)
		}
		if !g.Pass {
			t.Errorf("%s fails: %s", g.ID, g.Why)
		}
	}
	if len(course) != 6 {
		t.Errorf("%d course gates, want 6", len(course))
	}
	// Passing course gates alone must not start a session.
	if Ready(course) {
		t.Error("Ready without the day-of checks")
	}
	// The full list without pre-dose checks has every day-of gate failing.
	all := Gates(in, Settings{}, now)
	if got := len(Blocking(all)); got != 8 {
		t.Errorf("%d blocking with no pre-dose checks, want the 8 day-of gates", got)
	}
	if Ready(nil) {
		t.Error("Ready(nil)")
	}
}

// Each case breaks one thing in the ready course; that gate alone fails, with
// this Why and this overridability.
func TestGateFailures(t *testing.T) {
	tests := []struct {
		name        string
		change      func(*GateInput)
		settings    Settings
		gate        string
		why         string
		overridable bool
	}{
		{"no screening decision", func(in *GateInput) { in.Screening = nil },
			Settings{}, GateScreening, "No prescriber has reviewed the screening yet.", false},
		{"decision by a non-prescriber", func(in *GateInput) { in.Screening.ByPrescriber, in.Screening.By = false, "Pat Moss" },
			Settings{}, GateScreening, "The screening decision was recorded by Pat Moss, who is not a prescriber; a prescriber must review it.", false},
		{"exclude tier", func(in *GateInput) { in.Screening.Tier = screening.Exclude },
			Settings{}, GateScreening, "Screening found an exclude-tier rule. This is a hard stop: there can be no medicine sessions.", false},
		{"declined", func(in *GateInput) { in.Screening.Kind = screening.Decline },
			Settings{}, GateScreening, "Dr Jordan Lee declined this client at screening on Sun 1 Feb.", false},
		{"decision of an unknown kind", func(in *GateInput) { in.Screening.Kind = "defer" },
			Settings{}, GateScreening, `The screening decision "defer" is not an approval.`, false},
		// 11 Sep 2025 + 180 days = 10 Mar 2026, today: Oct 11 (+30), Nov 11
		// (+61), Dec 11 (+91), Jan 11 (+122), Feb 11 (+153), Mar 11 (+181).
		// Expired on its day, whatever the hour; and an expiry is never
		// overridable: only a new decision renews it.
		{"approval expired today", func(in *GateInput) { in.Screening.At = at(2025, 9, 11, 9, 0) },
			Settings{}, GateScreening, "The screening approval of Thu 11 Sep 2025 expired on Tue 10 Mar (approvals last 180 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again.", false},
		{"approval given late in the day expired today", func(in *GateInput) { in.Screening.At = at(2025, 9, 11, 23, 30) },
			Settings{}, GateScreening, "The screening approval of Thu 11 Sep 2025 expired on Tue 10 Mar (approvals last 180 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again.", false},
		// 10 Dec 2025 + 90 days: 21 to 31 Dec, 52 to 31 Jan, 80 to 28 Feb, 90 on 10 Mar.
		{"approval expired, 90-day clinic", func(in *GateInput) { in.Screening.At = at(2025, 12, 10, 9, 0) },
			Settings{Screening: screening.Settings{ApprovalDays: 90}}, GateScreening, "The screening approval of Wed 10 Dec 2025 expired on Tue 10 Mar (approvals last 90 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again.", false},

		{"current version not signed", func(in *GateInput) {
			in.Signatures = in.Signatures[:1]
			in.Signatures = append(in.Signatures, Signature{DocumentID: "privacy", Version: 1})
		},
			Settings{}, "consent:kap", "Version 3 is not signed yet; the client signed version 2.", false},
		{"never signed", func(in *GateInput) { in.Signatures = in.Signatures[2:] },
			Settings{}, "consent:kap", "Version 3 is not signed yet.", false},
		{"withdrawn", func(in *GateInput) {
			in.Signatures[1].Withdrawn, in.Signatures[1].WithdrawnAt = true, at(2026, 3, 4, 15, 0)
		},
			Settings{}, "consent:kap", "The client withdrew their consent to 'KAP informed consent' on Wed 4 Mar, which voids every signature of it made before then; version 3 must be signed again.", false},
		// Signed twice (a double submit), then one of the two withdrawn: the
		// other one is void too.
		{"withdrawn after a double submit", func(in *GateInput) {
			in.Signatures = append(in.Signatures, Signature{DocumentID: "kap", Version: 3, At: at(2026, 2, 3, 10, 0).Add(time.Second)})
			in.Signatures[1].Withdrawn, in.Signatures[1].WithdrawnAt = true, at(2026, 3, 4, 15, 0)
		},
			Settings{}, "consent:kap", "The client withdrew their consent to 'KAP informed consent' on Wed 4 Mar, which voids every signature of it made before then; version 3 must be signed again.", false},
		{"no consent documents set up", func(in *GateInput) { in.Consents = nil },
			Settings{}, GateConsent, "The clinic has no required consent documents set up; an admin must add the informed consent before any medicine session.", false},

		{"GAD-7 missing", func(in *GateInput) { in.Baseline = in.Baseline[:2] },
			Settings{}, GateBaseline, "Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: GAD-7 has not been done.", true},
		{"none done", func(in *GateInput) { in.Baseline = nil },
			Settings{}, GateBaseline, "Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: PHQ-9 and GAD-7 have not been done.", true},
		// 10 Mar less 14 days is 24 Feb (February 2026 has 28 days); 23 Feb
		// is 15 days before, whatever the hour.
		{"PHQ-9 one day too old", func(in *GateInput) { in.Baseline = []Completion{{"phq9", at(2026, 2, 23, 23, 59)}, {"gad7", now}} },
			Settings{}, GateBaseline, "Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: PHQ-9 was done on Mon 23 Feb, 15 days before today (Tue 10 Mar).", true},
		{"GAD-7 missing and PHQ-9 too old", func(in *GateInput) { in.Baseline = []Completion{{"phq9", at(2026, 2, 23, 9, 0)}} },
			Settings{}, GateBaseline, "Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: GAD-7 has not been done; PHQ-9 was done on Mon 23 Feb, 15 days before today (Tue 10 Mar).", true},
		{"a measure dated after today", func(in *GateInput) { in.Baseline[1].At = at(2026, 3, 11, 9, 0) },
			Settings{}, GateBaseline, "Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: PHQ-9 is dated Wed 11 Mar, after today (Tue 10 Mar); check it.", true},
		{"PCL-5 also required", func(in *GateInput) {},
			Settings{BaselineInstruments: append(DefaultBaseline(), Instrument{"pcl5", "PCL-5"})}, GateBaseline,
			"Baseline measures must be done within the 14 days before a medicine session, counted in calendar days of the clinic: PCL-5 has not been done.", true},

		{"no dosing order", func(in *GateInput) { in.DosingOrder = nil },
			Settings{}, GateDosingOrder, "There is no dosing order for this course.", false},
		{"order by a non-prescriber", func(in *GateInput) { in.DosingOrder.ByPrescriber, in.DosingOrder.By = false, "Pat Moss" },
			Settings{}, GateDosingOrder, "The dosing order was written by Pat Moss, who is not a prescriber.", false},
		{"no preparation session", func(in *GateInput) { in.PreparationSessions = 0 },
			Settings{}, GatePreparation, "No preparation session is documented yet; the clinic asks for at least 1.", true},
		{"fewer than the clinic asks", func(in *GateInput) { in.PreparationSessions = 2 },
			Settings{MinPreparationSessions: 3}, GatePreparation, "Only 2 preparation sessions documented; the clinic asks for at least 3.", true},

		{"no companion", func(in *GateInput) { in.PreDose.Companion = "" },
			Settings{}, GateRide, "No ride home or companion is named.", true},
		{"no phone", func(in *GateInput) { in.PreDose.CompanionPhone = "" },
			Settings{}, GateRide, "The companion, Sam Rivera, has no phone number recorded.", true},
		{"ride not confirmed", func(in *GateInput) { in.PreDose.RideConfirmed = false },
			Settings{}, GateRide, "The ride home with Sam Rivera (555 0100) has not been confirmed.", true},
		{"fasting not asked", func(in *GateInput) { in.PreDose.LastFood = time.Time{} },
			Settings{}, GateFasting, "Fasting has not been confirmed: record when the client last ate.", true},
		{"ate 3 h 59 min ago", func(in *GateInput) { in.PreDose.LastFood = now.Add(-4*time.Hour + time.Minute) },
			Settings{}, GateFasting, "The client last ate 3 h 59 min ago; the clinic asks for at least 4 h without food.", true},
		{"6-hour clinic, ate 5 h ago", func(in *GateInput) {},
			Settings{FastingHours: 6}, GateFasting, "The client last ate 5 h ago; the clinic asks for at least 6 h without food.", true},
		{"meal time in the future", func(in *GateInput) { in.PreDose.LastFood = now.Add(time.Hour) },
			Settings{}, GateFasting, "The time the client last ate is later than now; check it.", true},
		{"alcohol not asked", func(in *GateInput) { in.PreDose.NoAlcoholOrDrugs = nil },
			Settings{}, GateSubstances, "The client has not yet been asked about alcohol and other drugs in the last 24 hours.", true},
		{"alcohol reported", func(in *GateInput) { in.PreDose.NoAlcoholOrDrugs = new(false) },
			Settings{}, GateSubstances, "The client reports alcohol or other drugs in the last 24 hours.", true},
		{"stimulants not asked", func(in *GateInput) { in.PreDose.StimulantsPaused = nil },
			Settings{}, GateStimulants, "The client has not yet been asked whether they took a stimulant today.", true},
		{"stimulant taken", func(in *GateInput) { in.PreDose.StimulantsPaused = new(false) },
			Settings{}, GateStimulants, "The client took a stimulant today; stimulants should be paused on the day of a session.", true},
		{"medications not reviewed", func(in *GateInput) { in.PreDose.MedicationsReviewed = false },
			Settings{}, GateMedications, "Interacting medications have not been reviewed today.", true},
		{"no intention", func(in *GateInput) { in.PreDose.IntentionRecorded = false },
			Settings{}, GateIntention, "No intention is recorded for this session.", true},

		{"BP not recorded", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{} },
			Settings{}, GateBP, "Pre-dose blood pressure has not been recorded.", false},
		{"BP 141/90 needs confirming", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{Systolic: 141, Diastolic: 90} },
			Settings{}, GateBP, "Blood pressure 141/90 is above 140/90: a prescriber must confirm before dosing.", true},
		{"BP 140/91 needs confirming", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{Systolic: 140, Diastolic: 91} },
			Settings{}, GateBP, "Blood pressure 140/91 is above 140/90: a prescriber must confirm before dosing.", true},
		{"BP 180/100 needs confirming but is not a hold", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{Systolic: 180, Diastolic: 100} },
			Settings{}, GateBP, "Blood pressure 180/100 is above 140/90: a prescriber must confirm before dosing.", true},
		{"BP 181/100 is a hold", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{Systolic: 181, Diastolic: 100} },
			Settings{}, GateBP, "Blood pressure 181/100 is above 180/100: hold, no dose today.", false},
		{"BP 150/101 is a hold", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{Systolic: 150, Diastolic: 101} },
			Settings{}, GateBP, "Blood pressure 150/101 is above 180/100: hold, no dose today.", false},
		{"clinic confirm line 130/80", func(in *GateInput) {},
			Settings{ConfirmBP: screening.BP{Systolic: 130, Diastolic: 80}}, GateBP, "Blood pressure 128/82 is above 130/80: a prescriber must confirm before dosing.", true},
		{"heart rate missing", func(in *GateInput) { in.PreDose.Vitals.HeartRate = 0 },
			Settings{}, GateVitals, "Pre-dose heart rate is not recorded.", false},
		{"both missing", func(in *GateInput) { in.PreDose.Vitals.HeartRate, in.PreDose.Vitals.SpO2 = 0, 0 },
			Settings{}, GateVitals, "Pre-dose heart rate and SpO2 are not recorded.", false},
		{"heart rate 121", func(in *GateInput) { in.PreDose.Vitals.HeartRate = 121 },
			Settings{}, GateVitals, "Pre-dose heart rate 121 is above 120: a prescriber must confirm before dosing.", true},
		{"SpO2 91", func(in *GateInput) { in.PreDose.Vitals.SpO2 = 91 },
			Settings{}, GateVitals, "Pre-dose SpO2 91% is below 92%: a prescriber must confirm before dosing.", true},
		{"both out of line", func(in *GateInput) { in.PreDose.Vitals.HeartRate, in.PreDose.Vitals.SpO2 = 130, 90 },
			Settings{}, GateVitals, "Pre-dose heart rate 130 is above 120 and SpO2 90% is below 92%: a prescriber must confirm before dosing.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			tt.change(&in)
			gates := Gates(in, tt.settings, now)
			blocking := Blocking(gates)
			if len(blocking) != 1 || blocking[0].ID != tt.gate {
				var ids []string
				for _, b := range blocking {
					ids = append(ids, b.ID+": "+b.Why)
				}
				t.Fatalf("blocking %q, want only %s", ids, tt.gate)
			}
			g := blocking[0]
			if g.Pass || g.Why != tt.why || g.Overridable != tt.overridable {
				t.Errorf("got pass=%v overridable=%v\n %q\nwant overridable=%v\n %q", g.Pass, g.Overridable, g.Why, tt.overridable, tt.why)
			}
			if Ready(gates) {
				t.Error("Ready with a failing gate")
			}
		})
	}
}

// The boundaries that pass: exactly 14 days, exactly 4 hours, 140/90, HR 120,
// SpO2 92, a re-signed consent after a withdrawal, one second short of expiry.
func TestGateBoundariesThatPass(t *testing.T) {
	tests := []struct {
		name     string
		change   func(*GateInput)
		settings Settings
	}{
		// 24 Feb to 10 Mar is 14 days: within, at any hour of 24 Feb.
		{"PHQ-9 exactly 14 days ago", func(in *GateInput) { in.Baseline[1].At = at(2026, 2, 24, 9, 0) }, Settings{}},
		{"PHQ-9 14 days ago, early that day", func(in *GateInput) { in.Baseline[1].At = at(2026, 2, 24, 0, 30) }, Settings{}},
		{"ate exactly 4 h ago", func(in *GateInput) { in.PreDose.LastFood = now.Add(-4 * time.Hour) }, Settings{}},
		{"BP 140/90", func(in *GateInput) { in.PreDose.Vitals.BP = screening.BP{Systolic: 140, Diastolic: 90} }, Settings{}},
		{"HR 120 and SpO2 92", func(in *GateInput) { in.PreDose.Vitals.HeartRate, in.PreDose.Vitals.SpO2 = 120, 92 }, Settings{}},
		{"withdrawn then signed again", func(in *GateInput) {
			in.Signatures[1].Withdrawn = true
			in.Signatures = append(in.Signatures, Signature{DocumentID: "kap", Version: 3, At: at(2026, 3, 1, 9, 0)})
		}, Settings{}},
		// 12 Sep 2025 + 180 days = 11 Mar: today, 10 Mar, is its last day.
		{"approval on its last day", func(in *GateInput) { in.Screening.At = at(2025, 9, 12, 0, 30) }, Settings{}},
		{"approved with conditions", func(in *GateInput) { in.Screening.Kind = screening.ApproveWithConditions }, Settings{}},
		{"clinic requires no baseline", func(in *GateInput) { in.Baseline = nil }, Settings{BaselineInstruments: []Instrument{}}},
	}
	for _, tt := range tests {
		in := ready()
		tt.change(&in)
		if b := Blocking(Gates(in, tt.settings, now)); len(b) != 0 {
			t.Errorf("%s: blocked by %s: %s", tt.name, b[0].ID, b[0].Why)
		}
	}
}

func TestOverrides(t *testing.T) {
	lee := func(gate, reason string, when time.Time) Override {
		return Override{GateID: gate, Reason: reason, By: "Dr Jordan Lee", ByPrescriber: true, At: when}
	}
	tests := []struct {
		name      string
		change    func(*GateInput)
		gate      string
		cleared   bool
		reason    string // of the override that applied
		whySuffix string
	}{
		{"baseline overridden", func(in *GateInput) {
			in.Baseline = nil
			in.Overrides = []Override{lee(GateBaseline, "PHQ-9 and GAD-7 done on paper this morning; to be entered.", now)}
		}, GateBaseline, true, "PHQ-9 and GAD-7 done on paper this morning; to be entered.", ""},
		{"the latest override applies", func(in *GateInput) {
			in.PreparationSessions = 0
			in.Overrides = []Override{
				lee(GatePreparation, "first", now.Add(-2*time.Hour)),
				lee(GatePreparation, "second", now.Add(-time.Hour)),
			}
		}, GatePreparation, true, "second", ""},
		{"BP 150/95 confirmed by a prescriber", func(in *GateInput) {
			in.PreDose.Vitals.BP = screening.BP{Systolic: 150, Diastolic: 95}
			in.Overrides = []Override{lee(GateBP, "White-coat pattern; 138/88 at home this week.", now)}
		}, GateBP, true, "White-coat pattern; 138/88 at home this week.", ""},
		{"a confirmation older than the reading does not count", func(in *GateInput) {
			in.PreDose.Vitals.BP = screening.BP{Systolic: 150, Diastolic: 95}
			in.Overrides = []Override{lee(GateBP, "confirmed the first reading", now.Add(-time.Hour))}
		}, GateBP, false, "", ""},
		{"BP hold cannot be overridden", func(in *GateInput) {
			in.PreDose.Vitals.BP = screening.BP{Systolic: 185, Diastolic: 100}
			in.Overrides = []Override{lee(GateBP, "I accept the risk.", now)}
		}, GateBP, false, "", " An override was recorded but cannot clear this gate."},
		{"exclude-tier screening cannot be overridden", func(in *GateInput) {
			in.Screening.Tier = screening.Exclude
			in.Overrides = []Override{lee(GateScreening, "Old history.", now)}
		}, GateScreening, false, "", " An override was recorded but cannot clear this gate."},
		{"consent cannot be overridden", func(in *GateInput) {
			in.Signatures = in.Signatures[2:]
			in.Overrides = []Override{lee("consent:kap", "Verbal consent.", now)}
		}, "consent:kap", false, "", " An override was recorded but cannot clear this gate."},
		// An expired approval is renewed only by a new decision.
		{"expired approval cannot be overridden", func(in *GateInput) {
			in.Screening.At = at(2025, 9, 1, 9, 0)
			in.Overrides = []Override{lee(GateScreening, "Last session of the course; renewal booked.", now)}
		}, GateScreening, false, "", " An override was recorded but cannot clear this gate."},
		{"override by a therapist does not count", func(in *GateInput) {
			in.PreDose.IntentionRecorded = false
			in.Overrides = []Override{{GateID: GateIntention, Reason: "Said aloud.", By: "Sam Ortiz", At: now}}
		}, GateIntention, false, "", " An override by Sam Ortiz was not counted: Only a prescriber can override a gate."},
		{"override without a reason does not count", func(in *GateInput) {
			in.PreDose.IntentionRecorded = false
			in.Overrides = []Override{lee(GateIntention, "  ", now)}
		}, GateIntention, false, "", " An override by Dr Jordan Lee was not counted: Write the reason for overriding Intention recorded; it is audited and shown on the session record."},
		{"an override of a passing gate changes nothing", func(in *GateInput) {
			in.Overrides = []Override{lee(GateRide, "just in case", now)}
		}, GateRide, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			tt.change(&in)
			g := gateByID(t, Gates(in, Settings{}, now), tt.gate)
			if g.Cleared() != tt.cleared {
				t.Fatalf("cleared = %v, want %v (%s)", g.Cleared(), tt.cleared, g.Why)
			}
			switch {
			case tt.reason == "" && g.Override != nil:
				t.Errorf("override applied: %+v", g.Override)
			case tt.reason != "" && (g.Override == nil || g.Override.Reason != tt.reason):
				t.Errorf("override = %+v, want reason %q", g.Override, tt.reason)
			}
			if tt.whySuffix != "" && !strings.HasSuffix(g.Why, tt.whySuffix) {
				t.Errorf("why = %q, want it to end %q", g.Why, tt.whySuffix)
			}
			if tt.reason != "" && g.Pass {
				t.Error("an overridden gate must still show that it failed")
			}
		})
	}

	// With its one failing gate overridden, the session may start.
	in := ready()
	in.Baseline = nil
	in.Overrides = []Override{lee(GateBaseline, "Done on paper.", now)}
	if gates := Gates(in, Settings{}, now); !Ready(gates) {
		t.Errorf("not ready after an override: %v", Blocking(gates))
	}
}

func TestCheckOverride(t *testing.T) {
	in := ready()
	in.PreDose.Vitals.BP = screening.BP{Systolic: 150, Diastolic: 95}
	confirm := gateByID(t, Gates(in, Settings{}, now), GateBP)
	in.PreDose.Vitals.BP = screening.BP{Systolic: 190, Diastolic: 95}
	hold := gateByID(t, Gates(in, Settings{}, now), GateBP)
	passing := gateByID(t, Gates(ready(), Settings{}, now), GateRide)
	in = ready()
	in.Signatures = nil
	consent := gateByID(t, Gates(in, Settings{}, now), "consent:kap")

	ok := Override{GateID: GateBP, Reason: "Confirmed.", By: "Dr Jordan Lee", ByPrescriber: true, At: now}
	tests := []struct {
		name   string
		g      Gate
		o      Override
		field  string
		wantIn string
	}{
		{"prescriber confirms a 150/95 reading", confirm, ok, "", ""},
		{"hold", hold, ok, "gate", "Pre-dose blood pressure cannot be overridden: a reading above 180/100 means no dose today."},
		{"consent", consent, Override{GateID: "consent:kap", Reason: "Verbal.", ByPrescriber: true}, "gate", "only the client can give consent"},
		{"passing gate", passing, Override{GateID: GateRide, Reason: "x", ByPrescriber: true}, "gate", "already passes"},
		{"wrong gate", confirm, Override{GateID: GateRide, Reason: "x", ByPrescriber: true}, "gate", "not for"},
		{"not a prescriber", confirm, Override{GateID: GateBP, Reason: "x"}, "by", "Only a prescriber"},
		{"no reason", confirm, Override{GateID: GateBP, ByPrescriber: true}, "reason", "Write the reason"},
	}
	for _, tt := range tests {
		err := CheckOverride(tt.g, tt.o)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tt.name, err)
			}
			continue
		}
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != tt.field || !strings.Contains(problem.MessageOf(err), tt.wantIn) {
			t.Errorf("%s: got %v, want invalid %s containing %q", tt.name, err, tt.field, tt.wantIn)
		}
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		4 * time.Hour:                "4 h",
		3*time.Hour + 59*time.Minute: "3 h 59 min",
		45 * time.Minute:             "45 min",
		4*time.Hour + 59*time.Second: "4 h", // seconds are dropped, never rounded up
		26*time.Hour + 5*time.Minute: "26 h 5 min",
	} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSettings(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
	d := (Settings{}).withDefaults()
	if !slices.Equal(d.BaselineInstruments, DefaultBaseline()) || d.BaselineDays != 14 || d.FastingHours != 4 ||
		d.ConfirmBP != (screening.BP{Systolic: 140, Diastolic: 90}) || d.HoldBP != (screening.BP{Systolic: 180, Diastolic: 100}) ||
		d.MinPreparationSessions != 1 || d.MaxHeartRate != 120 || d.MinSpO2 != 92 {
		t.Errorf("zero settings = %+v, want DESIGN.md and CLINICAL.md defaults", d)
	}
	bad := []struct {
		s     Settings
		field string
	}{
		{Settings{ConfirmBP: screening.BP{Systolic: 190, Diastolic: 90}}, "confirm_bp"},
		{Settings{FastingHours: -1}, "fasting_hours"},
		{Settings{MinSpO2: 101}, "min_spo2"},
		{Settings{BaselineInstruments: []Instrument{{ID: "phq9"}}}, "baseline_instruments"},
		{Settings{Screening: screening.Settings{ApprovalDays: -1}}, "approval_days"},
	}
	for _, b := range bad {
		if err := b.s.Validate(); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != b.field {
			t.Errorf("Validate(%+v) = %v, want invalid %s", b.s, err, b.field)
		}
	}
}

// An approval keeps the end it was given: changing how long approvals last
// moves neither a later nor an earlier end already recorded.
func TestScreeningGateKeepsRecordedExpiry(t *testing.T) {
	in := ready()
	in.Screening.At = at(2025, 12, 10, 9, 0)
	// 10 Dec 2025 + 180 days: 21 to 31 Dec, 52 to 31 Jan, 80 to 28 Feb,
	// 111 to 31 Mar, 141 to 30 Apr, 172 to 31 May, 180 on 8 Jun.
	in.Screening.ExpiresAt = new(at(2026, 6, 8, 9, 0))
	g := gateByID(t, CourseGates(in, Settings{Screening: screening.Settings{ApprovalDays: 90}}, now), GateScreening)
	// Valid through 7 Jun, a Sunday: 8 Jun 2026 is a Monday (1 Jun is).
	if !g.Pass || g.Why != "Approved by Dr Jordan Lee on Wed 10 Dec 2025; valid through Sun 7 Jun (this one was given for 180 days)." {
		t.Errorf("a 180-day approval under a 90-day setting: pass=%v %q", g.Pass, g.Why)
	}
	// 10 Nov 2025 + 120 days: 20 to 30 Nov, 51 to 31 Dec, 82 to 31 Jan,
	// 110 to 28 Feb, 120 on 10 Mar: lapsed exactly now, whatever the setting.
	in.Screening.At = at(2025, 11, 10, 9, 0)
	in.Screening.ExpiresAt = new(at(2026, 3, 10, 9, 0))
	g = gateByID(t, CourseGates(in, Settings{Screening: screening.Settings{ApprovalDays: 365}}, now), GateScreening)
	if g.Pass || g.Overridable || g.Why != "The screening approval of Mon 10 Nov 2025 expired on Tue 10 Mar (this one was given for 120 days, counted in calendar days of the clinic). Only a new screening decision renews it: a prescriber must review the screening again." {
		t.Errorf("a lapsed 120-day approval under a 365-day setting: pass=%v %q", g.Pass, g.Why)
	}
}

// TestGateDaysAreTheClinics: a dosing order written at 19:30 in Oregon on
// 4 March is 03:30 UTC on 5 March; the gate says the clinic's day.
func TestGateDaysAreTheClinics(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	in := ready()
	in.DosingOrder.At = time.Date(2026, 3, 5, 3, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{
		{la, "Written by Dr Jordan Lee on Wed 4 Mar."},
		{nil, "Written by Dr Jordan Lee on Thu 5 Mar."}, // no zone given: UTC
	} {
		for _, g := range Gates(in, Settings{Time: timefmt.New(tc.loc, "")}, now) {
			if g.ID == GateDosingOrder && g.Why != tc.want {
				t.Errorf("%v: %q, want %q", tc.loc, g.Why, tc.want)
			}
		}
	}
}

// Every gate the lists can hold says where it comes from.
func TestEveryGateHasASource(t *testing.T) {
	in := GateInput{Consents: []ConsentDocument{{ID: "kap", Title: "KAP informed consent", Version: 1}}}
	for _, g := range Gates(in, Settings{}, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) {
		if Source(g.ID) == "" {
			t.Errorf("gate %s has no source", g.ID)
		}
	}
	if Source(GateConsent) == "" {
		t.Error("the no-document consent gate has no source")
	}
}
