package screening

import (
	"strings"
	"testing"
)

// The table in CLINICAL.md §1 has 10 exclude, 14 review and 3 info lines;
// each line is one rule, with the sources the table gives it.
func TestRulesMatchClinicalTable(t *testing.T) {
	want := map[string]string{
		"exclude.aneurysm_avm":        "[V R4]",
		"exclude.ich":                 "[V R4]",
		"exclude.hypersensitivity":    "[V R4]",
		"exclude.pregnancy":           "[V R10] [V R17a]",
		"exclude.psychosis_mania":     "[V R18]",
		"exclude.uncontrolled_bp":     "[V R12]",
		"exclude.stroke":              "[V R12] [V R11b]",
		"exclude.hyperthyroidism":     "[V R12]",
		"exclude.recent_heart_attack": "[V R9b]",
		"exclude.under_18":            "[V R4] [V R16]",
		"review.psychosis_history":    "[V R16] [V R3]",
		"review.substance_use":        "[V R4] [V R16] [V R17a]",
		"review.benzodiazepine":       "[V R23] [S]",
		"review.maoi_stimulant":       "[V R10] [V R6]",
		"review.opioid_sedative":      "[V R10]",
		"review.hypertension":         "[V R2] [V R8] [V R12]",
		"review.cardiovascular":       "[V R11] [V R18]",
		"review.raised_pressure":      "[V R11]",
		"review.bladder":              "[V R11c]",
		"review.liver":                "[C]",
		"review.bmi":                  "[V R17a]",
		"review.sleep_apnoea":         "[V R19]",
		"review.personality_disorder": "[V R16]",
		"review.suicidality":          "[V R16] [V R46a]",
		"info.lamotrigine":            "[V R21]",
		"info.age":                    "[V R9]",
		"info.no_indication":          "[V R16]",
	}
	rs := Rules()
	if len(rs) != len(want) {
		t.Fatalf("got %d rules, want %d", len(rs), len(want))
	}
	seen := map[string]bool{}
	last := Exclude
	for _, r := range rs {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		tags, ok := want[r.ID]
		if !ok {
			t.Errorf("unexpected rule %q", r.ID)
			continue
		}
		if !strings.HasPrefix(r.ID, string(r.Tier)+".") {
			t.Errorf("%s: tier %q does not match the id prefix", r.ID, r.Tier)
		}
		// Shown exclude first, info last.
		if r.Tier.MoreSevere(last) {
			t.Errorf("%s: tier %s listed after a less severe rule", r.ID, r.Tier)
		}
		last = r.Tier
		if r.Title == "" || len(r.Reason) < 40 || len(r.Facts) == 0 || r.check == nil {
			t.Errorf("%s: title, reason, facts and check are all required", r.ID)
		}
		var got []string
		for _, s := range r.Sources {
			got = append(got, "["+strings.TrimSpace(string(s.Tag)+" "+s.Ref)+"]")
			if s.Citation == "" {
				t.Errorf("%s: source %s has no citation (R-number missing from references?)", r.ID, s.Ref)
			}
		}
		if strings.Join(got, " ") != tags {
			t.Errorf("%s: sources %s, want %s", r.ID, strings.Join(got, " "), tags)
		}
		for _, f := range r.Facts {
			if _, ok := factLabels[f]; !ok {
				t.Errorf("%s: fact %q has no label", r.ID, f)
			}
		}
	}
}

func TestSourceText(t *testing.T) {
	r, ok := RuleByID("exclude.uncontrolled_bp")
	if !ok {
		t.Fatal("exclude.uncontrolled_bp not found")
	}
	if got, want := r.SourceText(), "[V R12] Swiss ketamine label (oddb.org, reg. 67199)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	r, _ = RuleByID("review.benzodiazepine")
	if got := r.SourceText(); !strings.HasPrefix(got, "[V R23] Frontiers in Psychiatry 2020") || !strings.Contains(got, "; [S] Ashton manual") {
		t.Errorf("benzodiazepine sources = %q", got)
	}
	if _, ok := RuleByID("exclude.nothing"); ok {
		t.Error("RuleByID found a rule that does not exist")
	}
}

// Where a source lists a rule as an exclusion and Doorway defaults it to
// review, the rule says so beside that source, and only there.
func TestSourceDepartures(t *testing.T) {
	const note = "R16 lists this as an exclusion; Doorway defaults to review"
	for _, r := range Rules() {
		got := r.Departures()
		switch r.ID {
		case "review.psychosis_history":
			if len(got) != 1 || got[0] != note ||
				r.SourceText() != "[V R16] Psyon exclusion criteria (psyon.cz) ("+note+"); [V R3] Spravato prescribing information" {
				t.Errorf("%s: %q, %q", r.ID, got, r.SourceText())
			}
		case "review.personality_disorder":
			if len(got) != 1 || got[0] != note || r.SourceText() != "[V R16] Psyon exclusion criteria (psyon.cz) ("+note+")" {
				t.Errorf("%s: %q, %q", r.ID, got, r.SourceText())
			}
		default:
			if len(got) != 0 {
				t.Errorf("%s: departures %q", r.ID, got)
			}
		}
	}
	// An exclusion in an exclusion list is no departure.
	if d := (Source{Ref: "R16", ListsAs: Exclude}).Departure(Exclude); d != "" {
		t.Errorf("departure %q", d)
	}
}

func TestRulesReturnsACopy(t *testing.T) {
	rs := Rules()
	rs[0].Tier = Info
	if r, _ := RuleByID(rs[0].ID); r.Tier != Exclude {
		t.Error("changing the slice from Rules changed the rule table")
	}
}

func TestRuleTitleKeepsOldDecisionsReadable(t *testing.T) {
	for id, want := range map[string]string{
		"exclude.hyperthyroidism": "Untreated or poorly treated hyperthyroidism",
		"review.hyperthyroidism":  "Untreated hyperthyroidism (a review rule until it became an exclusion)",
		"review.long_gone":        "a rule no longer in use (review.long_gone)",
	} {
		if got := RuleTitle(id); got != want {
			t.Errorf("RuleTitle(%q) = %q, want %q", id, got, want)
		}
	}
	for id := range retiredRules {
		if _, ok := RuleByID(id); ok {
			t.Errorf("%s is retired but still a rule", id)
		}
	}
}
