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
	"doorway/internal/screening"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

func TestInquiryLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		q := store.Inquiry{ID: auth.NewID(), ClinicID: p.Clinic.ID, Name: "Ivy N", Email: "ivy@example.org", Message: "Low mood for years", Consent: true, ReceivedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateInquiry(ctx, &q) })
		var list []store.Inquiry
		s.Read(ctx, func(tx *store.Tx) (err error) {
			list, err = tx.Inquiries(ctx, p.Clinic.ID, store.InquiryNew)
			return err
		})
		if len(list) != 1 || list[0].Message != "Low mood for years" || !list[0].Consent || list[0].Status != store.InquiryNew {
			t.Fatalf("inquiries = %+v", list)
		}
		// Another clinic sees none of it.
		s.Read(ctx, func(tx *store.Tx) (err error) { list, err = tx.Inquiries(ctx, p.Other.ID, ""); return err })
		if len(list) != 0 {
			t.Fatalf("other clinic sees %d inquiries", len(list))
		}
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetInquiryStatus(ctx, q, store.InquiryClosed, " ", "", "u", now) })
		if problem.FieldOf(err) != "reason" {
			t.Fatalf("close without reason: %v", err)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetInquiryStatus(ctx, q, store.InquiryClosed, "Moved away", "", p.Users["admin"].ID, now)
		})
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.SetInquiryStatus(ctx, q, store.InquiryContacted, "", "", "u", now) })
		if problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("moving a closed inquiry: %v", err)
		}
		var got store.Inquiry
		s.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.Inquiry(ctx, p.Clinic.ID, q.ID); return err })
		if got.Status != store.InquiryClosed || got.CloseReason != "Moved away" {
			t.Fatalf("closed inquiry = %+v", got)
		}
	})
}

func TestInquiryAttemptsCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{now.Add(-2 * time.Hour), now.Add(-30 * time.Minute), now} {
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.RecordInquiryAttempt(ctx, auth.NewID(), "192.0.2.1", at)
			})
		}
		var n int
		s.Read(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.InquiryAttempts(ctx, "192.0.2.1", now.Add(-time.Hour))
			return err
		})
		if n != 2 {
			t.Fatalf("attempts in the last hour = %d, want 2", n)
		}
	})
}

func TestIntakeAndDecisionAreSealed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			a := p.Clients["A"]
			course := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, State: care.Screening, StartedAt: now, CreatedAt: now}
			const secret = "Sealed-Intake-Marker"
			in := store.Intake{CourseID: course.ID, ClinicID: p.Clinic.ID, ClientID: a.ID, UpdatedAt: now}
			sec, _ := intake.SectionByID("hopes")
			if err := in.Answers.Save(sec, map[string]string{"indication": "clinical", "hopes": secret}, nil); err != nil {
				t.Fatal(err)
			}
			expires := now.AddDate(0, 0, 180)
			d := store.ScreeningDecision{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: screening.Approve,
				Tier: screening.Review, Rules: []string{"review.benzodiazepine", "info.age"}, Note: secret, DecidedBy: p.Users["prescriber"].ID,
				DecidedAt: now, ExpiresAt: &expires}
			q := store.Inquiry{ID: auth.NewID(), ClinicID: p.Clinic.ID, Name: "Ivy", Message: secret, ReceivedAt: now}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.CreateCourse(ctx, &course); err != nil {
					return err
				}
				if err := tx.SaveIntake(ctx, in); err != nil {
					return err
				}
				if err := tx.CreateInquiry(ctx, &q); err != nil {
					return err
				}
				return tx.RecordScreeningDecision(ctx, &d)
			})
			db := rawDB(t, e, cfg)
			for _, q := range []string{"SELECT answers FROM intake_answers", "SELECT note FROM screening_decisions", "SELECT message FROM inquiries"} {
				var v string
				if err := db.QueryRow(q).Scan(&v); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if strings.Contains(v, secret) || v == "" {
					t.Errorf("%s holds %q in plain text", q, v)
				}
			}
			var got store.Intake
			var ok bool
			var dec store.ScreeningDecision
			var decided bool
			s.Read(ctx, func(tx *store.Tx) (err error) {
				if got, ok, err = tx.CourseIntake(ctx, p.Clinic.ID, course.ID); err != nil {
					return err
				}
				dec, decided, err = tx.LatestScreeningDecision(ctx, p.Clinic.ID, course.ID)
				return err
			})
			if !ok || got.Answers.Values["hopes"] != secret || !got.Answers.Done("hopes") || got.Answers.Done("contact") {
				t.Fatalf("intake read back = %+v", got)
			}
			if !decided || dec.Note != secret || dec.Kind != screening.Approve || len(dec.Rules) != 2 || dec.ExpiresAt == nil || !dec.ExpiresAt.Equal(expires) {
				t.Fatalf("decision read back = %+v", dec)
			}
		})
	}
}

func TestIntakeResumesAndFreezesWhenComplete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		a := p.Clients["A"]
		course := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, State: care.Intake, StartedAt: now, CreatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCourse(ctx, &course) })
		save := func(section string, form map[string]string, done bool) error {
			return s.Write(ctx, func(tx *store.Tx) error {
				in, _, err := tx.CourseIntake(ctx, p.Clinic.ID, course.ID)
				if err != nil {
					return err
				}
				in.CourseID, in.ClinicID, in.ClientID, in.UpdatedAt = course.ID, p.Clinic.ID, a.ID, now
				sec, _ := intake.SectionByID(section)
				if err := in.Answers.Save(sec, form, nil); err != nil {
					return err
				}
				if done {
					in.CompletedAt = &now
				}
				return tx.SaveIntake(ctx, in)
			})
		}
		if err := save("pregnancy", map[string]string{"pregnant": "no", "breastfeeding": "no"}, false); err != nil {
			t.Fatal(err)
		}
		if err := save("hopes", map[string]string{"indication": "clinical", "hopes": "Sleep again"}, true); err != nil {
			t.Fatal(err)
		}
		var in store.Intake
		s.Read(ctx, func(tx *store.Tx) (err error) { in, _, err = tx.CourseIntake(ctx, p.Clinic.ID, course.ID); return err })
		if !in.Answers.Done("pregnancy") || !in.Answers.Done("hopes") || in.Answers.Values["pregnant"] != "no" || in.CompletedAt == nil {
			t.Fatalf("resumed intake = %+v", in)
		}
		if err := save("pregnancy", map[string]string{"pregnant": "yes", "breastfeeding": "no"}, false); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("changing a finished intake: %v", err)
		}
	})
}

func TestScreeningSettingsDefaultsAndRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		var got screening.Settings
		s.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.ScreeningSettings(ctx, p.Clinic.ID); return err })
		if got != (screening.Settings{}) {
			t.Fatalf("no rows = %+v, want zero (the defaults)", got)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingScreeningApproval, "90", "a", now); err != nil {
				return err
			}
			return tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingScreeningBenzoMG, "10.5", "a", now)
		})
		s.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.ScreeningSettings(ctx, p.Clinic.ID); return err })
		if got.ApprovalDays != 90 || got.BenzodiazepineLimitMG != 10.5 {
			t.Fatalf("settings = %+v", got)
		}
	})
}
