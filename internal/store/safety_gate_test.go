package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The day's safety gates read the client's open flags, of every instrument,
// and the times of their high C-SSRS results of either version; an
// acknowledged flag is not open, a moderate C-SSRS is not high, and another
// client's are not theirs.
func TestSafetyGateFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := mustCourse(t, s, p, "A")
		other := mustCourse(t, s, p, "B")
		type resp struct {
			course             store.Course
			instrument         string
			tier               measures.Tier
			at                 time.Time
			flagged, acknowled bool
		}
		resps := []resp{
			{course, measures.PHQ9, "", now.Add(-26 * time.Hour), true, false},
			{course, measures.QIDSSR16, "", now.Add(-30 * 24 * time.Hour), true, true},
			{course, measures.CSSRSScreen, measures.TierHigh, now.Add(-3 * 24 * time.Hour), true, true},
			{course, measures.CSSRSScreenSLC, measures.TierHigh, now.Add(-40 * 24 * time.Hour), false, false},
			{course, measures.CSSRSScreen, measures.TierModerate, now.Add(-2 * time.Hour), true, false},
			{other, measures.PHQ9, "", now.Add(-time.Hour), true, false},
			{other, measures.CSSRSScreen, measures.TierHigh, now.Add(-time.Hour), false, false},
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			for _, r := range resps {
				asg := store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: r.course.ClientID, CourseID: r.course.ID,
					InstrumentID: r.instrument, Occasion: string(measures.OccasionRepeat), DueAt: r.at, CreatedAt: r.at}
				if err := tx.CreateAssignment(ctx, &asg); err != nil {
					return err
				}
				resp := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: p.Clinic.ID, ClientID: r.course.ClientID, CourseID: r.course.ID,
					InstrumentID: r.instrument, Answers: measures.Answers{}, Tier: string(r.tier), EnteredBy: p.Users["assigned"].ID,
					CompletedAt: r.at, RecordedAt: r.at}
				var flags []store.SafetyFlag
				if r.flagged {
					flags = []store.SafetyFlag{{ID: auth.NewID(), Kind: string(measures.FlagSuicideRisk), Severity: "high", Reason: "item answered", RaisedAt: r.at}}
				}
				if err := tx.SaveResponse(ctx, &resp, flags); err != nil {
					return err
				}
				if r.acknowled {
					if err := tx.AcknowledgeFlag(ctx, p.Clinic.ID, r.course.ClientID, flags[0].ID, p.Users["assigned"].ID, "Seen.", now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		var in care.GateInput
		if err := s.Read(ctx, func(tx *store.Tx) (err error) {
			in, err = tx.DayGateInput(ctx, course)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range in.OpenFlags {
			names = append(names, f.Instrument+" "+f.Kind+" "+f.RaisedAt.Format(time.RFC3339))
		}
		want := []string{
			"PHQ-9 suicide_risk " + now.Add(-26*time.Hour).Format(time.RFC3339),
			"C-SSRS screener suicide_risk " + now.Add(-2*time.Hour).Format(time.RFC3339),
		}
		slices.Sort(names)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("open flags: got %q, want %q", names, want)
		}
		wantHigh := []time.Time{now.Add(-40 * 24 * time.Hour), now.Add(-3 * 24 * time.Hour)}
		if len(in.CSSRSHighAt) != 2 || !in.CSSRSHighAt[0].Equal(wantHigh[0]) || !in.CSSRSHighAt[1].Equal(wantHigh[1]) {
			t.Errorf("high C-SSRS results: got %v, want %v", in.CSSRSHighAt, wantHigh)
		}
	})
}

// An override knows whether its author is on the client's care team now.
func TestOverridesSayWhetherTheAuthorIsOnTheCareTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := mustCourse(t, s, p, "A")
		off := store.User{ID: auth.NewID(), ClinicID: p.Clinic.ID, Email: "elsewhere@example.org", Name: "Dr Elsewhere", Kind: "staff",
			Roles: []store.Role{store.RolePrescriber}, CreatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &off); err != nil {
				return err
			}
			for _, by := range []string{p.Users["prescriber"].ID, off.ID} {
				if err := tx.AddGateOverride(ctx, &store.GateOverride{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: course.ClientID,
					CourseID: course.ID, GateID: care.GateBaseline, Reason: "On paper.", By: by, At: now}); err != nil {
					return err
				}
			}
			return nil
		})
		var in care.GateInput
		if err := s.Read(ctx, func(tx *store.Tx) (err error) {
			in, err = tx.GateInput(ctx, course)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, o := range in.Overrides {
			got[o.By] = o.OnCareTeam
		}
		if !got["Staff prescriber"] || got["Dr Elsewhere"] || len(got) != 2 {
			t.Errorf("on the care team: %v", got)
		}
	})
}
