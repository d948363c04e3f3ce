package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// What a client does for integration between sessions (CLINICAL.md §7):
// the practices they log, whether they share that log, and their answers
// to the Reflection Workbook.

// PracticeLog is one practice a client logged.
type PracticeLog struct {
	ID        string
	ClinicID  string
	ClientID  string
	Kind      string // one of the kinds integration offers
	DoneOn    string // the clinic's calendar day, YYYY-MM-DD
	Minutes   int
	Note      string // sealed at rest
	CreatedAt time.Time
}

func practiceNoteBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "practice_logs", Column: "note", RowID: id}
}

// AddPracticeLog records a practice.
func (t *Tx) AddPracticeLog(ctx context.Context, p *PracticeLog) error {
	p.Note = strings.TrimSpace(p.Note)
	if utf8.RuneCountInString(p.Note) > 2000 {
		return problem.Invalidf("note", "Please keep the note under 2,000 characters.")
	}
	if p.ID == "" {
		p.ID = auth.NewID()
	}
	sealed, err := t.sealText(ctx, practiceNoteBinding(p.ClinicID, p.ID), p.Note)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO practice_logs (id, clinic_id, client_id, kind, done_on, minutes, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.ClinicID, p.ClientID, p.Kind, p.DoneOn, p.Minutes, sealed, p.CreatedAt)
	return err
}

// DeletePracticeLog removes one of the client's logged practices.
func (t *Tx) DeletePracticeLog(ctx context.Context, clinicID, clientID, id string) error {
	res, err := t.exec(ctx, `DELETE FROM practice_logs WHERE clinic_id = ? AND client_id = ? AND id = ?`, clinicID, clientID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "That practice was not found.")
	}
	return nil
}

// PracticeLogs lists a client's practices on the days from..to (inclusive,
// YYYY-MM-DD), in day order.
func (t *Tx) PracticeLogs(ctx context.Context, clinicID, clientID, from, to string) ([]PracticeLog, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, client_id, kind, done_on, minutes, note, created_at FROM practice_logs
		WHERE clinic_id = ? AND client_id = ? AND done_on >= ? AND done_on <= ? ORDER BY done_on, created_at, id`, clinicID, clientID, from, to)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(p *PracticeLog) error {
		if err := rows.Scan(&p.ID, &p.ClinicID, &p.ClientID, &p.Kind, &p.DoneOn, &p.Minutes, &p.Note, &p.CreatedAt); err != nil {
			return err
		}
		p.CreatedAt = p.CreatedAt.UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Note, err = t.openText(ctx, practiceNoteBinding(clinicID, out[i].ID), out[i].Note); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Sharing is what a client shares as a whole.
type Sharing struct {
	Practices bool // their practices log
}

// ClientSharing reads what the client shares; nothing until they choose.
func (t *Tx) ClientSharing(ctx context.Context, clinicID, clientID string) (Sharing, error) {
	var p int
	err := t.queryRow(ctx, `SELECT practices FROM client_sharing WHERE clinic_id = ? AND client_id = ?`, clinicID, clientID).Scan(&p)
	if err == sql.ErrNoRows {
		return Sharing{}, nil
	}
	return Sharing{Practices: p == 1}, err
}

// SetClientSharing saves what the client shares.
func (t *Tx) SetClientSharing(ctx context.Context, clinicID, clientID string, s Sharing, at time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM client_sharing WHERE clinic_id = ? AND client_id = ?`, clinicID, clientID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO client_sharing (client_id, clinic_id, practices, updated_at) VALUES (?, ?, ?, ?)`, clientID, clinicID, b2i(s.Practices), at)
	return err
}

// WorkbookAnswer is a client's answer to one prompt of the Reflection
// Workbook.
type WorkbookAnswer struct {
	ID        string
	ClinicID  string
	ClientID  string
	PromptID  string // such as "ch7.p3"
	Body      string // sealed at rest
	UpdatedAt time.Time
	SharedAt  *time.Time
}

func workbookBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "workbook_answers", Column: "body", RowID: id}
}

// SaveWorkbookAnswer writes the client's answer to a prompt, replacing an
// earlier one; an empty answer removes it.
func (t *Tx) SaveWorkbookAnswer(ctx context.Context, a *WorkbookAnswer) error {
	body, err := checkJournalText("body", a.Body)
	if err != nil {
		return err
	}
	var id string
	err = t.queryRow(ctx, `SELECT id FROM workbook_answers WHERE clinic_id = ? AND client_id = ? AND prompt_id = ?`, a.ClinicID, a.ClientID, a.PromptID).Scan(&id)
	switch {
	case err == sql.ErrNoRows && body == "":
		return nil
	case err == sql.ErrNoRows:
		a.ID = auth.NewID()
		sealed, err := t.sealText(ctx, workbookBinding(a.ClinicID, a.ID), body)
		if err != nil {
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO workbook_answers (id, clinic_id, client_id, prompt_id, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			a.ID, a.ClinicID, a.ClientID, a.PromptID, sealed, a.UpdatedAt)
		return err
	case err != nil:
		return err
	case body == "":
		_, err = t.exec(ctx, `DELETE FROM workbook_answers WHERE id = ?`, id)
		return err
	}
	a.ID = id
	sealed, err := t.sealText(ctx, workbookBinding(a.ClinicID, id), body)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `UPDATE workbook_answers SET body = ?, updated_at = ? WHERE id = ?`, sealed, a.UpdatedAt, id)
	return err
}

// ShareWorkbookAnswer shares an answer (at set) or takes the share back.
func (t *Tx) ShareWorkbookAnswer(ctx context.Context, clinicID, clientID, promptID string, at *time.Time) error {
	res, err := t.exec(ctx, `UPDATE workbook_answers SET shared_at = ? WHERE clinic_id = ? AND client_id = ? AND prompt_id = ?`, at, clinicID, clientID, promptID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "That answer was not found.")
	}
	return nil
}

// WorkbookAnswers lists a client's answers (only shared ones when
// sharedOnly), by prompt id.
func (t *Tx) WorkbookAnswers(ctx context.Context, clinicID, clientID string, sharedOnly bool) (map[string]WorkbookAnswer, error) {
	q := `SELECT id, clinic_id, client_id, prompt_id, body, updated_at, shared_at FROM workbook_answers WHERE clinic_id = ? AND client_id = ?`
	if sharedOnly {
		q += ` AND shared_at IS NOT NULL`
	}
	rows, err := t.query(ctx, q, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(a *WorkbookAnswer) error {
		var shared sql.NullTime
		if err := rows.Scan(&a.ID, &a.ClinicID, &a.ClientID, &a.PromptID, &a.Body, &a.UpdatedAt, &shared); err != nil {
			return err
		}
		a.UpdatedAt, a.SharedAt = a.UpdatedAt.UTC(), nullTime(shared)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]WorkbookAnswer{}
	for _, a := range list {
		if a.Body, err = t.openText(ctx, workbookBinding(clinicID, a.ID), a.Body); err != nil {
			return nil, err
		}
		out[a.PromptID] = a
	}
	return out, nil
}

// FirstPracticeDay is the earliest day the client logged a practice
// (YYYY-MM-DD), "" before their first: where their log begins.
func (t *Tx) FirstPracticeDay(ctx context.Context, clinicID, clientID string) (string, error) {
	var day sql.NullString
	err := t.queryRow(ctx, `SELECT MIN(done_on) FROM practice_logs WHERE clinic_id = ? AND client_id = ?`, clinicID, clientID).Scan(&day)
	return day.String, err
}
