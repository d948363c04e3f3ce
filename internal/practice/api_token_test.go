package practice

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// apiFixture is storetest's practice with the service over it, its clock
// standing still until a test moves it.
type apiFixture struct {
	st  *store.Store
	p   *storetest.Practice
	s   *Service
	now time.Time
	n   *store.QueryCounter
}

func newAPIFixture(t *testing.T, cfg store.Config) *apiFixture {
	t.Helper()
	counter := &store.QueryCounter{Keep: true}
	cfg.Counter = counter
	st := storetest.OpenConfig(t, cfg)
	f := &apiFixture{st: st, p: storetest.NewPractice(t, st, storetest.Now), now: storetest.Now, n: counter}
	f.s = New(Config{Store: st, Now: func() time.Time { return f.now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return f
}

// actor is a principal of the practice signed in through the API.
func (f *apiFixture) actor(t *testing.T, name string) Actor {
	t.Helper()
	u := f.p.Users[name]
	clientID := ""
	for _, c := range f.p.Clients {
		if c.UserID == u.ID && u.ID != "" {
			clientID = c.ID
		}
	}
	return NewActor(u.Principal(clientID), u.Name, f.p.Clinic, "req-1", "192.0.2.1", API)
}

// entries are the clinic's audit entries whose action starts with action,
// newest first; clinicID "" reads those of no clinic.
func (f *apiFixture) entries(t *testing.T, clinicID, action string) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	var es []audit.Entry
	err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: clinicID, Action: action, Limit: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// anon is a request through the API before it is signed in.
func (f *apiFixture) anon() Actor {
	return NewActor(access.Principal{}, "", store.Clinic{}, "req-1", "192.0.2.1", API)
}

func (f *apiFixture) token(t *testing.T, name string) (string, string) {
	t.Helper()
	ctx := context.Background()
	secret := auth.NewSecret()
	k := store.APIToken{ID: auth.NewID(), UserID: f.p.Users[name].ID, Name: "test", TokenHash: auth.HashSecret(secret), CreatedAt: f.now}
	if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.CreateAPIToken(ctx, &k) }); err != nil {
		t.Fatal(err)
	}
	return secret, k.ID
}

func (f *apiFixture) lastUsed(t *testing.T, name, id string) *time.Time {
	t.Helper()
	ctx := context.Background()
	var toks []store.APIToken
	if err := f.st.Read(ctx, func(tx *store.Tx) (err error) { toks, err = tx.APITokens(ctx, f.p.Users[name].ID); return }); err != nil {
		t.Fatal(err)
	}
	for _, k := range toks {
		if k.ID == id {
			return k.LastUsedAt
		}
	}
	t.Fatalf("no token %s", id)
	return nil
}

// Authenticate: a good token signs its user in as the pages would, and its
// last use is written at most once a minute; every failure is Unauthorized
// alike and recorded once, by nobody, with why.
func TestAuthenticate(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			secret, id := f.token(t, "clientA")

			a, u, err := f.s.Authenticate(ctx, f.anon(), Credential{Token: secret})
			if err != nil {
				t.Fatal(err)
			}
			if a.P.Kind != access.Client || a.P.ClientID != f.p.Clients["A"].ID || a.P.UserID != u.ID || a.Clinic.ID != f.p.Clinic.ID ||
				a.Channel != API || a.RequestID != "req-1" || a.IP != "192.0.2.1" {
				t.Errorf("actor %+v", a)
			}
			if at := f.lastUsed(t, "clientA", id); at == nil || !at.Equal(f.now) {
				t.Errorf("last use %v, want %v", at, f.now)
			}

			// Within the minute: read only, and the last use stays.
			f.now = f.now.Add(time.Minute)
			f.n.Reset()
			if _, _, err := f.s.Authenticate(ctx, f.anon(), Credential{Token: secret}); err != nil {
				t.Fatal(err)
			}
			for _, q := range f.n.Statements() {
				if !strings.HasPrefix(q, "SELECT") {
					t.Errorf("a second use within the minute wrote: %s", q)
				}
			}
			if at := f.lastUsed(t, "clientA", id); !at.Equal(storetest.Now) {
				t.Errorf("last use moved within the minute: %v", at)
			}
			f.now = f.now.Add(time.Second)
			if _, _, err := f.s.Authenticate(ctx, f.anon(), Credential{Token: secret}); err != nil {
				t.Fatal(err)
			}
			if at := f.lastUsed(t, "clientA", id); !at.Equal(f.now) {
				t.Errorf("last use after a minute: %v, want %v", at, f.now)
			}

			disabled, _ := f.token(t, "disabled")
			for _, cr := range []Credential{{Token: auth.NewSecret()}, {Unusable: "no bearer token"}, {Token: disabled}} {
				if _, _, err := f.s.Authenticate(ctx, f.anon(), cr); !errors.Is(err, errNotSignedIn) {
					t.Errorf("%+v: %v", cr, err)
				}
			}
			// Of the address's failures in the hour only the first is an
			// entry of its own (the second, with no token, is counted); the
			// disabled account's is recorded in its clinic whatever.
			nobody := f.entries(t, "", "fhir.auth.failed")
			if len(nobody) != 1 || nobody[0].Detail != "unknown or revoked token" {
				t.Errorf("failures of no clinic: %+v", nobody)
			}
			inClinic := f.entries(t, f.p.Clinic.ID, "fhir.auth.failed")
			if len(inClinic) != 1 || inClinic[0].Detail != "account disabled" || inClinic[0].ActorKind != audit.ActorAnonymous ||
				inClinic[0].ActorID != "" || inClinic[0].Outcome != audit.Failed || inClinic[0].RequestID != "req-1" {
				t.Errorf("disabled account's failure: %+v", inClinic)
			}
			// The hour over, the next failure opens another window, and the
			// one before is summarised with its count.
			f.now = f.now.Add(time.Hour)
			if _, _, err := f.s.Authenticate(ctx, f.anon(), Credential{Unusable: "no bearer token"}); !errors.Is(err, errNotSignedIn) {
				t.Fatal(err)
			}
			nobody = f.entries(t, "", "fhir.auth.failed")
			if len(nobody) != 3 || nobody[0].Detail != "no bearer token" || nobody[0].ActorKind != audit.ActorAnonymous ||
				!strings.HasPrefix(nobody[1].Detail, "3 failed authentications from this address in the hour from ") ||
				nobody[1].ActorKind != audit.ActorSystem || nobody[1].IP != "192.0.2.1" || nobody[1].Severity != audit.Info {
				t.Errorf("the next hour's failure and the summary of the last: %+v", nobody)
			}
		})
	}
}

