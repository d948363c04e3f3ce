package measures

import (
	"fmt"

	"doorway/internal/problem"
)

// qidsItem12 is the thoughts-of-death-or-suicide item.
const qidsItem12 = "qids_sr16.12"

// qidsDomains are the nine domains; a domain's score is the highest answer
// among its items, and the total is the sum of the domains.
var qidsDomains = []struct {
	key, label string
	items      []int
}{
	{"sleep", "Sleep", []int{1, 2, 3, 4}},
	{"sad_mood", "Sad mood", []int{5}},
	{"appetite_weight", "Appetite and weight", []int{6, 7, 8, 9}},
	{"concentration", "Concentration", []int{10}},
	{"self_view", "View of self", []int{11}},
	{"suicidal_ideation", "Thoughts of death or suicide", []int{12}},
	{"interest", "Interest", []int{13}},
	{"energy", "Energy", []int{14}},
	{"psychomotor", "Slowed down or restless", []int{15, 16}},
}

// qidsPairs are the form's "complete either … or … (not both)" directions:
// at least one item of each pair must be answered. Answering both is
// accepted, since many electronic versions ask all four and the domain takes
// the highest answer anyway.
var qidsPairs = [][2]string{{"qids_sr16.6", "qids_sr16.7"}, {"qids_sr16.8", "qids_sr16.9"}}

// qidsSR16 wording is INSTRUMENTS.md §5.2, with the variants it says to
// freeze taken as printed there, and "select" for the paper form's "circle".
var qidsSR16 = &Instrument{
	ID:           QIDSSR16,
	Title:        "Quick Inventory of Depressive Symptomatology, Self-Report (16 items)",
	ShortTitle:   "QIDS-SR16",
	Instructions: "Please select the one response to each item that best describes you for the past seven days.",
	RecallPeriod: "the past seven days",
	Licence:      "© 2000, A. John Rush, M.D. Distributed at ids-qids.org.",
	// Off by default: terms for electronic use were not found (INSTRUMENTS.md
	// §5.1), so, as with the C-SSRS, a clinic switches it on once it has
	// confirmed them.
	DefaultEnabled: false,
	Items: []Item{
		qidsItem(1, "Falling asleep",
			"I never take longer than 30 minutes to fall asleep.",
			"I take at least 30 minutes to fall asleep, less than half the time.",
			"I take at least 30 minutes to fall asleep, more than half the time.",
			"I take more than 60 minutes to fall asleep, more than half the time."),
		qidsItem(2, "Sleep during the night",
			"I do not wake up at night.",
			"I have a restless, light sleep with a few brief awakenings each night.",
			"I wake up at least once a night, but I go back to sleep easily.",
			"I awaken more than once a night and stay awake for 20 minutes or more, more than half the time."),
		qidsItem(3, "Waking up too early",
			"Most of the time, I awaken no more than 30 minutes before I need to get up.",
			"More than half the time, I awaken more than 30 minutes before I need to get up.",
			"I almost always awaken at least one hour or so before I need to, but I go back to sleep eventually.",
			"I awaken at least one hour before I need to, and can't go back to sleep."),
		qidsItem(4, "Sleeping too much",
			"I sleep no longer than 7-8 hours/night, without napping during the day.",
			"I sleep no longer than 10 hours in a 24-hour period including naps.",
			"I sleep no longer than 12 hours in a 24-hour period including naps.",
			"I sleep longer than 12 hours in a 24-hour period including naps."),
		qidsItem(5, "Feeling sad",
			"I do not feel sad.",
			"I feel sad less than half the time.",
			"I feel sad more than half the time.",
			"I feel sad nearly all of the time."),
		pairItem(qidsItem(6, "Decreased appetite",
			"There is no change in my usual appetite.",
			"I eat somewhat less often or lesser amounts of food than usual.",
			"I eat much less than usual and only with personal effort.",
			"I rarely eat within a 24-hour period, and only with extreme personal effort or when others persuade me to eat."),
			"Please complete either 6 or 7 (not both).", true, ""),
		pairItem(qidsItem(7, "Increased appetite",
			"There is no change from my usual appetite.",
			"I feel a need to eat more frequently than usual.",
			"I regularly eat more often and/or greater amounts of food than usual.",
			"I feel driven to overeat both at mealtime and between meals."),
			"", true, ""),
		pairItem(qidsItem(8, "Decreased weight (within the last two weeks)",
			"I have not had a change in my weight.",
			"I feel as if I've had a slight weight loss.",
			"I have lost 2 pounds or more.",
			"I have lost 5 pounds or more."),
			"Please complete either 8 or 9 (not both).", false,
			"The direction \"complete either 8 or 9\" is unverified: it is from memory of the form, not a source."),
		pairItem(qidsItem(9, "Increased weight (within the last two weeks)",
			"I have not had a change in my weight.",
			"I feel as if I've had a slight weight gain.",
			"I have gained 2 pounds or more.",
			"I have gained 5 pounds or more."),
			"", true, ""),
		qidsItem(10, "Concentration/Decision making",
			"There is no change in my usual capacity to concentrate or make decisions.",
			"I occasionally feel indecisive or find that my attention wanders.",
			"Most of the time, I struggle to focus my attention or to make decisions.",
			"I cannot concentrate well enough to read or cannot make even minor decisions."),
		qidsItem(11, "View of myself",
			"I see myself as equally worthwhile and deserving as other people.",
			"I am more self-blaming than usual.",
			"I largely believe that I cause problems for others.",
			"I think almost constantly about major and minor defects in myself."),
		qidsItem(12, "Thoughts of death or suicide",
			"I do not think of suicide or death.",
			"I feel that life is empty or wonder if it's worth living.",
			"I think of suicide or death several times a week for several minutes.",
			"I think of suicide or death several times a day in some detail, or I have made specific plans for suicide or have actually tried to take my life."),
		qidsItem(13, "General interest",
			"There is no change from usual in how interested I am in other people or activities.",
			"I notice that I am less interested in people or activities.",
			"I find I have interest in only one or two of my formerly pursued activities.",
			"I have virtually no interest in formerly pursued activities."),
		qidsItem(14, "Energy level",
			"There is no change in my usual level of energy.",
			"I get tired more easily than usual.",
			"I have to make a big effort to start or finish my usual daily activities (for example, shopping, homework, cooking or going to work).",
			"I really cannot carry out most of my usual daily activities because I just don't have the energy."),
		qidsItem(15, "Feeling slowed down",
			"I think, speak, and move at my usual rate of speed.",
			"I find that my thinking is slowed down or my voice sounds dull or flat.",
			"It takes me several seconds to respond to most questions and I'm sure my thinking is slowed.",
			"I am often unable to respond to questions without extreme effort."),
		qidsItem(16, "Feeling restless",
			"I do not feel restless.",
			"I'm often fidgety, wringing my hands, or need to shift how I am sitting.",
			"I have impulses to move about and am quite restless.",
			"At times, I am unable to stay seated and need to pace around."),
	},
	Bands: []Band{
		{"none", "None", 0, 5},
		{"mild", "Mild", 6, 10},
		{"moderate", "Moderate", 11, 15},
		{"severe", "Severe", 16, 20},
		{"very_severe", "Very severe", 21, 27},
	},
	Caveats: []string{
		"Licence unverified: terms for commercial or electronic use were not found. Check ids-qids.org before switching it on.",
		"No LOINC codes are known; items are exchanged under local linkIds (qids_sr16.1 … qids_sr16.16).",
		"The direction before item 8 (\"complete either 8 or 9\") is unverified.",
	},
}

