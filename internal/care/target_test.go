package care

import (
	"testing"

	"doorway/internal/problem"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
		ok   bool
		bad  bool
	}{
		{"phq9<10", Target{"phq9", "<", 10}, true, false},
		{" PHQ9 <= 4 ", Target{"phq9", "<=", 4}, true, false},
		{"gad7>=0", Target{"gad7", ">=", 0}, true, false},
		{"pcl5>33", Target{"pcl5", ">", 33}, true, false},
		{"", Target{}, false, false},
		{"   ", Target{}, false, false},
		{"phq9", Target{}, false, true},
		{"<10", Target{}, false, true},
		{"phq9<ten", Target{}, false, true},
		{"phq9<-1", Target{}, false, true},
		{"phq9<<10", Target{}, false, true},
	}
	for _, tt := range tests {
		got, ok, err := ParseTarget(tt.in)
		if tt.bad {
			if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "measure" {
				t.Errorf("ParseTarget(%q) = %v, %v; want invalid measure", tt.in, got, err)
			}
			continue
		}
		if err != nil || ok != tt.ok || got != tt.want {
			t.Errorf("ParseTarget(%q) = %+v, %v, %v; want %+v, %v", tt.in, got, ok, err, tt.want, tt.ok)
		}
	}
}

// PHQ-9 below 10 is met by 9 and not by 10; at or below 4 is met by 4.
func TestTargetMet(t *testing.T) {
	tests := []struct {
		t     Target
		total int
		met   bool
	}{
		{Target{"phq9", "<", 10}, 9, true},
		{Target{"phq9", "<", 10}, 10, false},
		{Target{"phq9", "<=", 4}, 4, true},
		{Target{"phq9", "<=", 4}, 5, false},
		{Target{"x", ">", 3}, 3, false},
		{Target{"x", ">=", 3}, 3, true},
	}
	for _, tt := range tests {
		if got := tt.t.Met(tt.total); got != tt.met {
			t.Errorf("%s met by %d = %v, want %v", tt.t, tt.total, got, tt.met)
		}
	}
	if got := (Target{"phq9", "<", 10}).Describe("PHQ-9"); got != "PHQ-9 below 10" {
		t.Errorf("Describe = %q", got)
	}
}
