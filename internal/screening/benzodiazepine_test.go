package screening

import "testing"

// Each expected value is dose × 10 / (the Ashton dose equal to 10 mg diazepam).
func TestDiazepamEquivalentMG(t *testing.T) {
	tests := []struct {
		name  string
		daily float64
		want  float64
		ok    bool
	}{
		{"lorazepam", 2, 20, true},         // 2 × 10 / 1 = 20
		{"lorazepam", 0.8, 8, true},        // 0.8 × 10 / 1 = 8
		{"alprazolam", 0.5, 10, true},      // 0.5 × 10 / 0.5 = 10
		{"alprazolam", 0.25, 5, true},      // 0.25 × 10 / 0.5 = 5
		{"clonazepam", 0.4, 8, true},       // 0.4 × 10 / 0.5 = 8 (0.4 is not exact in binary; rounding keeps it 8)
		{"clonazepam", 1.5, 30, true},      // 1.5 × 10 / 0.5 = 30
		{"diazepam", 8.5, 8.5, true},       // 8.5 × 10 / 10 = 8.5
		{"temazepam", 10, 5, true},         // 10 × 10 / 20 = 5
		{"oxazepam", 30, 15, true},         // 30 × 10 / 20 = 15
		{"chlordiazepoxide", 25, 10, true}, // 25 × 10 / 25 = 10
		{"chlordiazepoxide", 20, 8, true},  // 20 × 10 / 25 = 8
		{"clobazam", 10, 5, true},          // 10 × 10 / 20 = 5
		{"clorazepate", 7.5, 5, true},      // 7.5 × 10 / 15 = 5
		{"nitrazepam", 5, 5, true},         // 5 × 10 / 10 = 5
		{"triazolam", 0.25, 5, true},       // 0.25 × 10 / 0.5 = 5
		{"estazolam", 2, 20, true},         // 2 × 10 / 1 = 20 (lower end of Ashton's 1–2 mg)
		{"flurazepam", 30, 20, true},       // 30 × 10 / 15 = 20 (lower end of 15–30 mg)
		{"quazepam", 15, 7.5, true},        // 15 × 10 / 20 = 7.5
		{"bromazepam", 6, 12, true},        // 6 × 10 / 5 = 12 (lower end of Ashton's 5–6 mg)
		{"flunitrazepam", 1, 10, true},     // 1 × 10 / 1 = 10
		{"halazepam", 40, 20, true},        // 40 × 10 / 20 = 20
		{"ketazolam", 30, 20, true},        // 30 × 10 / 15 = 20 (lower end of 15–30 mg)
		{"loprazolam", 1, 10, true},        // 1 × 10 / 1 = 10 (lower end of 1–2 mg)
		{"lormetazepam", 2, 20, true},      // 2 × 10 / 1 = 20 (lower end of 1–2 mg)
		{"medazepam", 10, 10, true},        // 10 × 10 / 10 = 10
		{"nordazepam", 15, 15, true},       // 15 × 10 / 10 = 15
		{"prazepam", 20, 20, true},         // 20 × 10 / 10 = 20 (lower end of 10–20 mg)
		{"  Lorazepam ", 1, 10, true},      // case and spaces do not matter
		{"Ativan 1mg", 2, 20, true},        // a brand, with its dose: lorazepam, 2 × 10 / 1 = 20
		{"Klonopin", 1, 20, true},          // clonazepam: 1 × 10 / 0.5 = 20
		{"midazolam", 7.5, 0, false},       // a benzodiazepine, but not in the table
		{"phenazepam", 1, 0, false},        // not in the table
		{"lorazepam", 0, 0, false},         // dose not recorded
		{"lorazepam", -1, 0, false},        // nonsense dose
	}
	for _, tt := range tests {
		got, ok := DiazepamEquivalentMG(tt.name, tt.daily)
		if got != tt.want || ok != tt.ok {
			t.Errorf("DiazepamEquivalentMG(%q, %v) = %v, %v; want %v, %v", tt.name, tt.daily, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDiazepamFactor(t *testing.T) {
	tests := []struct {
		name string
		want float64
		ok   bool
	}{
		{"lorazepam", 10, true},  // 10 / 1
		{"alprazolam", 20, true}, // 10 / 0.5
		{"temazepam", 0.5, true}, // 10 / 20
		{"diazepam", 1, true},    // 10 / 10
		{"zopiclone", 0, false},  // a z-drug, filed as a sedative, not here
		{"Valium", 1, true},      // diazepam by its brand name
		{"lorazepamm", 0, false}, // a misspelling is not guessed at
	}
	for _, tt := range tests {
		got, ok := DiazepamFactor(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("DiazepamFactor(%q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// Every benzodiazepine of the Ashton table has a conversion, and every
// benzodiazepine in the name lists that has one is in the table.
func TestEveryAshtonBenzodiazepineIsRecognised(t *testing.T) {
	for generic := range ashtonEquivalents {
		r := RecogniseMedicine(generic)
		if len(r) != 1 || r[0] != (Recognised{generic, Benzodiazepine}) {
			t.Errorf("%s recognised as %v", generic, r)
		}
	}
	for _, m := range medicineNames {
		if _, ok := ashtonEquivalents[m.generic]; ok && m.class != Benzodiazepine {
			t.Errorf("%s is in the Ashton table but listed as %s", m.generic, m.class)
		}
	}
}
