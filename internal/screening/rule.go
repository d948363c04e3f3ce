package screening

import (
	"slices"
	"strings"
)

// Rule is one screening rule. Everything but the check is plain data, so the
// screens that apply a rule can show its reason and source as they stand.
type Rule struct {
	// ID is stable across releases: decisions, audit entries and clinic
	// overrides of wording refer to it. Its prefix is the default tier.
	ID    string
	Tier  Tier
	Title string // a short name for lists, e.g. "History of intracerebral haemorrhage"
	Facts []Fact // what the rule reads
	// Reason says why the rule exists, in words a clinician can repeat to a client.
	Reason  string
	Sources []Source

	check func(Facts, Settings) outcome
}

// SourceText is every source of the rule on one line, as shown beside it,
// with any departure from a source's own tier after that source: "[V R16]
// Psyon exclusion criteria (psyon.cz) (R16 lists this as an exclusion;
// Doorway defaults to review); [V R3] ...".
func (r Rule) SourceText() string {
	parts := make([]string, len(r.Sources))
	for i, s := range r.Sources {
		parts[i] = s.String()
		if d := s.Departure(r.Tier); d != "" {
			parts[i] += " (" + d + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// Departures lists where a source gives the rule a tier other than
// Doorway's, for a screen that shows them on their own line.
func (r Rule) Departures() []string {
	var out []string
	for _, s := range r.Sources {
		if d := s.Departure(r.Tier); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// outcome is what one rule makes of one client's facts. A rule that neither
// fires nor has everything it needs says which facts it lacked; a rule that
// must be decided before anyone is approved (undecided) also says why it
// could not be.
type outcome struct {
	fired     bool
	evidence  string
	missing   []string
	undecided string
}

// cannotDecide is the outcome of a rule that must be decided before an
// approval and lacks what it needs: why, and the facts it lacked.
func cannotDecide(why string, labels ...string) outcome {
	return outcome{undecided: why, missing: labels}
}

func fired(evidence string) outcome { return outcome{fired: true, evidence: evidence} }

func lacking(labels ...string) outcome { return outcome{missing: labels} }

// flag is a yes/no fact for anyOf, with the evidence to give when it is yes.
type flag struct {
	fact Fact
	v    *bool
	yes  string
}

// anyOf is "or" over yes/no facts with unknowns: any yes fires the rule (with
// every yes as evidence); only when all are known no does it stay quiet
// without gaps; otherwise the unknown ones are missing.
func anyOf(flags ...flag) outcome {
	var yes, unknown []string
	for _, f := range flags {
		switch {
		case f.v == nil:
			unknown = append(unknown, f.fact.Label())
		case *f.v:
			yes = append(yes, f.yes)
		}
	}
	if len(yes) > 0 {
		return fired(strings.Join(yes, "; "))
	}
	return lacking(unknown...)
}

// Rules returns the default rules in the order they are shown: exclude, then
// review, then info. The slice is a copy; changing it changes nothing here.
func Rules() []Rule { return slices.Clone(rules) }

// RuleByID finds a rule by its stable ID.
func RuleByID(id string) (Rule, bool) {
	i := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return Rule{}, false
	}
	return rules[i], true
}

// retiredRules are rules of earlier releases, by id, that decisions may
// still name: untreated hyperthyroidism was a review rule until the
// clinical review made it an exclusion (exclude.hyperthyroidism).
var retiredRules = map[string]string{
	"review.hyperthyroidism": "Untreated hyperthyroidism (a review rule until it became an exclusion)",
}

// RuleTitle names a rule a stored decision records, by its id: the rule's
// title, a retired rule's title as it was, or "a rule no longer in use"
// with its id, so an old decision stays readable.
func RuleTitle(id string) string {
	if r, ok := RuleByID(id); ok {
		return r.Title
	}
	if t, ok := retiredRules[id]; ok {
		return t
	}
	return "a rule no longer in use (" + id + ")"
}
