package demo_test

import (
	"testing"

	"doorway/internal/care"
	"doorway/internal/demo"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/workbook"
)

// TestIntegrationTellsTheStories reads back DEMO.md's integration: Maya
// mid-integration with a signed note of each integration session (SOAP and
// DAP, one addendum) on her signed medicine sessions, the prompts answered
// after each session with two entries shared, practices logged and shared,
// workbook chapters 1 to 7 answered, and Sam's own psychotherapy notes;
// Noah's course ended with every goal reviewed and his agreement to his
// shared reflections going into his summary.
func TestIntegrationTellsTheStories(t *testing.T) {
	st, _ := seeded(t, storetest.Engines(t)[0])
	err := st.Read(ctx, func(tx *store.Tx) error {
		clinic, err := tx.ClinicByRef(ctx, demo.ShortName)
		if err != nil {
			return err
		}
		client := func(email string) store.Client {
			u, err := tx.UserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			c, err := tx.ClientByUser(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		maya, noah := client("maya@stillwater.example"), client("noah@stillwater.example")
		sam, err := tx.UserByEmail(ctx, "sam@stillwater.example")
		if err != nil {
			return err
		}

		notes, err := tx.ClientIntegrationNotes(ctx, clinic.ID, maya.ID)
		if err != nil {
			return err
		}
		signed := map[string]bool{}
		ms, err := tx.ClientMedicineSessions(ctx, clinic.ID, maya.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			signed[m.ID] = m.Locked()
		}
		templates := map[string]int{}
		for _, n := range notes {
			templates[n.Template]++
			if !signed[n.MedicineSessionID] || n.AuthorID != sam.ID {
				t.Errorf("Maya's note %s integrates %q (signed %v), by %s", n.ID, n.MedicineSessionID, signed[n.MedicineSessionID], n.AuthorID)
			}
		}
		if templates["soap"] != 2 || templates["dap"] != 2 || templates["addendum"] != 1 {
			t.Errorf("Maya's integration notes by template: %v", templates)
		}

		entries, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: clinic.ID, ClientID: maya.ID})
		if err != nil {
			return err
		}
		shared, prompted := 0, 0
		for _, e := range entries {
			if e.Shared() {
				shared++
			}
			if e.PromptKey != "" {
				prompted++
			}
		}
		if len(entries) != 8 || shared != 2 || prompted != 8 {
			t.Errorf("Maya's journal: %d entries, %d shared, %d answering prompts", len(entries), shared, prompted)
		}
		answers, err := tx.WorkbookAnswers(ctx, clinic.ID, maya.ID, false)
		if err != nil {
			return err
		}
		for _, c := range workbook.Chapters() {
			for _, p := range c.Prompts {
				if _, ok := answers[p.ID]; ok != (c.Number <= 7) {
					t.Errorf("Maya's answer to %s: %v", p.ID, ok)
				}
			}
		}
		if sh, err := tx.ClientSharing(ctx, clinic.ID, maya.ID); err != nil || !sh.Practices {
			t.Errorf("Maya's practices are not shared: %v", err)
		}
		process, err := tx.PsychotherapyNotesBy(ctx, clinic.ID, maya.ID, sam.ID)
		if err != nil || len(process) != 2 {
			t.Errorf("Sam's psychotherapy notes about Maya: %d %v", len(process), err)
		}

		course, _, err := tx.CurrentCourse(ctx, clinic.ID, noah.ID)
		if err != nil {
			return err
		}
		goals, err := tx.Goals(ctx, clinic.ID, course.ID)
		if err != nil {
			return err
		}
		reviews, err := tx.GoalReviews(ctx, clinic.ID, course.ID)
		if err != nil {
			return err
		}
		outcomes, words := map[care.GoalOutcome]int{}, 0
		for _, g := range goals {
			r := reviews[g.ID]
			outcomes[r.Outcome]++
			if r.ClientWords != "" {
				words++
			}
			if r.Outcome.Final() && g.Status != string(r.Outcome) {
				t.Errorf("Noah's goal %q reviewed %s but marked %s", g.Text, r.Outcome, g.Status)
			}
		}
		if len(goals) != 5 || outcomes[""] != 0 || outcomes[care.OutcomeAchieved] != 2 || outcomes[care.OutcomeNotYet] != 1 || words != 4 {
			t.Errorf("Noah's review: %d goals, outcomes %v, %d with his words", len(goals), outcomes, words)
		}
		choice, err := tx.CourseSummaryChoice(ctx, clinic.ID, course.ID)
		if err != nil || !choice.IncludeReflections || course.State != care.Completed {
			t.Errorf("Noah's summary choice %+v, course %s: %v", choice, course.State, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
