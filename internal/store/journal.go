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

// The client's journal (DESIGN.md §3): their own words, sealed at rest,
// seen by the care team only while shared. Whether someone may read an
// entry is the access decision's; this file reads and writes.

// JournalEntry is one entry of a client's journal.
type JournalEntry struct {
	ID        string
	ClinicID  string
	ClientID  string
	PromptKey string // the prompts it answers, such as "<session id>:24h"; "" for a free entry
	Body      string // sealed at rest
	CreatedAt time.Time
	UpdatedAt time.Time
	SharedAt  *time.Time // nil while private
}

// Shared reports whether the client shares the entry with their care team.
func (e JournalEntry) Shared() bool { return e.SharedAt != nil }

// MaxJournalRunes is how long one entry (or draft) may be: about thirty
// pages of writing.
const MaxJournalRunes = 50000

func journalBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "journal_entries", Column: "body", RowID: id}
}

// checkJournalText trims an entry and holds it to the limit.
func checkJournalText(field, s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if utf8.RuneCountInString(s) > MaxJournalRunes {
		return "", problem.Invalidf(field, "This is longer than one entry can hold (%d characters); please split it into two.", MaxJournalRunes)
	}
	return s, problem.Prose(field, "The entry", s, MaxJournalRunes)
}

// SaveJournalEntry writes a new entry (e.ID empty) or replaces the text of
// one of the client's entries.
func (t *Tx) SaveJournalEntry(ctx context.Context, e *JournalEntry) error {
	body, err := checkJournalText("body", e.Body)
	if err != nil {
		return err
	}
	if body == "" {
		return problem.Invalidf("body", "Write something first; an empty entry is not saved.")
	}
	e.Body = body
	if e.ID == "" {
		e.ID = auth.NewID()
		sealed, err := t.sealText(ctx, journalBinding(e.ClinicID, e.ID), body)
		if err != nil {
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO journal_entries (id, clinic_id, client_id, prompt_key, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.ClinicID, e.ClientID, e.PromptKey, sealed, e.CreatedAt, e.UpdatedAt)
		return err
	}
	sealed, err := t.sealText(ctx, journalBinding(e.ClinicID, e.ID), body)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE journal_entries SET body = ?, updated_at = ? WHERE clinic_id = ? AND client_id = ? AND id = ?`,
		sealed, e.UpdatedAt, e.ClinicID, e.ClientID, e.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "That entry was not found.")
	}
	return nil
}

// ShareJournalEntry shares an entry with the care team (at set) or takes
// the share back (at nil).
func (t *Tx) ShareJournalEntry(ctx context.Context, clinicID, clientID, id string, at *time.Time) error {
	res, err := t.exec(ctx, `UPDATE journal_entries SET shared_at = ? WHERE clinic_id = ? AND client_id = ? AND id = ?`, at, clinicID, clientID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "That entry was not found.")
	}
	return nil
}

// JournalFilter narrows a client's entries.
type JournalFilter struct {
	ClinicID, ClientID string
	// SharedOnly keeps only shared entries: the care team's view.
	SharedOnly bool
	ID         string // one entry
	PromptKey  string
}

// JournalEntries lists a client's entries, newest first.
func (t *Tx) JournalEntries(ctx context.Context, f JournalFilter) ([]JournalEntry, error) {
	q := `SELECT id, clinic_id, client_id, prompt_key, body, created_at, updated_at, shared_at FROM journal_entries WHERE clinic_id = ? AND client_id = ?`
	args := []any{f.ClinicID, f.ClientID}
	if f.SharedOnly {
		q += ` AND shared_at IS NOT NULL`
	}
	if f.ID != "" {
		q += ` AND id = ?`
		args = append(args, f.ID)
	}
	if f.PromptKey != "" {
		q += ` AND prompt_key = ?`
		args = append(args, f.PromptKey)
	}
	rows, err := t.query(ctx, q+` ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(e *JournalEntry) error {
		var shared sql.NullTime
		if err := rows.Scan(&e.ID, &e.ClinicID, &e.ClientID, &e.PromptKey, &e.Body, &e.CreatedAt, &e.UpdatedAt, &shared); err != nil {
			return err
		}
		e.CreatedAt, e.UpdatedAt, e.SharedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC(), nullTime(shared)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Body, err = t.openText(ctx, journalBinding(out[i].ClinicID, out[i].ID), out[i].Body); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AnsweredPrompts lists the prompt keys a client's entries answer, without
// opening a word of them: what the reminders need to know.
func (t *Tx) AnsweredPrompts(ctx context.Context, clinicID, clientID string) (map[string]bool, error) {
	rows, err := t.query(ctx, `SELECT DISTINCT prompt_key FROM journal_entries WHERE clinic_id = ? AND client_id = ? AND prompt_key <> ''`,
		clinicID, clientID)
	if err != nil {
		return nil, err
	}
	keys, err := scanAll(rows, func(k *string) error { return rows.Scan(k) })
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, err
}

// JournalEntry is one of a client's entries; NotFound when it is not theirs.
func (t *Tx) JournalEntry(ctx context.Context, clinicID, clientID, id string) (JournalEntry, error) {
	es, err := t.JournalEntries(ctx, JournalFilter{ClinicID: clinicID, ClientID: clientID, ID: id})
	if err != nil {
		return JournalEntry{}, err
	}
	if len(es) == 0 {
		return JournalEntry{}, problem.New(problem.NotFound, "That entry was not found.")
	}
	return es[0], nil
}

// JournalDraft is what the portal keeps of an entry while it is typed.
type JournalDraft struct {
	Key       string // "new", "entry:<id>", "prompt:<key>", "workbook:<prompt id>"
	Body      string // sealed at rest
	UpdatedAt time.Time
}

func draftBinding(clinicID, clientID, key string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "journal_drafts", Column: "body", RowID: clientID + "/" + key}
}

// SaveJournalDraft keeps a draft; an empty body removes it.
func (t *Tx) SaveJournalDraft(ctx context.Context, clinicID, clientID string, d JournalDraft) error {
	body, err := checkJournalText("body", d.Body)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM journal_drafts WHERE client_id = ? AND draft_key = ?`, clientID, d.Key); err != nil {
		return err
	}
	if body == "" {
		return nil
	}
	sealed, err := t.sealText(ctx, draftBinding(clinicID, clientID, d.Key), body)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO journal_drafts (client_id, clinic_id, draft_key, body, updated_at) VALUES (?, ?, ?, ?, ?)`,
		clientID, clinicID, d.Key, sealed, d.UpdatedAt)
	return err
}

// JournalDraft is the client's draft under key; ok is false without one.
func (t *Tx) JournalDraft(ctx context.Context, clinicID, clientID, key string) (JournalDraft, bool, error) {
	d := JournalDraft{Key: key}
	err := t.queryRow(ctx, `SELECT body, updated_at FROM journal_drafts WHERE clinic_id = ? AND client_id = ? AND draft_key = ?`,
		clinicID, clientID, key).Scan(&d.Body, &d.UpdatedAt)
	if err == sql.ErrNoRows {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	d.UpdatedAt = d.UpdatedAt.UTC()
	d.Body, err = t.openText(ctx, draftBinding(clinicID, clientID, key), d.Body)
	return d, err == nil, err
}

// JournalDrafts lists every draft of a client, newest first, for the
// portal's "you have a draft" line.
func (t *Tx) JournalDrafts(ctx context.Context, clinicID, clientID string) ([]JournalDraft, error) {
	rows, err := t.query(ctx, `SELECT draft_key, body, updated_at FROM journal_drafts WHERE clinic_id = ? AND client_id = ? ORDER BY updated_at DESC`,
		clinicID, clientID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(d *JournalDraft) error {
		if err := rows.Scan(&d.Key, &d.Body, &d.UpdatedAt); err != nil {
			return err
		}
		d.UpdatedAt = d.UpdatedAt.UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Body, err = t.openText(ctx, draftBinding(clinicID, clientID, out[i].Key), out[i].Body); err != nil {
			return nil, err
		}
	}
	return out, nil
}
