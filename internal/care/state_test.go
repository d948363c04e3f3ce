package care

import (
	"strings"
	"testing"

	"doorway/internal/problem"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from, to State
		wantIn   string // "" means allowed
	}{
		{Inquiry, Intake, ""},
		{Intake, Screening, ""},
		{Screening, Preparation, ""},
		{Screening, Declined, ""},
		{Screening, Intake, ""},
		{Preparation, Active, ""},
		{Preparation, Screening, ""},
		{Intake, Completed, ""},
		{Screening, Completed, ""},
		{Preparation, Completed, ""},
		{Preparation, Declined, ""},
		{Active, Completed, ""},
		{Active, Paused, ""},
		{Active, Maintenance, ""},
		{Paused, Active, ""},
		{Paused, Completed, ""},
		{Maintenance, Active, ""},
		{Maintenance, Paused, ""},
		{Maintenance, Completed, ""},

		{Inquiry, Active, "A course in Inquiry can move to Intake, not to Active (medicine sessions and integration)."},
		{Intake, Preparation, "A course in Intake can move to Screening or Completed, not to Preparation."},
		{Screening, Active, "A course in Screening can move to Preparation, Declined (not a fit), Intake or Completed, not to Active (medicine sessions and integration)."},
		{Preparation, Intake, "A course in Preparation can move to Active (medicine sessions and integration), Screening, Completed or Declined (not a fit), not to Intake."},
		{Active, Declined, "not to Declined"},
		{Active, Preparation, "not to Preparation"},
		{Paused, Maintenance, "A course in Paused can move to Active (medicine sessions and integration) or Completed, not to Maintenance."},
		{Completed, Active, "This course is completed and closed; start a new course instead."},
		{Declined, Preparation, "This course is declined (not a fit) and closed; start a new course instead."},
		{Active, Active, "The course is already in Active (medicine sessions and integration)."},
		{"limbo", Intake, `Unknown course state "limbo".`},
		{Intake, "limbo", `Unknown course state "limbo".`},
	}
	for _, tt := range tests {
		err := Transition(tt.from, tt.to)
		if tt.wantIn == "" {
			if err != nil {
				t.Errorf("%s -> %s refused: %v", tt.from, tt.to, err)
			}
			continue
		}
		if problem.CodeOf(err) != problem.Invalid || !strings.Contains(problem.MessageOf(err), tt.wantIn) {
			t.Errorf("%s -> %s: got %v, want invalid containing %q", tt.from, tt.to, err, tt.wantIn)
		}
	}
}

// Every state has a label and a row in the transition table, and no move
// leads to a state that does not exist.
func TestStatesAreComplete(t *testing.T) {
	if got := len(States()); got != 9 {
		t.Fatalf("%d states, want 9", got)
	}
	for _, s := range States() {
		if !s.Valid() || s.Label() == string(s) {
			t.Errorf("%s: not valid or no label", s)
		}
		for _, n := range s.Next() {
			if !n.Valid() {
				t.Errorf("%s -> %s: unknown target", s, n)
			}
		}
	}
	if States()[0] != Inquiry {
		t.Error("states not in journey order")
	}
}

// Every move into a state where medicine sessions happen from one where they
// do not is gated, and no other move is.
func TestOpensMedicine(t *testing.T) {
	opening := map[[2]State]bool{{Preparation, Active}: true, {Paused, Active}: true}
	for _, from := range States() {
		for _, to := range from.Next() {
			if got := OpensMedicine(from, to); got != opening[[2]State{from, to}] {
				t.Errorf("OpensMedicine(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestByDecision(t *testing.T) {
	decided := map[[2]State]bool{{Intake, Screening}: true, {Screening, Preparation}: true, {Screening, Declined}: true, {Screening, Intake}: true, {Preparation, Declined}: true}
	for _, from := range States() {
		for _, to := range from.Next() {
			if got := ByDecision(from, to); got != decided[[2]State{from, to}] {
				t.Errorf("ByDecision(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestCheckMove(t *testing.T) {
	in := ready()
	in.Signatures = nil // the consent gates fail
	in.PreparationSessions = 0
	blocked := CourseGates(in, Settings{}, now)
	cleared := CourseGates(ready(), Settings{}, now)
	overridden := CourseGates(GateInput{
		Screening: ready().Screening, Consents: ready().Consents, Signatures: ready().Signatures, Baseline: ready().Baseline,
		DosingOrder: ready().DosingOrder, PreparationSessions: 0,
		Overrides: []Override{{GateID: GatePreparation, Reason: "Two long phone calls instead", By: "Dr Jordan Lee", ByPrescriber: true, At: now}},
	}, Settings{}, now)

	if err := CheckMove(Preparation, Active, cleared); err != nil {
		t.Errorf("every gate passes: %v", err)
	}
	if err := CheckMove(Preparation, Active, overridden); err != nil {
		t.Errorf("the failed gate is overridden: %v", err)
	}
	// The day's checks are not the course's: a list of all gates opens the
	// course as long as the course gates are cleared.
	if err := CheckMove(Paused, Active, Gates(ready(), Settings{}, now)); err != nil {
		t.Errorf("with day-of gates in the list: %v", err)
	}
	err := CheckMove(Preparation, Active, blocked)
	want := "The course cannot move to Active (medicine sessions and integration): medicine sessions may begin only when every course gate is passed or overridden, and these 3 gates are not: " +
		"Consent: KAP informed consent: Version 3 is not signed yet. " +
		"Consent: Privacy notice: Version 1 is not signed yet. " +
		"Preparation session: No preparation session is documented yet; the clinic asks for at least 1."
	if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "state" || problem.MessageOf(err) != want {
		t.Errorf("blocked move:\n got %v\nwant %s", err, want)
	}
	if err := CheckMove(Paused, Active, blocked); err == nil || !strings.Contains(problem.MessageOf(err), "these 3 gates are not") {
		t.Errorf("resuming a paused course with failing gates: %v", err)
	}
	one := CourseGates(GateInput{Screening: ready().Screening, Consents: ready().Consents, Signatures: ready().Signatures,
		Baseline: ready().Baseline, DosingOrder: nil, PreparationSessions: 1}, Settings{}, now)
	if err := CheckMove(Preparation, Active, one); problem.MessageOf(err) != "The course cannot move to Active (medicine sessions and integration): medicine sessions may begin only when every course gate is passed or overridden, and this gate is not: Dosing order: There is no dosing order for this course." {
		t.Errorf("one gate: %v", err)
	}
	// Moves that open nothing are not gated; moves Transition refuses stay refused.
	for _, m := range [][2]State{{Active, Paused}, {Active, Maintenance}, {Maintenance, Active}, {Preparation, Screening}, {Preparation, Completed}} {
		if err := CheckMove(m[0], m[1], blocked); err != nil {
			t.Errorf("%s -> %s: %v", m[0], m[1], err)
		}
	}
	if err := CheckMove(Intake, Active, cleared); err == nil || !strings.Contains(problem.MessageOf(err), "not to Active") {
		t.Errorf("an illegal move: %v", err)
	}
	// Without course gates the answer is no, never yes by accident.
	if err := CheckMove(Preparation, Active, nil); err == nil {
		t.Error("no gates at all opened medicine sessions")
	}
}
