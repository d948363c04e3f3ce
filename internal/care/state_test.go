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
		{Active, Completed, ""},
		{Active, Paused, ""},
		{Active, Maintenance, ""},
		{Paused, Active, ""},
		{Paused, Completed, ""},
		{Maintenance, Active, ""},
		{Maintenance, Paused, ""},
		{Maintenance, Completed, ""},

		{Inquiry, Active, "A course in Inquiry can move to Intake, not to Active (medicine sessions and integration)."},
		{Intake, Preparation, "A course in Intake can move to Screening, not to Preparation."},
		{Screening, Active, "A course in Screening can move to Preparation, Declined (not a fit) or Intake, not to Active (medicine sessions and integration)."},
		{Preparation, Declined, "A course in Preparation can move to Active (medicine sessions and integration) or Screening, not to Declined (not a fit)."},
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
