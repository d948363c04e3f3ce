package auth

import (
	"testing"
	"time"
)

func TestLimitWaits(t *testing.T) {
	t0 := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
	slow := Limit{Window: time.Hour, Free: 5, Delay: time.Second, MaxDelay: time.Minute}
	capped := Limit{Window: time.Hour, Max: 100}
	for _, tc := range []struct {
		name  string
		limit Limit
		c     Count
		now   time.Time
		want  time.Duration
	}{
		{"nothing counted", slow, Count{}, t0, 0},
		{"free failures", slow, Count{Start: t0, Failures: 5, Last: t0}, t0, 0},
		{"the first wait", slow, Count{Start: t0, Failures: 6, Last: t0}, t0, time.Second},
		{"doubling", slow, Count{Start: t0, Failures: 8, Last: t0}, t0.Add(time.Second), 3 * time.Second},
		{"up to the cap", slow, Count{Start: t0, Failures: 60, Last: t0}, t0, time.Minute},
		{"waited out", slow, Count{Start: t0, Failures: 60, Last: t0}, t0.Add(time.Minute), 0},
		{"the window over", slow, Count{Start: t0, Failures: 60, Last: t0.Add(59 * time.Minute)}, t0.Add(time.Hour), 0},
		{"under the cap", capped, Count{Start: t0, Failures: 99, Last: t0}, t0, 0},
		{"at the cap: the rest of the hour", capped, Count{Start: t0, Failures: 100, Last: t0}, t0.Add(20 * time.Minute), 40 * time.Minute},
		{"the capped window over", capped, Count{Start: t0, Failures: 100, Last: t0}, t0.Add(time.Hour), 0},
	} {
		if got := tc.limit.Wait(tc.c, tc.now); got != tc.want {
			t.Errorf("%s: wait %v, want %v", tc.name, got, tc.want)
		}
	}
	if !capped.Reached(Count{Failures: 100}) || capped.Reached(Count{Failures: 101}) || !slow.Slowing(Count{Failures: 6}) || slow.Slowing(Count{Failures: 7}) {
		t.Error("Reached or Slowing is not true of exactly the one failure")
	}
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"::ffff:192.0.2.7":     "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
	} {
		if got := AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// A device cookie holds signed secrets, newest first; an entry whose
// signature does not check out (forged, or made under another key) is
// ignored, and so are entries past MaxDeviceAccounts.
func TestDeviceCookie(t *testing.T) {
	key, other := []byte("k1k1k1k1k1k1k1k1k1k1k1k1k1k1k1k1"), []byte("k2k2k2k2k2k2k2k2k2k2k2k2k2k2k2k2")
	a, b := NewSecret(), NewSecret()
	cookie := DeviceCookie(key, a, b)
	if got := DeviceSecrets(key, cookie); len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("secrets %v", got)
	}
	if got := DeviceSecrets(other, cookie); len(got) != 0 {
		t.Errorf("another key's signature accepted: %v", got)
	}
	forged := NewSecret() + ".AAAAAAAAAAAAAAAAAAAAAA~" + cookie + "~garbage"
	if got := DeviceSecrets(key, forged); len(got) != 2 || got[0] != a {
		t.Errorf("a forged entry was kept, or a good one lost: %v", got)
	}
	many := DeviceCookie(key, NewSecret(), NewSecret(), NewSecret(), NewSecret(), a)
	if got := DeviceSecrets(key, many); len(got) != MaxDeviceAccounts {
		t.Errorf("%d secrets kept, want %d", len(got), MaxDeviceAccounts)
	}
}
