package measures

import (
	"fmt"
	"testing"
)

// qidsAnswers answers QIDS-SR16 items by number; items 7 and 9 are left blank
// unless given (the form asks for one of 6/7 and one of 8/9).
func qidsAnswers(set map[int]int) Answers {
	a := Answers{}
	for n := 1; n <= 16; n++ {
		if v, ok := set[n]; ok || (n != 7 && n != 9) {
			a[fmt.Sprintf("qids_sr16.%d", n)] = v
		}
	}
	return a
}

func domains(r Result) map[string]int {
	d := map[string]int{}
	for _, s := range r.Subscales {
		d[s.Key] = s.Score
	}
	return d
}

func TestQIDSDomains(t *testing.T) {
	qids := mustInstrument(t, QIDSSR16)
	// Sleep: items 1–4 = 1, 3, 0, 2 → 3. Sad mood 5 = 1.
	// Appetite/weight: 6 = 1, 7 = 3, 8 = 2, 9 = 0 → 3.
	// Concentration 10 = 2, self-view 11 = 0, suicidal ideation 12 = 0,
	// interest 13 = 1, energy 14 = 2. Psychomotor: 15 = 1, 16 = 2 → 2.
	// Total = 3+1+3+2+0+0+1+2+2 = 14 → moderate (11–15). A plain sum of the
	// sixteen items would be 21: the domains keep sleep and appetite from
	// counting four times.
	r := mustScore(t, qids, qidsAnswers(map[int]int{
		1: 1, 2: 3, 3: 0, 4: 2, 5: 1, 6: 1, 7: 3, 8: 2, 9: 0,
		10: 2, 11: 0, 12: 0, 13: 1, 14: 2, 15: 1, 16: 2,
	}))
	want := map[string]int{"sleep": 3, "sad_mood": 1, "appetite_weight": 3, "concentration": 2, "self_view": 0,
		"suicidal_ideation": 0, "interest": 1, "energy": 2, "psychomotor": 2}
	got := domains(r)
	if len(r.Subscales) != 9 {
		t.Fatalf("%d domains", len(r.Subscales))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("domain %s = %d, want %d", k, got[k], v)
		}
	}
	if r.Total != 14 || r.Band.Key != "moderate" || len(r.Flags) != 0 {
		t.Errorf("total %d band %s flags %v", r.Total, r.Band.Key, r.Flags)
	}

	// Everything at 3: nine domains × 3 = 27, very severe, item 12 flags.
	all3 := map[int]int{}
	for n := 1; n <= 16; n++ {
		all3[n] = 3
	}
	r = mustScore(t, qids, qidsAnswers(all3))
	if r.Total != 27 || r.Band.Key != "very_severe" || len(r.Flags) != 1 {
		t.Errorf("all 3: %d %s %v", r.Total, r.Band.Key, r.Flags)
	}

	// All 0, with only items 6 and 8 of the pairs answered: 0, none.
	r = mustScore(t, qids, qidsAnswers(nil))
	if r.Total != 0 || r.Band.Key != "none" {
		t.Errorf("all 0: %d %s", r.Total, r.Band.Key)
	}
}

func TestQIDSBands(t *testing.T) {
	qids := mustInstrument(t, QIDSSR16)
	// One item per domain, item 12 last so it stays 0 below 27.
	order := []int{1, 5, 6, 10, 11, 13, 14, 15, 12}
	for _, tc := range []struct {
		total int
		band  string
	}{
		{0, "none"}, {5, "none"}, {6, "mild"}, {10, "mild"}, {11, "moderate"}, {15, "moderate"},
		{16, "severe"}, {20, "severe"}, {21, "very_severe"}, {24, "very_severe"},
	} {
		set, left := map[int]int{}, tc.total
		for _, n := range order {
			set[n] = min(left, 3)
			left -= set[n]
		}
		r := mustScore(t, qids, qidsAnswers(set))
		if r.Total != tc.total || r.Band.Key != tc.band {
			t.Errorf("total %d: got %d %s, want %s", tc.total, r.Total, r.Band.Key, tc.band)
		}
	}
}

func TestQIDSItem12Flag(t *testing.T) {
	qids := mustInstrument(t, QIDSSR16)
	// Item 12 = 1 alone: total 1 (band none), still a flag.
	r := mustScore(t, qids, qidsAnswers(map[int]int{12: 1}))
	if r.Total != 1 || r.Band.Key != "none" || len(r.Flags) != 1 {
		t.Fatalf("%d %s %v", r.Total, r.Band.Key, r.Flags)
	}
	if f := r.Flags[0]; f.Kind != FlagSuicideRisk || f.Severity != SeverityHigh || f.ItemKey != "qids_sr16.12" {
		t.Errorf("flag %+v", f)
	}
}

func TestQIDSPairs(t *testing.T) {
	qids := mustInstrument(t, QIDSSR16)
	// Only 7 of 6/7 and only 9 of 8/9: fine.
	a := qidsAnswers(map[int]int{7: 2, 9: 1})
	delete(a, "qids_sr16.6")
	delete(a, "qids_sr16.8")
	if r := mustScore(t, qids, a); domains(r)["appetite_weight"] != 2 {
		t.Errorf("appetite/weight %d", domains(r)["appetite_weight"])
	}
	// Neither 6 nor 7.
	a = qidsAnswers(nil)
	delete(a, "qids_sr16.6")
	_, err := Score(qids, a)
	wantInvalid(t, err, "qids_sr16.6")
	// Neither 8 nor 9.
	a = qidsAnswers(nil)
	delete(a, "qids_sr16.8")
	_, err = Score(qids, a)
	wantInvalid(t, err, "qids_sr16.8")
	// Other items are required as usual.
	a = qidsAnswers(nil)
	delete(a, "qids_sr16.16")
	_, err = Score(qids, a)
	wantInvalid(t, err, "qids_sr16.16")
}
