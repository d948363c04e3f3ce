package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/seal"
)

// Goal kinds: an intention is the client's own words; a goal is agreed
// between client and therapist.
const (
	GoalIntention = "intention"
	GoalGoal      = "goal"
)

// Goal statuses. A goal is active until the care team marks it achieved or
// dropped; either is final, with when and by whom.
const (
	GoalActive   = "active"
	GoalAchieved = "achieved"
	GoalDropped  = "dropped"
)

// Goal is an intention or a goal of a course. Text is sealed at rest.
type Goal struct {
	ID        string
	ClinicID  string
	ClientID  string
	CourseID  string
	Kind      string
	Text      string
	Measure   string // a care.Target in its stored form, or ""
	Status    string // "active", "achieved" or "dropped"
	CreatedBy string
	CreatedAt time.Time
	// Agreement: a goal counts as agreed when both have agreed.
	AgreedByClientAt    *time.Time
	AgreedByTherapistAt *time.Time
	AgreedByTherapist   string
	// StatusAt and StatusBy (a user id) say when and by whom the goal was
	// marked achieved or dropped; nil and "" while it is active.
	StatusAt *time.Time
	StatusBy string
}

// Agreed reports whether client and therapist have both agreed to it.
func (g Goal) Agreed() bool { return g.AgreedByClientAt != nil && g.AgreedByTherapistAt != nil }

func goalBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "goals", Column: "text", RowID: id}
}

// AddGoal stores a new intention or goal. An intention is the client's, so
// it is agreed by them as it is written; a goal proposed by the therapist is
// agreed by its author.
func (t *Tx) AddGoal(ctx context.Context, g *Goal) error {
	g.Text = strings.TrimSpace(g.Text)
	switch {
	case g.Kind != GoalIntention && g.Kind != GoalGoal:
		return problem.Invalidf("kind", "Choose an intention or a goal.")
	case g.Text == "":
		if g.Kind == GoalIntention {
			return problem.Invalidf("text", "Write your intention in a few words.")
		}
		return problem.Invalidf("text", "Write the goal in a few words.")
	case len(g.Text) > 2000:
		return problem.Invalidf("text", "Please keep it under 2,000 characters.")
	}
	if err := problem.Prose("text", "The text", g.Text, 2000); err != nil {
		return err
	}
	if g.Status == "" {
		g.Status = GoalActive
	}
	sealed, err := t.sealText(ctx, goalBinding(g.ClinicID, g.ID), g.Text)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO goals (id, clinic_id, client_id, course_id, kind, text, measure, status, created_by, created_at,
		agreed_by_client_at, agreed_by_therapist_at, agreed_by_therapist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.ClinicID, g.ClientID, g.CourseID, g.Kind, sealed, g.Measure, g.Status, g.CreatedBy, g.CreatedAt,
		g.AgreedByClientAt, g.AgreedByTherapistAt, g.AgreedByTherapist)
	return err
}

// Goals lists a course's intentions and goals, oldest first.
func (t *Tx) Goals(ctx context.Context, clinicID, courseID string) ([]Goal, error) {
	return t.goals(ctx, `clinic_id = ? AND course_id = ?`, clinicID, courseID)
}

// ClientGoals lists every intention and goal of a client, over all courses.
func (t *Tx) ClientGoals(ctx context.Context, clinicID, clientID string) ([]Goal, error) {
	return t.goals(ctx, `clinic_id = ? AND client_id = ?`, clinicID, clientID)
}

func (t *Tx) goals(ctx context.Context, where string, args ...any) ([]Goal, error) {
	rows, err := t.query(ctx, `SELECT id, clinic_id, client_id, course_id, kind, text, measure, status, created_by, created_at,
		agreed_by_client_at, agreed_by_therapist_at, agreed_by_therapist, status_at, status_by FROM goals WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(g *Goal) error {
		var byClient, byTherapist, statusAt sql.NullTime
		if err := rows.Scan(&g.ID, &g.ClinicID, &g.ClientID, &g.CourseID, &g.Kind, &g.Text, &g.Measure, &g.Status, &g.CreatedBy,
			&g.CreatedAt, &byClient, &byTherapist, &g.AgreedByTherapist, &statusAt, &g.StatusBy); err != nil {
			return err
		}
		g.CreatedAt, g.AgreedByClientAt, g.AgreedByTherapistAt = g.CreatedAt.UTC(), nullTime(byClient), nullTime(byTherapist)
		g.StatusAt = nullTime(statusAt)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Text, err = t.openText(ctx, goalBinding(out[i].ClinicID, out[i].ID), out[i].Text); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AgreeGoalByClient records the client's agreement to a goal of theirs.
func (t *Tx) AgreeGoalByClient(ctx context.Context, clinicID, clientID, goalID string, at time.Time) error {
	return t.agreeGoal(ctx, `UPDATE goals SET agreed_by_client_at = ? WHERE clinic_id = ? AND client_id = ? AND id = ? AND agreed_by_client_at IS NULL`,
		at, clinicID, clientID, goalID)
}

// AgreeGoalByTherapist records a therapist's agreement to a client's goal
// or intention.
func (t *Tx) AgreeGoalByTherapist(ctx context.Context, clinicID, clientID, goalID, by string, at time.Time) error {
	return t.agreeGoal(ctx, `UPDATE goals SET agreed_by_therapist_at = ?, agreed_by_therapist = ? WHERE clinic_id = ? AND client_id = ? AND id = ? AND agreed_by_therapist_at IS NULL`,
		at, by, clinicID, clientID, goalID)
}

func (t *Tx) agreeGoal(ctx context.Context, q string, args ...any) error {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "That is already agreed, or it is not there any more.")
	}
	return nil
}

// GoalByID loads one goal or intention of a clinic by its id alone.
func (t *Tx) GoalByID(ctx context.Context, clinicID, id string) (Goal, error) {
	gs, err := t.goals(ctx, `clinic_id = ? AND id = ?`, clinicID, id)
	if err != nil {
		return Goal{}, err
	}
	if len(gs) == 0 {
		return Goal{}, problem.New(problem.NotFound, "The goal was not found.")
	}
	return gs[0], nil
}

// SetGoalStatus marks an active goal or intention of a client achieved or
// dropped. Either is final: a goal already marked is refused, so two people
// marking it at once cannot both succeed.
func (t *Tx) SetGoalStatus(ctx context.Context, clinicID, clientID, goalID, status, by string, at time.Time) error {
	if status != GoalAchieved && status != GoalDropped {
		return problem.Invalidf("status", "Choose achieved or dropped.")
	}
	res, err := t.exec(ctx, `UPDATE goals SET status = ?, status_at = ?, status_by = ? WHERE clinic_id = ? AND client_id = ? AND id = ? AND status = ?`,
		status, at, by, clinicID, clientID, goalID, GoalActive)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "That goal is already marked achieved or dropped, or it is not there any more.")
	}
	return nil
}
