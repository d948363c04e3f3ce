package view

import (
	"regexp"
	"testing"
)

func TestPlainSource(t *testing.T) {
	for in, want := range map[string]string{
		"CLINICAL.md §3 [V R12].":                                   "Doorway's clinical defaults (Swiss ketamine label, Swissmedic, reg. 67199).",
		"On two readings minutes apart. CLINICAL.md §3 [S R36, C].": "On two readings minutes apart. Doorway's clinical defaults (esketamine monitoring practice reported by clinicians; common practice).",
		"[V R17a] Field Trip KAP study NCT05604794":                 "Field Trip KAP study NCT05604794",
		"Doorway's convention [C].":                                 "Doorway's convention (common practice).",
		"A prescriber's screening decision (CLINICAL.md §1); an approval lasts 180 days by default [C]": "A prescriber's screening decision (Doorway's clinical defaults); an approval lasts 180 days by default (common practice)",
		"At least one preparation session (DESIGN.md §3; 3 are usual [V R17b, R31])":                    "At least one preparation session (Doorway's clinical defaults; 3 are usual (Field Trip KAP outcomes; Sage Integrative Health, KAT))",
	} {
		got := plainSource(in)
		if regexp.MustCompile(`\.md\b|§|\[[VSC]`).MatchString(got) {
			t.Errorf("plainSource(%q) = %q still shows a reference of ours", in, got)
		}
		if got != want {
			t.Errorf("plainSource(%q) = %q, want %q", in, got, want)
		}
	}
}
