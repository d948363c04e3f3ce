package measures

import (
	"strings"
)

// CSSRSRiskLevelLOINC is the LOINC code of the derived suicide risk level,
// answered from list LL465-6 (see Tier.LOINCAnswer).
const CSSRSRiskLevelLOINC = "93374-7"

// LOINCAnswer returns the LL465-6 answer code for a tier, "" for none.
func (t Tier) LOINCAnswer() string {
	switch t {
	case TierLow:
		return "LA9194-7"
	case TierModerate:
		return "LA6751-7"
	case TierHigh:
		return "LA9193-9"
	}
	return ""
}

// rank orders tiers so the highest reached wins.
func (t Tier) rank() int {
	switch t {
	case TierLow:
		return 1
	case TierModerate:
		return 2
	case TierHigh:
		return 3
	}
	return 0
}

const cssrsLicence = "© 2008 The Research Foundation for Mental Hygiene, Inc. " +
	"Electronic versions of the C-SSRS are licensed exclusively through Clario, with fees and certification of each version. " +
	"This screener is switched off until your clinic confirms its licence in settings."

const cssrsInstructions = "This scale is intended to be used by individuals who have received training in its administration."

// Clinician prompts printed on the official form.
const (
	cssrsHelp3 = "\"I thought about taking an overdose but I never made a specific plan as to when where or how I would actually do it….and I would never go through with it.\""
	cssrsHelp4 = "As opposed to \"I have the thoughts but I definitely will not do anything about them.\""
	cssrsHelp6 = "Examples: Collected pills, obtained a gun, gave away valuables, wrote a will or suicide note, took out pills but didn't swallow any, " +
		"held a gun but changed your mind or it was grabbed from your hand, went to the roof but didn't jump; or actually took pills, " +
		"tried to shoot yourself, cut yourself, tried to hang yourself, etc."
)

// Keys of the Recent version are its LOINC item codes.
const (
	cssrs1  = "93246-7"
	cssrs2  = "93247-5"
	cssrs3  = "93248-3"
	cssrs4  = "93249-1"
	cssrs5  = "93250-9"
	cssrs6  = "93267-3"
	cssrs6b = "93269-9"
)

// Since-Last-Contact keys are local: LOINC publishes no codes for that version.
const (
	slc1 = "cssrs_screen_slc.1"
	slc2 = "cssrs_screen_slc.2"
	slc3 = "cssrs_screen_slc.3"
	slc4 = "cssrs_screen_slc.4"
	slc5 = "cssrs_screen_slc.5"
	slc6 = "cssrs_screen_slc.6"
)

// yesTo is skip logic: ask only if key was answered Yes.
func yesTo(key string) func(Answers) bool {
	return func(a Answers) bool { v, ok := a[key]; return ok && v == Yes }
}

func yesNo(key, number, loinc, heading, text, help string) Item {
	return Item{Key: key, Number: number, LOINC: loinc, Heading: heading, Text: text, Help: help, Options: yesNoOptions, Verified: true}
}

// askedAfter makes an item conditional on a Yes to an earlier question.
func askedAfter(it Item, key, number string) Item {
	it.EnableIf = yesTo(key)
	it.AskedWhen = "if the answer to question " + number + " is Yes"
	return it
}

// cssrsRecent is the screener's Recent version: ideation in the past month,
// behaviour over the lifetime with a past-3-months follow-up.
var cssrsRecent = &Instrument{
	ID:             CSSRSScreen,
	Title:          "Columbia-Suicide Severity Rating Scale, Screen Version (Recent)",
	ShortTitle:     "C-SSRS screener",
	Instructions:   cssrsInstructions,
	RecallPeriod:   "the past month (question 6: ever, then the past 3 months)",
	LOINCPanel:     "93373-9",
	Licence:        cssrsLicence,
	DefaultEnabled: false,
	Items: []Item{
		yesNo(cssrs1, "1", cssrs1, "Wish to be Dead",
			"Have you wished you were dead or wished you could go to sleep and not wake up?", ""),
		yesNo(cssrs2, "2", cssrs2, "Suicidal Thoughts",
			"Have you actually had any thoughts of killing yourself?", ""),
		askedAfter(yesNo(cssrs3, "3", cssrs3, "Suicidal Thoughts with Method (without Specific Plan or Intent to Act)",
			"Have you been thinking about how you might do this?", cssrsHelp3), cssrs2, "2"),
		askedAfter(yesNo(cssrs4, "4", cssrs4, "Suicidal Intent (without Specific Plan)",
			"Have you had these thoughts and had some intention of acting on them?", cssrsHelp4), cssrs2, "2"),
		askedAfter(yesNo(cssrs5, "5", cssrs5, "Suicide Intent with Specific Plan",
			"Have you started to work out or worked out the details of how to kill yourself? Do you intend to carry out this plan?", ""), cssrs2, "2"),
		yesNo(cssrs6, "6", cssrs6, "Suicide Behavior (Lifetime)",
			"Have you ever done anything, started to do anything, or prepared to do anything to end your life?", cssrsHelp6),
		askedAfter(yesNo(cssrs6b, "6b", cssrs6b, "",
			"Was this within the past 3 months?", ""), cssrs6, "6"),
	},
	Caveats: []string{
		"Electronic use needs a licence from Clario (fees, certification of each version); get legal review before switching it on.",
		"Whether the emitted risk level (93374-7) should use answer list LL465-6 is not settled.",
	},
}

