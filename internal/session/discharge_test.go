package session_test

import (
	"strings"
	"testing"

	"doorway/internal/session"
)

// ready is a session that may go home: dose at 10:00, now 12:05, discharge
// vitals at 12:00, alert and oriented, leaving with the named companion.
func ready() session.DischargeInput {
	v := full(120, 130, 80, 78, 98)
	v.Sedation = sed(5)
	return session.DischargeInput{
		Protocol:         session.DefaultProtocol(),
		Limits:           session.DefaultDischargeLimits(),
		DoseTime:         dose,
		Now:              at(125),
		LastVitals:       v,
		AlertAndOriented: true,
		Companion:        "Sam Lee",
		ReleasedTo:       "  sam   LEE ", // as typed at the door
	}
}

func TestCheckDischargeReady(t *testing.T) {
	d := session.CheckDischarge(ready())
	if !d.Ready || len(d.Criteria) != 5 {
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

func TestCheckDischarge(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*session.DischargeInput)
		failed string // the one criterion that fails
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
		// 181/90: systolic above 180.
		{"BP high", func(in *session.DischargeInput) { in.LastVitals.Systolic = 181 }, session.CriterionVitals,
			"Blood pressure 181/80 is above 180/100."},
		{"HR high", func(in *session.DischargeInput) { in.LastVitals.HeartRate = 121 }, session.CriterionVitals,
			"Heart rate 121 is above 120."},
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
			in.OpenAlerts = session.EvaluateAlerts([]session.Vitals{spo2(50, 90)}, session.DefaultAlertLimits())
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
			for _, c := range d.Criteria {
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
		// At the limits, not above them: 180/100, HR 120, SpO2 92.
		{"at the limits", func(in *session.DischargeInput) {
			in.LastVitals.Systolic, in.LastVitals.Diastolic, in.LastVitals.HeartRate, in.LastVitals.SpO2 = 180, 100, 120, 92
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
