package auth

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"doorway/internal/problem"
)

// stubDerive replaces argon2 for the length of a test with f.
func stubDerive(t *testing.T, f func(password, salt []byte, p params) []byte) {
	t.Helper()
	real := derive
	derive = f
	t.Cleanup(func() { derive = real })
}

func TestHasherCapsConcurrency(t *testing.T) {
	const limit, callers = 3, 24
	var running, peak atomic.Int32
	stubDerive(t, func(_, _ []byte, p params) []byte {
		n := running.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
		running.Add(-1)
		return make([]byte, p.keyLen)
	})

	h := newHasher(limit, current)
	enc := hashWith("x", current) // stubbed: cheap
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			ctx := context.Background()
			var err error
			switch i % 3 { // all three entry points share the cap
			case 0:
				_, err = h.Hash(ctx, "password one")
			case 1:
				_, err = h.Verify(ctx, "password one", enc)
			case 2:
				err = h.DummyVerify(ctx, "password one")
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := peak.Load(); got != limit {
		t.Errorf("peak concurrent derivations = %d, want %d", got, limit)
	}
}

func TestHasherDefaultCap(t *testing.T) {
	if got, want := cap(NewHasher(0).slots), runtime.NumCPU(); got != want {
		t.Errorf("default cap = %d, want %d (CPUs)", got, want)
	}
	if got := cap(NewHasher(5).slots); got != 5 {
		t.Errorf("cap = %d, want 5", got)
	}
}

func TestHasherWaitHonoursContext(t *testing.T) {
	block := make(chan struct{})
	stubDerive(t, func(_, _ []byte, p params) []byte {
		<-block
		return make([]byte, p.keyLen)
	})
	h := newHasher(1, current)

	done := make(chan struct{})
	go func() { // occupies the only slot until block is closed
		defer close(done)
		if _, err := h.Hash(context.Background(), "first in line"); err != nil {
			t.Error(err)
		}
	}()
	for len(h.slots) == 0 {
		runtime.Gosched()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := h.Verify(ctx, "second", h.dummy)
	if problem.CodeOf(err) != problem.Unavailable {
		t.Errorf("Verify while full = %v, want an Unavailable problem", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("waited %v for a slot despite a 20ms deadline", waited)
	}
	close(block)
	<-done

	// A context already ended is refused even when a slot is free.
	ended, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := h.Hash(ended, "third"); err == nil {
		t.Error("Hash with an ended context succeeded")
	}
	if len(h.slots) != 0 {
		t.Errorf("%d slots still held after every call returned", len(h.slots))
	}
}

func TestDummyVerifyCostsAsMuchAsVerify(t *testing.T) {
	// The dummy must run one derivation with the current parameters, as
	// verifying a current hash does, so an unknown account is not faster.
	var calls []params
	stubDerive(t, func(_, salt []byte, p params) []byte {
		calls = append(calls, params{memory: p.memory, time: p.time, threads: p.threads, saltLen: len(salt), keyLen: p.keyLen})
		return make([]byte, p.keyLen)
	})
	real := hashWith("anything at all", current)
	calls = nil
	h := NewHasher(1)
	if err := h.DummyVerify(context.Background(), "anything at all"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Verify(context.Background(), "anything at all", real); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0] != calls[1] || calls[0] != current {
		t.Errorf("derivations: %+v; want the same current parameters twice", calls)
	}
}

func TestDummyVerifyNeverMatches(t *testing.T) {
	h := NewHasher(1)
	// The dummy hash's key is all zeros; a real derivation will not produce it.
	if ok := mustVerify(t, h, "", h.dummy); ok {
		t.Error("the dummy hash matched a password")
	}
	if err := h.DummyVerify(context.Background(), "password"); err != nil {
		t.Error(err)
	}
}
