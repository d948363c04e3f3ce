package session_test

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
)

// ready is a session that may go home: dose at 10:00, now 12:05, discharge
// vitals at 12:00, alert and oriented, leaving with the named companion.
func ready() session.DischargeInput {
	v := full(120, 130, 80, 78, 98)
	v.Sedation = sed(5)
	pre := full(-10, 128, 82, 72, 98)
	return session.DischargeInput{
		Protocol:         session.DefaultProtocol(),
		Limits:           session.DefaultDischargeLimits(),
		DoseTime:         dose,
		PreDose:          &pre,
		Now:              at(125),
		LastVitals:       v,
		AlertAndOriented: true,
		Companion:        "Sam Lee",
		ReleasedTo:       "  sam   LEE ", // as typed at the door
		Time:             clock24,
	}
}

func TestCheckDischargeReady(t *testing.T) {
	d := session.CheckDischarge(ready())
	if !d.Ready || len(d.Criteria) != 6 {
		t.Fatalf("not ready: %+v", d.Criteria)
	}
	for _, c := range d.Criteria {
		if !c.Passed || c.Reason == "" || c.Label == "" {
			t.Errorf("%s: %+v", c.Key, c)
		}
	}
	if len(d.Instructions) != 1 || !strings.Contains(d.Instructions[0], "drive") || !strings.Contains(d.Instructions[0], "next day") {
		t.Errorf("instructions %q", d.Instructions)
	}
}

// A clinic on the 12-hour clock reads the reasons so: the discharge reading
// at 12:00 is "12:00 PM".
func TestDischargeReasonsOnTheClinicsClock(t *testing.T) {
	in := ready()
	in.Time = clock12
	reasons := map[string]string{}
	for _, c := range session.CheckDischarge(in).Criteria {
		reasons[c.Key] = c.Reason
	}
	if got := reasons[session.CriterionVitals]; got != "Within the discharge limits at 12:00 PM." {
		t.Errorf("vitals reason %q", got)
	}
}

func TestCheckDischarge(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*session.DischargeInput)
		failed string // the criterion that fails
		reason string // a fragment of its reason
	}{
		// 105.5 minutes observed; 120 − 105.5 = 14.5 minutes left, said
		// as 15 (rounded up, never down).
		{"early", func(in *session.DischargeInput) { in.Now, in.LastVitals.At = at(105.5), at(105) }, session.CriterionObservation,
			"105 minutes since the dose; the minimum is 120, so 15 minutes remain."},
		// 119 min 1 s: 59 s left is "1 minute", not "0 minutes".
		{"a minute early", func(in *session.DischargeInput) {
			in.Now = at(119 + 1.0/60)
			in.LastVitals.At = at(118)
		}, session.CriterionObservation, "so 1 minute remains."},
		{"clinic minimum of 180", func(in *session.DischargeInput) { in.Protocol.MinObservation = 180 }, session.CriterionObservation,
			"125 minutes since the dose; the minimum is 180, so 55 minutes remain."},
		{"protocol without a minimum", func(in *session.DischargeInput) { in.Protocol.MinObservation = 0 }, session.CriterionObservation,
			"sets no minimum"},
		// 12:05 − 11:40 = 25 minutes, older than 15.
		{"stale vitals", func(in *session.DischargeInput) { in.LastVitals.At = at(100) }, session.CriterionVitals,
			"25 minutes old"},
		{"vitals from the future", func(in *session.DischargeInput) { in.LastVitals.At = at(130) }, session.CriterionVitals,
			"timed after now"},
		{"vitals before the dose", func(in *session.DischargeInput) {
			in.Now, in.Protocol.MinObservation, in.LastVitals.At = at(5), 1, at(-5)
		}, session.CriterionVitals, "before the dose"},
		{"no vitals", func(in *session.DischargeInput) { in.LastVitals = session.Vitals{} }, session.CriterionVitals,
			"No vital signs"},
		// 181/80: systolic above 180; and far from the pre-dose 128.
		{"BP high", func(in *session.DischargeInput) { in.LastVitals.Systolic = 181 }, session.CriterionVitals,
			"Blood pressure 181/80 is above 180/100."},
		{"HR high", func(in *session.DischargeInput) { in.LastVitals.HeartRate = 121 }, session.CriterionVitals,
			"Heart rate 121 is above 120."},
		// 150/80 with HR 90, against the pre-dose 128/82 with HR 72: within
		// the absolute discharge limits (180/100, 120), and the pressure is
		// within 20% (103–153, 66–98), but HR 90 is 18/72 = 25% above (58–86)
		// and 150 is above 140: not back to the client's own level.
		{"not back to the client's own level", func(in *session.DischargeInput) { in.LastVitals.Systolic, in.LastVitals.HeartRate = 150, 90 },
			session.CriterionOwnLevel, "heart rate 90 is 25% above 72. Nor are they at or below 140/90 with heart rate 50–100: systolic 150 is above 140."},
		{"SpO2 low", func(in *session.DischargeInput) { in.LastVitals.SpO2 = 91 }, session.CriterionVitals,
			"SpO2 91% is below 92%."},
		{"discharge measures missing", func(in *session.DischargeInput) { in.LastVitals.SpO2 = 0 }, session.CriterionVitals,
			"The last reading has no SpO2."},
		{"drowsy", func(in *session.DischargeInput) { in.LastVitals.Sedation = sed(4) }, session.CriterionAlert,
			"The last MOAA/S is 4"},
		{"not attested", func(in *session.DischargeInput) { in.AlertAndOriented = false }, session.CriterionAlert,
			"Not yet recorded"},
		{"someone else", func(in *session.DischargeInput) { in.ReleasedTo = "Alex Lee" }, session.CriterionCompanion,
			"Released to Alex Lee, but the named companion is Sam Lee"},
		{"nobody yet", func(in *session.DischargeInput) { in.ReleasedTo = "" }, session.CriterionCompanion,
			"the named companion is Sam Lee"},
		{"no companion named", func(in *session.DischargeInput) { in.Companion = "" }, session.CriterionCompanion,
			"No companion was named"},
		{"open alert", func(in *session.DischargeInput) {
			in.OpenAlerts = session.EvaluateAlerts([]session.Vitals{spo2(50, 90)}, session.DefaultAlertLimits(), clock24)
		}, session.CriterionAlerts, "1 alert is not acknowledged: SpO2 90%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			tt.edit(&in)
			d := session.CheckDischarge(in)
			if d.Ready {
				t.Fatal("ready, want not")
			}
			// The readings that break an absolute limit are also far from the
			// client's own level: that criterion fails with them.
			also := map[string]string{"no vitals": session.CriterionOwnLevel, "BP high": session.CriterionOwnLevel, "HR high": session.CriterionOwnLevel}[tt.name]
			for _, c := range d.Criteria {
				if c.Key == also {
					if c.Passed {
						t.Errorf("%s passed: %s", c.Key, c.Reason)
					}
					continue
				}
				if c.Key != tt.failed {
					if !c.Passed {
						t.Errorf("%s failed too: %s", c.Key, c.Reason)
					}
					continue
				}
				if c.Passed || !strings.Contains(c.Reason, tt.reason) {
					t.Errorf("%s: passed %v, reason %q, want %q", c.Key, c.Passed, c.Reason, tt.reason)
				}
			}
		})
	}
}

