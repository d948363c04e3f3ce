package session

import (
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/problem"
)

// Sedation is a MOAA/S score (Modified Observer's Assessment of
// Alertness/Sedation), 0 to 5; 5 is fully alert.
type Sedation int

const (
	Unresponsive Sedation = 0
	FullyAlert   Sedation = 5
)

var sedationLabels = [...]string{
	0: "No response, even to a painful squeeze",
	1: "Responds only to a painful squeeze, not to prodding",
	2: "Responds only to a light prod or shake",
	3: "Responds only when the name is called loudly or repeatedly",
	4: "Slow to respond to the name in a normal voice",
	5: "Alert: responds readily to the name in a normal voice",
}

// Valid reports whether s is on the scale.
func (s Sedation) Valid() bool { return s >= 0 && int(s) < len(sedationLabels) }

// Label describes the score for people.
func (s Sedation) Label() string {
	if !s.Valid() {
		return ""
	}
	return sedationLabels[s]
}

// SedationScale lists the scores from alert (5) to unresponsive (0), the order
// a form offers them in, so the usual answer comes first.
func SedationScale() []Sedation { return []Sedation{5, 4, 3, 2, 1, 0} }

// Observation is what a clinician notes while watching: a sedation score,
// dissociation (free text, or a CADSS summary), and anything else.
type Observation struct {
	At           time.Time
	Sedation     *Sedation // nil when not scored
	Dissociation string
	Note         string
}

// Validate checks an observation as it is entered.
func (o Observation) Validate() error {
	switch {
	case o.At.IsZero():
		return problem.Invalidf("at", "Record when the observation was made.")
	case o.Sedation == nil && strings.TrimSpace(o.Dissociation) == "" && strings.TrimSpace(o.Note) == "":
		return problem.Invalidf("sedation", "Record a sedation score, dissociation or a note.")
	case o.Sedation != nil && !o.Sedation.Valid():
		return problem.Invalidf("sedation", "MOAA/S is a score from 0 to 5.")
	case utf8.RuneCountInString(o.Dissociation) > maxNotesRunes:
		return problem.Invalidf("dissociation", "Limited to %d characters.", maxNotesRunes)
	case utf8.RuneCountInString(o.Note) > maxNotesRunes:
		return problem.Invalidf("note", "Limited to %d characters.", maxNotesRunes)
	case problem.Prose("dissociation", "", o.Dissociation, maxNotesRunes) != nil:
		return problem.Prose("dissociation", "The description of dissociation", o.Dissociation, maxNotesRunes)
	case problem.Prose("note", "", o.Note, maxNotesRunes) != nil:
		return problem.Prose("note", "The note", o.Note, maxNotesRunes)
	}
	return nil
}

// AdverseKind is an entry of the adverse-event picklist. The values are stored.
type AdverseKind string

// The picklist of CLINICAL.md §3, and Other for anything else (described in
// free text).
const (
	Nausea            AdverseKind = "nausea"
	Vomiting          AdverseKind = "vomiting"
	Dizziness         AdverseKind = "dizziness"
	Headache          AdverseKind = "headache"
	Diplopia          AdverseKind = "diplopia"
	Oversedation      AdverseKind = "sedation"
	Dissociation      AdverseKind = "dissociation"
	AnxietyPanic      AdverseKind = "anxiety_panic"
	Hypertension      AdverseKind = "hypertension"
	Tachycardia       AdverseKind = "tachycardia"
	LowSpO2           AdverseKind = "low_spo2"
	EmergenceDelirium AdverseKind = "emergence_delirium"
	AllergicReaction  AdverseKind = "allergic_reaction"
	OtherAdverse      AdverseKind = "other"
)

var adverseKinds = []AdverseKind{Nausea, Vomiting, Dizziness, Headache, Diplopia, Oversedation, Dissociation,
	AnxietyPanic, Hypertension, Tachycardia, LowSpO2, EmergenceDelirium, AllergicReaction, OtherAdverse}

