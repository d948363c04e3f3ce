package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// Checklist is the client's practical preparation for a course (CLINICAL.md
// §3). The day of each medicine session checks these again; this is the
// client's own list, done ahead of time.
type Checklist struct {
	CourseID          string
	ClinicID          string
	ClientID          string
	FastingUnderstood bool
	NoSubstances      bool // no alcohol or other drugs for 24 hours before
	StimulantsPaused  bool
	CompanionName     string
	CompanionPhone    string
	RoomReady         bool
	RoomNote          string
	UpdatedBy         string
	UpdatedAt         time.Time
}

// Done counts the finished items, out of ChecklistItems.
func (c Checklist) Done() int {
	n := 0
	for _, b := range []bool{c.FastingUnderstood, c.NoSubstances, c.StimulantsPaused,
		c.CompanionName != "" && c.CompanionPhone != "", c.RoomReady} {
		if b {
			n++
		}
	}
	return n
}

// ChecklistItems is how many items the checklist has.
const ChecklistItems = 5

// SaveChecklist writes the client's checklist for a course, replacing the
// previous answers (the checklist is a working list, not a signed record).
func (t *Tx) SaveChecklist(ctx context.Context, c *Checklist) error {
	c.CompanionName = strings.TrimSpace(c.CompanionName)
	c.CompanionPhone = strings.TrimSpace(c.CompanionPhone)
	c.RoomNote = strings.TrimSpace(c.RoomNote)
	switch {
	case len(c.CompanionName) > 200:
		return problem.Invalidf("companion_name", "That name is too long.")
	case c.CompanionPhone != "" && !plausiblePhone(c.CompanionPhone):
		return problem.Invalidf("companion_phone", "Enter a phone number with at least 7 digits, such as (541) 555-0100.")
	case c.CompanionName != "" && c.CompanionPhone == "":
		return problem.Invalidf("companion_phone", "Add a phone number for your companion, so the clinic can reach them.")
	case c.CompanionPhone != "" && c.CompanionName == "":
		return problem.Invalidf("companion_name", "Add your companion's name.")
	case len(c.RoomNote) > 1000:
		return problem.Invalidf("room_note", "Please keep this under 1,000 characters.")
	}
	// The companion's name and phone and the note on the room are personal
	// and name no query: sealed to the course's row (migration 0020).
	sealed, err := t.sealChecklist(ctx, c)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE prep_checklist SET fasting_understood = ?, no_substances = ?, stimulants_paused = ?, companion_name = ?,
		companion_phone = ?, room_ready = ?, room_note = ?, updated_by = ?, updated_at = ? WHERE course_id = ? AND clinic_id = ? AND client_id = ?`,
		b2i(c.FastingUnderstood), b2i(c.NoSubstances), b2i(c.StimulantsPaused), sealed[0], sealed[1], b2i(c.RoomReady),
		sealed[2], c.UpdatedBy, c.UpdatedAt, c.CourseID, c.ClinicID, c.ClientID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	_, err = t.exec(ctx, `INSERT INTO prep_checklist (course_id, clinic_id, client_id, fasting_understood, no_substances, stimulants_paused,
		companion_name, companion_phone, room_ready, room_note, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.CourseID, c.ClinicID, c.ClientID, b2i(c.FastingUnderstood), b2i(c.NoSubstances), b2i(c.StimulantsPaused), sealed[0],
		sealed[1], b2i(c.RoomReady), sealed[2], c.UpdatedBy, c.UpdatedAt)
	return err
}

func checklistBinding(clinicID, courseID, column string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "prep_checklist", Column: column, RowID: courseID}
}

// checklistTexts are the checklist's sealed columns, in one order for
// sealing and opening.
func checklistTexts(c *Checklist) []struct {
	column string
	value  *string
} {
	return []struct {
		column string
		value  *string
	}{{"companion_name", &c.CompanionName}, {"companion_phone", &c.CompanionPhone}, {"room_note", &c.RoomNote}}
}

func (t *Tx) sealChecklist(ctx context.Context, c *Checklist) ([]string, error) {
	var out []string
	for _, f := range checklistTexts(c) {
		v, err := t.sealText(ctx, checklistBinding(c.ClinicID, c.CourseID, f.column), *f.value)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func plausiblePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// CourseChecklist loads a course's checklist; ok is false if the client has
// not started it.
func (t *Tx) CourseChecklist(ctx context.Context, clinicID, courseID string) (c Checklist, ok bool, err error) {
	var fast, subs, stim, room int
	err = t.queryRow(ctx, `SELECT course_id, clinic_id, client_id, fasting_understood, no_substances, stimulants_paused, companion_name,
		companion_phone, room_ready, room_note, updated_by, updated_at FROM prep_checklist WHERE clinic_id = ? AND course_id = ?`, clinicID, courseID).
		Scan(&c.CourseID, &c.ClinicID, &c.ClientID, &fast, &subs, &stim, &c.CompanionName, &c.CompanionPhone, &room, &c.RoomNote, &c.UpdatedBy, &c.UpdatedAt)
	if err == sql.ErrNoRows {
		return Checklist{CourseID: courseID, ClinicID: clinicID}, false, nil
	}
	if err != nil {
		return c, false, err
	}
	c.FastingUnderstood, c.NoSubstances, c.StimulantsPaused, c.RoomReady = fast == 1, subs == 1, stim == 1, room == 1
	c.UpdatedAt = c.UpdatedAt.UTC()
	for _, f := range checklistTexts(&c) {
		if *f.value, err = t.openOrClear(ctx, checklistBinding(c.ClinicID, c.CourseID, f.column), *f.value); err != nil {
			return c, false, err
		}
	}
	return c, true, nil
}

// PrepNote is a therapist's preparation session note. It is signed when
// saved and never changes; a correction is an addendum to it.
type PrepNote struct {
	ID         string
	ClinicID   string
	ClientID   string
	CourseID   string
	OccurredAt time.Time
	Body       string // sealed at rest
	AuthorID   string
	SignedAt   time.Time
	AddendumTo string // the note this corrects; "" for a session note
	JointWith  string // the partner's client id for a couple's joint session
}

func prepNoteBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "prep_notes", Column: "body", RowID: id}
}

