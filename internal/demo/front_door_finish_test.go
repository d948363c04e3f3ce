package demo_test

import (
	"strings"
	"testing"

	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The demo shows the journey's ends and its gate: Omar waits in screening,
// Grace was declined, Ruth's move to active is blocked by her unsigned
// consent alone, and Maya's goal of a PHQ-9 below 10 is achieved.
func TestDemoJourneyAndGoalAchieved(t *testing.T) {
	st, now := seeded(t, storetest.Engines(t)[0])
	type journey struct {
		course store.Course
		gates  []care.Gate
		goals  []store.Goal
	}
	load := func(email string) journey {
		t.Helper()
		var j journey
		err := st.Read(ctx, func(tx *store.Tx) error {
			u, err := tx.UserByEmail(ctx, email)
			if err != nil {
				return err
			}
			cl, err := tx.ClientByUser(ctx, u.ID)
			if err != nil {
				return err
			}
			if j.course, _, err = tx.CurrentCourse(ctx, cl.ClinicID, cl.ID); err != nil {
				return err
			}
			in, err := tx.GateInput(ctx, j.course)
			if err != nil {
				return err
			}
			j.gates = care.CourseGates(in, care.Settings{}, now)
			j.goals, err = tx.Goals(ctx, cl.ClinicID, j.course.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	for email, want := range map[string]care.State{"omar@stillwater.example": care.Screening, "grace@stillwater.example": care.Declined,
		"ruth@stillwater.example": care.Preparation, "noah@stillwater.example": care.Completed, "maya@stillwater.example": care.Active} {
		if got := load(email).course.State; got != want {
			t.Errorf("%s: %s, want %s", email, got, want)
		}
	}
	ruth := load("ruth@stillwater.example")
	err := care.CheckMove(care.Preparation, care.Active, ruth.gates)
	if msg := problem.MessageOf(err); !strings.Contains(msg, "this gate is not: Consent: Informed consent for ketamine-assisted psychotherapy:") {
		t.Errorf("Ruth's move to active: %v", err)
	}
	achieved := 0
	for _, g := range load("maya@stillwater.example").goals {
		if g.Status == store.GoalAchieved {
			achieved++
			if g.Measure != "phq9<10" || g.StatusAt == nil || g.StatusBy == "" {
				t.Errorf("Maya's achieved goal: %+v", g)
			}
		}
	}
	if achieved != 1 {
		t.Errorf("Maya has %d achieved goals, want 1", achieved)
	}
}
