package measures

import (
	"slices"

	"doorway/internal/problem"
)

// Answers maps an item's key to the score of the option chosen. An item that
// was not answered is absent; there is no "blank" value.
type Answers map[string]int

// Subscale is a part score: a PCL-5 cluster or a QIDS-SR16 domain.
type Subscale struct {
	Key      string // "B", "sleep"
	Label    string
	Score    int
	Max      int
	ItemKeys []string
}

// FlagKind names what a flag is about.
type FlagKind string

// FlagSuicideRisk is raised by any answer suggesting thoughts of death or
// self-harm. Every such flag goes to the care team at once, and the client is
// shown crisis resources (DESIGN.md §4).
const FlagSuicideRisk FlagKind = "suicide_risk"

// Severity says how fast a flag must be acted on.
type Severity string

const (
	// SeverityUrgent: immediate evaluation (C-SSRS high tier).
	SeverityUrgent Severity = "urgent"
	// SeverityHigh: a clinician follows up promptly, e.g. with the C-SSRS,
	// and before any further medicine session.
	SeverityHigh Severity = "high"
)

// Flag is a safety signal from one administration.
type Flag struct {
	Kind     FlagKind
	Severity Severity
	Reason   string // plain words for the care team
	ItemKey  string // the item that raised it
}

// Tier is the C-SSRS screener's result. The zero value means "not a C-SSRS".
type Tier string

const (
	TierNone     Tier = "none"
	TierLow      Tier = "low"
	TierModerate Tier = "moderate"
	TierHigh     Tier = "high"
)

// Result is a scored administration. It is derived only from the item answers.
type Result struct {
	InstrumentID string
	Total        int
	HasTotal     bool // false for the C-SSRS, which has no total
	Band         Band // zero where the instrument has no bands (PCL-5, C-SSRS)
	Subscales    []Subscale
	Flags        []Flag
	Tier         Tier        // C-SSRS only
	PCL5         *PCL5Result // PCL-5 only
}

// Settings are the clinic's scoring thresholds. The zero value means the
// defaults, so a clinic that has changed nothing needs no settings row.
type Settings struct {
	// PCL5Cutoff is the total at or above which PCL-5 suggests probable PTSD.
	// Clinics use 31–33; 0 means DefaultPCL5Cutoff.
	PCL5Cutoff int
}

// DefaultPCL5Cutoff is the PCL-5 cut-off that CamCOPS plots (CLINICAL.md §4).
const DefaultPCL5Cutoff = 33

// DefaultSettings returns the defaults from CLINICAL.md.
func DefaultSettings() Settings { return Settings{PCL5Cutoff: DefaultPCL5Cutoff} }

// Score checks the answers against the instrument and scores them with the
// default settings.
func Score(in *Instrument, a Answers) (Result, error) {
	return ScoreWith(in, a, Settings{})
}

// ScoreWith checks the answers against the instrument and scores them. A
// problem.Invalid error names the first item at fault in its Field.
func ScoreWith(in *Instrument, a Answers, s Settings) (Result, error) {
	if in == nil {
		return Result{}, problem.Invalidf("questionnaire", "Unknown questionnaire.")
	}
	if err := Validate(in, a); err != nil {
		return Result{}, err
	}
	switch in.ID {
	case PHQ9:
		return scorePHQ9(in, a), nil
	case GAD7:
		return scoreGAD7(in, a), nil
	case PCL5:
		return scorePCL5(in, a, s.PCL5Cutoff)
	case QIDSSR16:
		return scoreQIDS(in, a)
	case CSSRSScreen, CSSRSScreenSLC:
		return scoreCSSRS(in, a), nil
	}
	return Result{}, problem.Invalidf("questionnaire", "The questionnaire %q cannot be scored.", in.ID)
}

// Validate checks answers against an instrument's items and skip logic. It
// rejects, naming the item: a key the instrument does not have, a score that
// is not one of the item's options, an answer to an item that the skip logic
// does not ask, and a missing answer to an item that is asked and not optional.
//
// Answers to skipped items are rejected rather than ignored: such an answer
// means the form's logic and the answers disagree (a C-SSRS "yes" to intent
// after "no" to any thoughts), and silently dropping a "yes" about suicide is
// worse than asking for the form again.
func Validate(in *Instrument, a Answers) error {
	var unknown []string
	for k := range a {
		if _, ok := in.ItemByKey(k); !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown) // report the same one every time
		return problem.Invalidf(unknown[0], "The %s has no question %q.", in.ShortTitle, unknown[0])
	}
	for i := range in.Items {
		it := &in.Items[i]
		v, answered := a[it.Key]
		switch {
		case answered && (v < 0 || v > it.MaxScore()):
			return problem.Invalidf(it.Key, "Question %s of the %s has no answer scored %d; answers are scored 0 to %d.",
				it.Number, in.ShortTitle, v, it.MaxScore())
		case answered && !it.Enabled(a):
			return problem.Invalidf(it.Key, "Question %s of the %s is asked only %s, so it should not be answered here.",
				it.Number, in.ShortTitle, it.AskedWhen)
		case !answered && it.Enabled(a) && !it.Optional:
			return problem.Invalidf(it.Key, "Please answer question %s of the %s.", it.Number, in.ShortTitle)
		}
	}
	return nil
}

// sumScored adds the answers to the scored items that were answered.
func sumScored(in *Instrument, a Answers) int {
	total := 0
	for _, it := range in.Items {
		if it.Scored {
			total += a[it.Key]
		}
	}
	return total
}

// totalResult is the common shape of a summed instrument's result.
func totalResult(in *Instrument, a Answers) Result {
	total := sumScored(in, a)
	band, _ := in.BandFor(total)
	return Result{InstrumentID: in.ID, Total: total, HasTotal: true, Band: band}
}

// answerLabel returns the label of the answer given to key, for flag reasons.
func answerLabel(in *Instrument, key string, a Answers) string {
	it, ok := in.ItemByKey(key)
	if !ok {
		return ""
	}
	o, _ := it.OptionByScore(a[key])
	return o.Label
}
