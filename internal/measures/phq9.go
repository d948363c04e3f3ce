package measures

import "fmt"

// phq9Item9 is the PHQ-9 self-harm item; any answer above 0 raises a flag.
const phq9Item9 = "44260-8"

const pfizerNotice = "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, " +
	"with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."

// phq9 uses the official-form wording (INSTRUMENTS.md §1.3), not LOINC's
// display names, which differ in punctuation.
var phq9 = &Instrument{
	ID:             PHQ9,
	Title:          "Patient Health Questionnaire-9",
	ShortTitle:     "PHQ-9",
	Instructions:   "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
	RecallPeriod:   "the last 2 weeks",
	LOINCPanel:     "44249-1",
	LOINCTotal:     "44261-6",
	Licence:        pfizerNotice,
	DefaultEnabled: true,
	Items: []Item{
		phqItem("1", "44250-9", "Little interest or pleasure in doing things"),
		phqItem("2", "44255-8", "Feeling down, depressed, or hopeless"),
		phqItem("3", "44259-0", "Trouble falling or staying asleep, or sleeping too much"),
		phqItem("4", "44254-1", "Feeling tired or having little energy"),
		phqItem("5", "44251-7", "Poor appetite or overeating"),
		phqItem("6", "44258-2", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
		phqItem("7", "44252-5", "Trouble concentrating on things, such as reading the newspaper or watching television"),
		phqItem("8", "44253-3", "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual"),
		phqItem("9", phq9Item9, "Thoughts that you would be better off dead or of hurting yourself in some way"),
		{
			Key:    "69722-7",
			Number: "10",
			LOINC:  "69722-7",
			Text:   "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
			// Unscored, and the form itself addresses it only to people who
			// checked a problem; refusing a whole PHQ-9 (and its item 9) for
			// want of it would lose more than it protects.
			Options:  difficultyOptions,
			Optional: true,
			Verified: true,
		},
	},
	Bands: []Band{
		{"minimal", "Minimal", 0, 4},
		{"mild", "Mild", 5, 9},
		{"moderate", "Moderate", 10, 14},
		{"moderately_severe", "Moderately severe", 15, 19},
		{"severe", "Severe", 20, 27},
	},
}

func phqItem(number, loinc, text string) Item {
	return Item{Key: loinc, Number: number, LOINC: loinc, Text: text, Options: frequencyOptions, Scored: true, Verified: true}
}

// scorePHQ9 sums items 1–9. Item 9 raises a flag whatever the total: a person
// with a total of 1 may still be thinking of ending their life.
func scorePHQ9(in *Instrument, a Answers) Result {
	r := totalResult(in, a)
	if a[phq9Item9] > 0 {
		r.Flags = append(r.Flags, Flag{
			Kind:     FlagSuicideRisk,
			Severity: SeverityHigh,
			Reason: fmt.Sprintf("PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered %q.",
				answerLabel(in, phq9Item9, a)),
			ItemKey: phq9Item9,
		})
	}
	return r
}
