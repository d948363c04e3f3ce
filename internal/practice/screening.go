package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/store"
)

// Screening: the clinic's rules applied to a client's finished intake and
// latest C-SSRS screener, and the prescriber's decision on it, which moves
// the course on to preparation or declines it.

// ScreeningCase is what the prescriber's screening page shows of a client.
type ScreeningCase struct {
	Client    store.Client
	HasCourse bool
	Course    store.Course
	Intake    store.Intake
	// Result is the rules applied to the intake, as of when it was
	// finished, with the clinic's settings.
	Result screening.Result
	// ApprovalDays is how long an approval given now would last.
	ApprovalDays int
	// Decision is the latest decision on the course, if there is one, with
	// the name of who made it, and whether its approval has lapsed.
	Decision  *store.ScreeningDecision
	DecidedBy string
	// Lapsed: the approval has expired; ExpiresOn is the clinic calendar
	// day it expires on (it holds through the day before), counted as the
	// screening gate counts it (care.ApprovalExpiry).
	Lapsed    bool
	ExpiresOn calendar.Day
	// Retired names the rules recorded with the decision that are no
	// longer in use (screening.RuleTitle), so an old decision stays
	// readable.
	RuleTitles []string
	// CanDecide: the viewer may record a decision (a prescriber on the
	// care team), and the course waits for one.
	CanDecide bool
}

// screeningFile is what screening a client's course reads and decides on.
type screeningFile struct {
	chart
	hasCourse bool
	course    store.Course
	intake    store.Intake
	result    screening.Result
	settings  screening.Settings
	gates     care.Settings // the clinic's calendar and approval length
	decision  store.ScreeningDecision
	decided   bool
}

// careDecision is the latest decision as the screening gate reads it.
func (f screeningFile) careDecision() care.ScreeningDecision {
	return care.ScreeningDecision{Kind: f.decision.Kind, Tier: f.decision.Tier, At: f.decision.DecidedAt, ExpiresAt: f.decision.ExpiresAt}
}

var (
	opScreeningRead   = op{action: "screening.read"}
	opScreeningDecide = op{action: "screening.decide"}
)

// Screening is the prescriber's screening page of a client; the reading is
// recorded.
func (s *Service) Screening(ctx context.Context, a Actor, clientID string) (ScreeningCase, error) {
	var out ScreeningCase
	now := s.Now()
	err := s.read(ctx, a, func(tx *store.Tx) error {
		f, err := s.screeningOf(ctx, tx, a, opScreeningRead, clientID, access.Read)
		if err != nil {
			return err
		}
		out = ScreeningCase{Client: f.Client, HasCourse: f.hasCourse, Course: f.course, Intake: f.intake, Result: f.result,
			ApprovalDays: care.Settings{Screening: f.settings}.WithDefaults().Screening.ApprovalDays,
			CanDecide:    f.may(a, access.Write, access.PrescriberOrder) && f.awaitsDecision(now)}
		if !f.decided {
			return nil
		}
		d := f.decision
		out.Decision = &d
		if d.Kind.Approves() {
			out.ExpiresOn = care.ApprovalExpiry(f.careDecision(), f.gates)
			out.Lapsed = care.ApprovalExpired(f.careDecision(), f.gates, now)
		}
		for _, id := range d.Rules {
			out.RuleTitles = append(out.RuleTitles, screening.RuleTitle(id))
		}
		names, err := tx.StaffNames(ctx, f.Client.ClinicID)
		out.DecidedBy = names[d.DecidedBy]
		return err
	})
	if err != nil {
		return out, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opScreeningRead.action, ResourceType: "screening", ResourceID: out.Course.ID, ClientID: out.Client.ID})
}

