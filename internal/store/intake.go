package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"doorway/internal/intake"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// A course's intake answers, sealed at rest.

// Intake is a course's intake answers with when they were last saved and
// completed.
type Intake struct {
	CourseID    string
	ClinicID    string
	ClientID    string
	Answers     intake.Answers
	UpdatedAt   time.Time
	CompletedAt *time.Time
}

func intakeBinding(clinicID, courseID string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "intake_answers", Column: "answers", RowID: courseID}
}

// CourseIntake loads a course's intake; ok is false when nothing is saved yet.
func (t *Tx) CourseIntake(ctx context.Context, clinicID, courseID string) (in Intake, ok bool, err error) {
	var sealed string
	var done sql.NullTime
	err = t.queryRow(ctx, `SELECT course_id, clinic_id, client_id, answers, updated_at, completed_at FROM intake_answers
		WHERE clinic_id = ? AND course_id = ?`, clinicID, courseID).Scan(&in.CourseID, &in.ClinicID, &in.ClientID, &sealed, &in.UpdatedAt, &done)
	if err == sql.ErrNoRows {
		return Intake{}, false, nil
	}
	if err != nil {
		return in, false, err
	}
	in.UpdatedAt, in.CompletedAt = in.UpdatedAt.UTC(), nullTime(done)
	plain, err := t.openText(ctx, intakeBinding(clinicID, courseID), sealed)
	if err != nil {
		return in, false, err
	}
	if err := json.Unmarshal([]byte(plain), &in.Answers); err != nil {
		return in, false, err
	}
	return in, true, nil
}

// SaveIntake writes a course's intake answers, sealed, replacing what was
// there. A completed intake is not changed by the client any more.
func (t *Tx) SaveIntake(ctx context.Context, in Intake) error {
	doc, err := json.Marshal(in.Answers)
	if err != nil {
		return err
	}
	sealed, err := t.sealText(ctx, intakeBinding(in.ClinicID, in.CourseID), string(doc))
	if err != nil {
		return err
	}
	sections := strings.Join(in.Answers.Saved, ",")
	res, err := t.exec(ctx, `UPDATE intake_answers SET answers = ?, sections = ?, updated_at = ?, completed_at = ?
		WHERE clinic_id = ? AND course_id = ? AND completed_at IS NULL`, sealed, sections, in.UpdatedAt, in.CompletedAt, in.ClinicID, in.CourseID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var exists int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM intake_answers WHERE clinic_id = ? AND course_id = ?`, in.ClinicID, in.CourseID).Scan(&exists); err != nil {
		return err
	}
	if exists > 0 {
		return problem.New(problem.Conflict, "This intake is already finished; your care team can help with any changes.")
	}
	_, err = t.exec(ctx, `INSERT INTO intake_answers (course_id, clinic_id, client_id, answers, sections, updated_at, completed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, in.CourseID, in.ClinicID, in.ClientID, sealed, sections, in.UpdatedAt, in.CompletedAt)
	return err
}

// --- screening decisions ---
