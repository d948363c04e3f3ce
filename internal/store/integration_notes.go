package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// IntegrationNote is the note of an integration session: written from a
// SOAP or DAP template, linked to the medicine session it integrates,
// signed when saved and never changed (the database refuses an UPDATE or
// DELETE); a correction is an addendum to it. Its sections are kept as one
// sealed JSON object.
type IntegrationNote struct {
	ID       string
	ClinicID string
	ClientID string
	CourseID string
	// MedicineSessionID is the medicine session the note integrates; an
	// addendum has its note's.
	MedicineSessionID string
	Template          string // integration.TemplateSOAP, TemplateDAP or TemplateAddendum
	OccurredAt        time.Time
	// Sections are the text of each section by its key; sealed at rest.
	Sections   map[string]string
	AuthorID   string
	SignedAt   time.Time
	AddendumTo string // the note an addendum corrects; "" for a note
	// JointWith is the partner's client id for a couple's joint session:
	// the note is in each partner's course, each naming the other.
	JointWith string
}

func integrationNoteBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "integration_notes", Column: "body", RowID: id}
}

// AddIntegrationNote stores a signed integration note, or an addendum to
// one of the same client's notes, which takes its course and medicine
// session from the note it corrects. The sections are the caller's to have
// checked against the template.
func (t *Tx) AddIntegrationNote(ctx context.Context, n *IntegrationNote) error {
	if len(n.Sections) == 0 || n.Template == "" {
		return problem.Invalidf("template", "Write the note before signing it.")
	}
	if n.AddendumTo != "" {
		err := t.queryRow(ctx, `SELECT course_id, medicine_session_id FROM integration_notes
			WHERE clinic_id = ? AND client_id = ? AND id = ? AND addendum_to IS NULL`, n.ClinicID, n.ClientID, n.AddendumTo).
			Scan(&n.CourseID, &n.MedicineSessionID)
		if err == sql.ErrNoRows {
			return problem.Invalidf("addendum_to", "An addendum must be to one of this client's integration notes.")
		}
		if err != nil {
			return err
		}
	}
	if n.ID == "" {
		n.ID = auth.NewID()
	}
	body, err := json.Marshal(n.Sections)
	if err != nil {
		return err
	}
	sealed, err := t.sealText(ctx, integrationNoteBinding(n.ClinicID, n.ID), string(body))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO integration_notes (id, clinic_id, client_id, course_id, medicine_session_id, template, occurred_at, body,
		author_id, signed_at, addendum_to, joint_with) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.ClinicID, n.ClientID, n.CourseID, n.MedicineSessionID, n.Template, n.OccurredAt, sealed, n.AuthorID, n.SignedAt, nullString(n.AddendumTo), n.JointWith)
	return err
}

// IntegrationNotes lists a course's integration notes and their addenda,
// in the order they happened.
func (t *Tx) IntegrationNotes(ctx context.Context, clinicID, courseID string) ([]IntegrationNote, error) {
	return t.integrationNotes(ctx, `clinic_id = ? AND course_id = ?`, clinicID, courseID)
}

// ClientIntegrationNotes lists every integration note of a client, over
// all their courses.
func (t *Tx) ClientIntegrationNotes(ctx context.Context, clinicID, clientID string) ([]IntegrationNote, error) {
	return t.integrationNotes(ctx, `clinic_id = ? AND client_id = ?`, clinicID, clientID)
}

// IntegrationNoteByID loads one integration note of a clinic by its id.
func (t *Tx) IntegrationNoteByID(ctx context.Context, clinicID, id string) (IntegrationNote, error) {
	ns, err := t.integrationNotes(ctx, `clinic_id = ? AND id = ?`, clinicID, id)
	if err != nil {
		return IntegrationNote{}, err
	}
	if len(ns) == 0 {
		return IntegrationNote{}, problem.New(problem.NotFound, "The note was not found.")
	}
	return ns[0], nil
}

func (t *Tx) integrationNotes(ctx context.Context, where string, args ...any) ([]IntegrationNote, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, client_id, course_id, medicine_session_id, template, occurred_at, body, author_id, signed_at,
		addendum_to, joint_with FROM integration_notes WHERE `+where+` ORDER BY occurred_at, signed_at, id`, args...)
	if err != nil {
		return nil, err
	}
	type row struct {
		IntegrationNote
		body string
	}
	list, err := scanAll(rows, func(r *row) error {
		var add sql.NullString
		if err := rows.Scan(&r.ID, &r.ClinicID, &r.ClientID, &r.CourseID, &r.MedicineSessionID, &r.Template, &r.OccurredAt, &r.body,
			&r.AuthorID, &r.SignedAt, &add, &r.JointWith); err != nil {
			return err
		}
		r.OccurredAt, r.SignedAt, r.AddendumTo = r.OccurredAt.UTC(), r.SignedAt.UTC(), add.String
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]IntegrationNote, len(list))
	for i, r := range list {
		n := r.IntegrationNote
		body, err := t.openText(ctx, integrationNoteBinding(n.ClinicID, n.ID), r.body)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &n.Sections); err != nil {
			return nil, fmt.Errorf("store: integration note %s: %w", n.ID, err)
		}
		out[i] = n
	}
	return out, nil
}

// SessionAppointments maps each of a client's medicine session records to
// its appointment: what a note that integrates a session needs to name the
// session's encounter, without reading the records themselves.
func (t *Tx) SessionAppointments(ctx context.Context, clinicID, clientID string) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT id, appointment_id FROM medicine_sessions WHERE clinic_id = ? AND client_id = ?`, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	type pair struct{ session, appointment string }
	list, err := scanAll(rows, func(p *pair) error { return rows.Scan(&p.session, &p.appointment) })
	out := make(map[string]string, len(list))
	for _, p := range list {
		out[p.session] = p.appointment
	}
	return out, err
}
