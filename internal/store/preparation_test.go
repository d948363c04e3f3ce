package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// prepCourse gives client A a course in preparation and the default consent
// documents.
func prepCourse(t *testing.T, s *store.Store, p *storetest.Practice) store.Course {
	t.Helper()
	c := store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, State: care.Preparation,
		StartedAt: p.Now.AddDate(0, 0, -10), CreatedAt: p.Now}
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &c); err != nil {
			return err
		}
		return tx.EnsureConsentDocuments(ctx, p.Clinic.ID, p.Now)
	})
	return c
}

func gatesOf(t *testing.T, s *store.Store, c store.Course, now time.Time) map[string]care.Gate {
	t.Helper()
	ctx := context.Background()
	var in care.GateInput
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { in, err = tx.GateInput(ctx, c); return err }); err != nil {
		t.Fatal(err)
	}
	out := map[string]care.Gate{}
	for _, g := range care.CourseGates(in, care.Settings{}, now) {
		out[g.ID] = g
	}
	return out
}

func TestConsentVersionsSigningAndWithdrawal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := prepCourse(t, s, p)
		a := p.Clients["A"]
		// Before any write the defaults show, unpublished.
		var shown []store.ConsentDocument
		s.Read(ctx, func(tx *store.Tx) (err error) { shown, err = tx.CurrentConsentDocuments(ctx, p.Other.ID); return err })
		if len(shown) != 2 || shown[0].ID != "" || shown[0].Version != 1 {
			t.Errorf("defaults before publishing: %+v", shown)
		}
		// Ensuring twice adds nothing.
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.EnsureConsentDocuments(ctx, p.Clinic.ID, now) })
		var docs []store.ConsentDocument
		s.Read(ctx, func(tx *store.Tx) (err error) { docs, err = tx.CurrentConsentDocuments(ctx, p.Clinic.ID); return err })
		if len(docs) != 2 || docs[0].Kind != care.ConsentKAP || !docs[0].Required || docs[0].Version != 1 || docs[1].Required {
			t.Fatalf("default documents: %+v", docs)
		}
		kap := docs[0]
		if g := gatesOf(t, s, course, now)["consent:kap"]; g.Pass || g.Why != "Version 1 is not signed yet." {
			t.Errorf("unsigned gate: %+v", g)
		}

		// Bad signatures change nothing.
		for _, bad := range []struct {
			sig   store.ConsentSignature
			field string
		}{
			{store.ConsentSignature{TypedName: "  ", Agreed: true}, "typed_name"},
			{store.ConsentSignature{TypedName: "Avery", Agreed: false}, "agreed"},
		} {
			sig := bad.sig
			sig.ClinicID, sig.ClientID, sig.Kind, sig.SignedAt = p.Clinic.ID, a.ID, care.ConsentKAP, now
			err := s.Write(ctx, func(tx *store.Tx) error { _, err := tx.SignConsent(ctx, &sig, 1); return err })
			if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != bad.field {
				t.Errorf("bad signature %+v: %v, want invalid %s", bad.sig, err, bad.field)
			}
		}
		// The caller cannot choose the version or document it signs.
		sig := store.ConsentSignature{ClinicID: p.Clinic.ID, ClientID: a.ID, Kind: care.ConsentKAP, DocumentID: "forged", Version: 99,
			TypedName: " Avery   Marker ", Agreed: true, SignedAt: now, IP: "203.0.113.9"}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { _, err := tx.SignConsent(ctx, &sig, 1); return err })
		if sig.Version != 1 || sig.TypedName != "Avery Marker" || sig.DocumentID != kap.ID {
			t.Errorf("signature stored as %+v", sig)
		}
		if g := gatesOf(t, s, course, now)["consent:kap"]; !g.Pass {
			t.Errorf("signed gate fails: %s", g.Why)
		}

		// A new version needs a new signature; the old version can no longer be signed.
		v2 := store.ConsentDocument{ClinicID: p.Clinic.ID, Kind: care.ConsentKAP, Title: kap.Title, Body: kap.Body + "\n\nA new paragraph.", Required: true,
			PublishedAt: now.Add(time.Hour), CreatedBy: p.Users["admin"].ID}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.PublishConsentDocument(ctx, &v2) })
		if v2.Version != 2 {
			t.Fatalf("new version = %d, want 2", v2.Version)
		}
		g := gatesOf(t, s, course, now.Add(2*time.Hour))["consent:kap"]
		if g.Pass || !strings.Contains(g.Why, "Version 2 is not signed yet; the client signed version 1") {
			t.Errorf("after a new version: %+v", g)
		}
		old := store.ConsentSignature{ClinicID: p.Clinic.ID, ClientID: a.ID, Kind: care.ConsentKAP, TypedName: "Avery", Agreed: true, SignedAt: now}
		if err := s.Write(ctx, func(tx *store.Tx) error { _, err := tx.SignConsent(ctx, &old, 1); return err }); problem.FieldOf(err) != "document" {
			t.Errorf("signing an old version: %v", err)
		}
		sig2 := store.ConsentSignature{ClinicID: p.Clinic.ID, ClientID: a.ID, Kind: care.ConsentKAP, TypedName: "Avery", Agreed: true, SignedAt: now.Add(3 * time.Hour)}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { _, err := tx.SignConsent(ctx, &sig2, 2); return err })
		if g := gatesOf(t, s, course, now.Add(4*time.Hour))["consent:kap"]; !g.Pass {
			t.Errorf("re-signed gate fails: %s", g.Why)
		}

		// Withdrawal: once, with a sealed reason, and the gate fails.
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.WithdrawConsent(ctx, p.Clinic.ID, a.ID, sig2.ID, "I need time to think "+storetest.Marker, now.Add(5*time.Hour))
			return err
		})
		err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.WithdrawConsent(ctx, p.Clinic.ID, a.ID, sig2.ID, "again", now.Add(6*time.Hour))
			return err
		})
		if problem.CodeOf(err) != problem.NotFound {
			t.Errorf("second withdrawal: %v", err)
		}
		// Client B cannot withdraw A's signature.
		err = s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.WithdrawConsent(ctx, p.Clinic.ID, p.Clients["B"].ID, sig.ID, "", now)
			return err
		})
		if problem.CodeOf(err) != problem.NotFound {
			t.Errorf("withdrawal by another client: %v", err)
		}
		if g := gatesOf(t, s, course, now.Add(7*time.Hour))["consent:kap"]; g.Pass || !strings.Contains(g.Why, "withdrew") {
			t.Errorf("withdrawn gate: %+v", g)
		}
		var sigs []store.ConsentSignature
		s.Read(ctx, func(tx *store.Tx) (err error) { sigs, err = tx.ConsentSignatures(ctx, p.Clinic.ID, a.ID); return err })
		if len(sigs) != 2 || sigs[1].WithdrawnAt == nil || !strings.HasSuffix(sigs[1].WithdrawnReason, storetest.Marker) || sigs[0].IP != "203.0.113.9" {
			t.Errorf("signatures: %+v", sigs)
		}
	})
}

