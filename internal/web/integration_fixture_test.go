package web

import (
	"context"

	"doorway/internal/calendar"
	"doorway/internal/store"
)

// integrationFixture is client A's writing between sessions, each piece
// holding the marker: two workbook answers of chapter 1, the first shared
// and the second kept private, and a practice logged today, with the log
// shared; the care team's signed integration note and the assigned
// therapist's psychotherapy note about A. Client B has none of it.
type integrationFixture struct {
	sharedPrompt, privatePrompt string
	logID                       string
	noteID, processNoteID       string
}

func (f *fixture) seedIntegration() {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	f.integration = integrationFixture{sharedPrompt: "ch1.p1", privatePrompt: "ch1.p2"}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, id := range []string{f.integration.sharedPrompt, f.integration.privatePrompt} {
			ans := store.WorkbookAnswer{ClinicID: f.clinic.ID, ClientID: a.ID, PromptID: id, Body: "My answer to " + id + ": " + marker, UpdatedAt: f.now}
			if err := tx.SaveWorkbookAnswer(ctx, &ans); err != nil {
				return err
			}
		}
		if err := tx.ShareWorkbookAnswer(ctx, f.clinic.ID, a.ID, f.integration.sharedPrompt, &f.now); err != nil {
			return err
		}
		log := store.PracticeLog{ClinicID: f.clinic.ID, ClientID: a.ID, Kind: "breathing", DoneOn: calendar.Of(f.now, f.clinic.Location()).String(),
			Minutes: 5, Note: "Box breathing by the window. " + marker, CreatedAt: f.now}
		if err := tx.AddPracticeLog(ctx, &log); err != nil {
			return err
		}
		f.integration.logID = log.ID
		note := store.IntegrationNote{ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, Template: "dap", OccurredAt: f.now,
			Sections: map[string]string{"data": "Calmer since the session. " + marker}, AuthorID: f.users["assigned"].ID, SignedAt: f.now}
		if err := tx.AddIntegrationNote(ctx, &note); err != nil {
			return err
		}
		f.integration.noteID = note.ID
		pn := store.PsychotherapyNote{ClinicID: f.clinic.ID, ClientID: a.ID, AuthorID: f.users["assigned"].ID,
			Body: "Process note. " + marker, CreatedAt: f.now, UpdatedAt: f.now}
		if err := tx.AddPsychotherapyNote(ctx, &pn); err != nil {
			return err
		}
		f.integration.processNoteID = pn.ID
		return tx.SetClientSharing(ctx, f.clinic.ID, a.ID, store.Sharing{Practices: true}, f.now)
	})
	if err != nil {
		f.t.Fatalf("integration fixture: %v", err)
	}
}
