package screening

import (
	"fmt"
	"strings"
)

// Tag says how well a source was checked, as CLINICAL.md marks it.
type Tag string

const (
	Verified   Tag = "V" // read in the source itself
	Secondary  Tag = "S" // from a secondary summary
	Convention Tag = "C" // common convention with no primary source found
)

// Source is where a rule comes from. Ref is the R-number in CLINICAL.md's
// sources list, empty for a convention or a source outside that list.
type Source struct {
	Tag      Tag
	Ref      string
	Citation string
	// ListsAs is the tier the source itself gives the rule, when it
	// differs from Doorway's: R16 lists a history of psychosis as an
	// exclusion, which Doorway defaults to review. Empty when the source
	// agrees, or says nothing about tiers. The screen shows Departure beside
	// the source, so it never implies the source agrees.
	ListsAs Tier
}

// Departure says how Doorway's tier differs from the source's, e.g. "R16
// lists this as an exclusion; Doorway defaults to review"; "" when it does
// not.
func (s Source) Departure(ruleTier Tier) string {
	if s.ListsAs == "" || s.ListsAs == ruleTier {
		return ""
	}
	who := s.Ref
	if who == "" {
		who = "The source"
	}
	return fmt.Sprintf("%s lists this as %s; Doorway defaults to %s", who, s.ListsAs.asListed(), ruleTier.asDefault())
}

// asListed is the tier as a source lists a rule: "an exclusion".
func (t Tier) asListed() string {
	switch t {
	case Exclude:
		return "an exclusion"
	case Review:
		return "a matter for review"
	case Info:
		return "information only"
	}
	return string(t)
}

// asDefault is the tier as Doorway's default: "review".
func (t Tier) asDefault() string {
	switch t {
	case Exclude:
		return "exclusion"
	case Review:
		return "review"
	case Info:
		return "information only"
	}
	return string(t)
}

// String renders the source as CLINICAL.md writes it, e.g.
// "[V R12] Swiss ketamine label (oddb.org, reg. 67199)".
func (s Source) String() string {
	var b strings.Builder
	b.WriteString("[" + string(s.Tag))
	if s.Ref != "" {
		b.WriteString(" " + s.Ref)
	}
	b.WriteString("]")
	if s.Citation != "" {
		b.WriteString(" " + s.Citation)
	}
	return b.String()
}

// references is the part of CLINICAL.md's sources list that screening cites.
var references = map[string]string{
	"R2":   "spravatohcp.com/dosing-spravato-trd",
	"R3":   "Spravato prescribing information",
	"R4":   "Spravato important safety information (usmedicine.com)",
	"R6":   "Spravato REMS patient monitoring form",
	"R8":   "droracle.ai, Spravato protocol",
	"R9":   "Spravato product information (MIMS)",
	"R9b":  "EU Spravato package leaflet (no use within 6 weeks of a heart attack)",
	"R10":  "Spravato side effects and interactions (medicinenet)",
	"R11":  "ketamine anaesthesia contraindications (SQU anaesthesia CD)",
	"R11b": "UK Ketalar SmPC 4.3 (cerebrovascular accident, severe coronary disease)",
	"R11c": "Ketalar US label (genitourinary pain with chronic use)",
	"R12":  "Swiss ketamine label (oddb.org, reg. 67199)",
	"R16":  "Psyon exclusion criteria (psyon.cz)",
	"R17a": "Field Trip KAP study NCT05604794",
	"R18":  "inpatient ketamine RCT, PMC10812090",
	"R19":  "CPSBC draft standard, parenteral ketamine",
	"R21":  "Andrade 2017, ketamine drug interactions",
	"R23":  "Frontiers in Psychiatry 2020, 10.3389/fpsyt.2020.00844",
	"R46a": "C-SSRS screen triage (Blueprint)",
}

// listsAsExclusion marks a source that lists the rule as an exclusion.
func listsAsExclusion(srcs []Source, ref string) []Source {
	for i := range srcs {
		if srcs[i].Ref == ref {
			srcs[i].ListsAs = Exclude
		}
	}
	return srcs
}

// verified builds [V] sources from R-numbers. An R-number missing from
// references is a programming error caught by the tests.
func verified(refs ...string) []Source {
	out := make([]Source, len(refs))
	for i, r := range refs {
		out[i] = Source{Tag: Verified, Ref: r, Citation: references[r]}
	}
	return out
}
