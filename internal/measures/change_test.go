package measures

import (
	"math"
	"testing"
)

func total(id string, n int) Result { return Result{InstrumentID: id, Total: n, HasTotal: true} }

func mustCompare(t *testing.T, id string, baseline, latest int) Change {
	t.Helper()
	c, err := Compare(total(id, baseline), total(id, latest), DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompare(t *testing.T) {
	type want struct {
		delta                                            int
		reliable, worse, meaningful, response, remission bool
	}
	tests := []struct {
		name         string
		id           string
		base, latest int
		want         want
	}{
		// PHQ-9: reliable at a drop of 6, response at half, remission below 5.
		{"PHQ-9 20→14: drop 6 reliable, 30% no response", PHQ9, 20, 14, want{delta: -6, reliable: true}},
		{"PHQ-9 20→15: drop 5 not reliable", PHQ9, 20, 15, want{delta: -5}},
		{"PHQ-9 20→10: exactly 50% is response", PHQ9, 20, 10, want{delta: -10, reliable: true, response: true}},
		{"PHQ-9 20→11: 45% is not", PHQ9, 20, 11, want{delta: -9, reliable: true}},
		{"PHQ-9 19→8 (Maya): response", PHQ9, 19, 8, want{delta: -11, reliable: true, response: true}},
		{"PHQ-9 15→4 (Noah): remission", PHQ9, 15, 4, want{delta: -11, reliable: true, response: true, remission: true}},
		{"PHQ-9 9→5: 5 is not remission", PHQ9, 9, 5, want{delta: -4}},
		{"PHQ-9 0→0: no percentage, no response, remission", PHQ9, 0, 0, want{remission: true}},
		{"PHQ-9 4→10: rise of 6 is reliable deterioration", PHQ9, 4, 10, want{delta: 6, worse: true}},
		{"PHQ-9 4→9: rise of 5 is not", PHQ9, 4, 9, want{delta: 5}},
		{"PHQ-9 1→0: response (100%), remission", PHQ9, 1, 0, want{delta: -1, response: true, remission: true}},
		// GAD-7: reliable at 4; no remission rule.
		{"GAD-7 12→8: drop 4 reliable", GAD7, 12, 8, want{delta: -4, reliable: true}},
		{"GAD-7 12→9: drop 3 not", GAD7, 12, 9, want{delta: -3}},
		{"GAD-7 8→0: no remission rule", GAD7, 8, 0, want{delta: -8, reliable: true, response: true}},
		// PCL-5: reliable at 5, clinically meaningful at 10.
		{"PCL-5 50→46: drop 4", PCL5, 50, 46, want{delta: -4}},
		{"PCL-5 50→45: drop 5 reliable", PCL5, 50, 45, want{delta: -5, reliable: true}},
		{"PCL-5 50→41: drop 9 not yet meaningful", PCL5, 50, 41, want{delta: -9, reliable: true}},
		{"PCL-5 50→40: drop 10 meaningful", PCL5, 50, 40, want{delta: -10, reliable: true, meaningful: true}},
		{"PCL-5 40→45: rise 5", PCL5, 40, 45, want{delta: 5, worse: true}},
		// QIDS-SR16: remission at 5 or less; no reliable-change rule.
		{"QIDS 12→5: remission", QIDSSR16, 12, 5, want{delta: -7, response: true, remission: true}},
		{"QIDS 12→6: not", QIDSSR16, 12, 6, want{delta: -6, response: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCompare(t, tc.id, tc.base, tc.latest)
			got := want{c.Delta, c.ReliableImprovement, c.ReliableDeterioration, c.ClinicallyMeaningful, c.Response, c.Remission}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if c.Baseline != tc.base || c.Latest != tc.latest || c.InstrumentID != tc.id {
				t.Errorf("change %+v", c)
			}
		})
	}
}

func TestComparePercent(t *testing.T) {
	// 20 → 14: −6/20 = −30 %.
	if c := mustCompare(t, PHQ9, 20, 14); !c.HasPercent || c.Percent != -30 {
		t.Errorf("percent %v %v", c.HasPercent, c.Percent)
	}
	// A baseline of 0 has no percentage and cannot show response, even if it rises.
	if c := mustCompare(t, PHQ9, 0, 3); c.HasPercent || c.Response {
		t.Errorf("baseline 0: %+v", c)
	}
	// The rule travels with the figures, so the screen can show it.
	if c := mustCompare(t, PCL5, 50, 40); c.Rule.ReliableChange != 5 || c.Rule.MeaningfulChange != 10 || c.Rule.Source == "" {
		t.Errorf("rule %+v", c.Rule)
	}
	// A clinic may change the thresholds.
	th := DefaultThresholds()
	th.Rules[PHQ9] = ChangeRule{ReliableChange: 5}
	th.ResponseDrop = 0.6
	c, _ := Compare(total(PHQ9, 20), total(PHQ9, 10), th)
	if !c.ReliableImprovement || c.Response || c.Remission {
		t.Errorf("custom thresholds: %+v", c)
	}
}

func TestCompareErrors(t *testing.T) {
	if _, err := Compare(total(PHQ9, 10), total(GAD7, 5), DefaultThresholds()); err == nil {
		t.Error("compared PHQ-9 with GAD-7")
	}
	c1 := Result{InstrumentID: CSSRSScreen, Tier: TierLow}
	if _, err := Compare(c1, c1, DefaultThresholds()); err == nil {
		t.Error("compared C-SSRS results, which have no total")
	}
}

func TestRecovery(t *testing.T) {
	tests := []struct {
		name                string
		phqBase, phqNow     int
		gadBase, gadNow     int
		caseness, recovered bool
	}{
		{"both below after starting above", 15, 9, 12, 7, true, true},
		{"PHQ-9 at 10 is not below", 15, 10, 12, 7, true, false},
		{"GAD-7 at 8 is not below", 15, 9, 12, 8, true, false},
		{"started above on GAD-7 only", 8, 6, 9, 5, true, true},
		{"started at exactly the thresholds", 10, 3, 3, 2, true, true},
		{"started below both: never recovery", 9, 2, 7, 1, false, false},
	}
	th := DefaultThresholds()
	for _, tc := range tests {
		p := mustCompare(t, PHQ9, tc.phqBase, tc.phqNow)
		g := mustCompare(t, GAD7, tc.gadBase, tc.gadNow)
		r, err := RecoveryOf(p, g, th)
		if err != nil {
			t.Fatal(err)
		}
		if r.Caseness != tc.caseness || r.Recovered != tc.recovered {
			t.Errorf("%s: got %+v", tc.name, r)
		}
	}
	p := mustCompare(t, PHQ9, 15, 9)
	if _, err := RecoveryOf(p, p, th); err == nil {
		t.Error("recovery from two PHQ-9 changes")
	}
}

func TestReliableChangeIndex(t *testing.T) {
	// Worked example: reference SD 6, reliability 0.84.
	//   SEM   = 6 × √(1 − 0.84) = 6 × 0.4 = 2.4
	//   SDiff = √(2 × 2.4²) = 2.4 × √2 ≈ 3.3941
	//   20 → 12: RCI = −8 / 3.3941 ≈ −2.3570, |RCI| > 1.96: reliable
	//   20 → 14: RCI = −6 / 3.3941 ≈ −1.7678: not reliable
	//   smallest reliable change = 1.96 × 3.3941 ≈ 6.652 points
	ref := Reference{SD: 6, Reliability: 0.84}
	r, err := ReliableChangeIndex(20, 12, ref, 1.96)
	if err != nil {
		t.Fatal(err)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-3 }
	if !near(r.SDiff, 3.3941) || !near(r.Index, -2.3570) || !near(r.MinChange, 6.6524) || !r.Reliable {
		t.Errorf("20→12: %+v", r)
	}
	r, _ = ReliableChangeIndex(20, 14, ref, DefaultThresholds().RCICritical)
	if !near(r.Index, -1.7678) || r.Reliable {
		t.Errorf("20→14: %+v", r)
	}
	// Deterioration is reliable too: 12 → 20 = +2.3570.
	if r, _ = ReliableChangeIndex(12, 20, ref, 1.96); !near(r.Index, 2.3570) || !r.Reliable {
		t.Errorf("12→20: %+v", r)
	}
	// No change.
	if r, _ = ReliableChangeIndex(10, 10, ref, 1.96); r.Index != 0 || r.Reliable {
		t.Errorf("10→10: %+v", r)
	}

	for _, bad := range []struct {
		ref      Reference
		critical float64
		field    string
	}{
		{Reference{SD: 0, Reliability: 0.8}, 1.96, "sd"},
		{Reference{SD: -1, Reliability: 0.8}, 1.96, "sd"},
		{Reference{SD: math.NaN(), Reliability: 0.8}, 1.96, "sd"},
		{Reference{SD: 5, Reliability: 1}, 1.96, "reliability"},
		{Reference{SD: 5, Reliability: -0.1}, 1.96, "reliability"},
		{Reference{SD: 5, Reliability: math.NaN()}, 1.96, "reliability"},
		{Reference{SD: 5, Reliability: 0.8}, 0, "rci_critical"},
	} {
		_, err := ReliableChangeIndex(20, 10, bad.ref, bad.critical)
		wantInvalid(t, err, bad.field)
	}
}
