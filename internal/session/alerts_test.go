package session_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/timefmt"
)

func bp(m float64, sys, dia int) session.Vitals {
	return session.Vitals{At: at(m), Systolic: sys, Diastolic: dia}
}

func hr(m float64, rate int) session.Vitals { return session.Vitals{At: at(m), HeartRate: rate} }

func spo2(m float64, pct int) session.Vitals { return session.Vitals{At: at(m), SpO2: pct} }

func moaas(m float64, score int) session.Vitals {
	return session.Vitals{At: at(m), Sedation: sed(score)}
}

// summary renders alerts as "kind@minute" (the minute the rule was met)
// with the number of readings in the episode.
func summary(alerts []session.Alert) string {
	var parts []string
	for _, a := range alerts {
		parts = append(parts, fmt.Sprintf("%s@%g/%d", a.Kind, a.At.Sub(dose).Minutes(), len(a.Readings)))
	}
	return strings.Join(parts, " ")
}

func TestEvaluateAlerts(t *testing.T) {
	tests := []struct {
		name     string
		readings []session.Vitals
		want     string
	}{
		{"calm session", []session.Vitals{full(0, 130, 80, 70, 98), full(40, 165, 100, 95, 96)}, ""},
		// Defaults: sustained BP ≥ 180/110 on readings ≥ 5 min apart.
		{"two high readings 5 min apart", []session.Vitals{bp(40, 182, 100), bp(45, 185, 104)}, "bp_sustained@45/2"},
		{"diastolic alone reaches 110", []session.Vitals{bp(40, 150, 110), bp(45, 155, 112)}, "bp_sustained@45/2"},
		{"just under on both", []session.Vitals{bp(40, 179, 109), bp(45, 179, 109)}, ""},
		// 4 min 59 s apart is not 5 minutes.
		{"too close together", []session.Vitals{bp(40, 182, 100), bp(44+59.0/60, 185, 104)}, ""},
		// A quick repeat at 43 neither raises it nor resets the clock: the
		// reading at 46 is the first 5 min after 40.
		{"quick repeat then another", []session.Vitals{bp(40, 182, 100), bp(43, 181, 100), bp(46, 183, 100)}, "bp_sustained@46/3"},
		// A normal reading between two high ones: the pressure came down.
		{"normal reading between", []session.Vitals{bp(40, 182, 100), bp(43, 150, 90), bp(46, 183, 100)}, ""},
		// Readings without BP do not break a BP episode.
		{"HR-only reading between", []session.Vitals{bp(40, 182, 100), hr(42, 90), bp(46, 183, 100)}, "bp_sustained@46/2"},
		// Severe BP ≥ 200/120 once.
		{"200 systolic once", []session.Vitals{bp(40, 200, 100)}, "bp_severe@40/1"},
		{"120 diastolic once", []session.Vitals{bp(40, 150, 120)}, "bp_severe@40/1"},
		{"just under severe", []session.Vitals{bp(40, 199, 119)}, ""},
		// A severe pressure that stays up is both severe and sustained.
		{"severe and sustained", []session.Vitals{bp(40, 205, 115), bp(45, 210, 118)}, "bp_severe@40/2 bp_sustained@45/2"},
		// HR > 120 (strictly) for 5 min.
		{"HR 121 for 5 min", []session.Vitals{hr(20, 121), hr(25, 125)}, "hr_sustained@25/2"},
		{"HR 120 is not above 120", []session.Vitals{hr(20, 120), hr(25, 130)}, ""},
		{"HR high 4 min", []session.Vitals{hr(20, 130), hr(24, 130)}, ""},
		// SpO2 < 92 (strictly).
		{"SpO2 91", []session.Vitals{spo2(30, 91)}, "spo2_low@30/1"},
		{"SpO2 92", []session.Vitals{spo2(30, 92)}, ""},
		{"one low episode", []session.Vitals{spo2(30, 91), spo2(31, 89)}, "spo2_low@30/2"},
		{"two low episodes", []session.Vitals{spo2(30, 91), spo2(32, 96), spo2(50, 90)}, "spo2_low@30/1 spo2_low@50/1"},
		// A very low SpO2 alerts like any other below 92.
		{"SpO2 70", []session.Vitals{spo2(30, 70)}, "spo2_low@30/1"},
		// MOAA/S ≤ 1: deep sedation. 2 is not; 1 and 0 are.
		{"MOAA/S 2", []session.Vitals{moaas(30, 2)}, ""},
		{"MOAA/S 1", []session.Vitals{moaas(30, 1)}, "sedation@30/1"},
		{"MOAA/S 0", []session.Vitals{moaas(30, 0)}, "sedation@30/1"},
		{"deep, lighter, deep again", []session.Vitals{moaas(30, 1), moaas(45, 3), moaas(60, 0)}, "sedation@30/1 sedation@60/1"},
		// HR < 50 (strictly), at once.
		{"HR 50", []session.Vitals{hr(20, 50)}, ""},
		{"HR 49", []session.Vitals{hr(20, 49)}, "hr_low@20/1"},
		// Systolic < 90 (strictly), at once; the diastolic does not matter.
		{"systolic 90", []session.Vitals{bp(20, 90, 50)}, ""},
		{"systolic 89", []session.Vitals{bp(20, 89, 50)}, "systolic_low@20/1"},
		// Order of input does not matter.
		{"unsorted", []session.Vitals{bp(45, 185, 104), bp(40, 182, 100)}, "bp_sustained@45/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(session.EvaluateAlerts(tt.readings, session.DefaultAlertLimits(), clock24))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAlertMessages(t *testing.T) {
	alerts := session.EvaluateAlerts([]session.Vitals{bp(40, 182, 100), bp(46, 185, 104), spo2(50, 90)}, session.DefaultAlertLimits(), clock24)
	want := []string{
		"Blood pressure at or above 180/110 on readings 6 min apart: 182/100 at 10:40, 185/104 at 10:46.",
		"SpO2 90% at 10:50 is below 92%.",
	}
	if len(alerts) != len(want) {
		t.Fatalf("got %d alerts", len(alerts))
	}
	for i := range want {
		if alerts[i].Message != want[i] {
			t.Errorf("message %q, want %q", alerts[i].Message, want[i])
		}
	}
}

// A clinic on the 12-hour clock reads its alerts so: the readings at 14:05
// and 14:11 (245 and 251 minutes after the 10:00 dose) are "2:05 PM" and
// "2:11 PM", and a morning one "10:50 AM".
func TestAlertMessagesOnTheClinicsClock(t *testing.T) {
	rs := []session.Vitals{spo2(50, 90), bp(245, 182, 100), bp(251, 185, 104)}
	for _, tt := range []struct {
		tf   timefmt.Format
		want []string
	}{
		{clock12, []string{
			"SpO2 90% at 10:50 AM is below 92%.",
			"Blood pressure at or above 180/110 on readings 6 min apart: 182/100 at 2:05 PM, 185/104 at 2:11 PM.",
		}},
		{clock24, []string{
			"SpO2 90% at 10:50 is below 92%.",
			"Blood pressure at or above 180/110 on readings 6 min apart: 182/100 at 14:05, 185/104 at 14:11.",
		}},
	} {
		alerts := session.EvaluateAlerts(rs, session.DefaultAlertLimits(), tt.tf)
		if len(alerts) != len(tt.want) {
			t.Fatalf("got %d alerts: %s", len(alerts), summary(alerts))
		}
		for i := range tt.want {
			if alerts[i].Message != tt.want[i] {
				t.Errorf("message %q, want %q", alerts[i].Message, tt.want[i])
			}
		}
	}
	// The key does not depend on the clock: an acknowledgement stays with
	// its alert whichever clock the clinic chooses.
	if a, b := session.EvaluateAlerts(rs, session.DefaultAlertLimits(), clock12), session.EvaluateAlerts(rs, session.DefaultAlertLimits(), clock24); a[1].Key != b[1].Key {
		t.Errorf("keys %q and %q differ by clock", a[1].Key, b[1].Key)
	}
}

func TestNewAlertMessages(t *testing.T) {
	alerts := session.EvaluateAlerts([]session.Vitals{moaas(30, 1), hr(35, 44), bp(40, 84, 48), spo2(50, 70)}, session.DefaultAlertLimits(), clock24)
	want := []string{
		"MOAA/S 1 at 10:30 (responds only to a painful squeeze, not to prodding): deep sedation, at or below 1.",
		"Heart rate 44 at 10:35 is below 50.",
		"Systolic pressure 84 at 10:40 is below 90 (blood pressure 84/48).",
		"SpO2 70% at 10:50 is below 92%.",
	}
	if len(alerts) != len(want) {
		t.Fatalf("got %d alerts: %s", len(alerts), summary(alerts))
	}
	for i := range want {
		if alerts[i].Message != want[i] {
			t.Errorf("message %q, want %q", alerts[i].Message, want[i])
		}
	}
}

// A sedation score noted as an observation alerts as one taken with the
// vital signs does.
func TestSedationFromObservations(t *testing.T) {
	obs := []session.Observation{
		{At: at(20), Note: "eyes closed, calm"},
		{At: at(25), Sedation: sed(3)},
		{At: at(35), Sedation: sed(1)},
	}
	rs := session.SedationReadings(obs)
	if len(rs) != 2 || !rs[1].At.Equal(at(35)) || *rs[1].Sedation != 1 {
		t.Fatalf("readings %+v", rs)
	}
	if got := summary(session.EvaluateAlerts(append([]session.Vitals{full(30, 120, 80, 70, 97)}, rs...), session.DefaultAlertLimits(), clock24)); got != "sedation@35/1" {
		t.Errorf("got %q", got)
	}
}

func TestAlertLimitsAreSettings(t *testing.T) {
	l := session.DefaultAlertLimits()
	l.SpO2Below = 94
	l.HRAbove, l.HRSustainedMinutes = 110, 10
	got := summary(session.EvaluateAlerts([]session.Vitals{spo2(30, 93), hr(20, 115), hr(25, 115), hr(30, 115)}, l, clock24))
	if want := "hr_sustained@30/3 spo2_low@30/1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A clinic that alerts from MOAA/S 2, HR below 55 and systolic below 100.
	l.SedationAtOrBelow, l.HRBelow, l.SystolicBelow = 2, 55, 100
	got = summary(session.EvaluateAlerts([]session.Vitals{moaas(30, 2), hr(35, 54), bp(40, 99, 60)}, l, clock24))
	if want := "sedation@30/1 hr_low@35/1 systolic_low@40/1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	set := session.DefaultSettings()
	set.Alerts = l
	mustOK(t, set.Validate())
}

// An acknowledged alert stays acknowledged as the session goes on: its key
// is the rule and the first reading of the episode, which later readings do
// not change.
func TestAlertKeysAreStable(t *testing.T) {
	l := session.DefaultAlertLimits()
	early := session.EvaluateAlerts([]session.Vitals{bp(40, 182, 100), bp(45, 185, 104)}, l, clock24)
	later := session.EvaluateAlerts([]session.Vitals{bp(40, 182, 100), bp(45, 185, 104), bp(50, 188, 106), full(55, 150, 90, 80, 97)}, l, clock24)
	if len(early) != 1 || len(later) != 1 {
		t.Fatalf("alerts %d then %d", len(early), len(later))
	}
	if early[0].Key != later[0].Key || early[0].Key != "bp_sustained@20260310T104000Z" {
		t.Errorf("keys %q then %q", early[0].Key, later[0].Key)
	}
	if len(later[0].Readings) != 3 {
		t.Errorf("the episode grew to %d readings, want 3", len(later[0].Readings))
	}
	// The same instant in another zone is the same key.
	zone := time.FixedZone("clinic", -7*3600)
	moved := session.EvaluateAlerts([]session.Vitals{
		{At: at(40).In(zone), Systolic: 182, Diastolic: 100}, {At: at(45).In(zone), Systolic: 185, Diastolic: 104},
	}, l, clock24)
	if moved[0].Key != early[0].Key {
		t.Errorf("key depends on zone: %q", moved[0].Key)
	}
}

func TestMergeAcks(t *testing.T) {
	alerts := session.EvaluateAlerts([]session.Vitals{bp(40, 205, 100), spo2(50, 90)}, session.DefaultAlertLimits(), clock24)
	ack := session.Ack{By: "Dr Okafor", Note: "Repeat in 5 min; client calm.", At: at(42)}
	mustOK(t, ack.Validate())
	states := session.MergeAcks(alerts, map[string]session.Ack{
		alerts[0].Key:               ack,
		"spo2_low@20260101T000000Z": ack, // an alert that no longer evaluates
	})
	if len(states) != 2 || states[0].Open() || states[0].Ack.By != "Dr Okafor" || !states[1].Open() {
		t.Fatalf("states %+v", states)
	}
	open := session.OpenAlerts(states)
	if len(open) != 1 || open[0].Kind != session.AlertSpO2Low {
		t.Errorf("open %+v", open)
	}
}

func TestAckValidate(t *testing.T) {
	tests := []struct {
		ack   session.Ack
		field string
	}{
		{session.Ack{Note: "seen", At: at(1)}, "by"},
		{session.Ack{By: "RN", Note: "  ", At: at(1)}, "note"},
		{session.Ack{By: "RN", Note: "seen"}, "at"},
	}
	for _, tt := range tests {
		mustFail(t, tt.ack.Validate(), problem.Invalid, tt.field)
	}
}
