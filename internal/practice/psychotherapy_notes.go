package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Psychotherapy notes (HIPAA, 45 CFR 164.501): a therapist's notes
// documenting or analysing the conversation of a counselling session, kept
// apart from the rest of the record. Only their author reads them, and
// only while on the client's care team: not an admin, not another
// clinician on the team, not the client, and no export, report, search or
// FHIR path, none of which is given a way to ask (the store reads them only
// by author). They are the author's working notes, not part of the signed
// record, so the author may change them. Each read and write is audited
// by the note's id, never by a word of it.

// PsychotherapyNotes are the viewer's own psychotherapy notes about a
// client, newest first.
type PsychotherapyNotes struct {
	Client store.Client
	Notes  []store.PsychotherapyNote
}

var (
	opProcessNotes     = op{action: "psychotherapy_note.list"}
	opProcessNoteRead  = op{action: "psychotherapy_note.read"}
	opProcessNoteWrite = op{action: "psychotherapy_note.write"}
)

// processNotesFor loads a client and asks access whether the actor may do
// act on their own psychotherapy notes about the client. A refusal, at
// either step, is the one refusal of the client.
func (s *Service) processNotesFor(ctx context.Context, tx *store.Tx, a Actor, o op, clientID string, act access.Action) (chart, error) {
	ch, err := s.chartFor(ctx, tx, a, o, clientID, access.ClientRecord, access.Read)
	if err != nil {
		return ch, err
	}
	if !access.Allow(a.P, act, ownNotes(a, ch)) {
		return chart{}, s.refuse(a, o, "client", clientID, "out of scope", notFoundClient)
	}
	return ch, nil
}

// ownNotes is the actor's own psychotherapy notes about the chart's client,
// as the access decision sees them.
func ownNotes(a Actor, ch chart) access.Resource {
	r := ch.resource(access.PsychotherapyNote)
	r.OwnerID = a.P.UserID
	return r
}

// mayKeepProcessNotes reports whether the actor may keep psychotherapy
// notes about the chart's client, for a page that links them.
func mayKeepProcessNotes(a Actor, ch chart) bool {
	return access.Allow(a.P, access.Write, ownNotes(a, ch))
}

// MyPsychotherapyNotes lists the viewer's own psychotherapy notes about a
// client; the reading is recorded, with how many there are.
func (s *Service) MyPsychotherapyNotes(ctx context.Context, a Actor, clientID string) (PsychotherapyNotes, error) {
	var out PsychotherapyNotes
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.processNotesFor(ctx, tx, a, opProcessNotes, clientID, access.Read)
		if err != nil {
			return err
		}
		out.Client = ch.Client
		out.Notes, err = tx.PsychotherapyNotesBy(ctx, ch.Client.ClinicID, ch.Client.ID, a.P.UserID)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opProcessNotes.action, ResourceType: "psychotherapy_note", ClientID: out.Client.ID,
		Detail: plural(len(out.Notes), "note", "notes")})
}

// MyPsychotherapyNote is one of the viewer's own psychotherapy notes about
// a client. Anyone else's, and a note that does not exist, are the same
// refusal.
func (s *Service) MyPsychotherapyNote(ctx context.Context, a Actor, clientID, noteID string) (store.Client, store.PsychotherapyNote, error) {
	var c store.Client
	var n store.PsychotherapyNote
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.processNotesFor(ctx, tx, a, opProcessNoteRead, clientID, access.Read)
		if err != nil {
			return err
		}
		c = ch.Client
		n, err = s.ownNote(ctx, tx, a, opProcessNoteRead, c, noteID)
		return err
	})
	if err != nil {
		return c, n, err
	}
	return c, n, s.Record(ctx, a, audit.Entry{Action: opProcessNoteRead.action, ResourceType: "psychotherapy_note", ResourceID: n.ID, ClientID: c.ID})
}

// ownNote loads one of the actor's notes about c; a malformed id, another
// author's note and none at all are refused alike.
func (s *Service) ownNote(ctx context.Context, tx *store.Tx, a Actor, o op, c store.Client, noteID string) (store.PsychotherapyNote, error) {
	if !auth.ValidID(noteID) {
		return store.PsychotherapyNote{}, s.refuse(a, o, "psychotherapy_note", "", "malformed id", "That note was not found.")
	}
	n, err := tx.PsychotherapyNoteBy(ctx, c.ClinicID, c.ID, a.P.UserID, noteID)
	if problem.CodeOf(err) == problem.NotFound {
		return n, s.refuse(a, o, "psychotherapy_note", noteID, "not theirs", "That note was not found.")
	}
	return n, err
}

// WritePsychotherapyNote writes a new psychotherapy note about a client
// (noteID "") or changes one of the viewer's own.
func (s *Service) WritePsychotherapyNote(ctx context.Context, a Actor, clientID, noteID, body string) (store.PsychotherapyNote, error) {
	now := s.Now()
	var n store.PsychotherapyNote
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.processNotesFor(ctx, tx, a, opProcessNoteWrite, clientID, access.Write)
		if err != nil {
			return err
		}
		c := ch.Client
		detail := "new"
		if noteID == "" {
			n = store.PsychotherapyNote{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, AuthorID: a.P.UserID, Body: body, CreatedAt: now, UpdatedAt: now}
			err = tx.AddPsychotherapyNote(ctx, &n)
		} else {
			if n, err = s.ownNote(ctx, tx, a, opProcessNoteWrite, c, noteID); err != nil {
				return err
			}
			n.Body, n.UpdatedAt, detail = body, now, "edited"
			err = tx.UpdatePsychotherapyNote(ctx, &n)
		}
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opProcessNoteWrite.action, ResourceType: "psychotherapy_note", ResourceID: n.ID,
			ClientID: c.ID, Detail: detail})
	})
	return n, err
}
