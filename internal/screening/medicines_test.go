package screening

import (
	"slices"
	"testing"
)

func TestRecogniseMedicine(t *testing.T) {
	tests := []struct {
		name string
		want []Recognised
	}{
		{"phenelzine", []Recognised{{"phenelzine", MAOI}}},
		{"PARNATE 10 MG", []Recognised{{"tranylcypromine", MAOI}}},
		{"Vyvanse 30 mg", []Recognised{{"lisdexamfetamine", Stimulant}}},
		{"methylphenidate ER 36mg", []Recognised{{"methylphenidate", Stimulant}}},
		// A longer name is not read as a shorter one inside it.
		{"dexmethylphenidate", []Recognised{{"dexmethylphenidate", Stimulant}}},
		{"dextroamphetamine-amphetamine", []Recognised{{"dextroamphetamine", Stimulant}, {"amphetamine", Stimulant}}},
		{"MS Contin 15", []Recognised{{"morphine", Opioid}}},
		{"co-codamol 30/500", []Recognised{{"codeine", Opioid}}},
		{"DF118 Forte", []Recognised{{"dihydrocodeine", Opioid}}},
		{"Tylenol with codeine #3", []Recognised{{"codeine", Opioid}}},
		{"sodium oxybate", []Recognised{{"sodium oxybate", Sedative}}},
		{"codeine and promethazine syrup", []Recognised{{"codeine", Opioid}, {"promethazine", Sedative}}},
		{"Suboxone film", []Recognised{{"buprenorphine", Opioid}}},
		{"Lunesta", []Recognised{{"eszopiclone", Sedative}}},
		{"Lyrica 75mg", []Recognised{{"pregabalin", Sedative}}},
		{"Halcion", []Recognised{{"triazolam", Benzodiazepine}}},
		{"Lamictal XR", []Recognised{{"lamotrigine", Lamotrigine}}},
		// Not interacting, misspelt, or blank: nothing.
		{"sertraline", nil},
		{"amlodipine 5 mg", nil},
		{"phenelzin", nil},
		{"", nil},
		// A drug named twice is one medicine.
		{"oxycodone (OxyContin)", []Recognised{{"oxycodone", Opioid}}},
	}
	for _, tt := range tests {
		if got := RecogniseMedicine(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("RecogniseMedicine(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// CLINICAL.md's own lists, and the review's, are all recognised, each in
// its class.
func TestNamedListsAreRecognised(t *testing.T) {
	for class, names := range map[MedClass][]string{
		MAOI:      {"phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "rasagiline", "moclobemide", "linezolid"},
		Stimulant: {"amphetamine", "dextroamphetamine", "lisdexamfetamine", "methamphetamine", "methylphenidate", "dexmethylphenidate", "modafinil", "armodafinil", "solriamfetol"},
		Opioid: {"morphine", "oxycodone", "hydrocodone", "hydromorphone", "codeine", "tramadol", "tapentadol", "fentanyl", "methadone",
			"buprenorphine", "oxymorphone", "meperidine", "pethidine"},
		Sedative:       {"zolpidem", "zopiclone", "eszopiclone", "zaleplon", "gabapentin", "pregabalin", "phenobarbital"},
		Benzodiazepine: {"bromazepam", "lormetazepam", "loprazolam", "prazepam"},
	} {
		for _, n := range names {
			if r, ok := recognisedIn(n, class); !ok {
				t.Errorf("%s is not recognised as %s (%v)", n, class, r)
			}
		}
	}
	// No name means two medicines.
	seen := map[string]string{}
	for _, m := range medicineNames {
		for _, n := range append([]string{m.generic}, m.also...) {
			if prev, ok := seen[n]; ok && prev != m.generic {
				t.Errorf("%q is both %s and %s", n, prev, m.generic)
			}
			seen[n] = m.generic
		}
	}
}