// The database itself refuses to change a signature (other than withdrawing
// it once), a published document or a signed note, whoever asks.
func TestPreparationRecordsAreImmutableInTheDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			course := prepCourse(t, s, p)
			var kap store.ConsentDocument
			s.Read(ctx, func(tx *store.Tx) (err error) {
				kap, err = tx.CurrentConsentDocument(ctx, p.Clinic.ID, care.ConsentKAP)
				return err
			})
			sig := store.ConsentSignature{ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, Kind: care.ConsentKAP, TypedName: "Avery", Agreed: true, SignedAt: now}
			note := store.PrepNote{ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, CourseID: course.ID, OccurredAt: now, Body: "Talked about set and setting.",
				AuthorID: p.Users["assigned"].ID, SignedAt: now}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				if _, err := tx.SignConsent(ctx, &sig, 1); err != nil {
					return err
				}
				return tx.AddPrepNote(ctx, &note)
			})
			db := rawDB(t, e, cfg)
			refused := []string{
				"UPDATE consent_signatures SET typed_name = 'Someone Else' WHERE id = '" + sig.ID + "'",
				"UPDATE consent_signatures SET version = 2 WHERE id = '" + sig.ID + "'",
				"UPDATE consent_signatures SET agreed = 0, withdrawn_at = signed_at WHERE id = '" + sig.ID + "'",
				"DELETE FROM consent_signatures WHERE id = '" + sig.ID + "'",
				"UPDATE consent_documents SET body = 'changed' WHERE id = '" + kap.ID + "'",
				"DELETE FROM consent_documents WHERE id = '" + kap.ID + "'",
				"UPDATE prep_notes SET body = 'changed' WHERE id = '" + note.ID + "'",
				"DELETE FROM prep_notes WHERE id = '" + note.ID + "'",
			}
			for _, q := range refused {
				if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "cannot be") {
					t.Errorf("%s: err = %v, want a refusal", q, err)
				}
			}
			// Withdrawing is the one change allowed, and only once.
			if _, err := db.Exec("UPDATE consent_signatures SET withdrawn_at = signed_at WHERE id = '" + sig.ID + "'"); err != nil {
				t.Errorf("withdrawal refused: %v", err)
			}
			if _, err := db.Exec("UPDATE consent_signatures SET withdrawn_reason = 'later' WHERE id = '" + sig.ID + "'"); err == nil {
				t.Error("a withdrawn signature was changed again")
			}
		})
	}
}

