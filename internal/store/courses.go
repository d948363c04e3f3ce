package store

import (
	"context"
	"database/sql"
	"time"

	"doorway/internal/care"
	"doorway/internal/problem"
)

// Course is one episode of care (DESIGN.md §3). It is minimal for now: the
// measures need its state, start and end; the preparation issue adds the rest.
type Course struct {
	ID        string
	ClinicID  string
	ClientID  string
	State     care.State
	StartedAt time.Time
	// PlannedEndAt is when the course is expected to end, if set; the
	// course-end measures open a week before it.
	PlannedEndAt *time.Time
	EndedAt      *time.Time
	CreatedAt    time.Time
}

// End is the actual end if there is one, otherwise the planned end; zero if
// neither is set. It is what the measures schedule counts from.
func (c Course) End() time.Time {
	switch {
	case c.EndedAt != nil:
		return *c.EndedAt
	case c.PlannedEndAt != nil:
		return *c.PlannedEndAt
	}
	return time.Time{}
}

// CreateCourse stores a new course.
func (t *Tx) CreateCourse(ctx context.Context, c *Course) error {
	if !c.State.Valid() {
		return problem.Invalidf("state", "A course cannot be in the state %q.", c.State)
	}
	if c.StartedAt.IsZero() {
		return problem.Invalidf("started_at", "A course needs a start date.")
	}
	_, err := t.exec(ctx, `INSERT INTO courses (id, clinic_id, client_id, state, started_at, planned_end_at, ended_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ClinicID, c.ClientID, string(c.State), c.StartedAt, c.PlannedEndAt, c.EndedAt, c.CreatedAt)
	return err
}

const courseCols = `id, clinic_id, client_id, state, started_at, planned_end_at, ended_at, created_at`

func scanCourse(sc interface{ Scan(...any) error }) (Course, error) {
	var c Course
	var state string
	var planned, ended sql.NullTime
	err := sc.Scan(&c.ID, &c.ClinicID, &c.ClientID, &state, &c.StartedAt, &planned, &ended, &c.CreatedAt)
	c.State = care.State(state)
	c.StartedAt = c.StartedAt.UTC()
	c.CreatedAt = c.CreatedAt.UTC()
	c.PlannedEndAt, c.EndedAt = nullTime(planned), nullTime(ended)
	return c, err
}

// CurrentCourse is the client's most recent course. ok is false when the
// client has none yet.
func (t *Tx) CurrentCourse(ctx context.Context, clinicID, clientID string) (c Course, ok bool, err error) {
	c, err = scanCourse(t.queryRow(ctx, `SELECT `+courseCols+` FROM courses WHERE clinic_id = ? AND client_id = ?
		ORDER BY started_at DESC, created_at DESC, id DESC LIMIT 1`, clinicID, clientID))
	if err == sql.ErrNoRows {
		return Course{}, false, nil
	}
	return c, err == nil, err
}

// CurrentCourses is the most recent course of each of the clients named,
// by client id (the caseload board's page of clients).
func (t *Tx) CurrentCourses(ctx context.Context, clinicID string, clientIDs []string) (map[string]Course, error) {
	in, args := inList("client_id", clientIDs)
	rows, err := t.query(ctx, `SELECT `+courseCols+` FROM courses WHERE clinic_id = ? AND `+in+` ORDER BY started_at, created_at, id`,
		append([]any{clinicID}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string]Course{}
	return out, eachRow(rows, func() error {
		c, err := scanCourse(rows)
		out[c.ClientID] = c // later rows are newer and win
		return err
	})
}
