package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/seal"
)

// The end of a course: the care team's review of each goal and intention,
// the client's own words about it, and the client's choice about their
// course summary. A review may be revised until the summary is taken away;
// it is a working judgement, not a signed note.

// GoalReview is how one goal or intention ended.
type GoalReview struct {
	GoalID   string
	ClinicID string
	ClientID string
	CourseID string
	// Outcome is "" until the care team has reviewed the goal.
	Outcome    care.GoalOutcome
	ReviewedBy string
	ReviewedAt *time.Time
	// ClientWords are the client's own words about the goal, from their
	// portal; sealed at rest.
	ClientWords   string
	ClientWordsAt *time.Time
}

// MaxGoalWordsRunes is how long a client's words about one goal may be.
const MaxGoalWordsRunes = 4000

func goalWordsBinding(clinicID, goalID string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "goal_reviews", Column: "client_words", RowID: goalID}
}

// ReviewGoal records the care team's outcome for a goal of a client's
// course, replacing an earlier one; the client's words stay.
func (t *Tx) ReviewGoal(ctx context.Context, g Goal, outcome care.GoalOutcome, by string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO goal_reviews (goal_id, clinic_id, client_id, course_id, outcome, reviewed_by, reviewed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (goal_id) DO UPDATE SET outcome = excluded.outcome, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at`,
		g.ID, g.ClinicID, g.ClientID, g.CourseID, string(outcome), by, at)
	return err
}

// SetGoalWords keeps the client's own words about a goal of their course;
// empty words take them away.
func (t *Tx) SetGoalWords(ctx context.Context, g Goal, words string, at time.Time) error {
	words = strings.TrimSpace(strings.ReplaceAll(words, "\r\n", "\n"))
	if utf8.RuneCountInString(words) > MaxGoalWordsRunes {
		return problem.Invalidf("words", "Please keep this under %d characters.", MaxGoalWordsRunes)
	}
	if err := problem.Prose("words", "What you wrote", words, MaxGoalWordsRunes); err != nil {
		return err
	}
	sealed, err := t.sealText(ctx, goalWordsBinding(g.ClinicID, g.ID), words)
	if err != nil {
		return err
	}
	var when *time.Time
	if words != "" {
		when = &at
	}
	_, err = t.exec(ctx, `INSERT INTO goal_reviews (goal_id, clinic_id, client_id, course_id, client_words, client_words_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (goal_id) DO UPDATE SET client_words = excluded.client_words, client_words_at = excluded.client_words_at`,
		g.ID, g.ClinicID, g.ClientID, g.CourseID, sealed, when)
	return err
}

// GoalReviews are the reviews of a course's goals, by goal id.
func (t *Tx) GoalReviews(ctx context.Context, clinicID, courseID string) (map[string]GoalReview, error) {
	rows, err := t.query(ctx, `SELECT goal_id, clinic_id, client_id, course_id, outcome, reviewed_by, reviewed_at, client_words, client_words_at
		FROM goal_reviews WHERE clinic_id = ? AND course_id = ?`, clinicID, courseID)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(r *GoalReview) error {
		var outcome string
		var reviewed, worded sql.NullTime
		if err := rows.Scan(&r.GoalID, &r.ClinicID, &r.ClientID, &r.CourseID, &outcome, &r.ReviewedBy, &reviewed, &r.ClientWords, &worded); err != nil {
			return err
		}
		r.Outcome, r.ReviewedAt, r.ClientWordsAt = care.GoalOutcome(outcome), nullTime(reviewed), nullTime(worded)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]GoalReview, len(list))
	for _, r := range list {
		if r.ClientWords, err = t.openText(ctx, goalWordsBinding(r.ClinicID, r.GoalID), r.ClientWords); err != nil {
			return nil, err
		}
		out[r.GoalID] = r
	}
	return out, nil
}

// SummaryChoice is what the client has chosen about their course summary.
type SummaryChoice struct {
	// IncludeReflections: their shared reflections go into the summary.
	// Off until they turn it on.
	IncludeReflections bool
	UpdatedAt          *time.Time // nil until they have chosen
}

// CourseSummaryChoice reads the client's choice about a course's summary.
func (t *Tx) CourseSummaryChoice(ctx context.Context, clinicID, courseID string) (SummaryChoice, error) {
	var include int
	var at time.Time
	err := t.queryRow(ctx, `SELECT include_reflections, updated_at FROM course_summaries WHERE clinic_id = ? AND course_id = ?`, clinicID, courseID).
		Scan(&include, &at)
	if err == sql.ErrNoRows {
		return SummaryChoice{}, nil
	}
	at = at.UTC()
	return SummaryChoice{IncludeReflections: include == 1, UpdatedAt: &at}, err
}

// SetCourseSummaryChoice records the client's choice about a course's
// summary.
func (t *Tx) SetCourseSummaryChoice(ctx context.Context, c Course, include bool, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO course_summaries (course_id, clinic_id, client_id, include_reflections, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (course_id) DO UPDATE SET include_reflections = excluded.include_reflections, updated_at = excluded.updated_at`,
		c.ID, c.ClinicID, c.ClientID, b2i(include), at)
	return err
}
