package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/fhir"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

const marker = storetest.Marker

var principals = storetest.Principals

// fixture is the shared practice with a signed-in session for each principal.
type fixture struct {
	t       testing.TB
	st      *store.Store
	srv     *Server
	h       http.Handler
	now     time.Time
	clinic  store.Clinic
	users   map[string]store.User   // principal -> user
	cookies map[string]string       // principal -> session token
	clients map[string]store.Client // "A", "B", "other"
	tokenID string                  // an API token of the assigned therapist
	// jointAppt is A and B's joint medicine session, once seedCouple has
	// linked them (couples_test.go).
	jointAppt string
	// measures is client A's course, scores and open safety flag
	// (measures_fixture_test.go).
	measures measuresFixture
	// schedule is a room and sessions for clients A and B
	// (schedule_fixture_test.go).
	schedule scheduleFixture
	// prep is client A's intention, goal, signature and preparation note
	// (preparation_fixture_test.go).
	prep prepFixture
	// frontDoor is an inquiry and client A's intake (front_door_fixture_test.go).
	frontDoor frontDoorFixture
	// integration is client A's workbook answers and practices log
	// (integration_fixture_test.go).
	integration integrationFixture
}

var testHasher = auth.NewHasher(2)

func newFixture(t testing.TB, cfg store.Config) *fixture {
	t.Helper()
	return newFixtureAt(t, cfg, storetest.Now)
}

// newFixtureAt is newFixture with its clock standing at now.
func newFixtureAt(t testing.TB, cfg store.Config, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenConfig(t, cfg)
	p := storetest.NewPractice(t, st, now)
	f := &fixture{t: t, st: st, now: now, clinic: p.Clinic, users: p.Users, clients: p.Clients,
		cookies: map[string]string{}, tokenID: auth.NewID()}
	err := st.Write(ctx, func(tx *store.Tx) error {
		// Every principal but anonymous gets a session; the disabled user's
		// is made after disabling, as if one had survived: it must still be
		// refused. The expired one is past its lifetime.
		for _, p := range principals[1:] {
			token := auth.NewSecret()
			f.cookies[p] = token
			s := store.Session{TokenHash: auth.HashSecret(token), UserID: f.users[p].ID, CreatedAt: now, LastSeenAt: now,
				ExpiresAt: now.Add(sessionLifetime), MFADone: true}
			if p == "expired" {
				s.CreatedAt, s.LastSeenAt, s.ExpiresAt = now.Add(-13*time.Hour), now.Add(-13*time.Hour), now.Add(-time.Hour)
			}
			if err := tx.CreateSession(ctx, &s); err != nil {
				return err
			}
		}
		return tx.CreateAPIToken(ctx, &store.APIToken{ID: f.tokenID, UserID: f.users["assigned"].ID, Name: "lab",
			TokenHash: auth.HashSecret(auth.NewSecret()), CreatedAt: now})
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	f.seedMeasures()
	f.seedSchedule()
	f.seedPreparation()
	f.seedFrontDoor()
	f.seedIntegration()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	uc := practice.New(practice.Config{Store: st, Hasher: testHasher, Logger: logger, Now: func() time.Time { return f.now }})
	// The record's FHIR download is written by the FHIR API, as the
	// application wires it.
	api := fhir.New(fhir.Config{Practice: uc, Logger: logger, Now: func() time.Time { return f.now }})
	f.srv = New(Config{Practice: uc, RecordBundle: api.WriteRecordBundle, Logger: logger, Now: func() time.Time { return f.now }})
	f.h = f.srv.Handler()
	return f
}

// do sends a request as a principal and returns the recorded response.
func (f *fixture) do(principal, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok := f.cookies[principal]; tok != "" {
		req.AddCookie(&http.Cookie{Name: "doorway", Value: tok})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func sqliteConfig(t testing.TB) store.Config { return store.Config{DataDir: t.TempDir()} }
