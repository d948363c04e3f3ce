package web

import (
	"context"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
)

// prepFixture gives client A's course (measuresFixture's) what the
// preparation pages show: an intention with the marker in it, a goal the
// therapist proposed and the client has not yet agreed to, a signature on
// the informed consent, and a preparation note. Client B has none of it.
type prepFixture struct {
	intentionID string
	goalID      string
	noteID      string
}

func (f *fixture) seedPreparation() {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	now := f.now
	ago := now.Add(-48 * time.Hour)
	f.prep = prepFixture{intentionID: auth.NewID(), goalID: auth.NewID(), noteID: auth.NewID()}
	therapist := f.users["assigned"].ID
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		intention := store.Goal{ID: f.prep.intentionID, ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, Kind: store.GoalIntention,
			Text: "To rest in " + marker, CreatedBy: f.users["clientA"].ID, CreatedAt: ago, AgreedByClientAt: &ago}
		if err := tx.AddGoal(ctx, &intention); err != nil {
			return err
		}
		goal := store.Goal{ID: f.prep.goalID, ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, Kind: store.GoalGoal,
			Text: "Lift the low mood", Measure: "phq9<10", CreatedBy: therapist, CreatedAt: ago, AgreedByTherapistAt: &ago, AgreedByTherapist: therapist}
		if err := tx.AddGoal(ctx, &goal); err != nil {
			return err
		}
		sig := store.ConsentSignature{ClinicID: f.clinic.ID, ClientID: a.ID, Kind: care.ConsentKAP, TypedName: "Avery " + marker, Agreed: true,
			SignedAt: ago, IP: "192.0.2.1"}
		if _, err := tx.SignConsent(ctx, &sig, 1); err != nil {
			return err
		}
		note := store.PrepNote{ID: f.prep.noteID, ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, OccurredAt: ago,
			Body: "Explored fears about losing control. " + marker, AuthorID: therapist, SignedAt: ago}
		return tx.AddPrepNote(ctx, &note)
	})
	if err != nil {
		f.t.Fatalf("preparation fixture: %v", err)
	}
}
