package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Intentions and goals of a course: the client writes their intentions and
// agrees to goals in their portal; the care team proposes goals, agrees to
// intentions and marks either achieved or dropped.

// PortalGoals are the signed-in client's intentions and goals on their
// current course, with their latest scores and the staff's names.
type PortalGoals struct {
	HasCourse  bool
	Goals      []store.Goal
	Latest     map[string]int
	StaffNames map[string]string
}

// Goal problems name the part of the course page they are about.
const (
	FieldMeasure    = "measure"     // a goal's measurable target
	FieldGoalStatus = "goal_status" // achieved or dropped
)

var (
	opGoalList   = op{action: "goal.list"}
	opGoalAdd    = op{action: "goal.add"}
	opGoalAgree  = op{action: "goal.agree"}
	opGoalStatus = op{action: "goal.status"}
)

// MyGoals lists the signed-in client's intentions and goals; the listing
// is recorded.
func (s *Service) MyGoals(ctx context.Context, a Actor) (PortalGoals, error) {
	var out PortalGoals
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opGoalList, a.P.ClientID, access.ClientPortal, access.Read)
		if err != nil {
			return err
		}
		c := ch.Client
		course, has, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
		if err != nil || !has {
			return err
		}
		out.HasCourse = true
		if out.Goals, err = tx.Goals(ctx, c.ClinicID, course.ID); err != nil {
			return err
		}
		if out.Latest, err = latestTotals(ctx, tx, c); err != nil {
			return err
		}
		out.StaffNames, err = tx.StaffNames(ctx, c.ClinicID)
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opGoalList.action, ResourceType: "goal", ClientID: a.P.ClientID})
}

// AddIntention records an intention of the signed-in client, in their own
// words, agreed by them as they write it.
func (s *Service) AddIntention(ctx context.Context, a Actor, text string) (store.Goal, error) {
	var g store.Goal
	err := s.changeGoal(ctx, a, opGoalAdd, a.P.ClientID, access.ClientPortal, func(tx *store.Tx, course store.Course) (string, string, error) {
		now := s.Now()
		g = store.Goal{ID: auth.NewID(), ClinicID: course.ClinicID, ClientID: course.ClientID, CourseID: course.ID, Kind: store.GoalIntention,
			Text: text, CreatedBy: a.P.UserID, CreatedAt: now, AgreedByClientAt: &now}
		return g.ID, "", tx.AddGoal(ctx, &g)
	})
	return g, err
}

// AddGoal proposes a goal for a client's course, agreed by the clinician
// who writes it; the client agrees to it in their portal. Its target, if
// it has one, is a questionnaire's total (phq9<10).
func (s *Service) AddGoal(ctx context.Context, a Actor, clientID, text, target string) (store.Goal, error) {
	var g store.Goal
	err := s.changeGoal(ctx, a, opGoalAdd, clientID, access.ClinicalCare, func(tx *store.Tx, course store.Course) (string, string, error) {
		measure, err := checkTarget(strings.TrimSpace(target))
		if err != nil {
			return "", "", err
		}
		now := s.Now()
		g = store.Goal{ID: auth.NewID(), ClinicID: course.ClinicID, ClientID: course.ClientID, CourseID: course.ID, Kind: store.GoalGoal,
			Text: text, Measure: measure, CreatedBy: a.P.UserID, CreatedAt: now, AgreedByTherapistAt: &now, AgreedByTherapist: a.P.UserID}
		return g.ID, "", tx.AddGoal(ctx, &g)
	})
	return g, err
}

// AgreeGoal records agreement to one of a client's goals or intentions:
// the client's own in their portal (a client agrees only for themself),
// or a clinician's on their care team.
func (s *Service) AgreeGoal(ctx context.Context, a Actor, clientID, goalID string) error {
	t := access.ClinicalCare
	if a.P.Kind == access.Client {
		t = access.ClientPortal
	}
	return s.changeGoal(ctx, a, opGoalAgree, clientID, t, func(tx *store.Tx, course store.Course) (string, string, error) {
		if t == access.ClientPortal {
			return goalID, "", tx.AgreeGoalByClient(ctx, course.ClinicID, course.ClientID, goalID, s.Now())
		}
		return goalID, "", tx.AgreeGoalByTherapist(ctx, course.ClinicID, course.ClientID, goalID, a.P.UserID, s.Now())
	})
}

// SetGoalStatus marks a client's goal or intention achieved or dropped,
// once, with the date and who marked it; the client sees it in their
// portal.
func (s *Service) SetGoalStatus(ctx context.Context, a Actor, clientID, goalID, status string) error {
	err := s.changeGoal(ctx, a, opGoalStatus, clientID, access.ClinicalCare, func(tx *store.Tx, course store.Course) (string, string, error) {
		return goalID, status, tx.SetGoalStatus(ctx, course.ClinicID, course.ClientID, goalID, status, a.P.UserID, s.Now())
	})
	if problem.CodeOf(err) == problem.Invalid {
		err = problem.Invalidf(FieldGoalStatus, "%s", problem.MessageOf(err))
	}
	return err
}

// changeGoal makes one change to a client's goals on their current course,
// once access allows the actor to act on the record as t, and records it
// under o with the goal and detail change returns, in one transaction.
func (s *Service) changeGoal(ctx context.Context, a Actor, o op, clientID string, t access.Type,
	change func(tx *store.Tx, course store.Course) (goalID, detail string, err error)) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, course, err := s.courseFor(ctx, tx, a, o, clientID, t, access.Write)
		if err != nil {
			return err
		}
		goalID, detail, err := change(tx, course)
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: o.action, ResourceType: "goal", ResourceID: goalID, ClientID: ch.Client.ID, Detail: detail})
	})
}

// checkTarget reads a goal's target and checks its questionnaire has a
// total; "" is a goal without one.
func checkTarget(s string) (string, error) {
	t, ok, err := care.ParseTarget(s)
	if err != nil || !ok {
		return "", err
	}
	// The C-SSRS has tiers, not a total, so it cannot be a target.
	if _, found := measures.ByID(t.Instrument); !found || t.Instrument == measures.CSSRSScreen || t.Instrument == measures.CSSRSScreenSLC {
		return "", problem.Invalidf(FieldMeasure, "There is no questionnaire %q with a total score; use phq9, gad7, pcl5 or qids_sr16.", t.Instrument)
	}
	return t.String(), nil
}
