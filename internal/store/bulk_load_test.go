package store

import (
	"context"
	"errors"
	"testing"
)

// TestBulkLoadRaisesTheWritersCacheForItsRun: the writer's page cache is
// SQLite's 2 MB, 64 MB while a bulk load runs, and 2 MB again after it,
// whether the load succeeded or failed (whose error is the one returned).
func TestBulkLoadRaisesTheWritersCacheForItsRun(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cache := func() int {
		t.Helper()
		var kib int
		// cache_size reads back as it was set: negative, in KiB.
		if err := s.Write(ctx, func(tx *Tx) error { return tx.queryRow(ctx, "PRAGMA cache_size").Scan(&kib) }); err != nil {
			t.Fatal(err)
		}
		return -kib
	}
	if got := cache(); got != 2000 {
		t.Errorf("before: %d KiB, want 2000", got)
	}
	var during int
	if err := s.BulkLoad(ctx, func() error { during = cache(); return nil }); err != nil {
		t.Fatal(err)
	}
	if during != 65536 {
		t.Errorf("during the load: %d KiB, want 65536", during)
	}
	if got := cache(); got != 2000 {
		t.Errorf("after: %d KiB, want 2000", got)
	}
	failed := errors.New("the load failed")
	if err := s.BulkLoad(ctx, func() error { return failed }); err != failed {
		t.Errorf("a failed load returned %v", err)
	}
	if got := cache(); got != 2000 {
		t.Errorf("after a failed load: %d KiB, want 2000", got)
	}
}
