package measures

import "slices"

// Instrument IDs. They are stored with every administration, so they never change.
const (
	PHQ9           = "phq9"
	GAD7           = "gad7"
	PCL5           = "pcl5"
	QIDSSR16       = "qids_sr16"
	CSSRSScreen    = "cssrs_screen"     // Recent version: past month, lifetime and past 3 months
	CSSRSScreenSLC = "cssrs_screen_slc" // Since Last Contact version
)

// Option is one answer to an item. Options are listed in ascending score order
// starting at 0, so an option's score is also its position.
type Option struct {
	Score int
	Label string
	// LOINC is the LOINC answer code (LA…) sent in FHIR, "" where none is known.
	LOINC string
	// LOINCAlt is a second answer code accepted on input only. LOINC's own
	// GAD-7 export codes "More than half the days" on item 2 as LA18938-3
	// ("More days than not"); we send LA6570-1 but must still read the other.
	LOINCAlt string
}

// Item is one question. Its Key is the FHIR QuestionnaireResponse linkId and
// the key of Answers: the LOINC item code where one is confirmed, otherwise a
// stable key of the form "<instrument id>.<number>".
type Item struct {
	Key    string
	Number string // as printed on the form: "1", "10", "6b"
	LOINC  string // LOINC item code, "" where none is confirmed
	// Heading is the short title some forms print above the question (QIDS-SR16,
	// C-SSRS); "" where the form has none.
	Heading string
	Text    string
	// Help is text the form prints with the item: a direction to the person
	// ("complete either 6 or 7") or a clinician's prompt (C-SSRS).
	Help    string
	Options []Option
	// Scored is false for items that are asked but add nothing to a total
	// (PHQ-9 item 10, the GAD-7 difficulty item, every C-SSRS item).
	Scored bool
	// Optional items may be left blank even when they are asked.
	Optional bool
	// Verified is false where INSTRUMENTS.md marks text this item displays as
	// ⚠ UNVERIFIED; the UI shows such items to clinicians as unverified.
	Verified bool
	// Note records what is unconfirmed or adapted about this item, for the
	// clinician-facing view; "" when nothing is.
	Note string
	// EnableIf is the skip logic: the item is asked only when it returns true
	// for the answers given so far. nil means always asked.
	EnableIf func(Answers) bool
	// AskedWhen says in words when an item with EnableIf is asked, for the
	// form and for error messages.
	AskedWhen string
}

// Enabled reports whether the item is asked, given the other answers.
func (it *Item) Enabled(a Answers) bool {
	return it.EnableIf == nil || it.EnableIf(a)
}

// OptionByScore returns the option with the given score.
func (it *Item) OptionByScore(score int) (Option, bool) {
	if score < 0 || score >= len(it.Options) {
		return Option{}, false
	}
	return it.Options[score], true
}

// OptionByLOINC returns the option with the given LOINC answer code.
func (it *Item) OptionByLOINC(code string) (Option, bool) {
	if code == "" {
		return Option{}, false
	}
	for _, o := range it.Options {
		if o.LOINC == code || o.LOINCAlt == code {
			return o, true
		}
	}
	return Option{}, false
}

// MaxScore is the highest score an answer to this item can carry.
func (it *Item) MaxScore() int { return len(it.Options) - 1 }

// Band is a severity band of a total, inclusive at both ends.
type Band struct {
	Key   string // stable: "minimal", "moderately_severe"
	Label string // for people: "Moderately severe"
	Min   int
	Max   int
}

// Instrument is a standard questionnaire, defined as data. The values returned
// by All and ByID are shared: treat them as read-only.
type Instrument struct {
	ID           string
	Title        string
	ShortTitle   string
	Instructions string
	// Stem is the lead-in printed above the items where the form has one
	// apart from its instructions (PCL-5: "In the past month, how much…").
	Stem         string
	RecallPeriod string
	LOINCPanel   string // "" where none is published
	LOINCTotal   string // "" where there is no total or no code
	// Licence is the notice to display with the instrument.
	Licence string
	// DefaultEnabled is false for instruments a clinic must switch on itself
	// after confirming it may use them electronically.
	DefaultEnabled bool
	Items          []Item
	// Bands are the severity bands of the total, in ascending order; empty
	// for instruments without validated bands (PCL-5) or without a total.
	Bands []Band
	// Caveats are the open points INSTRUMENTS.md lists for this instrument
	// (unconfirmed codes, licence questions), for clinicians and admins.
	Caveats []string
}

// ItemByKey returns the item with the given key (FHIR linkId).
func (in *Instrument) ItemByKey(key string) (*Item, bool) {
	for i := range in.Items {
		if in.Items[i].Key == key {
			return &in.Items[i], true
		}
	}
	return nil, false
}

// ItemByLOINC returns the item with the given LOINC item code.
func (in *Instrument) ItemByLOINC(code string) (*Item, bool) {
	if code == "" {
		return nil, false
	}
	for i := range in.Items {
		if in.Items[i].LOINC == code {
			return &in.Items[i], true
		}
	}
	return nil, false
}

// BandFor returns the band a total falls in.
func (in *Instrument) BandFor(total int) (Band, bool) {
	for _, b := range in.Bands {
		if total >= b.Min && total <= b.Max {
			return b, true
		}
	}
	return Band{}, false
}

// Tracked reports whether the instrument's total is a score to follow over
// time: one with severity bands, or the PCL-5 with its cut-off. Only these
// are charted for the client and compared from baseline; the C-SSRS gives a
// risk tier, not a total.
func (in *Instrument) Tracked() bool { return len(in.Bands) > 0 || in.ID == PCL5 }

// all is the catalogue in the order instruments are offered.
var all = []*Instrument{phq9, gad7, pcl5, qidsSR16, cssrsRecent, cssrsSLC}

// All returns every instrument, in a stable order.
func All() []*Instrument { return slices.Clone(all) }

// ByID returns the instrument with the given ID.
func ByID(id string) (*Instrument, bool) {
	for _, in := range all {
		if in.ID == id {
			return in, true
		}
	}
	return nil, false
}

// ByLOINCPanel returns the instrument whose LOINC panel code is code; this is
// how a FHIR QuestionnaireResponse naming http://loinc.org/q/<code> is read.
func ByLOINCPanel(code string) (*Instrument, bool) {
	if code == "" {
		return nil, false
	}
	for _, in := range all {
		if in.LOINCPanel == code {
			return in, true
		}
	}
	return nil, false
}

// Answer scales shared by several instruments.
var (
	// frequencyOptions is the PHQ/GAD scale (CLINICAL.md §4).
	frequencyOptions = []Option{
		{0, "Not at all", "LA6568-5", ""},
		{1, "Several days", "LA6569-3", ""},
		{2, "More than half the days", "LA6570-1", ""},
		{3, "Nearly every day", "LA6571-9", ""},
	}
	// difficultyOptions answer PHQ-9 item 10 and the GAD-7 difficulty item.
	// LOINC's codes are not in label order: Very is LA6575-0, Extremely LA6574-3.
	difficultyOptions = []Option{
		{0, "Not difficult at all", "LA6572-7", ""},
		{1, "Somewhat difficult", "LA6573-5", ""},
		{2, "Very difficult", "LA6575-0", ""},
		{3, "Extremely difficult", "LA6574-3", ""},
	}
	yesNoOptions = []Option{
		{0, "No", "LA32-8", ""},
		{1, "Yes", "LA33-6", ""},
	}
)

// Yes and No are the scores of the C-SSRS answers.
const (
	No  = 0
	Yes = 1
)
