package view

import (
	"regexp"
	"strings"
)

// The rules' sources are kept in the code as the project's own shorthand: a
// tag and a number in Doorway's clinical reference ("[V R12]", "[S R36,
// C]", "CLINICAL.md §3"). No page shows that shorthand: plainSource writes
// each as the source's real name, so a clinician can look it up, and says
// "common practice" for a convention. It is applied wherever a source is
// shown (gates, screening rules, settings), and TestNoInternalReferences
// (e2e) scans the pages for anything left over.

// sourceNames are the published sources behind the reference numbers.
var sourceNames = map[string]string{
	"R2": "Spravato dosing guide, Janssen", "R3": "Spravato prescribing information, Janssen",
	"R4": "Spravato important safety information", "R6": "Spravato REMS patient monitoring form",
	"R7": "LA County DMH Spravato policy", "R8": "Spravato monitoring protocol summary",
	"R9": "Spravato product information, MIMS", "R9b": "EU Spravato package leaflet",
	"R10": "Spravato side effects and interactions", "R11": "ketamine anaesthesia contraindications, SQU",
	"R11b": "UK Ketalar SmPC, section 4.3", "R11c": "Ketalar US label", "R11d": "Ketalar US label, section 2.2",
	"R12": "Swiss ketamine label, Swissmedic, reg. 67199", "R16": "Psyon KAP exclusion criteria",
	"R17a": "Field Trip KAP study, NCT05604794", "R17b": "Field Trip KAP outcomes",
	"R18": "inpatient ketamine RCT, PMC10812090", "R19": "CPSBC draft standard on parenteral ketamine",
	"R20": "Andrade 2017, J Clin Psychiatry 78(7):e852", "R21": "Andrade 2017, ketamine drug interactions",
	"R23": "Frontiers in Psychiatry 2020, doi:10.3389/fpsyt.2020.00844", "R26": "Pennsylvania low-dose ketamine guideline",
	"R27": "Ketamine Training Center, at-home lozenge method", "R28": "Chong et al., Pain Med 2006",
	"R30": "trial NCT05468047", "R31": "Sage Integrative Health, KAT", "R32a": "Journey Clinical", "R32b": "Journey Clinical",
	"R33": "Emory IV ketamine blood-pressure safety series, 684 infusions",
	"R34": "Neuropsychiatric Disease and Treatment, cardiovascular safety", "R36": "esketamine monitoring practice reported by clinicians",
	"R37": "Zen Psychiatric, medical observation", "R39": "a published KAP consent form",
	"R40a": "Balance Health", "R40b": "Sovereign Mind, preparation", "R40c": "Innerwell, preparing for a ketamine experience",
	"R42": "PHQ-9 scoring, Kroenke 2001", "R43": "GAD-7 severity, Spitzer 2006", "R44": "PCL-5 scoring",
	"R44b": "CamCOPS PCL-5 documentation", "R44c": "PCL-5 scoring", "R45b": "QIDS-SR16 scoring", "R45c": "QIDS-SR16 bands",
	"R46a": "C-SSRS screener triage, Columbia", "R46b": "C-SSRS triage guidelines, Columbia",
	"R51": "NHS Talking Therapies outcomes", "R52": "Jacobson & Truax 1991", "R54": "LOINC",
	"R58a": "Khalifian et al. 2024, Front Psychiatry", "R58c": "Cornfield et al. 2024, J Psychedelic Studies",
	"R60": "Talati & Sharma 2019", "R61": "ASA continuum of depth of sedation", "R62": "Chung 1995, PADSS, J Clin Anesth 7:500",
}

var (
	leadingTags = regexp.MustCompile(`^\s*(?:\[[VSC](?:\s+[^\]]*)?\]\s*)+`)
	sourceTag   = regexp.MustCompile(`\s*\[[VSC](?:\s+[^\]]*)?\]`)
	// ourDocs are the project's own documents, with a section or two.
	ourDocs = regexp.MustCompile(`\b(?:CLINICAL|DESIGN|INSTRUMENTS|SECURITY|CONTRACT)\.md(?:\s*§\s*[\d.]+)?(?:(?:\s*(?:,|and)\s*)(?:(?:CLINICAL|DESIGN|INSTRUMENTS)\.md)?\s*§\s*[\d.]+)*`)
)

// plainSource writes a source in words a reader can look up.
func plainSource(s string) string {
	// A tag before the source's own name ("[V R12] Swiss ketamine label")
	// only marks how it was read: the name follows.
	s = leadingTags.ReplaceAllString(s, "")
	s = sourceTag.ReplaceAllStringFunc(s, func(tag string) string {
		inner := strings.Trim(strings.TrimSpace(tag), "[]")
		var names []string
		for _, part := range strings.Split(inner, ",") {
			part = strings.TrimSpace(part)
			part = strings.TrimSpace(strings.TrimLeft(part, "VS"))
			switch {
			case part == "" || part == "C" && len(names) > 0:
				if part == "C" {
					names = append(names, "common practice")
				}
			case part == "C":
				names = append(names, "common practice")
			default:
				if n, ok := sourceNames[part]; ok && !contains(names, n) {
					names = append(names, n)
				}
			}
		}
		if len(names) == 0 {
			return ""
		}
		return " (" + strings.Join(names, "; ") + ")"
	})
	s = ourDocs.ReplaceAllString(s, "Doorway's clinical defaults")
	s = strings.ReplaceAll(s, "( ", "(")
	s = strings.ReplaceAll(s, " )", ")")
	s = strings.ReplaceAll(s, " ;", ";")
	s = strings.ReplaceAll(s, " .", ".")
	s = strings.ReplaceAll(s, " ,", ",")
	return strings.TrimSpace(s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
