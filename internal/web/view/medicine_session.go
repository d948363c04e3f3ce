package view

import (
	"strconv"
	"strings"

	"doorway/internal/web/static"
)

// The medicine session record page (medicine_session.templ) and its live
// panel (medicine_session_live.templ), which the page's script refreshes
// every few seconds from the same handler.

// MedicineSessionView is one client's record of one medicine session.
type MedicineSessionView struct {
	ClientID   string
	ClientName string
	ApptID     string
	Base       string // the record's URL; forms post below it
	When       string // "Tuesday 3 March 2026, 10:00–13:00"
	Room       string
	Partner    *ClientLink // the other partner of a couple's joint session
	Started    bool
	State      string // store.SessionState, "" before the record is started
	StateLabel string
	// StateReason says why the session was held or stopped.
	StateReason string
	Locked      bool
	Signed      string // "Dr. Jordan Lee, Mar 3, 2026 1:05 PM PST"

	CanWrite     bool // a clinician on the care team: documents the session
	CanPrescribe bool // a prescriber on the care team: overrides, confirms, signs

	// Before the dose. Gates are in the order shown, the safety gates
	// first; SafetyHolds are those of them that hold the dose back, shown
	// again at the top of the page.
	Gates           []GateRow
	SafetyHolds     []GateRow
	Ready           bool
	OverrideChoices []GateRow
	Checklist       PreDoseView
	Order           OrderSummary
	Dose            DoseFormView

	// Live is the monitoring panel, from the dose until discharge.
	Live LiveView
	// Ended says when administration ended, or when it is taken to have
	// ended until it is recorded: the minimum observation counts from it.
	Ended EndedView

	// The record as it stands.
	Overrides     []string
	DoseGiven     []Fact
	Setting       string
	StaffPresent  string
	Vitals        []VitalsRow
	Observations  []ObservationRow
	Acks          []AckRow
	AdverseEvents []AdverseRow
	DischargeView DischargeView
	Addenda       []AddendumRow

	Form     SessionForm
	Sedation []Option // MOAA/S, 5 first
	Adverse  []Option
	Severity []Option
	Outcomes []Option
}

// EndedView is the end of administration as the record has it.
type EndedView struct {
	Show bool
	// Text is "the end of the infusion at 11:20", or the time assumed from
	// the route while none is recorded.
	Text     string
	Recorded bool
	// Noun is what ends: "the infusion", "the last device", "the lozenge
	// spat out", for the form's label.
	Noun string
}

// Fact is one line of a definition list.
type Fact struct {
	Label string
	Value string
}

// PreDoseView is the day's checklist as saved.
type PreDoseView struct {
	Saved string // "Saved by Sam Okafor at 9:40 AM"
	Facts []Fact
}

// OrderSummary is the dosing order the dose is checked against.
type OrderSummary struct {
	Has         bool
	Text        string // "0.50 mg/kg, Intramuscular, at most 60 mg per session"
	Version     int
	Route       string
	WeightBased bool
	Counted     bool
	UnitNoun    string
	UnitMg      string // "50 mg"
	UsualRange  string
	Onset       string
	// Invalid says why the order no longer passes the clinic's rules, so
	// no dose can be recorded under it (web/dosing.go invalidOrder).
	Invalid string
	// IV orders run over a time: the dose form asks for it, starting from
	// the order's OverMinutes.
	IV          bool
	OverMinutes string
}

// DoseFormView is what the dose form offers.
type DoseFormView struct {
	Clinicians []Option
	Staff      []StaffCheck
	// Confirmed says which dose a prescriber has confirmed, if any.
	Confirmed string
	// Weighed says when and by whom the day's weight was recorded before
	// the dose, if it was; the weight field starts from it.
	Weighed string
}