// qidsItem makes a QIDS-SR16 item: the heading is the question, and each
// option is a statement scored by its position.
func qidsItem(n int, heading string, options ...string) Item {
	key := fmt.Sprintf("qids_sr16.%d", n)
	it := Item{Key: key, Number: fmt.Sprint(n), Heading: heading, Text: heading, Scored: true, Verified: true}
	for i, o := range options {
		it.Options = append(it.Options, Option{Score: i, Label: o})
	}
	return it
}

// pairItem marks one of items 6–9: each may be blank as long as its partner is
// answered (checked in scoreQIDS).
func pairItem(it Item, help string, verified bool, note string) Item {
	it.Help, it.Optional, it.Verified, it.Note = help, true, verified, note
	return it
}

// scoreQIDS takes the highest answer in each domain and sums the nine.
func scoreQIDS(in *Instrument, a Answers) (Result, error) {
	for _, p := range qidsPairs {
		_, ok0 := a[p[0]]
		_, ok1 := a[p[1]]
		if !ok0 && !ok1 {
			first, _ := in.ItemByKey(p[0])
			second, _ := in.ItemByKey(p[1])
			return Result{}, problem.Invalidf(p[0], "Please answer question %s or question %s of the %s.",
				first.Number, second.Number, in.ShortTitle)
		}
	}
	r := Result{InstrumentID: in.ID, HasTotal: true}
	for _, d := range qidsDomains {
		s := Subscale{Key: d.key, Label: d.label, Max: 3}
		for _, n := range d.items {
			key := fmt.Sprintf("qids_sr16.%d", n)
			s.ItemKeys = append(s.ItemKeys, key)
			s.Score = max(s.Score, a[key])
		}
		r.Total += s.Score
		r.Subscales = append(r.Subscales, s)
	}
	r.Band, _ = in.BandFor(r.Total)
	if a[qidsItem12] > 0 {
		r.Flags = append(r.Flags, Flag{
			Kind:     FlagSuicideRisk,
			Severity: SeverityHigh,
			Reason:   fmt.Sprintf("QIDS-SR16 question 12 (thoughts of death or suicide) answered %q.", answerLabel(in, qidsItem12, a)),
			ItemKey:  qidsItem12,
		})
	}
	return r, nil
}
