// Package storetest gives tests a real, migrated database: a SQLite file in a
// temporary directory always, and a fresh PostgreSQL schema whenever
// DOORWAY_TEST_POSTGRES holds a connection URL. Under CI=true a missing
// PostgreSQL is a failure, never a skip.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"doorway/internal/seal"
	"doorway/internal/store"
)

// Engine is one database a test runs against.
type Engine struct {
	Name string // "sqlite" or "postgres"
	// Config opens a fresh, empty database of this engine for one test.
	Config func(t testing.TB) store.Config
}

// Engines lists the engines available to this run.
func Engines(t testing.TB) []Engine {
	out := []Engine{{Name: "sqlite", Config: func(t testing.TB) store.Config {
		return store.Config{DataDir: t.TempDir()}
	}}}
	if base := os.Getenv("DOORWAY_TEST_POSTGRES"); base != "" {
		out = append(out, Engine{Name: "postgres", Config: func(t testing.TB) store.Config {
			return store.Config{URL: FreshPostgres(t, base), DataDir: t.TempDir()}
		}})
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but DOORWAY_TEST_POSTGRES is not set: the PostgreSQL half of the suite cannot be skipped in CI")
	} else {
		t.Log("PostgreSQL tests skipped: set DOORWAY_TEST_POSTGRES to a postgres:// URL to run them")
	}
	return out
}

// FreshPostgres creates a schema of its own for one test and returns a URL
// whose search_path points at it; the schema is dropped when the test ends.
func FreshPostgres(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "doorway_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close() // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE") // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
		admin.Close()                                    // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse DOORWAY_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates a fresh database of the engine.
func Open(t testing.TB, e Engine) *store.Store {
	t.Helper()
	return OpenConfig(t, e.Config(t))
}

// OpenConfig opens and migrates the database described by cfg.
func OpenConfig(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() }) // #nosec G104 -- test helper: tidying up after a test, or a reply to a test client; a failure there changes no result
	// Every test store can seal: a fresh master key each time.
	if err := s.SetMasterKey(seal.NewKey()); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Each runs fn once per engine as a subtest.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}
