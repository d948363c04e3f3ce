package care

import (
	"time"

	"doorway/internal/screening"
)

// GateInput is what the store loads for one course before the gates are
// worked out. The store fills facts; whether they are enough is decided here.
type GateInput struct {
	// Screening is the latest screening decision for the course; nil if no
	// prescriber has decided yet.
	Screening *ScreeningDecision
	// Consents are the clinic's required consent documents at their current
	// versions; Signatures are every signature this client has given.
	Consents   []ConsentDocument
	Signatures []Signature
	// Baseline holds the client's completed measures (any instrument, any
	// date); the settings say which are required and how recent.
	Baseline []Completion
	// DosingOrder for this course; nil if none.
	DosingOrder *DosingOrder
	// PreparationSessions is the number documented for this course.
	PreparationSessions int
	// PreDose holds the checks for the day of a medicine session; nil until
	// they begin. Course-level views leave it nil and use CourseGates.
	PreDose *PreDose
	// Overrides recorded by prescribers. For day-of gates pass only the
	// overrides made for this session, so yesterday's confirmation of a
	// reading cannot clear today's.
	Overrides []Override

	// OpenFlags are the client's safety flags that no clinician has yet
	// acknowledged with a note: every kind, from every instrument (PHQ-9
	// item 9 above 0, QIDS-SR16 item 12 above 0, C-SSRS moderate or high).
	// Any one of them blocks the dose until it is acknowledged.
	OpenFlags []SafetyFlag
	// CSSRSHighAt is when each of the client's C-SSRS screener results at
	// the high tier was completed (either version, acknowledged or not).
	// Those within Settings.CSSRSHighMonths block the dose until a
	// prescriber on the care team overrides that gate for the session.
	// Older ones may be left out.
	CSSRSHighAt []time.Time
}

// SafetyFlag is one open safety flag raised by a measure.
type SafetyFlag struct {
	// Instrument is the measure that raised it, as people read it
	// ("PHQ-9", "C-SSRS screener").
	Instrument string
	// Kind is the measures package's flag kind, e.g. "suicide_risk".
	Kind string
	// Reason is the flag's own reason, e.g. "PHQ-9 question 9 ... answered
	// "Several days"."; it may be empty.
	Reason   string
	RaisedAt time.Time
}

// ScreeningDecision is a prescriber's recorded screening decision.
type ScreeningDecision struct {
	Kind screening.DecisionKind
	Tier screening.Tier // the overall tier of the result that was decided
	At   time.Time
	By   string // name to show
	// ByPrescriber: the store checks the author's role when the decision is
	// recorded; a false here means a decision from someone without it.
	ByPrescriber bool
	// ExpiresAt is the end of an approval as recorded with it. A clinic that
	// later changes how long approvals last does not move the end of one
	// already given; nil means work it out from the settings.
	ExpiresAt *time.Time
}

// ConsentDocument is one consent the clinic requires, at its current version.
type ConsentDocument struct {
	ID      string
	Title   string // e.g. "KAP informed consent"
	Version int
}

// Signature is the client's signature on one version of a document.
type Signature struct {
	// ID is the store's id of the signature; only Voids reads it.
	ID         string
	DocumentID string
	Version    int
	At         time.Time
	Withdrawn  bool // the client withdrew their consent with this signature
	// WithdrawnAt is when; with Withdrawn set and WithdrawnAt zero, the
	// withdrawal is taken to be at At, the least that is known. A
	// withdrawal voids every signature of the document made up to it
	// (CLINICAL.md §3), so the time matters: fill it.
	WithdrawnAt time.Time
}

// Completion is one completed measure.
type Completion struct {
	Instrument string // Instrument.ID, e.g. "phq9"
	At         time.Time
}

// DosingOrder is a prescriber's order for the course; only who and when
// matter to the gate (the session package checks doses against it).
type DosingOrder struct {
	By           string
	ByPrescriber bool
	At           time.Time
}

// PreDose is the checklist for the day of a medicine session (CLINICAL.md §3).
type PreDose struct {
	Companion      string // who takes the client home
	CompanionPhone string
	RideConfirmed  bool

	// LastFood is when the client last ate; zero if not asked yet.
	LastFood time.Time
	// NoAlcoholOrDrugs: true when the client confirms none in the last 24
	// hours, false when they report some; nil if not asked yet.
	NoAlcoholOrDrugs *bool
	// StimulantsPaused: true when stimulants were paused today or the client
	// takes none, false when one was taken today; nil if not asked yet.
	StimulantsPaused *bool

	MedicationsReviewed bool // interacting medications reviewed today
	IntentionRecorded   bool

	// Vitals is the pre-dose reading; nil until taken. It counts for the
	// gates only when taken within the Settings.PreDoseVitalsMinutes before
	// the dose (before now while the dose is not yet given).
	Vitals *Vitals
	// DosedAt is when the dose was given; zero while it is not.
	DosedAt time.Time
}

// Vitals is one set of vital signs. Zero numbers mean not measured.
type Vitals struct {
	BP        screening.BP
	HeartRate int // beats per minute
	SpO2      int // percent
	At        time.Time
}

// Override is a prescriber's written decision to let a failed gate pass.
type Override struct {
	GateID       string
	Reason       string
	By           string
	ByPrescriber bool
	// OnCareTeam: the author is on the client's care team (as they are
	// now). Only the gate for a recent high C-SSRS result asks for it.
	OnCareTeam bool
	At         time.Time
}
