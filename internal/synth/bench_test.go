package synth_test

import (
	"context"
	"testing"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/synth"
)

func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		s := storetest.OpenConfig(b, store.Config{DataDir: b.TempDir()})
		if _, err := synth.Seed(context.Background(), s, synth.Config{Clients: 1000, Seed: 1, Now: storetest.Now, PasswordHash: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}