// SessionForm holds what was typed into whichever form was sent, so a
// refused form comes back as it was, with its errors.
type SessionForm struct {
	// Which is the form that was sent ("checklist", "dose"...); the others
	// start from what is saved.
	Which string
	// Checklist.
	CompanionName, CompanionPhone string
	RideConfirmed                 bool
	LastFood                      string // HH:MM
	NoSubstances                  string // "yes", "no", ""
	StimulantsPaused              string
	MedicationsReviewed           bool
	Intention                     string
	// A reading (pre-dose or during the session). Unusual lists the values
	// far from usual that the reading was refused for until confirmed;
	// ConfirmUnusual is the box that confirms them.
	Systolic, Diastolic, HeartRate, SpO2, Sedation, VitalsAt string
	Unusual                                                  []string
	ConfirmUnusual                                           bool
	// Overrides and confirmations.
	OverrideGate, OverrideReason string
	ConfirmMg, ConfirmReason     string
	// The dose.
	WeightKg, Mg, Lot, GivenBy, GivenAt, DoseConfirmReason string
	InfusionMinutes                                        string
	// The end of administration.
	EndedAt        string
	Music, EyeMask bool
	SettingOther   string
	Staff          []string
	// Observations and adverse events.
	ObsAt, ObsSedation, Dissociation, ObsNote                    string
	AEAt, AEKind, AESeverity, AEDescription, AEAction, AEOutcome string
	// Striking a reading, stopping, discharging, addenda, acknowledging.
	StrikeReading, StrikeReason string
	StopReason                  string
	ReleasedTo                  string
	AlertOriented               bool
	AddendumBody                string
	AckKey, AckNote             string
	Errors                      FieldErrors
}

// LiveView is the monitoring panel: what a clinician at the chair needs at a
// glance, the open alerts first.
type LiveView struct {
	Show     bool
	URL      string // the panel's own address, for the script
	Elapsed  string // "35 min"
	DoseAt   string // "10:35 AM"
	Alerts   []AlertRow
	DueNow   []SlotRow
	Overdue  []SlotRow
	Next     *SlotRow
	Slots    []SlotRow
	CanAck   bool
	Base     string
	Errors   FieldErrors
	AckKey   string
	AckNote  string
	Updated  string // "as of 10:47:12 AM"
	Protocol string
	// IDPrefix keeps the panel's element ids apart where two panels share
	// a page (the joint view of a couple's session): "" on a record's page.
	IDPrefix string
}

// AlertRow is an alert, open or acknowledged.
type AlertRow struct {
	Key     string
	Message string
	Since   string
}

// SlotRow is a time point of the monitoring protocol.
type SlotRow struct {
	Minute   int
	At       string // clock time
	Measures string // "BP, HR, SpO2"
	Status   string // done, due, overdue, upcoming
	Missing  string
	Late     bool
}

// VitalsRow is a reading in the record.
type VitalsRow struct {
	ID       string
	At       string
	Minute   string // "+40 min", "pre-dose"
	BP       string
	HR       string
	SpO2     string
	Sedation string
	By       string
	Struck   string // "struck through by … : reason"; "" if it counts
}

// ObservationRow is an observation in the record.
type ObservationRow struct {
	At, Sedation, Dissociation, Note, By string
}

// AckRow is an acknowledgement in the record.
type AckRow struct {
	Message, Note, By, At string
}

// AdverseRow is an adverse event in the record.
type AdverseRow struct {
	At, Kind, Severity, Description, Action, Outcome, By string
}

// DischargeView is the discharge criteria and, once discharged, how.
type DischargeView struct {
	Criteria     []CriterionRow
	Ready        bool
	Instructions []string
	Companion    string
	Done         []Fact
}

// CriterionRow is one discharge criterion.
type CriterionRow struct {
	Label  string
	Passed bool
	Reason string
}

// AddendumRow is an addendum to a signed record.
type AddendumRow struct {
	By, At, Body string
}

// SessionScript is the live view's script, by its content-hashed URL.
func SessionScript() string { return static.URL("medicine_session.js") }

// SessionRecordLink leads to one client's medicine session record, from the
// session on the schedule or from the client's course.
type SessionRecordLink struct {
	Href  string
	Label string
	State string // "not started", "dosed: monitoring", "signed"...
}

// overdueText names the missed time points in one line, "15, 30 and 60 min
// readings not complete", so a back-entered session does not fill the
// panel; the timetable has the detail.
func overdueText(slots []SlotRow) string {
	var mins []string
	for _, s := range slots {
		mins = append(mins, strconv.Itoa(s.Minute))
	}
	if len(mins) == 1 {
		return "The " + mins[0] + "-minute reading is not complete."
	}
	return "The " + strings.Join(mins[:len(mins)-1], ", ") + " and " + mins[len(mins)-1] + "-minute readings are not complete."
}