func TestCheckDischargeBoundaries(t *testing.T) {
	tests := []struct {
		name string
		edit func(*session.DischargeInput)
	}{
		// 120 minutes exactly is the minimum, passed.
		{"exactly 120 minutes", func(in *session.DischargeInput) { in.Now = at(120); in.LastVitals.At = at(119) }},
		// At the limits, not above them: 180/100, HR 120, SpO2 92; from a
		// pre-dose 160/90 with HR 105 they are within 20% (128–192, 72–108,
		// 84–126).
		{"at the limits", func(in *session.DischargeInput) {
			in.LastVitals.Systolic, in.LastVitals.Diastolic, in.LastVitals.HeartRate, in.LastVitals.SpO2 = 180, 100, 120, 92
			in.PreDose.Systolic, in.PreDose.Diastolic, in.PreDose.HeartRate = 160, 90, 105
		}},
		// 15 minutes old exactly is recent enough.
		{"15 minutes old", func(in *session.DischargeInput) { in.LastVitals.At = at(110) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			tt.edit(&in)
			if d := session.CheckDischarge(in); !d.Ready {
				t.Errorf("not ready: %+v", d.Criteria)
			}
		})
	}
	// Everything at once: every failing criterion is reported, not just the first.
	in := ready()
	in.Now, in.LastVitals.At, in.AlertAndOriented, in.ReleasedTo = at(60), at(58), false, ""
	failed := 0
	for _, c := range session.CheckDischarge(in).Criteria {
		if !c.Passed {
			failed++
		}
	}
	if failed != 3 { // observation, alert and oriented, companion
		t.Errorf("%d criteria failed, want 3", failed)
	}
}

