package measures

// gad7Difficulty is the key of the unscored difficulty item. Its LOINC code is
// unconfirmed (some apps reuse PHQ-9's 69722-7), so it gets a local key
// rather than a guessed code.
const gad7Difficulty = "gad7.difficulty"

// gad7 follows the official order. Items 6 (irritable, 69689-8) and 7
// (afraid, 69736-7) are swapped in some public code; CLINICAL.md and
// INSTRUMENTS.md both confirm the order below.
var gad7 = &Instrument{
	ID:             GAD7,
	Title:          "Generalized Anxiety Disorder 7-item scale",
	ShortTitle:     "GAD-7",
	Instructions:   "Over the last 2 weeks, how often have you been bothered by the following problems?",
	RecallPeriod:   "the last 2 weeks",
	LOINCPanel:     "69737-5",
	LOINCTotal:     "70274-6",
	Licence:        pfizerNotice,
	DefaultEnabled: true,
	Items: []Item{
		phqItem("1", "69725-0", "Feeling nervous, anxious, or on edge"),
		gad7Item2(),
		phqItem("3", "69733-4", "Worrying too much about different things"),
		phqItem("4", "69734-2", "Trouble relaxing"),
		phqItem("5", "69735-9", "Being so restless that it is hard to sit still"),
		phqItem("6", "69689-8", "Becoming easily annoyed or irritable"),
		phqItem("7", "69736-7", "Feeling afraid, as if something awful might happen"),
		{
			Key:      gad7Difficulty,
			Number:   "8",
			Text:     "If you checked any problems, how difficult have they made it for you to do your work, take care of things at home, or get along with other people?",
			Options:  difficultyOptions,
			Optional: true, // unscored; see PHQ-9 item 10
			Verified: true,
			Note:     "No LOINC code is confirmed for this item; it is exchanged under a local linkId.",
		},
	},
	Bands: []Band{
		{"minimal", "Minimal", 0, 4},
		{"mild", "Mild", 5, 9},
		{"moderate", "Moderate", 10, 14},
		{"severe", "Severe", 15, 21},
	},
	Caveats: []string{
		"The difficulty item has no confirmed LOINC code.",
		"Item 2 (68509-9) is sent with answer LA6570-1; LOINC's own panel lists LA18938-3 \"More days than not\", which is also accepted on input.",
	},
}

// gad7Item2 accepts LOINC's "More days than not" code as well as the usual one.
func gad7Item2() Item {
	it := phqItem("2", "68509-9", "Not being able to stop or control worrying")
	it.Options = []Option{
		frequencyOptions[0],
		frequencyOptions[1],
		{2, "More than half the days", "LA6570-1", "LA18938-3"},
		frequencyOptions[3],
	}
	return it
}

func scoreGAD7(in *Instrument, a Answers) Result {
	return totalResult(in, a)
}
