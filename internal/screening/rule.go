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

// SourceText is every source of the rule on one line, as shown beside it.
func (r Rule) SourceText() string {
	parts := make([]string, len(r.Sources))
	for i, s := range r.Sources {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}

// outcome is what one rule makes of one client's facts. A rule that neither
// fires nor has everything it needs says which facts it lacked.
type outcome struct {
	fired    bool
	evidence string
	missing  []string
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
