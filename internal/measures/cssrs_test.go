package measures

import (
	"strings"
	"testing"
)

// y and n keep the tables readable.
const (
	y = Yes
	n = No
)

func TestCSSRSRecentTiers(t *testing.T) {
	in := mustInstrument(t, CSSRSScreen)
	tests := []struct {
		name     string
		a        Answers
		tier     Tier
		severity Severity // "" = no flag
		flagItem string
	}{
		{"all no", Answers{cssrs1: n, cssrs2: n, cssrs6: n}, TierNone, "", ""},
		{"wish to be dead only", Answers{cssrs1: y, cssrs2: n, cssrs6: n}, TierLow, "", ""},
		{"thoughts, no method, intent or plan", Answers{cssrs1: y, cssrs2: y, cssrs3: n, cssrs4: n, cssrs5: n, cssrs6: n}, TierLow, "", ""},
		{"method", Answers{cssrs1: y, cssrs2: y, cssrs3: y, cssrs4: n, cssrs5: n, cssrs6: n}, TierModerate, SeverityHigh, cssrs3},
		{"behaviour over 3 months ago", Answers{cssrs1: n, cssrs2: n, cssrs6: y, cssrs6b: n}, TierModerate, SeverityHigh, cssrs6},
		{"intent without plan", Answers{cssrs1: y, cssrs2: y, cssrs3: n, cssrs4: y, cssrs5: n, cssrs6: n}, TierHigh, SeverityUrgent, cssrs4},
		{"intent with plan", Answers{cssrs1: y, cssrs2: y, cssrs3: y, cssrs4: n, cssrs5: y, cssrs6: n}, TierHigh, SeverityUrgent, cssrs5},
		{"behaviour in the past 3 months", Answers{cssrs1: n, cssrs2: n, cssrs6: y, cssrs6b: y}, TierHigh, SeverityUrgent, cssrs6},
		{"behaviour recent, after a wish to be dead only", Answers{cssrs1: y, cssrs2: n, cssrs6: y, cssrs6b: y}, TierHigh, SeverityUrgent, cssrs6},
		{"everything yes", Answers{cssrs1: y, cssrs2: y, cssrs3: y, cssrs4: y, cssrs5: y, cssrs6: y, cssrs6b: y}, TierHigh, SeverityUrgent, cssrs4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustScore(t, in, tc.a)
			if r.Tier != tc.tier || r.HasTotal || r.Total != 0 {
				t.Errorf("tier %q has total %v, want %q", r.Tier, r.HasTotal, tc.tier)
			}
			if tc.severity == "" {
				if len(r.Flags) != 0 {
					t.Errorf("flags %v", r.Flags)
				}
				return
			}
			if len(r.Flags) != 1 {
				t.Fatalf("flags %v", r.Flags)
			}
			f := r.Flags[0]
			if f.Kind != FlagSuicideRisk || f.Severity != tc.severity || f.ItemKey != tc.flagItem {
				t.Errorf("flag %+v", f)
			}
			if !strings.Contains(f.Reason, string(tc.tier)+" risk") {
				t.Errorf("reason %q", f.Reason)
			}
		})
	}
	// Every high trigger is named in the one flag.
	r := mustScore(t, in, Answers{cssrs1: y, cssrs2: y, cssrs3: y, cssrs4: y, cssrs5: y, cssrs6: y, cssrs6b: y})
	for _, q := range []string{"question 4", "question 5", "question 6"} {
		if !strings.Contains(r.Flags[0].Reason, q) {
			t.Errorf("reason %q lacks %s", r.Flags[0].Reason, q)
		}
	}
}

