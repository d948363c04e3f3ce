package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestPreparationTextIsSealed reads the raw columns as someone with the
// database would: goals and intentions, preparation notes, override reasons
// and withdrawal reasons are not there in plain text, on either engine.
func TestPreparationTextIsSealed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			course := prepCourse(t, s, p)
			a := p.Clients["A"]
			const secret = "Sealed-Prep-Marker"
			sig := store.ConsentSignature{ClinicID: p.Clinic.ID, ClientID: a.ID, Kind: care.ConsentKAP, TypedName: "Avery", Agreed: true, SignedAt: now}
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				g := store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, Kind: store.GoalIntention,
					Text: secret, CreatedBy: p.Users["clientA"].ID, CreatedAt: now}
				if err := tx.AddGoal(ctx, &g); err != nil {
					return err
				}
				n := store.PrepNote{ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, OccurredAt: now, Body: secret,
					AuthorID: p.Users["assigned"].ID, SignedAt: now}
				if err := tx.AddPrepNote(ctx, &n); err != nil {
					return err
				}
				o := store.GateOverride{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: course.ID, GateID: care.GateBaseline,
					Reason: secret, By: p.Users["prescriber"].ID, At: now}
				if err := tx.AddGateOverride(ctx, &o); err != nil {
					return err
				}
				if _, err := tx.SignConsent(ctx, &sig, 1); err != nil {
					return err
				}
				_, err := tx.WithdrawConsent(ctx, p.Clinic.ID, a.ID, sig.ID, secret, now)
				return err
			})
			db := rawDB(t, e, cfg)
			for _, q := range []string{
				"SELECT text FROM goals",
				"SELECT body FROM prep_notes",
				"SELECT reason FROM gate_overrides",
				"SELECT withdrawn_reason FROM consent_signatures",
			} {
				var v string
				if err := db.QueryRow(q).Scan(&v); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if strings.Contains(v, secret) || !strings.HasPrefix(v, "s1.") {
					t.Errorf("%s: stored as %q", q, v)
				}
			}
		})
	}
}
