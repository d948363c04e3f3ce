package auth

import (
	"net/netip"
	"time"
)

// Limit is how a throttle treats the failures of one subject (an address,
// an account, a device) in a fixed window that opens with the first
// failure. Up to Free failures cost nothing; after that each attempt waits
// Delay after the last failure, doubling with every further failure up to
// MaxDelay; and at Max failures (0: no cap) attempts wait for the window to
// end. Waits are answered ("try again in N seconds"), never slept: a
// sleeping request would hold a connection and a goroutine for the
// attacker, and a caller with many connections would not be slowed by it.
type Limit struct {
	Window   time.Duration
	Max      int
	Free     int
	Delay    time.Duration
	MaxDelay time.Duration
}

// Count is a subject's failures in its current window.
type Count struct {
	Start    time.Time // the window's first failure
	Failures int
	Last     time.Time // the newest failure
}

// Ended reports whether c's window is over at now, so that it counts for
// nothing.
func (l Limit) Ended(c Count, now time.Time) bool {
	return c.Failures == 0 || !now.Before(c.Start.Add(l.Window))
}

// Wait is how long an attempt at now must wait; zero means it may go ahead.
func (l Limit) Wait(c Count, now time.Time) time.Duration {
	if l.Ended(c, now) {
		return 0
	}
	if l.Max > 0 && c.Failures >= l.Max {
		return c.Start.Add(l.Window).Sub(now)
	}
	if wait := c.Last.Add(l.delay(c.Failures)).Sub(now); wait > 0 {
		return wait
	}
	return 0
}

// Reached reports whether c has just reached the cap: the failure that
// made it Failures was the last one allowed.
func (l Limit) Reached(c Count) bool { return l.Max > 0 && c.Failures == l.Max }

// Slowing reports whether the failure that made c's count is the first to
// be followed by a wait.
func (l Limit) Slowing(c Count) bool { return l.Delay > 0 && c.Failures == l.Free+1 }

// delay is the wait after n failures.
func (l Limit) delay(n int) time.Duration {
	if l.Delay <= 0 || n <= l.Free {
		return 0
	}
	d := l.Delay
	for i := l.Free + 1; i < n; i++ {
		d *= 2
		if l.MaxDelay > 0 && d >= l.MaxDelay {
			return l.MaxDelay
		}
	}
	if l.MaxDelay > 0 && d > l.MaxDelay {
		return l.MaxDelay
	}
	return d
}

// AddressKey is the part of an address a throttle counts by: an IPv4
// address whole, an IPv6 address by its /64, which is what one subscriber
// is given (counting by the whole address would let anyone with a /64
// try 2^64 times as often). Anything else is kept as it is.
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}
