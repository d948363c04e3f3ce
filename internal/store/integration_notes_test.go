package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestIntegrationNotesAreLockedAndSealed signs an integration note and an
// addendum on both engines: they read back whole, the addendum takes its
// note's course and session, the raw column holds none of the text, and
// the database itself refuses to change or delete a signed note.
func TestIntegrationNotesAreLockedAndSealed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			course := prepCourse(t, s, p)
			a := p.Clients["A"]
			const secret = "Sealed-Integration-Marker"
			note := store.IntegrationNote{ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, MedicineSessionID: "session-1",
				Template: "soap", OccurredAt: p.Now, Sections: map[string]string{"subjective": secret + " said", "plan": "Walk daily."},
				AuthorID: p.Users["assigned"].ID, SignedAt: p.Now}
			add := store.IntegrationNote{ClinicID: p.Clinic.ID, ClientID: a.ID, Template: "addendum", OccurredAt: p.Now.Add(time.Hour),
				Sections: map[string]string{"addendum": "Correction."}, AuthorID: p.Users["assigned"].ID, SignedAt: p.Now.Add(time.Hour)}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.AddIntegrationNote(ctx, &note); err != nil {
					return err
				}
				add.AddendumTo = note.ID
				return tx.AddIntegrationNote(ctx, &add)
			})
			ctx := context.Background()
			err := s.Read(ctx, func(tx *store.Tx) error {
				ns, err := tx.IntegrationNotes(ctx, p.Clinic.ID, course.ID)
				if err != nil {
					return err
				}
				if len(ns) != 2 || ns[0].Sections["subjective"] != secret+" said" || ns[1].AddendumTo != note.ID ||
					ns[1].CourseID != course.ID || ns[1].MedicineSessionID != "session-1" {
					t.Errorf("notes read back: %+v", ns)
				}
				if _, err := tx.IntegrationNoteByID(ctx, p.Clinic.ID, auth.NewID()); problem.CodeOf(err) != problem.NotFound {
					t.Errorf("an unknown note: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// An addendum to another client's note, or to an addendum, is refused.
			err = s.Write(ctx, func(tx *store.Tx) error {
				bad := store.IntegrationNote{ClinicID: p.Clinic.ID, ClientID: p.Clients["B"].ID, Template: "addendum", OccurredAt: p.Now,
					Sections: map[string]string{"addendum": "x"}, AuthorID: p.Users["assigned"].ID, SignedAt: p.Now, AddendumTo: note.ID}
				return tx.AddIntegrationNote(ctx, &bad)
			})
			if problem.CodeOf(err) != problem.Invalid {
				t.Errorf("an addendum to another client's note: %v", err)
			}
			db := rawDB(t, e, cfg)
			var raw string
			if err := db.QueryRow(`SELECT body FROM integration_notes WHERE id = '` + note.ID + `'`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, secret) || !strings.HasPrefix(raw, "s1.") {
				t.Errorf("the body is stored as %q", raw)
			}
			for _, q := range []string{
				`UPDATE integration_notes SET body = 'changed' WHERE id = '` + note.ID + `'`,
				`UPDATE integration_notes SET signed_at = occurred_at WHERE id = '` + add.ID + `'`,
				`DELETE FROM integration_notes WHERE id = '` + add.ID + `'`,
			} {
				if _, err := db.Exec(q); err == nil {
					t.Errorf("the database accepted %s", q)
				}
			}
		})
	}
}

