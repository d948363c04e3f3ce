package store_test

import (
	"sync"
	"testing"
	"time"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// A throttle's window counts its attempts in one row: the first opens it,
// the next within the hour add to it, the first after it ends opens another
// and keeps the ended one's count; ended windows are taken away whole.
func TestLoginThrottleWindows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
		k := store.ThrottleKey{Scope: "signin.pair", Subject: "abc"}
		other := store.ThrottleKey{Scope: "api.auth", Subject: "192.0.2.9"}
		hit := func(k store.ThrottleKey, at time.Time) store.ThrottleWindow {
			t.Helper()
			var w store.ThrottleWindow
			if err := s.Write(ctx, func(tx *store.Tx) (err error) { w, err = tx.HitThrottle(ctx, k, at, time.Hour); return err }); err != nil {
				t.Fatal(err)
			}
			return w
		}
		if w := hit(k, t0); w.Hits != 1 || !w.StartedAt.Equal(t0) || !w.EndsAt.Equal(t0.Add(time.Hour)) || w.PrevStartedAt != nil {
			t.Fatalf("first attempt: %+v", w)
		}
		hit(other, t0)
		for i := 2; i <= 5; i++ {
			if w := hit(k, t0.Add(time.Duration(i)*time.Minute)); w.Hits != i || !w.StartedAt.Equal(t0) || !w.LastAt.Equal(t0.Add(time.Duration(i)*time.Minute)) {
				t.Fatalf("attempt %d: %+v", i, w)
			}
		}
		var ws map[store.ThrottleKey]store.ThrottleWindow
		s.Read(ctx, func(tx *store.Tx) (err error) {
			ws, err = tx.ThrottleWindows(ctx, k, other, store.ThrottleKey{Scope: "signin.pair", Subject: "none"})
			return err
		})
		if len(ws) != 2 || ws[k].Hits != 5 || ws[other].Hits != 1 {
			t.Fatalf("windows read: %+v", ws)
		}
		later := t0.Add(time.Hour)
		w := hit(k, later)
		if w.Hits != 1 || !w.StartedAt.Equal(later) || w.PrevStartedAt == nil || !w.PrevStartedAt.Equal(t0) || w.PrevHits != 5 {
			t.Fatalf("the window after: %+v", w)
		}
		var taken []store.ThrottleWindow
		if err := s.Write(ctx, func(tx *store.Tx) (err error) { taken, err = tx.TakeEndedThrottles(ctx, later, 10); return err }); err != nil {
			t.Fatal(err)
		}
		if len(taken) != 1 || taken[0].ThrottleKey != other || taken[0].Hits != 1 {
			t.Fatalf("ended windows taken: %+v", taken)
		}
		s.Read(ctx, func(tx *store.Tx) (err error) { ws, err = tx.ThrottleWindows(ctx, k, other); return err })
		if len(ws) != 1 || ws[k].Hits != 1 {
			t.Fatalf("after taking: %+v", ws)
		}
	})
}

// Attempts counted at once, from as many connections, are each counted:
// the count is one statement, so two instances cannot lose one.
func TestLoginThrottleCountsConcurrentAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
		k := store.ThrottleKey{Scope: "signin.address", Subject: "198.51.100.7"}
		const n = 20
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.Write(ctx, func(tx *store.Tx) error {
					_, err := tx.HitThrottle(ctx, k, t0.Add(time.Duration(i)*time.Millisecond), time.Hour)
					return err
				}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var ws map[store.ThrottleKey]store.ThrottleWindow
		s.Read(ctx, func(tx *store.Tx) (err error) { ws, err = tx.ThrottleWindows(ctx, k); return err })
		if ws[k].Hits != n {
			t.Fatalf("%d attempts counted, want %d", ws[k].Hits, n)
		}
	})
}

// A device is found by its token's hash while it is live; revoking the
// user's devices, or its expiry, ends it.
func TestSessionDevices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "main")
		u := mustUser(t, s, c.ID, "u1", "a@example.org")
		now := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
		d := store.Device{ID: "d1", UserID: u.ID, TokenHash: "h1", CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateDevice(ctx, &d) }); err != nil {
			t.Fatal(err)
		}
		live := func(at time.Time) []store.Device {
			var out []store.Device
			if err := s.Read(ctx, func(tx *store.Tx) (err error) { out, err = tx.LiveDevices(ctx, []string{"h1", "h2"}, at); return err }); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := live(now); len(got) != 1 || got[0].ID != "d1" || got[0].UserID != u.ID {
			t.Fatalf("live devices: %+v", got)
		}
		if got := live(now.Add(24 * time.Hour)); len(got) != 0 {
			t.Fatalf("an expired device is live: %+v", got)
		}
		s.Write(ctx, func(tx *store.Tx) error { return tx.UseDevice(ctx, "d1", now.Add(time.Hour), now.Add(48*time.Hour)) })
		if got := live(now.Add(24 * time.Hour)); len(got) != 1 {
			t.Fatalf("a used device's expiry did not move on: %+v", got)
		}
		s.Write(ctx, func(tx *store.Tx) error { return tx.RevokeDevices(ctx, u.ID, now.Add(2*time.Hour)) })
		if got := live(now.Add(3 * time.Hour)); len(got) != 0 {
			t.Fatalf("a revoked device is live: %+v", got)
		}
	})
}
