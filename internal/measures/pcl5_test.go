package measures

import (
	"fmt"
	"testing"
)

// pcl5Answers sets every PCL-5 item to 0, then the given items (by number).
func pcl5Answers(set map[int]int) Answers {
	a := Answers{}
	for n := 1; n <= 20; n++ {
		a[fmt.Sprintf("pcl5.%d", n)] = set[n]
	}
	return a
}

func TestPCL5Extremes(t *testing.T) {
	pcl5 := mustInstrument(t, PCL5)

	// All "Not at all": 0, nothing met.
	r := mustScore(t, pcl5, pcl5Answers(nil))
	if r.Total != 0 || r.PCL5.ProbablePTSD || r.PCL5.ProvisionalDiagnosis || r.Band != (Band{}) {
		t.Errorf("all zero: %+v %+v", r, r.PCL5)
	}

	// All "Extremely": 20 × 4 = 80; B 5×4 = 20, C 2×4 = 8, D 7×4 = 28, E 6×4 = 24.
	all4 := map[int]int{}
	for n := 1; n <= 20; n++ {
		all4[n] = 4
	}
	r = mustScore(t, pcl5, pcl5Answers(all4))
	if r.Total != 80 || !r.PCL5.ProbablePTSD || !r.PCL5.ProvisionalDiagnosis {
		t.Errorf("all four: %d %+v", r.Total, r.PCL5)
	}
	want := map[string][2]int{"B": {20, 20}, "C": {8, 8}, "D": {28, 28}, "E": {24, 24}}
	for _, s := range r.Subscales {
		if w := want[s.Key]; s.Score != w[0] || s.Max != w[1] {
			t.Errorf("cluster %s: %d/%d, want %d/%d", s.Key, s.Score, s.Max, w[0], w[1])
		}
	}
	wantEndorsed := map[string]int{"B": 5, "C": 2, "D": 7, "E": 6}
	for _, c := range r.PCL5.Clusters {
		if c.Endorsed != wantEndorsed[c.Cluster] || !c.Met {
			t.Errorf("cluster %+v", c)
		}
	}
	if len(r.Flags) != 0 {
		t.Errorf("PCL-5 raised flags %v", r.Flags)
	}
}

func TestPCL5Cutoff(t *testing.T) {
	pcl5 := mustInstrument(t, PCL5)
	// Items 1–8 at 4 = 32, then item 9 at 1 = 33.
	at := func(total int) Answers {
		return withTotal(pcl5, total)
	}
	tests := []struct {
		total, cutoff int
		probable      bool
	}{
		{32, 0, false}, // default 33
		{33, 0, true},
		{32, 33, false},
		{33, 33, true},
		{30, 31, false},
		{31, 31, true},
		{32, 31, true},
	}
	for _, tc := range tests {
		r, err := ScoreWith(pcl5, at(tc.total), Settings{PCL5Cutoff: tc.cutoff})
		if err != nil {
			t.Fatal(err)
		}
		wantCut := tc.cutoff
		if wantCut == 0 {
			wantCut = 33
		}
		if r.Total != tc.total || r.PCL5.ProbablePTSD != tc.probable || r.PCL5.Cutoff != wantCut {
			t.Errorf("total %d cut-off %d: got %d probable %v cut-off %d", tc.total, tc.cutoff, r.Total, r.PCL5.ProbablePTSD, r.PCL5.Cutoff)
		}
	}
	for _, bad := range []int{-1, 81} {
		_, err := ScoreWith(pcl5, at(10), Settings{PCL5Cutoff: bad})
		wantInvalid(t, err, "pcl5_cutoff")
	}
	if DefaultSettings().PCL5Cutoff != 33 {
		t.Error("default cut-off")
	}
}

// The provisional diagnosis needs items rated 2+: ≥1 in B (1–5), ≥1 in C
// (6–7), ≥2 in D (8–14), ≥2 in E (15–20). It is independent of the total.
func TestPCL5ProvisionalDiagnosis(t *testing.T) {
	pcl5 := mustInstrument(t, PCL5)
	// The smallest set that meets it: items 1, 6, 8, 9, 15, 16 at 2 = total 12.
	minimal := map[int]int{1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}
	tests := []struct {
		name   string
		change map[int]int
		want   bool
		unmet  string
	}{
		{"minimal set", nil, true, ""},
		{"B: item 1 only 1 (A little bit)", map[int]int{1: 1}, false, "B"},
		{"B: met by item 5 instead", map[int]int{1: 0, 5: 3}, true, ""},
		{"C: item 6 at 1", map[int]int{6: 1}, false, "C"},
		{"C: met by item 7", map[int]int{6: 0, 7: 2}, true, ""},
		{"D: one item only", map[int]int{9: 1}, false, "D"},
		{"D: items 13 and 14 instead", map[int]int{8: 0, 9: 0, 13: 2, 14: 4}, true, ""},
		{"E: one item only", map[int]int{16: 0}, false, "E"},
		{"E: many 1s do not count", map[int]int{15: 1, 16: 1, 17: 1, 18: 1, 19: 1, 20: 1}, false, "E"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := map[int]int{}
			for k, v := range minimal {
				set[k] = v
			}
			for k, v := range tc.change {
				set[k] = v
			}
			r := mustScore(t, pcl5, pcl5Answers(set))
			if r.PCL5.ProvisionalDiagnosis != tc.want {
				t.Errorf("provisional diagnosis %v, want %v (%+v)", r.PCL5.ProvisionalDiagnosis, tc.want, r.PCL5.Clusters)
			}
			for _, c := range r.PCL5.Clusters {
				if c.Met == (c.Cluster == tc.unmet) {
					t.Errorf("cluster %s met = %v", c.Cluster, c.Met)
				}
			}
		})
	}
	// Minimal set: total 12, well under the cut-off, yet the symptom rule is met.
	r := mustScore(t, pcl5, pcl5Answers(minimal))
	if r.Total != 12 || r.PCL5.ProbablePTSD || !r.PCL5.ProvisionalDiagnosis {
		t.Errorf("minimal set: total %d %+v", r.Total, r.PCL5)
	}
}

func TestPCL5Validation(t *testing.T) {
	pcl5 := mustInstrument(t, PCL5)
	a := pcl5Answers(nil)
	a["pcl5.20"] = 5
	_, err := Score(pcl5, a)
	wantInvalid(t, err, "pcl5.20")
	a = pcl5Answers(nil)
	delete(a, "pcl5.17")
	_, err = Score(pcl5, a)
	wantInvalid(t, err, "pcl5.17")
}
