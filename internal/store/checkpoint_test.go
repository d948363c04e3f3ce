package store_test

import (
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// Two instances checkpointing the same head: the second save is a no-op and
// its transaction stays usable (on PostgreSQL a caught unique violation
// would have aborted it).
func TestSaveCheckpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		key, _ := audit.GenerateKey()
		cp, err := audit.SignCheckpoint(audit.Checkpoint{Seq: 1, Hash: audit.GenesisHash, Time: time.Now()}, key)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			err := s.Write(ctx, func(tx *store.Tx) error {
				if err := tx.SaveCheckpoint(ctx, cp); err != nil {
					return err
				}
				_, err := tx.AuditHead(ctx)
				return err
			})
			if err != nil {
				t.Fatalf("save: %v", err)
			}
		}
		cps, err := s.Checkpoints(ctx)
		if err != nil || len(cps) != 1 || cps[0].Signature != cp.Signature {
			t.Errorf("checkpoints %+v, %v", cps, err)
		}
	})
}
