package screening

import (
	"math"
	"strings"
)

// ashtonEquivalents gives, for each benzodiazepine, the oral dose in mg that
// is roughly equivalent to 10 mg of diazepam. The figures are those of the
// Ashton manual (C. H. Ashton, "Benzodiazepines: How They Work and How to
// Withdraw", 2002; equivalence table revised 2007, benzo.org.uk/bzequiv.htm),
// checked against a published guideline table that reproduces the manual's
// column next to the US VA/DoD figures. Where Ashton gives a range (estazolam
// 1-2 mg, flurazepam 15-30 mg) we keep the lower dose: it makes the drug look
// stronger, so the review rule errs towards asking a prescriber.
//
// The table holds the dose equivalent to 10 mg rather than a factor, because
// that is how the source states it and a reviewer can compare line by line.
var ashtonEquivalents = map[string]float64{
	"alprazolam":       0.5,
	"chlordiazepoxide": 25,
	"clobazam":         20,
	"clonazepam":       0.5,
	"clorazepate":      15,
	"diazepam":         10,
	"estazolam":        1,
	"flurazepam":       15,
	"lorazepam":        1,
	"nitrazepam":       10,
	"oxazepam":         20,
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

// DiazepamFactor is the number of mg of diazepam that 1 mg of the named
// benzodiazepine is taken to equal, and false when the name is not in the
// table. Names are generic names, matched without regard to case or spaces.
func DiazepamFactor(name string) (float64, bool) {
	eq, ok := ashtonEquivalents[strings.ToLower(strings.TrimSpace(name))]
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
	eq, ok := ashtonEquivalents[strings.ToLower(strings.TrimSpace(name))]
	if !ok || dailyMG <= 0 {
		return 0, false
	}
	return math.Round(dailyMG*10/eq*1000) / 1000, true
}
