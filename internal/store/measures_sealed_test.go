package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestAnswersAndNotesAreSealed reads the raw columns as someone with the
// database would: the answers to a PHQ-9 and a clinician's note on a safety
// flag must not be there in plain text, on either engine.
func TestAnswersAndNotesAreSealed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			a := p.Clients["A"]
			asg := store.Assignment{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, InstrumentID: measures.PHQ9,
				Occasion: store.OccasionAssigned, DueAt: now, AssignedBy: p.Users["assigned"].ID, CreatedAt: now}
			resp := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: p.Clinic.ID, ClientID: a.ID, InstrumentID: measures.PHQ9,
				Answers: measures.Answers{"44260-8": 2}, Total: 2, HasTotal: true, EnteredBy: p.Users["clientA"].ID, CompletedAt: now, RecordedAt: now}
			flag := store.SafetyFlag{ID: auth.NewID(), Kind: "suicide_risk", Severity: "high", Reason: "item 9", RaisedAt: now}
			const note = "Spoke with Avery-Sealed-Note by phone"
			err := s.Write(ctx, func(tx *store.Tx) error {
				if err := tx.CreateAssignment(ctx, &asg); err != nil {
					return err
				}
				if err := tx.SaveResponse(ctx, &resp, []store.SafetyFlag{flag}); err != nil {
					return err
				}
				return tx.AcknowledgeFlag(ctx, p.Clinic.ID, a.ID, flag.ID, p.Users["assigned"].ID, note, now)
			})
			if err != nil {
				t.Fatal(err)
			}
			db := rawDB(t, e, cfg)
			var answers, ack string
			if err := db.QueryRow("SELECT answers FROM instrument_responses").Scan(&answers); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow("SELECT ack_note FROM safety_flags").Scan(&ack); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(answers, "44260") || !strings.HasPrefix(answers, "s1.") {
				t.Errorf("answers stored as %q", answers)
			}
			if strings.Contains(ack, "Sealed-Note") || !strings.HasPrefix(ack, "s1.") {
				t.Errorf("note stored as %q", ack)
			}
			// And they read back through the store.
			s.Read(ctx, func(tx *store.Tx) error {
				rs, err := tx.Responses(ctx, p.Clinic.ID, a.ID, measures.PHQ9)
				fs, err2 := tx.ClientFlags(ctx, p.Clinic.ID, a.ID)
				if err != nil || err2 != nil || rs[0].Answers["44260-8"] != 2 || fs[0].AckNote != note {
					t.Errorf("read back: %+v %+v %v %v", rs, fs, err, err2)
				}
				return nil
			})
		})
	}
}
