package measures

import "testing"

// withTotal answers an instrument's scored items, in form order, so that
// they add up to total: each item takes as much as it can before the next
// one gets any. Items late in the form (PHQ-9 item 9) stay 0 unless the
// total needs them.
func withTotal(in *Instrument, total int) Answers {
	a := Answers{}
	for _, it := range in.Items {
		if !it.Scored {
			continue
		}
		v := min(total, it.MaxScore())
		a[it.Key] = v
		total -= v
	}
	if total != 0 {
		panic("total out of range")
	}
	return a
}

func TestValidate(t *testing.T) {
	phq9 := mustInstrument(t, PHQ9)
	gad7 := mustInstrument(t, GAD7)
	tests := []struct {
		name  string
		in    *Instrument
		edit  func(Answers)
		field string
	}{
		{"missing item 5", phq9, func(a Answers) { delete(a, "44251-7") }, "44251-7"},
		{"missing item 1", phq9, func(a Answers) { delete(a, "44250-9") }, "44250-9"},
		{"unknown key", phq9, func(a Answers) { a["44261-6"] = 3 }, "44261-6"}, // a total is not an item
		{"unknown keys: the first in order is named", phq9, func(a Answers) { a["zz"] = 0; a["aa"] = 0 }, "aa"},
		{"unknown key beats a missing item", phq9, func(a Answers) { delete(a, "44250-9"); a["x"] = 1 }, "x"},
		{"score above the scale", phq9, func(a Answers) { a["44260-8"] = 4 }, "44260-8"},
		{"negative score", phq9, func(a Answers) { a["44259-0"] = -1 }, "44259-0"},
		{"unscored item 10 out of range", phq9, func(a Answers) { a["69722-7"] = 4 }, "69722-7"},
		{"GAD-7 difficulty out of range", gad7, func(a Answers) { a[gad7Difficulty] = 9 }, gad7Difficulty},
		{"GAD-7 item 7 missing", gad7, func(a Answers) { delete(a, "69736-7") }, "69736-7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := withTotal(tc.in, 0)
			tc.edit(a)
			_, err := Score(tc.in, a)
			wantInvalid(t, err, tc.field)
		})
	}
	if _, err := Score(nil, Answers{}); err == nil {
		t.Error("Score(nil) succeeded")
	}
	if _, err := Score(&Instrument{ID: "custom", ShortTitle: "X"}, Answers{}); err == nil {
		t.Error("an instrument without a scorer was scored")
	}
}

// The unscored difficulty items may be blank or answered; they never change the total.
func TestDifficultyItems(t *testing.T) {
	for _, tc := range []struct {
		id, key string
	}{{PHQ9, "69722-7"}, {GAD7, gad7Difficulty}} {
		in := mustInstrument(t, tc.id)
		a := withTotal(in, 12)
		if r := mustScore(t, in, a); r.Total != 12 {
			t.Errorf("%s blank difficulty: total %d", tc.id, r.Total)
		}
		a[tc.key] = 3
		if r := mustScore(t, in, a); r.Total != 12 {
			t.Errorf("%s difficulty 3: total %d, want 12 (unscored)", tc.id, r.Total)
		}
	}
}