// Bogus tokens from one address: past MaxAPIFailuresPerIP in the hour each
// is refused from a read, writing nothing, while a right token from the
// same address still signs in. The address's hour is one entry when it
// opens and one summary, with the count, once it is over; an hour with no
// attempts after it is summarised when any other window opens.
func TestAuthenticateLimitsFailuresPerAddress(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			secret, _ := f.token(t, "assigned")
			for i := range MaxAPIFailuresPerIP {
				if _, _, err := f.s.Authenticate(ctx, f.anon(), Credential{Token: auth.NewSecret()}); !errors.Is(err, errNotSignedIn) {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			f.n.Reset()
			for range 1000 {
				if _, _, err := f.s.Authenticate(ctx, f.anon(), Credential{Token: auth.NewSecret()}); problem.CodeOf(err) != problem.TooMany || RetryAfter(err) != time.Hour {
					t.Fatalf("past the limit: %v (%v)", err, RetryAfter(err))
				}
			}
			for _, q := range f.n.Statements() {
				if !strings.HasPrefix(q, "SELECT") {
					t.Fatalf("a refused failure wrote: %s", q)
				}
			}
			if _, _, err := f.s.Authenticate(ctx, f.anon(), Credential{Token: secret}); err != nil {
				t.Errorf("a right token from the address: %v", err)
			}
			if es := f.entries(t, "", "fhir.auth.failed"); len(es) != 1 {
				t.Errorf("%d entries for the hour's failures, want 1", len(es))
			}
			// An hour later a failure from elsewhere opens a window of its
			// own, and the ended hour is summarised.
			f.now = f.now.Add(time.Hour)
			other := NewActor(access.Principal{}, "", store.Clinic{}, "req-2", "2001:db8:5:6::1", API)
			f.s.Authenticate(ctx, other, Credential{Unusable: "no bearer token"})
			es := f.entries(t, "", "fhir.auth.failed")
			var summary audit.Entry
			for _, e := range es {
				if e.ActorKind == audit.ActorSystem {
					summary = e
				}
			}
			if len(es) != 3 || summary.IP != "192.0.2.1" || summary.Severity != audit.High ||
				!strings.HasPrefix(summary.Detail, "100 failed authentications from this address") || !strings.Contains(summary.Detail, "limit of 100 was reached") {
				t.Errorf("entries after the hour: %+v", es)
			}
		})
	}
}