// Back to the client's own level: the last BP (both numbers) and HR within
// 20% of the pre-dose reading, or at or below 140/90 with HR 50–100. The
// last reading is at 12:00, the pre-dose one at 09:50.
func TestOwnLevel(t *testing.T) {
	tests := []struct {
		name     string
		pre      *session.Vitals
		sys, dia int
		hr       int
		passed   bool
		reason   string
	}{
		// 20% of 150 = 30, so 120–180; of 90 = 18, so 72–108; of 80 = 16, so
		// 64–96. 180/108 with HR 96 is at every edge, inside.
		{"at the edges of 20%", pv(150, 90, 80), 180, 108, 96, true,
			"Blood pressure 180/108 and heart rate 96 at 12:00 are within 20% of the pre-dose 150/90 and heart rate 80 at 09:50."},
		// 181 is 31 above 150: 20.7%, shown as "more than 20%"; and 181/100
		// is above 140/90.
		{"a point over 20%", pv(150, 90, 80), 181, 100, 80, false,
			"Blood pressure 181/100 and heart rate 80 at 12:00 are not yet back to the client's own level. " +
				"Compared with the pre-dose 150/90 and heart rate 80 at 09:50 (within 20%: systolic 120–180, diastolic 72–108, heart rate 64–96): " +
				"systolic 181 is more than 20% above 150. Nor are they at or below 140/90 with heart rate 50–100: systolic 181 is above 140, diastolic 100 is above 90."},
		// 119 is 31 below 150 (20.7%), but 119/80 with HR 70 is under the
		// fixed line: passes, saying both.
		{"below 20% but under the line", pv(150, 90, 80), 119, 80, 70, true,
			"Blood pressure 119/80 and heart rate 70 at 12:00 are at or below 140/90 with heart rate 50–100. " +
				"(Not within 20% of the pre-dose 150/90 and heart rate 80 at 09:50 (within 20%: systolic 120–180, diastolic 72–108, heart rate 64–96): systolic 119 is more than 20% below 150.)"},
		// From 100/60 with HR 60, 140/90 with HR 100 is far above (40%, 50%,
		// 66%) but exactly on the line, which counts.
		{"on the fixed line", pv(100, 60, 60), 140, 90, 100, true,
			"Blood pressure 140/90 and heart rate 100 at 12:00 are at or below 140/90 with heart rate 50–100. " +
				"(Not within 20% of the pre-dose 100/60 and heart rate 60 at 09:50 (within 20%: systolic 80–120, diastolic 48–72, heart rate 48–72): " +
				"systolic 140 is 40% above 100, diastolic 90 is 50% above 60, heart rate 100 is 66% above 60.)"},
		{"a point over the fixed line", pv(100, 60, 60), 141, 90, 100, false,
			"Blood pressure 141/90 and heart rate 100 at 12:00 are not yet back to the client's own level. " +
				"Compared with the pre-dose 100/60 and heart rate 60 at 09:50 (within 20%: systolic 80–120, diastolic 48–72, heart rate 48–72): " +
				"systolic 141 is 41% above 100, diastolic 90 is 50% above 60, heart rate 100 is 66% above 60. " +
				"Nor are they at or below 140/90 with heart rate 50–100: systolic 141 is above 140."},
		// HR 49 from 60 is 11 below (18%), within 20% (48–72): passes though
		// it is under 50.
		{"a slow heart within 20%", pv(120, 80, 60), 120, 80, 49, true,
			"Blood pressure 120/80 and heart rate 49 at 12:00 are within 20% of the pre-dose 120/80 and heart rate 60 at 09:50."},
		// HR 47 from 60 is 13 below (21%), and under 50.
		{"a slow heart outside both", pv(120, 80, 60), 120, 80, 47, false,
			"Blood pressure 120/80 and heart rate 47 at 12:00 are not yet back to the client's own level. " +
				"Compared with the pre-dose 120/80 and heart rate 60 at 09:50 (within 20%: systolic 96–144, diastolic 64–96, heart rate 48–72): " +
				"heart rate 47 is 21% below 60. Nor are they at or below 140/90 with heart rate 50–100: heart rate 47 is outside 50–100."},
		{"no pre-dose reading, under the line", nil, 130, 85, 90, true,
			"Blood pressure 130/85 and heart rate 90 at 12:00 are at or below 140/90 with heart rate 50–100."},
		{"no pre-dose reading, over the line", nil, 150, 85, 90, false,
			"Blood pressure 150/85 and heart rate 90 at 12:00: there is no pre-dose reading with blood pressure and heart rate to compare with, and they are not at or below 140/90 with heart rate 50–100: systolic 150 is above 140."},
		{"no heart rate in the last reading", pv(120, 80, 60), 120, 80, 0, false,
			"The last reading, at 12:00, needs both blood pressure and heart rate to compare with the client's own level."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			in.PreDose = tt.pre
			in.LastVitals.Systolic, in.LastVitals.Diastolic, in.LastVitals.HeartRate = tt.sys, tt.dia, tt.hr
			var c session.Criterion
			for _, x := range session.CheckDischarge(in).Criteria {
				if x.Key == session.CriterionOwnLevel {
					c = x
				}
			}
			if c.Passed != tt.passed || c.Reason != tt.reason {
				t.Errorf("passed %v\n got %q\nwant %q", c.Passed, c.Reason, tt.reason)
			}
		})
	}
}

