package practice

import (
	"context"
	"strconv"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The end of a course: the care team reviews each goal and intention
// (achieved, partly, not yet, dropped), the client adds their own words
// about each in their portal if they like, and either of them takes away a
// summary of the course as a PDF: the scores with the medicine sessions
// marked, the sessions and their doses, the goals and how they ended, and
// the client's shared reflections only if the client agrees (off until
// they say so). Taking the summary is recorded as an export of the record.

// CourseReview is a course's goals with how each ended, the client's words
// and their choice about the summary.
type CourseReview struct {
	Client    store.Client
	HasCourse bool
	Course    store.Course
	// Open: the course has come far enough for a review (care.ReviewOpen).
	Open    bool
	Goals   []store.Goal
	Reviews map[string]store.GoalReview // by goal id
	Latest  map[string]int
	Choice  store.SummaryChoice
	// StaffNames name who reviewed what.
	StaffNames map[string]string
	// CanWrite: a clinician on the care team, who reviews the goals.
	CanWrite bool
}

// Outcome is how a goal ended: the care team's review, or the goal's own
// mark (achieved or dropped on the course page) before any review.
func (r CourseReview) Outcome(g store.Goal) care.GoalOutcome {
	if o := r.Reviews[g.ID].Outcome; o != "" {
		return o
	}
	switch g.Status {
	case store.GoalAchieved:
		return care.OutcomeAchieved
	case store.GoalDropped:
		return care.OutcomeDropped
	}
	return ""
}

// FieldOutcome names a goal's outcome in a problem; FieldWords the
// client's words.
const (
	FieldOutcome = "outcome"
	FieldWords   = "words"
)

var (
	opReviewRead        = op{action: "course_review.read"}
	opReviewGoal        = op{action: "goal.review"}
	opGoalWords         = op{action: "goal.words"}
	opSummaryChoice     = op{action: "course_summary.choice"}
	opCourseSummary     = op{action: "client.export"}
	errReviewNotOpenYet = problem.New(problem.Conflict, "Goals are reviewed once medicine sessions have begun.")
)

// CourseReview loads the review of a client's current course for the care
// team; the reading is recorded.
func (s *Service) CourseReview(ctx context.Context, a Actor, clientID string) (CourseReview, error) {
	var out CourseReview
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opReviewRead, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		out.CanWrite = ch.may(a, access.Write, access.ClinicalCare)
		return loadReview(ctx, tx, ch.Client, &out)
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opReviewRead.action, ResourceType: "course", ResourceID: out.Course.ID, ClientID: out.Client.ID,
		Detail: reviewCount(out)})
}

// MyCourseReview loads the signed-in client's review of their current
// course; the reading is recorded.
func (s *Service) MyCourseReview(ctx context.Context, a Actor) (CourseReview, error) {
	var out CourseReview
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opReviewRead, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		return loadReview(ctx, tx, ch.Client, &out)
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opPortalRead.action, ResourceType: "course_review", ResourceID: out.Course.ID, ClientID: a.P.ClientID})
}

// loadReview loads the review of c's current course into out.
func loadReview(ctx context.Context, tx *store.Tx, c store.Client, out *CourseReview) error {
	out.Client = c
	var err error
	if out.Course, out.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !out.HasCourse {
		return err
	}
	out.Open = care.ReviewOpen(out.Course.State)
	if out.Goals, err = tx.Goals(ctx, c.ClinicID, out.Course.ID); err != nil {
		return err
	}
	if out.Reviews, err = tx.GoalReviews(ctx, c.ClinicID, out.Course.ID); err != nil {
		return err
	}
	if out.Latest, err = latestTotals(ctx, tx, c); err != nil {
		return err
	}
	if out.Choice, err = tx.CourseSummaryChoice(ctx, c.ClinicID, out.Course.ID); err != nil {
		return err
	}
	out.StaffNames, err = tx.StaffNames(ctx, c.ClinicID)
	return err
}

// ReviewGoal records how one of a client's goals or intentions ended, in
// the care team's judgement; a review can be revised. Achieved and
// dropped also mark the goal itself, as the course page does, so the goal
// reads the same everywhere; a goal already marked keeps its mark, and its
// review must agree with it.
func (s *Service) ReviewGoal(ctx context.Context, a Actor, clientID, goalID, outcome string) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opReviewGoal, clientID, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		g, err := s.courseGoal(ctx, tx, a, opReviewGoal, course, goalID)
		if err != nil {
			return err
		}
		if !care.ReviewOpen(course.State) {
			return errReviewNotOpenYet
		}
		o, err := care.ParseGoalOutcome(outcome)
		if err != nil {
			return err
		}
		now := s.Now()
		switch {
		case g.Status == store.GoalActive && o.Final():
			if err := tx.SetGoalStatus(ctx, g.ClinicID, g.ClientID, g.ID, string(o), a.P.UserID, now); err != nil {
				return err
			}
		case g.Status != store.GoalActive && string(o) != g.Status:
			return problem.Invalidf(FieldOutcome, "This goal is already marked %s, so that is how it ended.", g.Status)
		}
		if err := tx.ReviewGoal(ctx, g, o, a.P.UserID, now); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opReviewGoal.action, ResourceType: "goal", ResourceID: g.ID, ClientID: ch.Client.ID})
	})
}

// courseGoal is one goal or intention of a course; one of another course,
// or none, is refused as absent.
func (s *Service) courseGoal(ctx context.Context, tx *store.Tx, a Actor, o op, course store.Course, goalID string) (store.Goal, error) {
	gs, err := tx.Goals(ctx, course.ClinicID, course.ID)
	if err != nil {
		return store.Goal{}, err
	}
	for _, g := range gs {
		if g.ID == goalID {
			return g, nil
		}
	}
	return store.Goal{}, s.refuse(a, o, "goal", goalID, "not of this course", "That goal was not found.")
}

