package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/seal"
)

// IntakeReturn is a course sent back from screening to intake, with a note
// to the client saying what to look at again. The note is sealed at rest.
type IntakeReturn struct {
	ID       string
	ClinicID string
	ClientID string
	CourseID string
	Note     string
	By       string // user id
	ByName   string // filled when read
	At       time.Time
}

func intakeReturnBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "intake_returns", Column: "note", RowID: id}
}

// maxIntakeReturnNote bounds the note; it is a message, not a letter.
const maxIntakeReturnNote = 4000

// ReturnToIntake opens a course's finished intake again for the client and
// stores the note that says why. The caller moves the course back to intake
// in the same transaction, so the answers, the note and the state change
// together or not at all.
func (t *Tx) ReturnToIntake(ctx context.Context, r *IntakeReturn) error {
	r.Note = strings.TrimSpace(r.Note)
	switch {
	case r.Note == "":
		return problem.Invalidf("note", "Write a note for the client: what should they look at again, and why?")
	case len(r.Note) > maxIntakeReturnNote:
		return problem.Invalidf("note", "Please keep the note under 4,000 characters.")
	}
	res, err := t.exec(ctx, `UPDATE intake_answers SET completed_at = NULL WHERE clinic_id = ? AND course_id = ? AND completed_at IS NOT NULL`,
		r.ClinicID, r.CourseID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "This course has no finished intake to send back.")
	}
	sealed, err := t.sealText(ctx, intakeReturnBinding(r.ClinicID, r.ID), r.Note)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO intake_returns (id, clinic_id, client_id, course_id, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.ClinicID, r.ClientID, r.CourseID, sealed, r.By, r.At)
	return err
}

// LatestIntakeReturn is the most recent note sending the course back to
// intake; ok is false when it was never sent back.
func (t *Tx) LatestIntakeReturn(ctx context.Context, clinicID, courseID string) (r IntakeReturn, ok bool, err error) {
	err = t.queryRow(ctx, `SELECT r.id, r.clinic_id, r.client_id, r.course_id, r.note, r.by_user, u.name, r.at
		FROM intake_returns r JOIN users u ON u.id = r.by_user
		WHERE r.clinic_id = ? AND r.course_id = ? ORDER BY r.at DESC, r.id DESC LIMIT 1`, clinicID, courseID).
		Scan(&r.ID, &r.ClinicID, &r.ClientID, &r.CourseID, &r.Note, &r.By, &r.ByName, &r.At)
	if err == sql.ErrNoRows {
		return IntakeReturn{}, false, nil
	}
	if err != nil {
		return r, false, err
	}
	r.At = r.At.UTC()
	if r.Note, err = t.openText(ctx, intakeReturnBinding(clinicID, r.ID), r.Note); err != nil {
		return r, false, err
	}
	return r, true, nil
}
