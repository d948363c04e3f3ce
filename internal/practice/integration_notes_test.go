package practice

import (
	"context"
	"strings"
	"testing"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// seedCourse gives client A an active course with one goal, and the
// assigned therapist a psychotherapy note about A; it returns the goal
// and the note.
func (f *apiFixture) seedCourse(t *testing.T) (store.Goal, store.PsychotherapyNote) {
	t.Helper()
	ctx := context.Background()
	a := f.p.Clients["A"]
	co := store.Course{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: f.now.AddDate(0, 0, -30), CreatedAt: f.now}
	g := store.Goal{ID: auth.NewID(), ClinicID: co.ClinicID, ClientID: a.ID, CourseID: co.ID, Kind: store.GoalGoal, Text: "Sleep through",
		CreatedBy: f.p.Users["assigned"].ID, CreatedAt: f.now}
	n := store.PsychotherapyNote{ClinicID: co.ClinicID, ClientID: a.ID, AuthorID: f.p.Users["assigned"].ID, Body: "Words-Z3", CreatedAt: f.now, UpdatedAt: f.now}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &co); err != nil {
			return err
		}
		if err := tx.AddGoal(ctx, &g); err != nil {
			return err
		}
		return tx.AddPsychotherapyNote(ctx, &n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return g, n
}

// TestNoteRefusalsAreRecordedOnce: the notes and the end of a course, asked
// by someone they are not for, answer a not-found recorded once, and add
// nothing else to the log. A psychotherapy note refuses even the prescriber
// on the same care team.
func TestNoteRefusalsAreRecordedOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testNoteRefusalsAreRecordedOnce(t, newAPIFixture(t, e.Config(t))) })
	}
}

func testNoteRefusalsAreRecordedOnce(t *testing.T, f *apiFixture) {
	ctx := context.Background()
	g, n := f.seedCourse(t)
	a := f.p.Clients["A"].ID
	cases := []struct {
		who, what string
		call      func(Actor) error
	}{
		{"admin", "an admin writing a psychotherapy note", func(ac Actor) error {
			_, err := f.s.WritePsychotherapyNote(ctx, ac, a, "", "words")
			return err
		}},
		{"prescriber", "a prescriber on the team reading the therapist's note", func(ac Actor) error {
			_, _, err := f.s.MyPsychotherapyNote(ctx, ac, a, n.ID)
			return err
		}},
		{"prescriber", "a prescriber on the team changing the therapist's note", func(ac Actor) error {
			_, err := f.s.WritePsychotherapyNote(ctx, ac, a, n.ID, "overwritten")
			return err
		}},
		{"admin", "an admin listing psychotherapy notes", func(ac Actor) error {
			_, err := f.s.MyPsychotherapyNotes(ctx, ac, a)
			return err
		}},
		{"assigned", "the author with a malformed note id", func(ac Actor) error {
			_, _, err := f.s.MyPsychotherapyNote(ctx, ac, a, "../../etc")
			return err
		}},
		{"admin", "an admin signing an integration note", func(ac Actor) error {
			_, err := f.s.WriteIntegrationNote(ctx, ac, IntegrationNoteInput{ClientID: a, Template: "soap"})
			return err
		}},
		{"unassigned", "a therapist off the team reading integration notes", func(ac Actor) error {
			_, err := f.s.Integration(ctx, ac, a)
			return err
		}},
		{"clientA", "the client reviewing their own goal", func(ac Actor) error { return f.s.ReviewGoal(ctx, ac, a, g.ID, "achieved") }},
		{"assigned", "a therapist writing the client's words", func(ac Actor) error { return f.s.SetGoalWords(ctx, ac, g.ID, "words") }},
		{"clientB", "another client's words on the goal", func(ac Actor) error { return f.s.SetGoalWords(ctx, ac, g.ID, "words") }},
		{"clientB", "another client's summary", func(ac Actor) error {
			_, err := f.s.ExportCourseSummary(ctx, ac, a)
			return err
		}},
	}
	for _, c := range cases {
		before := len(f.entries(t, f.p.Clinic.ID, ""))
		err := c.call(f.pagesActor(t, c.who))
		if c.who == "clientB" && problem.CodeOf(err) == problem.Conflict {
			// Client B has no course: refused before the goal is looked for.
			continue
		}
		f.refusedOnce(t, c.what, err, before)
	}
	var stored store.PsychotherapyNote
	f.st.Read(ctx, func(tx *store.Tx) (err error) {
		stored, err = tx.PsychotherapyNoteBy(ctx, f.p.Clinic.ID, a, n.AuthorID, n.ID)
		return err
	})
	if stored.Body != "Words-Z3" {
		t.Errorf("the note after the refusals: %q", stored.Body)
	}
}

// TestWritingAProcessNoteIsOneWrite: a psychotherapy note is one insert
// and one audit entry, and the entry holds no word of it.
func TestWritingAProcessNoteIsOneWrite(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testWritingAProcessNoteIsOneWrite(t, newAPIFixture(t, e.Config(t))) })
	}
}

func testWritingAProcessNoteIsOneWrite(t *testing.T, f *apiFixture) {
	ctx := context.Background()
	f.seedCourse(t)
	f.n.Reset()
	n, err := f.s.WritePsychotherapyNote(ctx, f.pagesActor(t, "assigned"), f.p.Clients["A"].ID, "", "Words-Q8 the silence after")
	if err != nil {
		t.Fatal(err)
	}
	var writes []string
	for _, q := range f.n.Statements() {
		if !strings.HasPrefix(q, "SELECT") {
			table, _, _ := strings.Cut(strings.TrimPrefix(q, "INSERT INTO "), " ")
			writes = append(writes, table)
		}
	}
	if strings.Join(writes, " ") != "psychotherapy_notes audit_log" {
		t.Errorf("writing a note wrote to %q", writes)
	}
	es := f.entries(t, f.p.Clinic.ID, "psychotherapy_note.write")
	if len(es) != 1 || es[0].ResourceID != n.ID || es[0].ClientID != f.p.Clients["A"].ID || strings.Contains(es[0].Detail, "Words") {
		t.Errorf("the log's entry: %+v", es)
	}
}

// TestReviewingAGoalMarksIt: reviewing an open goal as achieved marks the
// goal too, in the same change; a goal already marked keeps its mark, and
// a review saying otherwise is refused.
func TestReviewingAGoalMarksIt(t *testing.T) {
	f := newAPIFixture(t, storetest.Engines(t)[0].Config(t))
	ctx := context.Background()
	g, _ := f.seedCourse(t)
	a := f.p.Clients["A"].ID
	ac := f.pagesActor(t, "assigned")
	if err := f.s.ReviewGoal(ctx, ac, a, g.ID, "partly"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.ReviewGoal(ctx, ac, a, g.ID, "achieved"); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.CourseReview(ctx, ac, a)
	if err != nil {
		t.Fatal(err)
	}
	if r.Goals[0].Status != store.GoalAchieved || r.Outcome(r.Goals[0]) != care.OutcomeAchieved {
		t.Errorf("after reviewing achieved: goal %+v, review %+v", r.Goals[0], r.Reviews[g.ID])
	}
	if err := f.s.ReviewGoal(ctx, ac, a, g.ID, "not_yet"); problem.FieldOf(err) != FieldOutcome {
		t.Errorf("a review against the goal's mark: %v", err)
	}
	// The outcome is in the record; the log names the goal, not how it went.
	if es := f.entries(t, f.p.Clinic.ID, "goal.review"); len(es) != 2 || es[0].ResourceID != g.ID || es[0].Detail != "" {
		t.Errorf("review entries: %+v", es)
	}
}