func TestGoalsChecklistNotesAndGates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := prepCourse(t, s, p)
		a := p.Clients["A"]

		// Goals: sealed text, agreement from each side once.
		intention := store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: store.GoalIntention,
			Text: "To feel at home in my body " + storetest.Marker, CreatedBy: p.Users["clientA"].ID, CreatedAt: now, AgreedByClientAt: &now}
		goal := store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: store.GoalGoal,
			Text: "Less low mood", Measure: "phq9<10", CreatedBy: p.Users["assigned"].ID, CreatedAt: now.Add(time.Minute),
			AgreedByTherapistAt: &now, AgreedByTherapist: p.Users["assigned"].ID}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.AddGoal(ctx, &intention); err != nil {
				return err
			}
			return tx.AddGoal(ctx, &goal)
		})
		empty := store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: store.GoalIntention, Text: "  "}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AddGoal(ctx, &empty) }); problem.FieldOf(err) != "text" {
			t.Errorf("empty intention: %v", err)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.AgreeGoalByClient(ctx, p.Clinic.ID, a.ID, goal.ID, now)
		})
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AgreeGoalByClient(ctx, p.Clinic.ID, a.ID, goal.ID, now) }); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("agreeing twice: %v", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.AgreeGoalByClient(ctx, p.Clinic.ID, p.Clients["B"].ID, intention.ID, now)
		}); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("client B agreeing to A's goal: %v", err)
		}
		var goals []store.Goal
		s.Read(ctx, func(tx *store.Tx) (err error) { goals, err = tx.Goals(ctx, p.Clinic.ID, course.ID); return err })
		if len(goals) != 2 || goals[0].Text != intention.Text || !goals[1].Agreed() || goals[0].Agreed() || goals[1].Measure != "phq9<10" {
			t.Errorf("goals: %+v", goals)
		}

		// Checklist: saved, replaced, and refused when the companion has no phone.
		cl := store.Checklist{CourseID: course.ID, ClinicID: p.Clinic.ID, ClientID: a.ID, FastingUnderstood: true, CompanionName: "Jo",
			CompanionPhone: "(541) 555-0100", UpdatedBy: p.Users["clientA"].ID, UpdatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SaveChecklist(ctx, &cl) })
		cl.RoomReady, cl.RoomNote = true, "My sister's spare room"
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SaveChecklist(ctx, &cl) })
		bad := cl
		bad.CompanionPhone = ""
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SaveChecklist(ctx, &bad) }); problem.FieldOf(err) != "companion_phone" {
			t.Errorf("companion without a phone: %v", err)
		}
		var got store.Checklist
		var ok bool
		s.Read(ctx, func(tx *store.Tx) (err error) {
			got, ok, err = tx.CourseChecklist(ctx, p.Clinic.ID, course.ID)
			return err
		})
		if !ok || got.Done() != 3 || got.RoomNote != "My sister's spare room" || got.CompanionPhone != "(541) 555-0100" {
			t.Errorf("checklist: %+v ok=%v done=%d", got, ok, got.Done())
		}

		// Notes: a session note counts for the gate; an addendum does not.
		if g := gatesOf(t, s, course, now)[care.GatePreparation]; g.Pass {
			t.Errorf("preparation gate passes with no note")
		}
		note := store.PrepNote{ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, OccurredAt: now.Add(-time.Hour),
			Body: "Intentions explored " + storetest.Marker, AuthorID: p.Users["assigned"].ID, SignedAt: now}
		add := store.PrepNote{ClinicID: p.Clinic.ID, ClientID: a.ID, OccurredAt: now, Body: "Correction: 50 minutes, not 60.",
			AuthorID: p.Users["assigned"].ID, SignedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.AddPrepNote(ctx, &note); err != nil {
				return err
			}
			add.AddendumTo = note.ID
			return tx.AddPrepNote(ctx, &add)
		})
		future := store.PrepNote{ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, OccurredAt: now.AddDate(0, 0, 2), Body: "x",
			AuthorID: p.Users["assigned"].ID, SignedAt: now}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AddPrepNote(ctx, &future) }); problem.FieldOf(err) != "occurred_on" {
			t.Errorf("note for a future session: %v", err)
		}
		var notes []store.PrepNote
		s.Read(ctx, func(tx *store.Tx) (err error) { notes, err = tx.PrepNotes(ctx, p.Clinic.ID, course.ID); return err })
		if len(notes) != 2 || notes[1].AddendumTo != note.ID || notes[1].CourseID != course.ID || notes[0].Body != note.Body {
			t.Errorf("notes: %+v", notes)
		}
		if g := gatesOf(t, s, course, now)[care.GatePreparation]; !g.Pass || g.Why != "1 preparation session documented." {
			t.Errorf("preparation gate: %+v", g)
		}

		// Overrides: stored sealed, read back with the prescriber's name, and applied by care.
		o := store.GateOverride{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, GateID: care.GateBaseline,
			Reason: "Done on paper this morning", By: p.Users["prescriber"].ID, At: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.AddGateOverride(ctx, &o) })
		g := gatesOf(t, s, course, now.Add(time.Minute))[care.GateBaseline]
		if g.Override == nil || g.Override.By != "Staff prescriber" || g.Override.Reason != o.Reason {
			t.Errorf("baseline override: %+v", g)
		}
		// Without screening_decisions or a dosing order, those gates fail plainly.
		gates := gatesOf(t, s, course, now)
		if gates[care.GateScreening].Pass || gates[care.GateDosingOrder].Pass {
			t.Errorf("screening or dosing order passes with nothing recorded")
		}

		// State: allowed moves only, and only from the state the caller saw.
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SetCourseState(ctx, course, care.Active, now) })
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetCourseState(ctx, course, care.Screening, now) }); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("stale move: %v", err)
		}
		course.State = care.Active
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetCourseState(ctx, course, care.Intake, now) }); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("disallowed move: %v", err)
		}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetCourseState(ctx, course, care.Completed, now)
		})
		s.Read(ctx, func(tx *store.Tx) error {
			c, err := tx.CourseByID(ctx, p.Clinic.ID, a.ID, course.ID)
			if err != nil || c.State != care.Completed || c.EndedAt == nil || !c.EndedAt.Equal(now) {
				t.Errorf("completed course: %+v %v", c, err)
			}
			return nil
		})
	})
}
