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

func TestLatestCheckpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if cp, ok, err := s.LatestCheckpoint(ctx); err != nil || ok || cp.Seq != 0 {
			t.Fatalf("no checkpoints: %+v, %v, %v", cp, ok, err)
		}
		key, _ := audit.GenerateKey()
		var newest audit.Checkpoint
		for _, seq := range []int64{3, 9, 5} {
			cp, err := audit.SignCheckpoint(audit.Checkpoint{Seq: seq, Hash: audit.GenesisHash, Time: time.Now()}, key)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SaveCheckpoint(ctx, cp) }); err != nil {
				t.Fatal(err)
			}
			if seq == 9 {
				newest = cp
			}
		}
		cp, ok, err := s.LatestCheckpoint(ctx)
		if err != nil || !ok || cp != newest {
			t.Errorf("latest %+v, %v, %v; want %+v", cp, ok, err, newest)
		}
		if err := audit.VerifyCheckpoint(cp, audit.PublicKey(key)); err != nil {
			t.Errorf("the latest checkpoint as read: %v", err)
		}
	})
}
