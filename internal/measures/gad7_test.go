package measures

import "testing"

func TestGAD7Bands(t *testing.T) {
	gad7 := mustInstrument(t, GAD7)
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
		{15, "severe"},
		{21, "severe"}, // all seven "Nearly every day": 7 × 3
	}
	for _, tc := range tests {
		r := mustScore(t, gad7, withTotal(gad7, tc.total))
		if r.Total != tc.total || r.Band.Key != tc.band || len(r.Flags) != 0 {
			t.Errorf("total %d: got %d %q flags %v, want %q", tc.total, r.Total, r.Band.Key, r.Flags, tc.band)
		}
	}
}

// Scoring reads items by key, not position: irritable (69689-8) = 3 and
// afraid (69736-7) = 1 give the same total whichever order a map holds them.
func TestGAD7ByKey(t *testing.T) {
	gad7 := mustInstrument(t, GAD7)
	a := withTotal(gad7, 0)
	a["69689-8"], a["69736-7"] = 3, 1
	if r := mustScore(t, gad7, a); r.Total != 4 || r.Band.Key != "minimal" {
		t.Errorf("got %d %s", r.Total, r.Band.Key)
	}
}
