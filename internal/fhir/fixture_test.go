package fhir

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

const marker = storetest.Marker

var principals = storetest.Principals

// fixture is storetest's practice, five more clients on the assigned
// therapist's care team (for searching and paging), a bearer token for every
// principal but anonymous, and the API's handler.
type fixture struct {
	t       testing.TB
	st      *store.Store
	api     *API
	h       http.Handler
	now     time.Time
	p       *storetest.Practice
	clients map[string]store.Client // "A", "B", "other", then "casey", "dana", "emery", "finley", "gray"
	tokens  map[string]string       // principal -> bearer token
	// responses are stored questionnaire responses by client key, the
	// first of each client's; see seedResponses.
	responses map[string]store.Response
	// prep is client A's course, consent, goal and intention; see
	// seedPreparation (preparation_test.go).
	prep prepIDs
	// dosing are client A's dosing-order versions, oldest first, in the
	// course dosingCourse; see seedDosing (medication_request_test.go).
	dosing       []string
	dosingCourse string
	// sessions are client A's medicine session records; see
	// seedMedicineSessions (medicine_session_test.go).
	sessions sessionIDs
	// notes are client A's signed notes; see seedNotes
	// (document_reference_test.go).
	notes noteIDs
	// couple is clients A and B linked as a couple; see seedCouple
	// (group_test.go).
	couple string
}

// extraClients are on the assigned therapist's care team alongside client A.
var extraClients = []store.Client{
	{GivenName: "Casey", FamilyName: "Adams", DateOfBirth: "1990-06-15"},
	{GivenName: "Dana", FamilyName: "Brooks", PreferredName: "Dee", DateOfBirth: "1979-11-30"},
	{GivenName: "Emery", FamilyName: "Brown", DateOfBirth: "2001-01-01"},
	{GivenName: "Finley", FamilyName: "Carter"},
	{GivenName: "Gray", FamilyName: "Zhang", DateOfBirth: "1985-12-31", Email: "gray@example.org", Phone: "555-0199"},
}

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
	f := &fixture{t: t, st: st, now: now, p: p, clients: map[string]store.Client{}, tokens: map[string]string{}}
	for k, c := range p.Clients {
		f.clients[k] = c
	}
	err := st.Write(ctx, func(tx *store.Tx) error {
		for _, c := range extraClients {
			c.ID, c.ClinicID, c.CreatedAt = auth.NewID(), p.Clinic.ID, now
			if err := tx.CreateClient(ctx, &c); err != nil {
				return err
			}
			if err := tx.AddToCareTeam(ctx, c.ID, p.Users["assigned"].ID, now); err != nil {
				return err
			}
			f.clients[labelOf(c.GivenName)] = c
		}
		// Every principal but anonymous gets a token. The disabled user's is
		// made after the account was disabled (which revoked any it had), as
		// if one had slipped through: it must still be refused. The expired
		// principal's token is revoked.
		for _, name := range principals[1:] {
			token := auth.NewSecret()
			k := store.APIToken{ID: auth.NewID(), UserID: p.Users[name].ID, Name: "test", TokenHash: auth.HashSecret(token), CreatedAt: now}
			if err := tx.CreateAPIToken(ctx, &k); err != nil {
				return err
			}
			if name == "expired" {
				if err := tx.RevokeAPIToken(ctx, k.UserID, k.ID, now); err != nil {
					return err
				}
			}
			f.tokens[name] = token
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return f.now }
	f.api = New(Config{Practice: practice.New(practice.Config{Store: st, Logger: logger, Now: clock}), Logger: logger, Now: clock})
	// The handler alone, not mounted in internal/web: it sets its own
	// request id and headers, and these tests then build whatever state the
	// web package is in. The app's tests cover the mount.
	f.h = f.api.Handler()
	return f
}

func labelOf(given string) string {
	b := []byte(given)
	if len(b) > 0 && b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// do sends a request as a principal (its bearer token, if it has one).
func (f *fixture) do(principal, method, path string) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.doToken(f.tokens[principal], method, path)
}

// doToken sends a request with a raw bearer token ("" for none).
func (f *fixture) doToken(token, method, path string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// label names a Patient id by the fixture's key for it.
func (f *fixture) label(id string) string {
	for k, c := range f.clients {
		if c.ID == id {
			return k
		}
	}
	return "?" + id
}

// eachEngine runs fn with a fresh fixture on every available engine.
func eachEngine(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, newFixture(t, e.Config(t)))
		})
	}
}