// DecideScreening records the prescriber's decision on a client's
// screening. An approval moves the course on to preparation (or renews
// one given before) and lasts the clinic's approval period; a decline
// closes the course. A decision the rules do not allow (approving over an
// exclusion, or over a review without a reason) is refused by the field.
func (s *Service) DecideScreening(ctx context.Context, a Actor, clientID string, d screening.Decision) (store.ScreeningDecision, error) {
	var rec store.ScreeningDecision
	now := s.Now()
	d.Note = strings.TrimSpace(d.Note)
	err := s.write(ctx, a, func(tx *store.Tx) error {
		f, err := s.screeningOf(ctx, tx, a, opScreeningDecide, clientID, access.Write)
		if err != nil {
			return err
		}
		if !f.awaitsDecision(now) {
			return problem.New(problem.Conflict, "This client's course is not waiting for a screening decision.")
		}
		if err := screening.CheckDecision(f.result, d); err != nil {
			return err
		}
		rec = store.ScreeningDecision{ID: auth.NewID(), ClinicID: f.Client.ClinicID, ClientID: f.Client.ID, CourseID: f.course.ID,
			Kind: d.Kind, Tier: f.result.Tier, Note: d.Note, DecidedBy: a.P.UserID, DecidedAt: now}
		for _, fr := range f.result.Fired {
			rec.Rules = append(rec.Rules, fr.Rule.ID)
		}
		to := care.Declined
		if d.Kind.Approves() {
			exp := screening.ExpiresAt(now, f.settings)
			rec.ExpiresAt = &exp
			to = care.Preparation
		}
		if f.course.State != to {
			if err := tx.SetCourseState(ctx, f.course, to, now); err != nil {
				return err
			}
		}
		if err := tx.RecordScreeningDecision(ctx, &rec); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opScreeningDecide.action, ResourceType: "screening", ResourceID: rec.ID, ClientID: f.Client.ID,
			Severity: audit.High}) // the decision and its tier are in the record
	})
	return rec, err
}

// screeningOf reads a client's screening, once access allows the actor to
// act on their prescriber's orders (read, or write to decide).
func (s *Service) screeningOf(ctx context.Context, tx *store.Tx, a Actor, o op, clientID string, act access.Action) (screeningFile, error) {
	var f screeningFile
	var err error
	if f.chart, err = s.chartFor(ctx, tx, a, o, clientID, access.PrescriberOrder, act); err != nil {
		return f, err
	}
	c := f.Client
	if f.course, f.hasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil || !f.hasCourse {
		return f, err
	}
	if f.intake, err = courseIntake(ctx, tx, f.course); err != nil {
		return f, err
	}
	st, err := s.settings(ctx, tx, a)
	if err != nil {
		return f, err
	}
	f.settings, f.gates = st.Screening, st.Gates
	if f.result, err = evaluateScreening(ctx, tx, c, f.intake, f.settings); err != nil {
		return f, err
	}
	f.decision, f.decided, err = tx.LatestScreeningDecision(ctx, c.ClinicID, f.course.ID)
	return f, err
}

// awaitsDecision: a finished intake whose course is in screening waits for
// a decision; one in preparation only when its approval has lapsed (or was
// never recorded), so the prescriber can renew it.
func (f screeningFile) awaitsDecision(now time.Time) bool {
	if !f.hasCourse || f.intake.CompletedAt == nil {
		return false
	}
	switch f.course.State {
	case care.Screening:
		return true
	case care.Preparation:
		// Expired as the gate counts it: on the clinic's calendar.
		return !f.decided || !f.decision.Kind.Approves() || f.decision.ExpiresAt == nil || care.ApprovalExpired(f.careDecision(), f.gates, now)
	}
	return false
}

// evaluateScreening applies the clinic's screening settings to the intake
// and the client's latest C-SSRS screener, as of when intake was finished.
func evaluateScreening(ctx context.Context, tx *store.Tx, c store.Client, in store.Intake, set screening.Settings) (screening.Result, error) {
	tier, err := latestCSSRS(ctx, tx, c)
	if err != nil {
		return screening.Result{}, err
	}
	asOf := in.UpdatedAt
	if in.CompletedAt != nil {
		asOf = *in.CompletedAt
	}
	return screening.Evaluate(in.Answers.Facts(asOf, c.DateOfBirth, tier), set), nil
}

// latestCSSRS is the tier of the client's newest C-SSRS screener, of either
// version (recent or since last contact).
func latestCSSRS(ctx context.Context, tx *store.Tx, c store.Client) (screening.CSSRSTier, error) {
	var latest *store.Response
	for _, id := range []string{measures.CSSRSScreen, measures.CSSRSScreenSLC} {
		rs, err := tx.Responses(ctx, c.ClinicID, c.ID, id)
		if err != nil {
			return screening.CSSRSUnknown, err
		}
		// Responses are oldest first: the last is the newest of this version.
		if n := len(rs); n > 0 && (latest == nil || newerResponse(rs[n-1], *latest)) {
			latest = &rs[n-1]
		}
	}
	if latest == nil {
		return screening.CSSRSUnknown, nil
	}
	return screening.CSSRSTier(latest.Tier), nil
}

// newerResponse reports whether a was completed after b, or at the same
// time and recorded later.
func newerResponse(a, b store.Response) bool {
	if !a.CompletedAt.Equal(b.CompletedAt) {
		return a.CompletedAt.After(b.CompletedAt)
	}
	return a.RecordedAt.After(b.RecordedAt)
}
