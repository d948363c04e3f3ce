package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// Psychotherapy notes (HIPAA's process notes, 45 CFR 164.501): a
// therapist's notes analysing the conversation of a session, kept apart
// from the client's record. They live in a table of their own, and every
// statement here names the author: nothing in this package reads a
// psychotherapy note except for the one person who wrote it, so no export,
// report, search or FHIR path can reach them by asking for "the client's
// notes". They are the author's working notes, not part of the signed
// record, so the author may change them.

// PsychotherapyNote is one of a therapist's process notes about a client.
type PsychotherapyNote struct {
	ID        string
	ClinicID  string
	ClientID  string
	AuthorID  string
	Body      string // sealed at rest
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MaxPsychotherapyNoteRunes is how long one note may be.
const MaxPsychotherapyNoteRunes = 20000

func psychotherapyNoteBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "psychotherapy_notes", Column: "body", RowID: id}
}

func checkPsychotherapyNote(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch {
	case body == "":
		return "", problem.Invalidf("body", "Write the note first; an empty note is not saved.")
	case utf8.RuneCountInString(body) > MaxPsychotherapyNoteRunes:
		return "", problem.Invalidf("body", "The note is too long (%d characters at most).", MaxPsychotherapyNoteRunes)
	}
	return body, problem.Prose("body", "The note", body, MaxPsychotherapyNoteRunes)
}

// AddPsychotherapyNote stores a new note by its author.
func (t *Tx) AddPsychotherapyNote(ctx context.Context, n *PsychotherapyNote) error {
	body, err := checkPsychotherapyNote(n.Body)
	if err != nil {
		return err
	}
	n.Body = body
	if n.ID == "" {
		n.ID = auth.NewID()
	}
	sealed, err := t.sealText(ctx, psychotherapyNoteBinding(n.ClinicID, n.ID), body)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO psychotherapy_notes (id, clinic_id, client_id, author_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.ClinicID, n.ClientID, n.AuthorID, sealed, n.CreatedAt, n.UpdatedAt)
	return err
}

// UpdatePsychotherapyNote replaces the text of one of the author's notes
// about a client; another author's note is NotFound, as if absent.
func (t *Tx) UpdatePsychotherapyNote(ctx context.Context, n *PsychotherapyNote) error {
	body, err := checkPsychotherapyNote(n.Body)
	if err != nil {
		return err
	}
	n.Body = body
	sealed, err := t.sealText(ctx, psychotherapyNoteBinding(n.ClinicID, n.ID), body)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE psychotherapy_notes SET body = ?, updated_at = ? WHERE clinic_id = ? AND client_id = ? AND author_id = ? AND id = ?`,
		sealed, n.UpdatedAt, n.ClinicID, n.ClientID, n.AuthorID, n.ID)
	if err != nil {
		return err
	}
	if c, _ := res.RowsAffected(); c != 1 {
		return problem.New(problem.NotFound, "That note was not found.")
	}
	return nil
}

// PsychotherapyNotesBy lists one author's notes about a client, newest
// first.
func (t *Tx) PsychotherapyNotesBy(ctx context.Context, clinicID, clientID, authorID string) ([]PsychotherapyNote, error) {
	return t.psychotherapyNotes(ctx, `clinic_id = ? AND client_id = ? AND author_id = ?`, clinicID, clientID, authorID)
}

// PsychotherapyNoteBy loads one of an author's notes about a client;
// another author's is NotFound, as if absent.
func (t *Tx) PsychotherapyNoteBy(ctx context.Context, clinicID, clientID, authorID, id string) (PsychotherapyNote, error) {
	ns, err := t.psychotherapyNotes(ctx, `clinic_id = ? AND client_id = ? AND author_id = ? AND id = ?`, clinicID, clientID, authorID, id)
	if err != nil {
		return PsychotherapyNote{}, err
	}
	if len(ns) == 0 {
		return PsychotherapyNote{}, problem.New(problem.NotFound, "That note was not found.")
	}
	return ns[0], nil
}

func (t *Tx) psychotherapyNotes(ctx context.Context, where string, args ...any) ([]PsychotherapyNote, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, client_id, author_id, body, created_at, updated_at FROM psychotherapy_notes
		WHERE `+where+` ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(n *PsychotherapyNote) error {
		if err := rows.Scan(&n.ID, &n.ClinicID, &n.ClientID, &n.AuthorID, &n.Body, &n.CreatedAt, &n.UpdatedAt); err != nil {
			return err
		}
		n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Body, err = t.openText(ctx, psychotherapyNoteBinding(out[i].ClinicID, out[i].ID), out[i].Body); err != nil {
			return nil, err
		}
	}
	return out, nil
}
