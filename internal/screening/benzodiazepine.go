package screening

import "math"

// ashtonEquivalents gives, for each benzodiazepine, the oral dose in mg that
// is roughly equivalent to 10 mg of diazepam. The figures are those of the
// Ashton manual (C. H. Ashton, "Benzodiazepines: How They Work and How to
// Withdraw", 2002; equivalence table revised 2007, benzo.org.uk/bzequiv.htm),
// checked against a published guideline table that reproduces the manual's
// column next to the US VA/DoD figures. Every benzodiazepine of the table is
// here. Where Ashton gives a range we keep the lower dose: it makes the drug
// look stronger, so the review rule errs towards asking a prescriber.
// The ranges are bromazepam 5-6, estazolam 1-2, flurazepam 15-30, ketazolam
// 15-30, loprazolam 1-2, lormetazepam 1-2 and prazepam 10-20 mg.
//
// The table holds the dose equivalent to 10 mg rather than a factor, because
// that is how the source states it and a reviewer can compare line by line.
// The z-drugs at the foot of Ashton's table (zaleplon, zolpidem, zopiclone,
// eszopiclone) are not benzodiazepines: they are sedatives (medicines.go).
var ashtonEquivalents = map[string]float64{
	"alprazolam":       0.5,
	"bromazepam":       5,
	"chlordiazepoxide": 25,
	"clobazam":         20,
	"clonazepam":       0.5,
	"clorazepate":      15,
	"diazepam":         10,
	"estazolam":        1,
	"flunitrazepam":    1,
	"flurazepam":       15,
	"halazepam":        20,
	"ketazolam":        15,
	"loprazolam":       1,
	"lorazepam":        1,
	"lormetazepam":     1,
	"medazepam":        10,
	"nitrazepam":       10,
	"nordazepam":       10,
	"oxazepam":         20,
	"prazepam":         10,
	"quazepam":         20,
	"temazepam":        20,
	"triazolam":        0.5,
}

// ashtonSource is cited by the benzodiazepine rule next to R23, which gives
// the threshold; this one gives the arithmetic.
var ashtonSource = Source{
	Tag:      Secondary,
	Citation: "Ashton manual benzodiazepine equivalence table (2002, rev. 2007), as reproduced in a published guideline table",
}

// ashtonDose is the dose of the benzodiazepine named (generic or brand name,
// any case, dose text allowed: "Xanax 0.5 mg") equal to 10 mg of diazepam,
// and its generic name; false when the name holds no benzodiazepine of the
// table.
func ashtonDose(name string) (float64, string, bool) {
	r, ok := recognisedIn(name, Benzodiazepine)
	if !ok {
		return 0, "", false
	}
	eq, ok := ashtonEquivalents[r.Generic]
	return eq, r.Generic, ok
}

// DiazepamFactor is the number of mg of diazepam that 1 mg of the named
// benzodiazepine is taken to equal, and false when the name is not in the
// table. Names are generic or brand names, matched without regard to case,
// spaces or dose text.
func DiazepamFactor(name string) (float64, bool) {
	eq, _, ok := ashtonDose(name)
	if !ok {
		return 0, false
	}
	return 10 / eq, true
}

// DiazepamEquivalentMG converts a daily dose of the named benzodiazepine to mg
// of diazepam per day: dailyMG × 10 / (the dose equal to 10 mg diazepam).
// The result is rounded to 0.001 mg so that binary fractions (0.1 mg steps)
// cannot tip a dose across a threshold it sits exactly on. It returns false
// for a name not in the table or a dose that is not positive.
func DiazepamEquivalentMG(name string, dailyMG float64) (float64, bool) {
	eq, _, ok := ashtonDose(name)
	if !ok || dailyMG <= 0 {
		return 0, false
	}
	return math.Round(dailyMG*10/eq*1000) / 1000, true
}