// If Q2 is No, skip to Q6; ask 6b only after a Yes to 6.
func TestCSSRSSkipLogic(t *testing.T) {
	in := mustInstrument(t, CSSRSScreen)
	tests := []struct {
		name  string
		a     Answers
		field string
	}{
		{"Q3 answered after Q2 No", Answers{cssrs1: y, cssrs2: n, cssrs3: n, cssrs6: n}, cssrs3},
		{"Q4 yes after Q2 No is not silently dropped", Answers{cssrs1: y, cssrs2: n, cssrs4: y, cssrs6: n}, cssrs4},
		{"Q3 missing after Q2 Yes", Answers{cssrs1: y, cssrs2: y, cssrs4: n, cssrs5: n, cssrs6: n}, cssrs3},
		{"Q5 missing after Q2 Yes", Answers{cssrs1: y, cssrs2: y, cssrs3: n, cssrs4: n, cssrs6: n}, cssrs5},
		{"Q6 missing", Answers{cssrs1: n, cssrs2: n}, cssrs6},
		{"Q2 missing is named before the skipped items", Answers{cssrs1: n, cssrs3: y, cssrs6: n}, cssrs2},
		{"6b missing after Q6 Yes", Answers{cssrs1: n, cssrs2: n, cssrs6: y}, cssrs6b},
		{"6b answered after Q6 No", Answers{cssrs1: n, cssrs2: n, cssrs6: n, cssrs6b: n}, cssrs6b},
		{"answer not yes or no", Answers{cssrs1: 2, cssrs2: n, cssrs6: n}, cssrs1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Score(in, tc.a)
			wantInvalid(t, err, tc.field)
		})
	}
	// The message says when a skipped question is asked.
	_, err := Score(in, Answers{cssrs1: y, cssrs2: n, cssrs3: n, cssrs6: n})
	if !strings.Contains(err.Error(), "if the answer to question 2 is Yes") {
		t.Errorf("message %q", err)
	}
}

func TestCSSRSSinceLastContact(t *testing.T) {
	in := mustInstrument(t, CSSRSScreenSLC)
	tests := []struct {
		name string
		a    Answers
		tier Tier
	}{
		{"all no", Answers{slc1: n, slc2: n, slc6: n}, TierNone},
		{"wish to be dead", Answers{slc1: y, slc2: n, slc6: n}, TierLow},
		{"thoughts", Answers{slc1: n, slc2: y, slc3: n, slc4: n, slc5: n, slc6: n}, TierLow},
		{"method", Answers{slc1: y, slc2: y, slc3: y, slc4: n, slc5: n, slc6: n}, TierModerate},
		{"intent", Answers{slc1: y, slc2: y, slc3: n, slc4: y, slc5: n, slc6: n}, TierHigh},
		{"plan", Answers{slc1: y, slc2: y, slc3: n, slc4: n, slc5: y, slc6: n}, TierHigh},
		// Behaviour since the last contact is recent by definition: high, no 6b.
		{"behaviour", Answers{slc1: n, slc2: n, slc6: y}, TierHigh},
	}
	for _, tc := range tests {
		if r := mustScore(t, in, tc.a); r.Tier != tc.tier {
			t.Errorf("%s: tier %q, want %q", tc.name, r.Tier, tc.tier)
		}
	}
	_, err := Score(in, Answers{slc1: n, slc2: n, slc3: y, slc6: n})
	wantInvalid(t, err, slc3)
	// Recent-version keys do not belong here.
	_, err = Score(in, Answers{slc1: n, slc2: n, slc6: y, cssrs6b: y})
	wantInvalid(t, err, cssrs6b)
}

func TestTierLOINC(t *testing.T) {
	for tier, code := range map[Tier]string{TierNone: "", TierLow: "LA9194-7", TierModerate: "LA6751-7", TierHigh: "LA9193-9", "": ""} {
		if got := tier.LOINCAnswer(); got != code {
			t.Errorf("%q.LOINCAnswer() = %q, want %q", tier, got, code)
		}
	}
	// Other instruments carry no tier.
	phq9 := mustInstrument(t, PHQ9)
	if r := mustScore(t, phq9, withTotal(phq9, 3)); r.Tier != "" {
		t.Errorf("PHQ-9 tier %q", r.Tier)
	}
}
