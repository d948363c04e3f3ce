package view

import (
	"fmt"
	"strings"

	"doorway/internal/export"
)

// DueRow is one questionnaire a client should complete.
type DueRow struct {
	Title    string
	Href     string // where the client (or staff, for paper entry) fills it in
	Reason   string
	Due      string // the deadline, in the clinic's zone
	Overdue  bool
	Assigned bool // a clinician asked for it (not the schedule)
}

// AnswerOption is one radio button of an item.
type AnswerOption struct {
	ID      string
	Score   int
	Label   string
	Checked bool
}

// FormItem is one question of a questionnaire form.
type FormItem struct {
	Name     string // the form field: "a.<item key>"
	Number   string
	Position int // 1-based, for "Question 3 of 9"
	Count    int
	Heading  string
	Text     string
	Help     string
	// AskedWhen is the skip logic in words ("if you answered yes to 2").
	AskedWhen string
	Optional  bool
	// Unverified marks wording INSTRUMENTS.md has not confirmed, shown only
	// to staff entering a paper form.
	Unverified string
	Options    []AnswerOption
	Error      string
}

// ID is the fieldset's id, for the error summary's links.
func (it FormItem) ID() string { return "q-" + strings.NewReplacer(".", "-").Replace(it.Name) }

// MeasureFormView is a questionnaire to fill in: by the client in the
// portal, or by staff entering a paper form.
type MeasureFormView struct {
	Action       string
	Back         string
	BackLabel    string
	Title        string
	ShortTitle   string
	Instructions string
	Stem         string
	Licence      string
	Items        []FormItem
	AssignmentID string
	DueKey       string
	// Paper is set when staff enter a paper form for ClientName.
	Paper       bool
	ClientName  string
	CompletedOn string
	Today       string
	// Missing names the unanswered questions, for the summary at the top.
	Missing []string
	Error   string // a problem with the form as a whole
	Errors  FieldErrors
}

// Answered counts the items with an answer, for the progress line.
func (f MeasureFormView) Answered() int {
	n := 0
	for _, it := range f.Items {
		for _, o := range it.Options {
			if o.Checked {
				n++
				break
			}
		}
	}
	return n
}

// ThanksView follows a submitted questionnaire. Crisis resources show at
// once when the answers raised a safety flag.
type ThanksView struct {
	Title      string
	Flagged    bool
	CrisisText string
	// Crisis are the call and text buttons, only for numbers the clinic
	// set (or Doorway's US defaults while it has set none).
	Crisis      []CrisisButton
	ClinicName  string
	ClinicPhone string
	MoreDue     []DueRow
}

// FlagRow is a safety flag as the care team sees it.
type FlagRow struct {
	ID         string
	ClientID   string
	ClientName string
	Instrument string
	Severity   string
	Reason     string
	Raised     string
	Open       bool
	AckBy      string
	AckAt      string
	AckNote    string
	Error      string
	Note       string // a note typed before an error, kept
}

// LatestScore is the newest score of one instrument on the chart.
type LatestScore struct {
	InstrumentID string
	Title        string
	Score        string
	Band         string
	BandIndex    int
	When         string
	Paper        bool
	Count        int
	TrendsHref   string
}

// InstrumentChoice is an instrument staff may assign or enter on paper.
type InstrumentChoice struct {
	ID    string
	Title string
}

// ChartMeasures is the measures part of a client's chart.
type ChartMeasures struct {
	ClientID      string
	Flags         []FlagRow // open first, then the recently acknowledged
	Latest        []LatestScore
	Due           []DueRow
	Instruments   []InstrumentChoice
	CanWrite      bool
	CanAck        bool
	NoCourse      bool
	AssignErrors  FieldErrors
	ReportHref    string
	Today         string
	SelectedInstr string
}

// OpenFlags counts the flags still waiting.
func (c ChartMeasures) OpenFlags() int {
	n := 0
	for _, f := range c.Flags {
		if f.Open {
			n++
		}
	}
	return n
}

// ScoreRow is one administration in a trends table.
type ScoreRow struct {
	When     string
	Total    string
	Band     string
	Occasion string
	Paper    bool
	Flagged  bool
}

// ChangeFigure is one line of the change figures beside a chart.
type ChangeFigure struct {
	Label string
	Value string
	Met   bool // drawn as a yes/no tag when IsYesNo
	YesNo bool
}

// TrendsView is one instrument's scores over time for one client.
type TrendsView struct {
	ClientID    string
	ClientName  string
	Title       string
	ShortTitle  string
	Chart       export.Layout
	ChartDesc   string
	Bands       []BandKey
	Rows        []ScoreRow
	Figures     []ChangeFigure
	FigureNote  string
	Source      string
	Others      []InstrumentChoice
	ReportHref  string
	PaperHref   string
	NoSessions  bool
	CutoffLabel string
}

// BandKey is a legend entry.
type BandKey struct {
	Label string
	Range string
	Fill  string
}

// OutcomeRow is one instrument of the clinic's outcomes summary.
type OutcomeRow struct {
	Title        string
	Clients      int
	MeanBaseline string
	MeanLatest   string
	Reliable     string
	Response     string
	Remission    string
}

// OutcomesView is the clinic's de-identified outcomes summary.
type OutcomesView struct {
	Rows      []OutcomeRow
	Generated string
}

// MeasureSettingsForm is the admin's measures settings.
// CrisisButton is one button of the crisis resources.
type CrisisButton struct {
	Label, Href string
	Primary     bool
}

type MeasureSettingsForm struct {
	CrisisText    string
	DefaultCrisis string
	// The numbers behind the crisis buttons, as stored or typed, with the
	// defaults they take while the clinic has set none of the four.
	CrisisCall, CrisisSMS, CrisisEmergency    string
	DefaultCall, DefaultSMS, DefaultEmergency string
	PCL5Cutoff                                string
	QIDS                                      bool
	CSSRS                                     bool
	CSSRSConfirmed                            bool
	CSSRSLicence                              string
	RCI                                       []RCIField
	Errors                                    FieldErrors
}

// RCIField is one instrument's reliable-change reference.
type RCIField struct {
	ID, Title, SD, Reliability string
}

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

// svgNum formats a coordinate for an SVG attribute.
func svgNum(v float64) string { return fmt.Sprintf("%.1f", v) }

// polyline is the points attribute joining a chart's points.
func polyline(ps []export.PointXY) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", p.X, p.Y)
	}
	return b.String()
}

// paragraphs splits clinic-written text at its line breaks.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