// AddPrepNote stores a signed preparation note or an addendum to one.
func (t *Tx) AddPrepNote(ctx context.Context, n *PrepNote) error {
	n.Body = strings.TrimSpace(strings.ReplaceAll(n.Body, "\r\n", "\n"))
	switch {
	case n.Body == "":
		return problem.Invalidf("body", "Write the note before signing it.")
	case len(n.Body) > 20000:
		return problem.Invalidf("body", "The note is too long (20,000 characters at most).")
	case problem.Prose("body", "", n.Body, 20000) != nil:
		return problem.Prose("body", "The note", n.Body, 20000)
	case n.OccurredAt.IsZero():
		return problem.Invalidf("occurred_on", "Give the date of the session.")
	case n.OccurredAt.After(n.SignedAt.Add(time.Hour)):
		return problem.Invalidf("occurred_on", "A session note cannot be for a session in the future.")
	}
	if n.AddendumTo != "" {
		var course string
		err := t.queryRow(ctx, `SELECT course_id FROM prep_notes WHERE clinic_id = ? AND client_id = ? AND id = ? AND addendum_to IS NULL`,
			n.ClinicID, n.ClientID, n.AddendumTo).Scan(&course)
		if err == sql.ErrNoRows {
			return problem.Invalidf("addendum_to", "An addendum must be to one of this client's session notes.")
		}
		if err != nil {
			return err
		}
		n.CourseID = course
	}
	if n.ID == "" {
		n.ID = auth.NewID()
	}
	sealed, err := t.sealText(ctx, prepNoteBinding(n.ClinicID, n.ID), n.Body)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO prep_notes (id, clinic_id, client_id, course_id, kind, occurred_at, body, author_id, signed_at, addendum_to, joint_with)
		VALUES (?, ?, ?, ?, 'preparation', ?, ?, ?, ?, ?, ?)`,
		n.ID, n.ClinicID, n.ClientID, n.CourseID, n.OccurredAt, sealed, n.AuthorID, n.SignedAt, nullString(n.AddendumTo), n.JointWith)
	return err
}

// PrepNotes lists a course's notes and addenda, in the order they happened.
func (t *Tx) PrepNotes(ctx context.Context, clinicID, courseID string) ([]PrepNote, error) {
	return t.prepNotes(ctx, `clinic_id = ? AND course_id = ?`, clinicID, courseID)
}

// ClientPrepNotes lists every preparation note of a client, over all their
// courses.
func (t *Tx) ClientPrepNotes(ctx context.Context, clinicID, clientID string) ([]PrepNote, error) {
	return t.prepNotes(ctx, `clinic_id = ? AND client_id = ?`, clinicID, clientID)
}

// PrepNoteByID loads one preparation note of a clinic by its id.
func (t *Tx) PrepNoteByID(ctx context.Context, clinicID, id string) (PrepNote, error) {
	ns, err := t.prepNotes(ctx, `clinic_id = ? AND id = ?`, clinicID, id)
	if err == nil && len(ns) == 0 {
		err = problem.New(problem.NotFound, "The note was not found.")
	}
	if err != nil {
		return PrepNote{}, err
	}
	return ns[0], nil
}

func (t *Tx) prepNotes(ctx context.Context, where string, args ...any) ([]PrepNote, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, client_id, course_id, occurred_at, body, author_id, signed_at, addendum_to, joint_with
		FROM prep_notes WHERE `+where+` ORDER BY occurred_at, signed_at, id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(n *PrepNote) error {
		var add sql.NullString
		if err := rows.Scan(&n.ID, &n.ClinicID, &n.ClientID, &n.CourseID, &n.OccurredAt, &n.Body, &n.AuthorID, &n.SignedAt, &add, &n.JointWith); err != nil {
			return err
		}
		n.OccurredAt, n.SignedAt, n.AddendumTo = n.OccurredAt.UTC(), n.SignedAt.UTC(), add.String
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Body, err = t.openText(ctx, prepNoteBinding(out[i].ClinicID, out[i].ID), out[i].Body); err != nil {
			return nil, err
		}
	}
	return out, nil
}
