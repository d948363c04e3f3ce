package demo_test

import (
	"testing"
	"time"

	"doorway/internal/demo"
	"doorway/internal/screening"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The demo's front door tells DEMO.md's story: Ivy's inquiry is two days
// old, Omar waits at screening with the benzodiazepine rule fired (lorazepam
// 1 mg twice a day = 20 mg diazepam-equivalent), Grace was declined for a
// past brain haemorrhage, and the clients further along hold approvals
// that are still valid.
func TestDemoFrontDoor(t *testing.T) {
	st, now := seeded(t, storetest.Engines(t)[0])
	type got struct {
		intake   store.Intake
		decision store.ScreeningDecision
		decided  bool
	}
	load := func(email string) got {
		t.Helper()
		var g got
		err := st.Read(ctx, func(tx *store.Tx) error {
			u, err := tx.UserByEmail(ctx, email)
			if err != nil {
				return err
			}
			cl, err := tx.ClientByUser(ctx, u.ID)
			if err != nil {
				return err
			}
			co, _, err := tx.CurrentCourse(ctx, cl.ClinicID, cl.ID)
			if err != nil {
				return err
			}
			if g.intake, _, err = tx.CourseIntake(ctx, cl.ClinicID, co.ID); err != nil {
				return err
			}
			g.decision, g.decided, err = tx.LatestScreeningDecision(ctx, cl.ClinicID, co.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	omar := load("omar@stillwater.example")
	if omar.intake.CompletedAt == nil || omar.decided {
		t.Errorf("Omar: intake done %v, decided %v; want done and waiting", omar.intake.CompletedAt, omar.decided)
	}
	res := screening.Evaluate(omar.intake.Answers.Facts(*omar.intake.CompletedAt, "1975-07-18", ""), screening.Settings{})
	if !res.Has("review.benzodiazepine") || res.Tier != screening.Review {
		t.Errorf("Omar's screening = %+v", res)
	}
	grace := load("grace@stillwater.example")
	if !grace.decided || grace.decision.Kind != screening.Decline || grace.decision.Tier != screening.Exclude || grace.decision.Rules[0] != "exclude.ich" {
		t.Errorf("Grace's decision = %+v", grace.decision)
	}
	for _, who := range []string{"maya", "daniel", "lena", "tom", "priya", "ben", "noah", "ruth"} {
		g := load(who + "@stillwater.example")
		if !g.decided || !g.decision.Kind.Approves() || g.decision.ExpiresAt == nil || !g.decision.ExpiresAt.After(now) {
			t.Errorf("%s: decision %+v; want a valid approval", who, g.decision)
		}
	}
	var list []store.Inquiry
	st.Read(ctx, func(tx *store.Tx) error {
		c, err := tx.ClinicByRef(ctx, demo.ShortName)
		if err != nil {
			return err
		}
		list, err = tx.Inquiries(ctx, c.ID, store.InquiryNew)
		return err
	})
	if len(list) != 1 || list[0].Name != "Ivy Nakamura" || !list[0].ReceivedAt.Equal(now.Add(-48*time.Hour)) {
		t.Errorf("inquiries = %+v", list)
	}
}
