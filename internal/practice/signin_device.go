package practice

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"

	"doorway/internal/auth"
	"doorway/internal/store"
)

// Devices that have signed in (OWASP's device cookies): a browser that
// gave an account's right password keeps a signed, random cookie for it;
// the server keeps the hash, bound to the account. A right password from
// such a browser is let through while sign-ins to the account from
// anywhere else are throttled, so an attacker's failures cannot lock the
// account's owner out of their usual device. A device's own failures are
// limited apart (throttleDevice). Devices are forgotten when the
// account's password changes.

// DeviceLifetime is how long a device stays trusted after its last
// sign-in; the cookie lasts as long.
const DeviceLifetime = 180 * 24 * time.Hour

// devicesOf are the live devices a browser's cookie names, by secret.
type devicesOf struct {
	secrets []string                // the cookie's secrets whose signature checks out
	live    map[string]store.Device // by secret: those the database still trusts
}

// readDevices loads the live devices of a cookie.
func (s *Service) readDevices(ctx context.Context, tx *store.Tx, cookie string, now time.Time) (devicesOf, error) {
	d := devicesOf{secrets: auth.DeviceSecrets(s.deviceKey(), cookie), live: map[string]store.Device{}}
	if len(d.secrets) == 0 {
		return d, nil
	}
	bySecret := map[string]string{}
	hashes := make([]string, len(d.secrets))
	for i, secret := range d.secrets {
		hashes[i] = auth.HashSecret(secret)
		bySecret[hashes[i]] = secret
	}
	devs, err := tx.LiveDevices(ctx, hashes, now)
	for _, dev := range devs {
		d.live[bySecret[dev.TokenHash]] = dev
	}
	return d, err
}

// of is the device of the user among them, if there is one.
func (d devicesOf) of(userID string) (store.Device, string, bool) {
	for _, secret := range d.secrets {
		if dev, ok := d.live[secret]; ok && userID != "" && dev.UserID == userID {
			return dev, secret, true
		}
	}
	return store.Device{}, "", false
}

// keep writes the sign-in of userID from this browser inside tx: the
// user's device here is used (and its expiry moved on), or a new one is
// made. It returns the cookie the browser keeps: this device first, then
// the other accounts' live devices, the dead ones left out.
func (s *Service) keepDevice(ctx context.Context, tx *store.Tx, d devicesOf, userID string, now time.Time) (string, error) {
	dev, secret, ok := d.of(userID)
	if ok {
		if err := tx.UseDevice(ctx, dev.ID, now, now.Add(DeviceLifetime)); err != nil {
			return "", err
		}
	} else {
		secret = auth.NewSecret()
		dev = store.Device{ID: auth.NewID(), UserID: userID, TokenHash: auth.HashSecret(secret), CreatedAt: now, LastUsedAt: now,
			ExpiresAt: now.Add(DeviceLifetime)}
		if err := tx.CreateDevice(ctx, &dev); err != nil {
			return "", err
		}
	}
	secrets := []string{secret}
	for _, other := range d.secrets {
		if o, live := d.live[other]; live && o.UserID != userID {
			secrets = append(secrets, other)
		}
	}
	return auth.DeviceCookie(s.deviceKey(), secrets...), nil
}

// deviceKey signs device cookies.
func (s *Service) deviceKey() []byte { return s.purposeKey("device cookie") }

// purposeKey is a key for one purpose, derived from the master key, so
// every instance behind a load balancer derives the same one. Without a
// master key (never in a real deployment) it is derived from a key of
// this process.
func (s *Service) purposeKey(purpose string) []byte {
	if k, err := s.st.PurposeKey(purpose); err == nil {
		return k
	}
	processKeyOnce.Do(func() { processKey = make([]byte, 32); rand.Read(processKey) })
	m := hmac.New(sha256.New, processKey)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

var (
	processKeyOnce sync.Once
	processKey     []byte
)
