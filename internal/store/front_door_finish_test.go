package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/intake"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestReturnToIntake opens a finished intake again with a sealed note, on
// both engines; the note reads back, cannot be changed, and an intake that
// is not finished cannot be sent back.
func TestReturnToIntake(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			a := p.Clients["A"]
			course := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, State: care.Screening, StartedAt: now, CreatedAt: now}
			in := store.Intake{CourseID: course.ID, ClinicID: p.Clinic.ID, ClientID: a.ID, UpdatedAt: now, CompletedAt: &now}
			sec, _ := intake.SectionByID("hopes")
			if err := in.Answers.Save(sec, map[string]string{"indication": "clinical", "hopes": "Sleep"}, nil); err != nil {
				t.Fatal(err)
			}
			const secret = "Sealed-Return-Marker"
			later := now.Add(time.Hour)
			r := store.IntakeReturn{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Note: "  " + secret + "  ",
				By: p.Users["prescriber"].ID, At: later}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.CreateCourse(ctx, &course); err != nil {
					return err
				}
				if err := tx.SaveIntake(ctx, in); err != nil {
					return err
				}
				// No note: refused, and nothing opened.
				empty := r
				empty.Note = " "
				if err := tx.ReturnToIntake(ctx, &empty); problem.FieldOf(err) != "note" {
					t.Errorf("empty note: %v", err)
				}
				return tx.ReturnToIntake(ctx, &r)
			})
			var got store.IntakeReturn
			var ok bool
			var reopened store.Intake
			s.Read(ctx, func(tx *store.Tx) (err error) {
				if got, ok, err = tx.LatestIntakeReturn(ctx, p.Clinic.ID, course.ID); err != nil {
					return err
				}
				reopened, _, err = tx.CourseIntake(ctx, p.Clinic.ID, course.ID)
				return err
			})
			if !ok || got.Note != secret || got.ByName != "Staff prescriber" || !got.At.Equal(later) {
				t.Fatalf("read back: %+v", got)
			}
			if reopened.CompletedAt != nil || reopened.Answers.Values["hopes"] != "Sleep" {
				t.Fatalf("the intake is not open again with its answers: %+v", reopened)
			}
			// Sending back an intake that is open already finds nothing.
			err := s.Write(ctx, func(tx *store.Tx) error {
				again := r
				again.ID = auth.NewID()
				return tx.ReturnToIntake(ctx, &again)
			})
			if problem.CodeOf(err) != problem.Conflict {
				t.Errorf("second send-back: %v", err)
			}
			db := rawDB(t, e, cfg)
			var raw string
			if err := db.QueryRow("SELECT note FROM intake_returns").Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, secret) || !strings.HasPrefix(raw, "s1.") {
				t.Errorf("the note is stored as %q", raw)
			}
			if _, err := db.Exec("UPDATE intake_returns SET by_user = by_user"); err == nil {
				t.Error("the database let a note be changed")
			}
			if _, err := db.Exec("DELETE FROM intake_returns"); err == nil {
				t.Error("the database let a note be deleted")
			}
		})
	}
}

// TestGoalStatus marks a goal once, with when and by whom; a second mark
// and an unknown status are refused.
func TestGoalStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := prepCourse(t, s, p)
		a := p.Clients["A"]
		by := p.Users["assigned"].ID
		g := store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: store.GoalGoal, Text: "Walk daily",
			CreatedBy: by, CreatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.AddGoal(ctx, &g) })
		at := now.AddDate(0, 0, 20)
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SetGoalStatus(ctx, p.Clinic.ID, a.ID, g.ID, "finished", by, at); problem.FieldOf(err) != "status" {
				t.Errorf("unknown status: %v", err)
			}
			// Another client's id does not reach this goal.
			if err := tx.SetGoalStatus(ctx, p.Clinic.ID, p.Clients["B"].ID, g.ID, store.GoalAchieved, by, at); problem.CodeOf(err) != problem.Conflict {
				t.Errorf("through another client: %v", err)
			}
			return tx.SetGoalStatus(ctx, p.Clinic.ID, a.ID, g.ID, store.GoalAchieved, by, at)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.SetGoalStatus(ctx, p.Clinic.ID, a.ID, g.ID, store.GoalDropped, by, at)
		})
		if problem.CodeOf(err) != problem.Conflict {
			t.Errorf("second mark: %v", err)
		}
		var got store.Goal
		s.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.GoalByID(ctx, p.Clinic.ID, g.ID); return err })
		if got.Status != store.GoalAchieved || got.StatusAt == nil || !got.StatusAt.Equal(at) || got.StatusBy != by {
			t.Errorf("goal after marking: %+v", got)
		}
	})
}

// TestGateSettingsRead reads the course-gate settings as stored: absent is
// the default, "none" is no baseline, and unreadable values fall back.
func TestGateSettingsRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		read := func() store.GateSettings {
			t.Helper()
			var g store.GateSettings
			if err := s.Read(ctx, func(tx *store.Tx) (err error) { g, err = tx.GateSettings(ctx, p.Clinic.ID); return err }); err != nil {
				t.Fatal(err)
			}
			return g
		}
		if g := read(); g.BaselineInstruments != nil || g.BaselineDays != 0 || g.MinPreparationSessions != 0 || g.FastingHours != 0 {
			t.Errorf("no settings: %+v", g)
		}
		set := func(kv map[string]string) {
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				for k, v := range kv {
					if err := tx.SetClinicSetting(ctx, p.Clinic.ID, k, v, p.Users["admin"].ID, now); err != nil {
						return err
					}
				}
				return nil
			})
		}
		set(map[string]string{store.SettingBaselineInstruments: "phq9,pcl5", store.SettingBaselineDays: "21", store.SettingMinPrepSessions: "3", store.SettingFastingHours: "6"})
		if g := read(); strings.Join(g.BaselineInstruments, ",") != "phq9,pcl5" || g.BaselineDays != 21 || g.MinPreparationSessions != 3 || g.FastingHours != 6 {
			t.Errorf("stored settings: %+v", g)
		}
		set(map[string]string{store.SettingBaselineInstruments: store.BaselineNone, store.SettingBaselineDays: "soon", store.SettingFastingHours: "48"})
		if g := read(); g.BaselineInstruments == nil || len(g.BaselineInstruments) != 0 || g.BaselineDays != 0 || g.FastingHours != 0 {
			t.Errorf("none and unreadable: %+v", g)
		}
	})
}