// SetGoalWords keeps the signed-in client's own words about how one of
// their goals or intentions ended; empty words take them away.
func (s *Service) SetGoalWords(ctx context.Context, a Actor, goalID, words string) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opGoalWords, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		g, err := s.courseGoal(ctx, tx, a, opGoalWords, course, goalID)
		if err != nil {
			return err
		}
		if !care.ReviewOpen(course.State) {
			return errReviewNotOpenYet
		}
		if err := tx.SetGoalWords(ctx, g, words, s.Now()); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opGoalWords.action, ResourceType: "goal", ResourceID: g.ID, ClientID: ch.Client.ID})
	})
}

// SetSummaryReflections records whether the signed-in client agrees to
// their shared reflections going into their course summary.
func (s *Service) SetSummaryReflections(ctx context.Context, a Actor, include bool) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, opSummaryChoice, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		if err := tx.SetCourseSummaryChoice(ctx, course, include, s.Now()); err != nil {
			return err
		}
		detail := "shared reflections left out"
		if include {
			detail = "shared reflections included"
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opSummaryChoice.action, ResourceType: "course", ResourceID: course.ID, ClientID: ch.Client.ID,
			Detail: detail})
	})
}

// CourseSummary is what a course's summary PDF holds; drawing it is
// internal/export's.
type CourseSummary struct {
	CourseReview
	Generated time.Time
	// Trends are the course's scores of each instrument, with its medicine
	// sessions' doses marked.
	Trends []Trend
	// Sessions are the course's medicine sessions, oldest first.
	Sessions []store.MedicineSession
	// Reflections are the client's shared journal entries of the course,
	// oldest first: only when the client agrees, and only what the reader
	// may read of them.
	Reflections []store.JournalEntry
	// ReflectionsReadable: the reader may read what the client shares (the
	// client, or the care team; not an admin off it), so a summary without
	// reflections can say why.
	ReflectionsReadable bool
}

// ExportCourseSummary loads the summary of a client's current course, for
// the care team or for the client themself, and records it as an export
// of the record.
func (s *Service) ExportCourseSummary(ctx context.Context, a Actor, clientID string) (CourseSummary, error) {
	out := CourseSummary{Generated: s.Now()}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opCourseSummary, clientID, access.ClientRecord, access.Export)
		if err != nil {
			return err
		}
		c := ch.Client
		if err := loadReview(ctx, tx, c, &out.CourseReview); err != nil {
			return err
		}
		if !out.HasCourse {
			return problem.New(problem.Conflict, "There is no course to summarise yet.")
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		sc, err := readScores(ctx, tx, c, "", false)
		if err != nil {
			return err
		}
		sc = sc.ofCourse(out.Course)
		for _, in := range measures.All() {
			if t := sc.trend(in, st); len(t.Responses) > 0 {
				out.Trends = append(out.Trends, t)
			}
		}
		ms, err := tx.ClientMedicineSessions(ctx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.CourseID == out.Course.ID {
				out.Sessions = append(out.Sessions, m)
			}
		}
		out.ReflectionsReadable = sharedWithReader(a, ch, true)
		out.Reflections, err = s.summaryReflections(ctx, tx, a, ch, out.CourseReview)
		return err
	})
	if err != nil {
		return out, err
	}
	c := out.Client
	return out, s.Record(ctx, a, audit.Entry{Action: opCourseSummary.action, ResourceType: "course", ResourceID: out.Course.ID, ClientID: c.ID,
		Detail: "course summary PDF; " + plural(len(out.Reflections), "shared reflection", "shared reflections")})
}

// summaryReflections are the client's shared journal entries written since
// the course began, oldest first, when the client agrees to their going
// into the summary; each is put to the one decision about the reader.
func (s *Service) summaryReflections(ctx context.Context, tx *store.Tx, a Actor, ch chart, r CourseReview) ([]store.JournalEntry, error) {
	if !r.Choice.IncludeReflections {
		return nil, nil
	}
	entries, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, SharedOnly: true})
	if err != nil {
		return nil, err
	}
	var out []store.JournalEntry
	for i := len(entries) - 1; i >= 0; i-- { // newest first from the store
		e := entries[i]
		if e.Shared() && !e.CreatedAt.Before(r.Course.StartedAt) && sharedWithReader(a, ch, e.Shared()) {
			out = append(out, e)
		}
	}
	return out, nil
}

// ofCourse keeps the scores and doses of one course: those taken for it,
// and, for a score taken for no course, those after it began.
func (sc clientScores) ofCourse(co store.Course) clientScores {
	var rs []store.Response
	for _, r := range sc.responses {
		if r.CourseID == co.ID || (r.CourseID == "" && !r.CompletedAt.Before(co.StartedAt)) {
			rs = append(rs, r)
		}
	}
	var doses []time.Time
	for _, d := range sc.doses {
		if !d.Before(co.StartedAt) && (co.EndedAt == nil || !d.After(*co.EndedAt)) {
			doses = append(doses, d)
		}
	}
	sc.responses, sc.doses = rs, doses
	return sc
}

// reviewCount says how far a review has come, for the log.
func reviewCount(r CourseReview) string {
	n := 0
	for _, g := range r.Goals {
		if r.Outcome(g) != "" {
			n++
		}
	}
	return strconv.Itoa(n) + " of " + strconv.Itoa(len(r.Goals)) + " goals reviewed"
}
