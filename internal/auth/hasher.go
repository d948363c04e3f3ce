package auth

import (
	"context"
	"runtime"

	"doorway/internal/problem"
)

// Hasher hashes and verifies passwords with argon2id, letting only a few
// derivations run at once. Each one holds about 19 MiB for tens of
// milliseconds, so without a cap a flood of sign-in attempts would be a flood
// of memory; with it, attempts queue and the excess times out with their
// request. A Hasher is safe for concurrent use.
type Hasher struct {
	slots chan struct{}
	p     params
	dummy string // a well-formed hash that no password matches
}

// NewHasher returns a Hasher that runs at most maxConcurrent derivations at a
// time; zero or less means one per CPU, which keeps the CPUs busy without
// queuing memory behind them.
func NewHasher(maxConcurrent int) *Hasher {
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.NumCPU()
	}
	return newHasher(maxConcurrent, current)
}

func newHasher(maxConcurrent int, p params) *Hasher {
	// The dummy's salt and key are zeros: any key costs the same to compare
	// against, and none will be matched by chance.
	dummy := encodeHash(p, make([]byte, p.saltLen), make([]byte, p.keyLen))
	return &Hasher{slots: make(chan struct{}, maxConcurrent), p: p, dummy: dummy}
}

// acquire waits for a slot, or for ctx to end. The error is safe to show: the
// person is told to try again, not why.
func (h *Hasher) acquire(ctx context.Context) error {
	if ctx.Err() == nil {
		select {
		case h.slots <- struct{}{}:
			return nil
		case <-ctx.Done():
		}
	}
	return problem.New(problem.Unavailable, "Signing in is busy right now. Please wait a moment and try again.")
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string for password under the current parameters.
// The caller is expected to have checked it against the policy first.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return hashWith(password, h.p), nil
}

// Verify reports whether password matches the stored PHC string, using the
// parameters written in it, so hashes made before a parameter rise still
// verify. A wrong password is (false, nil); an error means the context ended
// while waiting or the stored string is malformed (an internal fault).
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	return verifyHash(password, encoded)
}

// DummyVerify does the work of a real verification and then reports failure.
// Call it when the account does not exist (or has no password), so that an
// unknown email costs the same time and memory as a wrong password and the
// answer's timing does not reveal who has an account.
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	_, err := h.Verify(ctx, password, h.dummy)
	return err
}
