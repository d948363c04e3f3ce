package screening

import "strings"

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
	"R3":   "Spravato prescribing information",
	"R4":   "Spravato important safety information (usmedicine.com)",
	"R6":   "Spravato REMS patient monitoring form",
	"R9":   "Spravato product information (MIMS)",
	"R10":  "Spravato side effects and interactions (medicinenet)",
	"R11":  "ketamine anaesthesia contraindications (SQU anaesthesia CD)",
	"R12":  "Swiss ketamine label (oddb.org, reg. 67199)",
	"R16":  "Psyon exclusion criteria (psyon.cz)",
	"R17a": "Field Trip KAP study NCT05604794",
	"R18":  "inpatient ketamine RCT, PMC10812090",
	"R19":  "CPSBC draft standard, parenteral ketamine",
	"R21":  "Andrade 2017, ketamine drug interactions",
	"R23":  "Frontiers in Psychiatry 2020, 10.3389/fpsyt.2020.00844",
	"R46a": "C-SSRS screen triage (Blueprint)",
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