// cssrsSLC is the Since-Last-Contact version: the same first four
// questions, question 5 as one sentence, question 6 without "ever" and
// without the 3-month follow-up.
var cssrsSLC = &Instrument{
	ID:             CSSRSScreenSLC,
	Title:          "Columbia-Suicide Severity Rating Scale, Screen Version (Since Last Contact)",
	ShortTitle:     "C-SSRS screener (since last contact)",
	Instructions:   cssrsInstructions,
	RecallPeriod:   "since the last contact",
	Licence:        cssrsLicence,
	DefaultEnabled: false,
	Items: []Item{
		yesNo(slc1, "1", "", "Wish to be Dead",
			"Have you wished you were dead or wished you could go to sleep and not wake up?", ""),
		yesNo(slc2, "2", "", "Suicidal Thoughts",
			"Have you actually had any thoughts of killing yourself?", ""),
		askedAfter(yesNo(slc3, "3", "", "Suicidal Thoughts with Method (without Specific Plan or Intent to Act)",
			"Have you been thinking about how you might do this?", cssrsHelp3), slc2, "2"),
		askedAfter(yesNo(slc4, "4", "", "Suicidal Intent (without Specific Plan)",
			"Have you had these thoughts and had some intention of acting on them?", cssrsHelp4), slc2, "2"),
		askedAfter(yesNo(slc5, "5", "", "Suicide Intent with Specific Plan",
			"Have you started to work out or worked out the details of how to kill yourself and do you intend to carry out this plan?", ""), slc2, "2"),
		yesNo(slc6, "6", "", "Suicide Behavior",
			"Have you done anything, started to do anything, or prepared to do anything to end your life?", cssrsHelp6),
	},
	Caveats: []string{
		"Electronic use needs a licence from Clario (fees, certification of each version); get legal review before switching it on.",
		"LOINC publishes no codes for this version; items are exchanged under local linkIds.",
		"The triage (question 6 Yes = high) is inferred from the Recent version's rules; check it against Columbia's Since-Last-Contact triage form.",
		"The wording of questions 5 and 6 rests on one copy of the official form.",
	},
}

// cssrsRule is one triage trigger: the tier reached when when() holds.
type cssrsRule struct {
	tier   Tier
	key    string // the item the flag points at
	when   func(Answers) bool
	reason string
}

func yes(a Answers, key string) bool { return a[key] == Yes }

// Columbia triage, Recent version (INSTRUMENTS.md §4.4). Q4 is high, not
// moderate, whatever some third-party tables say.
var cssrsRecentRules = []cssrsRule{
	{TierHigh, cssrs4, func(a Answers) bool { return yes(a, cssrs4) }, "suicidal thoughts with some intention of acting on them (question 4)"},
	{TierHigh, cssrs5, func(a Answers) bool { return yes(a, cssrs5) }, "suicidal intent with a specific plan (question 5)"},
	{TierHigh, cssrs6, func(a Answers) bool { return yes(a, cssrs6) && yes(a, cssrs6b) }, "suicidal behaviour within the past 3 months (question 6)"},
	{TierModerate, cssrs3, func(a Answers) bool { return yes(a, cssrs3) }, "thinking about a method (question 3)"},
	{TierModerate, cssrs6, func(a Answers) bool { return yes(a, cssrs6) && !yes(a, cssrs6b) }, "suicidal behaviour more than 3 months ago (question 6)"},
	{TierLow, cssrs1, func(a Answers) bool { return yes(a, cssrs1) }, "wish to be dead (question 1)"},
	{TierLow, cssrs2, func(a Answers) bool { return yes(a, cssrs2) }, "thoughts of killing oneself (question 2)"},
}

// Since-Last-Contact triage: behaviour since the last contact is recent by
// definition, so question 6 Yes is high (inferred; see the caveat).
var cssrsSLCRules = []cssrsRule{
	{TierHigh, slc4, func(a Answers) bool { return yes(a, slc4) }, "suicidal thoughts with some intention of acting on them (question 4)"},
	{TierHigh, slc5, func(a Answers) bool { return yes(a, slc5) }, "suicidal intent with a specific plan (question 5)"},
	{TierHigh, slc6, func(a Answers) bool { return yes(a, slc6) }, "suicidal behaviour since the last contact (question 6)"},
	{TierModerate, slc3, func(a Answers) bool { return yes(a, slc3) }, "thinking about a method (question 3)"},
	{TierLow, slc1, func(a Answers) bool { return yes(a, slc1) }, "wish to be dead (question 1)"},
	{TierLow, slc2, func(a Answers) bool { return yes(a, slc2) }, "thoughts of killing oneself (question 2)"},
}

// scoreCSSRS finds the highest tier reached. High raises an urgent flag
// (immediate evaluation, crisis resources). Moderate also raises a flag, at
// the same severity as a PHQ-9 item-9 answer: Columbia's response to it is a
// behavioural-health consult, and a flag is how that reaches the care team.
// Low raises none; its tier is shown with the result.
func scoreCSSRS(in *Instrument, a Answers) Result {
	rules := cssrsRecentRules
	if in.ID == CSSRSScreenSLC {
		rules = cssrsSLCRules
	}
	r := Result{InstrumentID: in.ID, Tier: TierNone}
	var reasons []string
	var first string
	for _, rule := range rules {
		if !rule.when(a) || rule.tier.rank() < r.Tier.rank() {
			continue
		}
		if rule.tier.rank() > r.Tier.rank() {
			r.Tier, reasons, first = rule.tier, nil, rule.key
		}
		reasons = append(reasons, rule.reason)
	}
	var sev Severity
	switch r.Tier {
	case TierHigh:
		sev = SeverityUrgent
	case TierModerate:
		sev = SeverityHigh
	default:
		return r
	}
	r.Flags = []Flag{{
		Kind:     FlagSuicideRisk,
		Severity: sev,
		Reason:   in.ShortTitle + " " + string(r.Tier) + " risk: " + strings.Join(reasons, "; ") + ".",
		ItemKey:  first,
	}}
	return r
}
