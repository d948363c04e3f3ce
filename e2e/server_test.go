package e2e

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// demoLogin is one account of the demo practice.
type demoLogin struct {
	Name     string
	Email    string
	Password string
}

// server is a running Doorway with the demo practice.
type server struct {
	Engine string // "sqlite" or "postgres"
	URL    string // http://127.0.0.1:port
	// Store is a second handle on the server's database, for tests that
	// arrange data the pages cannot make (a non-demo admin).
	Store *store.Store
	// Logins are the demo accounts by first name: Alex, Jordan, Sam, Robin, Maya...
	Logins map[string]demoLogin
	// Now is the server's clock (bootClock, running): tests that write a
	// time or a day the server checks read it here, never the machine's.
	Now   func() time.Time
	clock *serverClock
}

// Advance moves the server's clock on by d, in steps of at most ten
// minutes; after each, every tab opens a page, as the people at them would
// keep working, so their sign-ins stay within the idle timeout.
func (s *server) Advance(d time.Duration, tabs ...*tab) {
	for d > 0 {
		step := min(d, 10*time.Minute)
		s.clock.offset.Add(int64(step))
		d -= step
		for _, b := range tabs {
			b.open("/account")
		}
	}
}

// login returns the demo account whose name starts with first.
func (s *server) login(t testing.TB, first string) demoLogin {
	t.Helper()
	l, ok := s.Logins[first]
	if !ok {
		t.Fatalf("the demo has no login for %q (have %v)", first, s.Logins)
	}
	return l
}

// The SQLite server is shared by the whole package: booting and seeding the
// demo costs more than most tests, and the tests that change data make
// their own people with unique emails.
var shared struct {
	once sync.Once
	srv  *server
	err  error
	stop func()
}

// stopShared stops the shared server; TestMain calls it after the tests.
func stopShared() {
	if shared.stop != nil {
		shared.stop()
	}
}

// sqliteServer returns the package's shared SQLite server, booting it on
// first use.
func sqliteServer(t testing.TB) *server {
	t.Helper()
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "doorway-e2e-")
		if err != nil {
			shared.err = err
			return
		}
		srv, stop, err := boot(store.Config{DataDir: dir})
		shared.stop = func() {
			if stop != nil {
				stop()
			}
			os.RemoveAll(dir)
		}
		shared.srv, shared.err = srv, err
		if srv != nil {
			srv.Engine = "sqlite"
		}
	})
	if shared.err != nil {
		t.Fatalf("boot Doorway on SQLite: %v", shared.err)
	}
	return shared.srv
}

// ownSQLiteServer boots a server of its own on a fresh SQLite file, for a
// test that needs the demo practice exactly as seeded: the shared server's
// demo people are changed by the tests that run before (Tom's session under
// way is discharged by one of them).
func ownSQLiteServer(t *testing.T) *server {
	t.Helper()
	srv, stop, err := boot(store.Config{DataDir: t.TempDir()})
	if stop != nil {
		t.Cleanup(stop)
	}
	if err != nil {
		t.Fatalf("boot Doorway on SQLite: %v", err)
	}
	srv.Engine = "sqlite"
	return srv
}

// postgresServer boots a server of its own on a fresh PostgreSQL schema for
// one test, when DOORWAY_TEST_POSTGRES is set.
func postgresServer(t *testing.T) *server {
	t.Helper()
	base := os.Getenv("DOORWAY_TEST_POSTGRES")
	if base == "" {
		unavailable(t, "PostgreSQL browser tests: set DOORWAY_TEST_POSTGRES to a postgres:// URL to run them")
	}
	cfg := store.Config{URL: storetest.FreshPostgres(t, base), DataDir: t.TempDir()}
	srv, stop, err := boot(cfg)
	if stop != nil {
		t.Cleanup(stop)
	}
	if err != nil {
		t.Fatalf("boot Doorway on PostgreSQL: %v", err)
	}
	srv.Engine = "postgres"
	return srv
}

// engines runs fn once per database engine: SQLite always, PostgreSQL when
// configured (and, under CI=true, required).
func engines(t *testing.T, fn func(t *testing.T, srv *server)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, sqliteServer(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, postgresServer(t)) })
}

// newStaff creates a staff account directly in the database, with a
// password, as `doorway user add` would, and returns its login.
func newStaff(t *testing.T, srv *server, name, email string, roles ...store.Role) demoLogin {
	t.Helper()
	ctx := context.Background()
	const password = "quiet harbour morning tide"
	hash, err := auth.NewHasher(1).Hash(ctx, password)
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := tx.ClinicByRef(ctx, clinicRef(t, srv))
		if err != nil {
			return err
		}
		return tx.CreateUser(ctx, &store.User{ID: auth.NewID(), ClinicID: c.ID, Email: email, Name: name, Kind: "staff",
			PasswordHash: hash, Roles: roles, CreatedAt: srv.Now()})
	})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return demoLogin{Name: name, Email: email, Password: password}
}

// clinicRef is the id of the demo's main clinic: the clinic of Alex, its admin.
func clinicRef(t *testing.T, srv *server) string {
	t.Helper()
	ctx := context.Background()
	var id string
	err := srv.Store.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, srv.login(t, "Alex").Email)
		id = u.ClinicID
		return err
	})
	if err != nil {
		t.Fatalf("find the demo clinic: %v", err)
	}
	return id
}
