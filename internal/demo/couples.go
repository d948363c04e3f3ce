package demo

import (
	"context"

	"doorway/internal/audit"
	"doorway/internal/store"
)

// The couples part: Priya and Ben, linked as a couple by Robin a month ago
// (each signed the couples consent in preparation.go), had their first
// joint medicine session two weeks ago (schedule.go, sessions.go: a record
// each, both signed). Since then each has written one private journal
// entry, and Priya a reflection in their shared space that Ben has
// answered.

func seedCouples(ctx context.Context, s *seeder) error {
	clinic := s.clinics[ShortName]
	priya, ben := s.clients["priya"], s.clients["ben"]
	c := store.Couple{ClinicID: clinic.ID, ClientA: priya.ID, ClientB: ben.ID, CreatedBy: s.staff["robin"].ID, CreatedAt: s.now.Add(-days(30))}
	if err := s.tx.CreateCouple(ctx, &c); err != nil {
		return err
	}
	for _, id := range c.Clients() {
		s.record(clinic.ID, s.staffMember("robin"), c.CreatedAt, audit.Entry{Action: "couple.create", ResourceType: "couple", ResourceID: c.ID, ClientID: id})
	}
	after := s.now.Add(-days(5))
	for _, e := range []struct {
		client store.Client
		body   string
	}{
		{priya, "I did not expect to cry about my father. I am not ready to tell Ben all of it; I want to sit with it first."},
		{ben, "Under the busyness there was a kind of tiredness I have not let myself feel. It scared me a little."},
	} {
		entry := store.JournalEntry{ClinicID: clinic.ID, ClientID: e.client.ID, Body: e.body, CreatedAt: after, UpdatedAt: after}
		if err := s.tx.SaveJournalEntry(ctx, &entry); err != nil {
			return err
		}
	}
	for i, r := range []struct {
		author store.Client
		prompt string
		body   string
	}{
		{priya, "ch9.p1", "Lying next to you with the headphones on, I felt less alone than I have in a year. I would like us to walk on Sunday mornings again."},
		{ben, "", "Yes to Sunday walks. No big decisions for now, like Robin said; just the walks."},
	} {
		refl := store.CoupleReflection{ClinicID: clinic.ID, CoupleID: c.ID, AuthorID: r.author.ID, PromptKey: r.prompt, Body: r.body,
			CreatedAt: after.Add(days(1) + days(i))}
		if err := s.tx.AddCoupleReflection(ctx, &refl); err != nil {
			return err
		}
	}
	return nil
}