var adverseLabels = map[AdverseKind]string{
	Nausea:            "Nausea",
	Vomiting:          "Vomiting",
	Dizziness:         "Dizziness",
	Headache:          "Headache",
	Diplopia:          "Double vision (diplopia)",
	Oversedation:      "Sedation",
	Dissociation:      "Dissociation beyond the expected",
	AnxietyPanic:      "Anxiety or panic",
	Hypertension:      "Hypertension",
	Tachycardia:       "Tachycardia",
	LowSpO2:           "Low SpO2",
	EmergenceDelirium: "Emergence delirium",
	AllergicReaction:  "Allergic reaction",
	OtherAdverse:      "Other",
}

// AdverseKinds lists the picklist in the order a form offers it.
func AdverseKinds() []AdverseKind { return append([]AdverseKind(nil), adverseKinds...) }

// Label is the kind's name for people.
func (k AdverseKind) Label() string { return adverseLabels[k] }

// Valid reports whether k is on the picklist.
func (k AdverseKind) Valid() bool { _, ok := adverseLabels[k]; return ok }

// Severity grades an adverse event.
type Severity string

const (
	Mild     Severity = "mild"
	Moderate Severity = "moderate"
	Severe   Severity = "severe"
)

// Valid reports whether s is a severity.
func (s Severity) Valid() bool { return s == Mild || s == Moderate || s == Severe }

// Outcome is how an adverse event ended, as far as is known.
type Outcome string

const (
	Resolved    Outcome = "resolved"
	Improving   Outcome = "improving"
	NotResolved Outcome = "not_resolved"
	Transferred Outcome = "transferred" // to emergency or other care
)

var outcomeLabels = map[Outcome]string{
	Resolved:    "Resolved",
	Improving:   "Improving",
	NotResolved: "Not resolved",
	Transferred: "Transferred to other care",
}

// Label is the outcome's name for people.
func (o Outcome) Label() string { return outcomeLabels[o] }

// Valid reports whether o is an outcome.
func (o Outcome) Valid() bool { _, ok := outcomeLabels[o]; return ok }

// AdverseEvent is one adverse event during a session.
type AdverseEvent struct {
	At          time.Time
	Kind        AdverseKind
	Description string // required for Other; free text for any kind
	Severity    Severity
	Action      string // what was done; required unless mild
	// Outcome may be empty while the event is still being watched, since
	// it is often entered before the outcome is known.
	Outcome Outcome
}

// Validate checks an adverse event as it is entered.
//
// Moderate and severe events need the action taken, even if it was "observed
// only": a record of a severe event with no action says nothing about what
// the team did.
func (e AdverseEvent) Validate() error {
	switch {
	case e.At.IsZero():
		return problem.Invalidf("at", "Record when the event began.")
	case !e.Kind.Valid():
		return problem.Invalidf("kind", "Choose the kind of event from the list, or Other.")
	case e.Kind == OtherAdverse && strings.TrimSpace(e.Description) == "":
		return problem.Invalidf("description", "Describe the event.")
	case !e.Severity.Valid():
		return problem.Invalidf("severity", "Choose mild, moderate or severe.")
	case e.Severity != Mild && strings.TrimSpace(e.Action) == "":
		return problem.Invalidf("action", "Record the action taken for a %s event (\"observed only\" if none).", e.Severity)
	case e.Outcome != "" && !e.Outcome.Valid():
		return problem.Invalidf("outcome", "Choose an outcome from the list.")
	case utf8.RuneCountInString(e.Description) > maxNotesRunes:
		return problem.Invalidf("description", "Limited to %d characters.", maxNotesRunes)
	case problem.Prose("description", "", e.Description, maxNotesRunes) != nil:
		return problem.Prose("description", "The description", e.Description, maxNotesRunes)
	case utf8.RuneCountInString(e.Action) > maxNotesRunes:
		return problem.Invalidf("action", "Limited to %d characters.", maxNotesRunes)
	case problem.Prose("action", "", e.Action, maxNotesRunes) != nil:
		return problem.Prose("action", "What was done", e.Action, maxNotesRunes)
	}
	return nil
}
