package store_test

import (
	"reflect"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/demo"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The records of several sessions read in one go (a statement per kind of
// part for them all) are each what reading that session alone gives: Maya
// of the demo, whose four sessions hold readings, observations, an
// acknowledged alert and an adverse event, on both engines.
func TestSessionRecordsReadTogether(t *testing.T) {
	now := time.Date(2026, 3, 17, 14, 30, 0, 0, time.UTC)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s := storetest.Open(t, e)
			if _, err := demo.Seed(ctx, s, auth.NewHasher(1), now); err != nil {
				t.Fatal(err)
			}
			s.Read(ctx, func(tx *store.Tx) error {
				maya, err := tx.UserByEmail(ctx, "maya@stillwater.example")
				if err != nil {
					t.Fatal(err)
				}
				cl, err := tx.ClientByUser(ctx, maya.ID)
				if err != nil {
					t.Fatal(err)
				}
				ms, err := tx.ClientMedicineSessions(ctx, cl.ClinicID, cl.ID)
				if err != nil || len(ms) != 4 {
					t.Fatalf("Maya's sessions: %d, %v", len(ms), err)
				}
				together, err := tx.SessionRecordsFrom(ctx, cl.ClinicID, ms)
				if err != nil || len(together) != len(ms) {
					t.Fatalf("together: %d records, %v", len(together), err)
				}
				var vitals, observations, acks, events int
				for _, m := range ms {
					alone, err := tx.SessionRecordFrom(ctx, m)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(together[m.ID], alone) {
						t.Errorf("session %s read together:\n%+v\nalone:\n%+v", m.ID, together[m.ID], alone)
					}
					for _, v := range together[m.ID].Vitals {
						if v.SessionID != m.ID {
							t.Errorf("a reading of session %s is filed under %s", v.SessionID, m.ID)
						}
					}
					r := together[m.ID]
					vitals, observations, acks, events = vitals+len(r.Vitals), observations+len(r.Observations), acks+len(r.Acks), events+len(r.AdverseEvents)
				}
				if vitals < 4*8 || observations < 4*2 || acks != 1 || events != 1 {
					t.Errorf("Maya's records hold %d readings, %d observations, %d acknowledgements, %d adverse events", vitals, observations, acks, events)
				}
				return nil
			})
		})
	}
}
