package screening

import (
	"math"
	"slices"
	"strconv"
)

// Fired is one rule that fired, with what in the facts made it fire.
type Fired struct {
	Rule     Rule
	Evidence string // e.g. "lorazepam 2 mg/day = 20 mg diazepam-equivalent (limit 8 mg/day)"
}

// Undecided is a rule that must be decided before a client can be approved
// and could not be, with why in plain words, e.g. "the date of birth is not
// recorded, so it cannot be confirmed that the client is 18 or over".
type Undecided struct {
	Rule   Rule
	Reason string
}

// Result is a screening: the rules that fired in rule order, the most severe
// tier among them (Clear when none did), and the gaps that stopped rules from
// being decided, each a plain phrase such as "resting blood pressure".
//
// Undecided lists the rules among those gaps that block an approval until
// they are filled (the age limit without a date of birth, a heart attack
// without its date): CheckDecision refuses to approve while any is listed.
// They change nothing in Tier, which still says what fired.
//
// Unrecognised lists the client's medicines whose names Doorway does not
// recognise, as written, for the screen to say "not recognised: <name>".
type Result struct {
	Fired        []Fired
	Tier         Tier
	Missing      []string
	Undecided    []Undecided
	Unrecognised []string
}

// Evaluate applies the default rules to the facts. Zero settings take their
// defaults. It never fails: unknown facts become Missing, not errors.
func Evaluate(f Facts, s Settings) Result {
	s = s.withDefaults()
	res := Result{Tier: Clear}
	if f.MedicationsKnown {
		res.Unrecognised = f.Unrecognised()
	}
	for _, r := range rules {
		out := r.check(f, s)
		if out.undecided != "" {
			res.Undecided = append(res.Undecided, Undecided{Rule: r, Reason: out.undecided})
		}
		if out.fired {
			res.Fired = append(res.Fired, Fired{Rule: r, Evidence: out.evidence})
			if r.Tier.MoreSevere(res.Tier) {
				res.Tier = r.Tier
			}
			continue
		}
		for _, m := range out.missing {
			if !slices.Contains(res.Missing, m) {
				res.Missing = append(res.Missing, m)
			}
		}
	}
	return res
}

// InTier returns the fired rules of one tier.
func (r Result) InTier(t Tier) []Fired {
	var out []Fired
	for _, f := range r.Fired {
		if f.Rule.Tier == t {
			out = append(out, f)
		}
	}
	return out
}

// Has reports whether the rule with this ID fired.
func (r Result) Has(id string) bool {
	return slices.ContainsFunc(r.Fired, func(f Fired) bool { return f.Rule.ID == id })
}

// roundMG rounds to 0.001, finer than any dose anyone measures, to hide
// binary-fraction noise from sums and from comparisons with a limit.
func roundMG(x float64) float64 { return math.Round(x*1000) / 1000 }

// mg prints a quantity without trailing zeros: 2, 0.5, 20.25.
func mg(x float64) string { return strconv.FormatFloat(roundMG(x), 'f', -1, 64) }
