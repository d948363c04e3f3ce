package store_test

import (
	"context"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

func mustWrite(t *testing.T, s *store.Store, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.Write(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

func TestCoursesCurrentIsNewest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		a := p.Clients["A"]
		planned := now.AddDate(0, 2, 0)
		old := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, State: care.Completed, StartedAt: now.AddDate(-1, 0, 0), CreatedAt: now}
		cur := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: now.AddDate(0, -1, 0), PlannedEndAt: &planned, CreatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.CreateCourse(ctx, &cur); err != nil {
				return err
			}
			return tx.CreateCourse(ctx, &old)
		})
		ctx := context.Background()
		s.Read(ctx, func(tx *store.Tx) error {
			got, ok, err := tx.CurrentCourse(ctx, p.Clinic.ID, a.ID)
			if err != nil || !ok || got.ID != cur.ID || got.State != care.Active || !got.End().Equal(planned) {
				t.Errorf("current course: %+v ok=%v err=%v", got, ok, err)
			}
			if _, ok, err := tx.CurrentCourse(ctx, p.Clinic.ID, p.Clients["B"].ID); ok || err != nil {
				t.Errorf("client B has no course: ok=%v err=%v", ok, err)
			}
			// Another clinic's id finds nothing, even for a real client.
			if _, ok, _ := tx.CurrentCourse(ctx, p.Other.ID, a.ID); ok {
				t.Error("a course was found through another clinic")
			}
			all, err := tx.CurrentCourses(ctx, p.Clinic.ID, []string{a.ID, p.Clients["B"].ID})
			if err != nil || all[a.ID].ID != cur.ID || len(all) != 1 {
				t.Errorf("current courses: %v %v", all, err)
			}
			// Only the clients named are read.
			if some, err := tx.CurrentCourses(ctx, p.Clinic.ID, []string{p.Clients["B"].ID}); err != nil || len(some) != 0 {
				t.Errorf("current courses of client B alone: %v %v", some, err)
			}
			if none, err := tx.CurrentCourses(ctx, p.Clinic.ID, nil); err != nil || len(none) != 0 {
				t.Errorf("current courses of no clients: %v %v", none, err)
			}
			return nil
		})
		bad := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, State: "dreaming", StartedAt: now, CreatedAt: now}
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateCourse(ctx, &bad) })
		if problem.CodeOf(err) != problem.Invalid {
			t.Errorf("unknown state: %v", err)
		}
	})
}

func TestResponseAnsweredOnceWithFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		a := p.Clients["A"]
		asg := store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, InstrumentID: measures.PHQ9,
			Occasion: store.OccasionAssigned, DueAt: now, AssignedBy: p.Users["assigned"].ID, CreatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateAssignment(ctx, &asg) })

		answers := measures.Answers{"44260-8": 1, "44250-9": 2}
		resp := func() store.Response {
			return store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: p.Clinic.ID, ClientID: a.ID, InstrumentID: measures.PHQ9,
				Answers: answers, Total: 3, HasTotal: true, BandKey: "minimal", EnteredBy: p.Users["clientA"].ID,
				CompletedAt: now.Add(time.Hour), RecordedAt: now.Add(time.Hour)}
		}
		first := resp()
		flag := store.SafetyFlag{ID: auth.NewID(), Kind: "suicide_risk", Severity: "high", Reason: "item 9", RaisedAt: now.Add(time.Hour)}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SaveResponse(ctx, &first, []store.SafetyFlag{flag})
		})
		second := resp()
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.SaveResponse(ctx, &second, nil) })
		if problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("second response to one assignment: %v, want Conflict", err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			rs, err := tx.Responses(ctx, p.Clinic.ID, a.ID, measures.PHQ9)
			if err != nil || len(rs) != 1 {
				t.Fatalf("responses: %v %v", rs, err)
			}
			r := rs[0]
			if r.Total != 3 || !r.HasTotal || r.Answers["44260-8"] != 1 || len(r.Answers) != 2 || !r.CompletedAt.Equal(first.CompletedAt) {
				t.Errorf("response read back: %+v", r)
			}
			open, _ := tx.OpenAssignments(ctx, p.Clinic.ID, a.ID)
			if len(open) != 0 {
				t.Errorf("the answered assignment is still open: %+v", open)
			}
			flags, _ := tx.OpenFlags(ctx, p.Clinic.ID)
			if len(flags) != 1 || flags[0].ClientID != a.ID || flags[0].ResponseID != first.ID || flags[0].InstrumentID != measures.PHQ9 {
				t.Errorf("open flags: %+v", flags)
			}
			adm, _ := tx.Administrations(ctx, p.Clinic.ID, []string{a.ID})
			if len(adm[a.ID]) != 1 || adm[a.ID][0].InstrumentID != measures.PHQ9 {
				t.Errorf("administrations: %+v", adm)
			}
			if adm, _ := tx.Administrations(ctx, p.Clinic.ID, []string{p.Clients["B"].ID}); len(adm) != 0 {
				t.Errorf("administrations of client B alone: %+v", adm)
			}
			// Client B cannot reach A's assignment by its id.
			if _, err := tx.Assignment(ctx, p.Clinic.ID, p.Clients["B"].ID, asg.ID); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("B reading A's assignment: %v", err)
			}
			return nil
		})

		// Acknowledging needs a note, happens once, and only for the flag's client.
		ack := func(client, note string) error {
			return s.Write(ctx, func(tx *store.Tx) error {
				return tx.AcknowledgeFlag(ctx, p.Clinic.ID, client, flag.ID, p.Users["assigned"].ID, note, now.Add(2*time.Hour))
			})
		}
		if err := ack(a.ID, "   "); problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "note" {
			t.Errorf("empty note: %v", err)
		}
		if err := ack(p.Clients["B"].ID, "spoke with them"); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("through another client: %v", err)
		}
		if err := ack(a.ID, "Called Avery; safe, plan agreed."); err != nil {
			t.Fatal(err)
		}
		if err := ack(a.ID, "again"); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("second acknowledgement: %v", err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			open, _ := tx.OpenFlags(ctx, p.Clinic.ID)
			all, _ := tx.ClientFlags(ctx, p.Clinic.ID, a.ID)
			if len(open) != 0 || len(all) != 1 || all[0].AckNote != "Called Avery; safe, plan agreed." || all[0].AcknowledgedBy != p.Users["assigned"].ID {
				t.Errorf("after acknowledging: open %+v all %+v", open, all)
			}
			return nil
		})
	})
}

func TestAssignmentRefusesUnknownInstrument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		p := storetest.NewPractice(t, s, now)
		asg := store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, InstrumentID: "phq99",
			Occasion: store.OccasionAssigned, DueAt: now, CreatedAt: now}
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateAssignment(ctx, &asg) })
		if problem.CodeOf(err) != problem.Invalid {
			t.Errorf("unknown instrument: %v", err)
		}
	})
}

func TestClinicSettingsFallBackToDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		p := storetest.NewPractice(t, s, now)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingPCL5Cutoff, "31", "x", now); err != nil {
				return err
			}
			if err := tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingPCL5Cutoff, "32", "x", now); err != nil {
				return err
			}
			if err := tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingCrisisText, "call us", "x", now); err != nil {
				return err
			}
			return tx.SetClinicSetting(ctx, p.Clinic.ID, store.SettingCrisisText, "", "x", now)
		})
		s.Read(ctx, func(tx *store.Tx) error {
			m, err := tx.ClinicSettings(ctx, p.Clinic.ID)
			if err != nil || store.SettingInt(m, store.SettingPCL5Cutoff, 33) != 32 || len(m) != 1 {
				t.Errorf("settings: %v %v", m, err)
			}
			other, _ := tx.ClinicSettings(ctx, p.Other.ID)
			if len(other) != 0 || store.SettingInt(other, store.SettingPCL5Cutoff, 33) != 33 {
				t.Errorf("the other clinic sees settings: %v", other)
			}
			return nil
		})
	})
}
