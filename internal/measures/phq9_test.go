package measures

import "testing"

func TestPHQ9Bands(t *testing.T) {
	phq9 := mustInstrument(t, PHQ9)
	// withTotal fills items 1–8 first, so item 9 stays 0 (no flag) up to 24.
	tests := []struct {
		total int
		band  string
	}{
		{0, "minimal"}, // all "Not at all"
		{4, "minimal"},
		{5, "mild"},
		{9, "mild"},
		{10, "moderate"},
		{14, "moderate"},
		{15, "moderately_severe"},
		{19, "moderately_severe"},
		{20, "severe"},
		{24, "severe"},
	}
	for _, tc := range tests {
		r := mustScore(t, phq9, withTotal(phq9, tc.total))
		if r.Total != tc.total || !r.HasTotal || r.Band.Key != tc.band {
			t.Errorf("total %d: got total %d band %q, want band %q", tc.total, r.Total, r.Band.Key, tc.band)
		}
		if len(r.Flags) != 0 {
			t.Errorf("total %d: unexpected flags %v", tc.total, r.Flags)
		}
	}
}

func TestPHQ9Maximum(t *testing.T) {
	phq9 := mustInstrument(t, PHQ9)
	// Nine items at 3 ("Nearly every day") = 27, severe; item 9 = 3 flags.
	a := withTotal(phq9, 27)
	a["69722-7"] = 3
	r := mustScore(t, phq9, a)
	if r.Total != 27 || r.Band.Key != "severe" || r.Band.Label != "Severe" {
		t.Fatalf("got %d %v", r.Total, r.Band)
	}
	if len(r.Flags) != 1 || r.Flags[0].ItemKey != phq9Item9 {
		t.Fatalf("flags %v", r.Flags)
	}
}

// Item 9 raises a flag whatever the total.
func TestPHQ9Item9Flag(t *testing.T) {
	phq9 := mustInstrument(t, PHQ9)
	for score, label := range map[int]string{1: "Several days", 2: "More than half the days", 3: "Nearly every day"} {
		a := withTotal(phq9, 0)
		a[phq9Item9] = score // total = score: minimal band
		r := mustScore(t, phq9, a)
		if r.Total != score || r.Band.Key != "minimal" {
			t.Errorf("item 9 = %d: total %d band %s", score, r.Total, r.Band.Key)
		}
		if len(r.Flags) != 1 {
			t.Fatalf("item 9 = %d: flags %v", score, r.Flags)
		}
		f := r.Flags[0]
		if f.Kind != FlagSuicideRisk || f.Severity != SeverityHigh || f.ItemKey != phq9Item9 {
			t.Errorf("flag %+v", f)
		}
		if want := "PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered \"" + label + "\"."; f.Reason != want {
			t.Errorf("reason %q, want %q", f.Reason, want)
		}
	}
}