// TestPsychotherapyNotesAnswerOnlyTheirAuthor writes a therapist's
// psychotherapy note on both engines: it reads back for its author only,
// another author can neither read nor change it, its author can, and the
// raw column holds none of its words.
func TestPsychotherapyNotesAnswerOnlyTheirAuthor(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			a := p.Clients["A"]
			author, other := p.Users["assigned"].ID, p.Users["prescriber"].ID
			const secret = "Sealed-Process-Marker"
			n := store.PsychotherapyNote{ClinicID: p.Clinic.ID, ClientID: a.ID, AuthorID: author, Body: secret + " transference", CreatedAt: p.Now, UpdatedAt: p.Now}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.AddPsychotherapyNote(ctx, &n) })
			ctx := context.Background()
			err := s.Write(ctx, func(tx *store.Tx) error {
				mine, err := tx.PsychotherapyNotesBy(ctx, p.Clinic.ID, a.ID, author)
				if err != nil || len(mine) != 1 || mine[0].Body != secret+" transference" {
					t.Errorf("the author's notes: %+v %v", mine, err)
				}
				theirs, err := tx.PsychotherapyNotesBy(ctx, p.Clinic.ID, a.ID, other)
				if err != nil || len(theirs) != 0 {
					t.Errorf("another author's list: %+v %v", theirs, err)
				}
				if _, err := tx.PsychotherapyNoteBy(ctx, p.Clinic.ID, a.ID, other, n.ID); problem.CodeOf(err) != problem.NotFound {
					t.Errorf("another author read the note: %v", err)
				}
				steal := store.PsychotherapyNote{ID: n.ID, ClinicID: p.Clinic.ID, ClientID: a.ID, AuthorID: other, Body: "overwritten", UpdatedAt: p.Now}
				if err := tx.UpdatePsychotherapyNote(ctx, &steal); problem.CodeOf(err) != problem.NotFound {
					t.Errorf("another author changed the note: %v", err)
				}
				n.Body, n.UpdatedAt = secret+" revised", p.Now.Add(time.Hour)
				return tx.UpdatePsychotherapyNote(ctx, &n)
			})
			if err != nil {
				t.Fatal(err)
			}
			var raw string
			if err := rawDB(t, e, cfg).QueryRow(`SELECT body FROM psychotherapy_notes`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, secret) || !strings.HasPrefix(raw, "s1.") {
				t.Errorf("the body is stored as %q", raw)
			}
		})
	}
}

// TestGoalReviewsKeepBothVoices reviews a goal and adds the client's
// words in either order on both engines: neither overwrites the other, a
// review can be revised, the words are sealed, and the summary choice is
// off until the client turns it on.
func TestGoalReviewsKeepBothVoices(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			p := storetest.NewPractice(t, s, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			course := prepCourse(t, s, p)
			a := p.Clients["A"]
			const secret = "Sealed-Words-Marker"
			var g1, g2 store.Goal
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				for _, g := range []*store.Goal{&g1, &g2} {
					*g = store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: store.GoalGoal,
						Text: "Sleep", CreatedBy: p.Users["assigned"].ID, CreatedAt: p.Now}
					if err := tx.AddGoal(ctx, g); err != nil {
						return err
					}
				}
				by := p.Users["assigned"].ID
				if err := tx.ReviewGoal(ctx, g1, care.OutcomeNotYet, by, p.Now); err != nil {
					return err
				}
				if err := tx.SetGoalWords(ctx, g1, secret+" one", p.Now); err != nil {
					return err
				}
				if err := tx.ReviewGoal(ctx, g1, care.OutcomePartly, by, p.Now.Add(time.Hour)); err != nil {
					return err
				}
				if err := tx.SetGoalWords(ctx, g2, secret+" two", p.Now); err != nil {
					return err
				}
				return tx.SetCourseSummaryChoice(ctx, course, true, p.Now)
			})
			ctx := context.Background()
			err := s.Read(ctx, func(tx *store.Tx) error {
				rs, err := tx.GoalReviews(ctx, p.Clinic.ID, course.ID)
				if err != nil {
					return err
				}
				if r := rs[g1.ID]; r.Outcome != care.OutcomePartly || r.ClientWords != secret+" one" || r.ReviewedAt == nil {
					t.Errorf("goal 1: %+v", r)
				}
				if r := rs[g2.ID]; r.Outcome != "" || r.ClientWords != secret+" two" || r.ReviewedAt != nil {
					t.Errorf("goal 2: %+v", r)
				}
				c, err := tx.CourseSummaryChoice(ctx, p.Clinic.ID, course.ID)
				if err != nil || !c.IncludeReflections {
					t.Errorf("summary choice: %+v %v", c, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := rawDB(t, e, cfg).Query(`SELECT client_words FROM goal_reviews`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var raw string
				rows.Scan(&raw)
				if strings.Contains(raw, secret) || !strings.HasPrefix(raw, "s1.") {
					t.Errorf("client words stored as %q", raw)
				}
			}
		})
	}
}