// pv is a pre-dose reading at 09:50.
func pv(sys, dia, hr int) *session.Vitals {
	v := full(-10, sys, dia, hr, 98)
	return &v
}

// The minimum observation counts from the end of administration. Dose at
// 10:00; the default minimum is 120 minutes.
func TestObservationCountsFromTheEndOfAdministration(t *testing.T) {
	mg := session.MgOf
	tests := []struct {
		name   string
		a      session.Administration
		now    float64
		passed bool
		reason string
	}{
		// IV over 40 min, end recorded at 10:42: 12:42 is the earliest.
		{"IV, end recorded, 2 min short", session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, Started: dose, InfusionMinutes: 40, EndedAt: at(42)},
			160, false, "118 minutes since the end of the infusion at 10:42; the minimum is 120, so 2 minutes remain."},
		{"IV, end recorded, on time", session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, Started: dose, InfusionMinutes: 40, EndedAt: at(42)},
			162, true, "120 minutes since the end of the infusion at 10:42; the minimum is 120."},
		// Not recorded: 40 min as set, so 12:40.
		{"IV, end not recorded", session.Administration{Route: session.IV, Mg: mg(40), Weight: 800, Started: dose, InfusionMinutes: 40},
			150, false, "110 minutes since the end of the infusion at 10:40, 40 min after it began (its end is not recorded); the minimum is 120, so 10 minutes remain."},
		// 84 mg esketamine: the last device at 10:10, so 12:10.
		{"esketamine 84 mg at 12:05", session.Administration{Route: session.Intranasal, Mg: mg(84), Started: dose},
			125, false, "115 minutes since the last of 3 devices at 10:10, taken as 5 min apart (its time is not recorded); the minimum is 120, so 5 minutes remain."},
		{"esketamine 84 mg at 12:10", session.Administration{Route: session.Intranasal, Mg: mg(84), Started: dose},
			130, true, "120 minutes since the last of 3 devices at 10:10, taken as 5 min apart (its time is not recorded); the minimum is 120."},
		// A lozenge is spat out at about 10:10.
		{"lozenge at 12:05", session.Administration{Route: session.Lozenge, Mg: mg(300), Started: dose},
			125, false, "115 minutes since the lozenge spat out at about 10:10, 10 min after the dose (the time is not recorded); the minimum is 120, so 5 minutes remain."},
		{"IM at 12:00", session.Administration{Route: session.IM, Mg: mg(40), Started: dose},
			120, true, "120 minutes since the injection at 10:00; the minimum is 120."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ready()
			in.DoseTime = time.Time{} // taken from the administration
			in.Administration = &tt.a
			in.Now = at(tt.now)
			in.LastVitals.At = at(tt.now - 5)
			c := session.CheckDischarge(in).Criteria[0]
			if c.Key != session.CriterionObservation || c.Passed != tt.passed || c.Reason != tt.reason {
				t.Errorf("%s passed %v\n got %q\nwant %q", c.Key, c.Passed, c.Reason, tt.reason)
			}
		})
	}
}

func TestDischargeLimitsValidate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(*session.DischargeLimits)
		field string
	}{
		{"defaults", func(*session.DischargeLimits) {}, ""},
		{"within 0%", func(l *session.DischargeLimits) { l.WithinPercent = 0 }, "discharge.within_percent"},
		{"within 51%", func(l *session.DischargeLimits) { l.WithinPercent = 51 }, "discharge.within_percent"},
		{"line above the discharge limit", func(l *session.DischargeLimits) { l.ReturnBP = session.BPLimit{Systolic: 190, Diastolic: 90} }, "discharge.return_bp"},
		{"line swapped", func(l *session.DischargeLimits) { l.ReturnBP = session.BPLimit{Systolic: 90, Diastolic: 140} }, "discharge.return_bp"},
		{"HR range upside down", func(l *session.DischargeLimits) { l.ReturnHRMin = 100 }, "discharge.return_hr_min"},
		{"HR range above the limit", func(l *session.DischargeLimits) { l.ReturnHRMax = 130 }, "discharge.return_hr_max"},
	} {
		s := session.DefaultSettings()
		tt.edit(&s.Discharge)
		if tt.field == "" {
			mustOK(t, s.Validate())
			continue
		}
		mustFail(t, s.Validate(), problem.Invalid, tt.field)
	}
}
