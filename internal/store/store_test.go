package store_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

var ctx = context.Background()

// mustClinic creates a clinic with a fixed creation time.
func mustClinic(t *testing.T, s *store.Store, id, short string) store.Clinic {
	t.Helper()
	c := store.Clinic{ID: id, ShortName: short, Name: "Clinic " + short, TimeZone: "America/Los_Angeles",
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateClinic(ctx, &c) }); err != nil {
		t.Fatalf("create clinic: %v", err)
	}
	return c
}

func mustUser(t *testing.T, s *store.Store, clinicID, id, email string, roles ...store.Role) store.User {
	t.Helper()
	u := store.User{ID: id, ClinicID: clinicID, Email: email, Name: "Person " + id, Kind: "staff", Roles: roles,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u) }); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

func TestSchemasInStep(t *testing.T) {
	base := os.Getenv("DOORWAY_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true requires DOORWAY_TEST_POSTGRES")
		}
		t.Skip("set DOORWAY_TEST_POSTGRES to compare the SQLite and PostgreSQL schemas")
	}
	lite := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir()})
	pg := storetest.OpenConfig(t, store.Config{URL: storetest.FreshPostgres(t, base)})
	a, err := lite.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pg.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) < 10 {
		t.Fatalf("expected the foundation tables, found %d tables", len(a))
	}
	for table, cols := range a {
		if !reflect.DeepEqual(cols, b[table]) {
			t.Errorf("table %s: sqlite columns %v, postgres columns %v", table, cols, b[table])
		}
	}
	for table := range b {
		if _, ok := a[table]; !ok {
			t.Errorf("table %s exists only on postgres", table)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

func TestClinicRoundTripKeepsTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		want := mustClinic(t, s, "c1", "main")
		var got store.Clinic
		if err := s.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.ClinicByRef(ctx, "main"); return }); err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("created_at: got %v want %v", got.CreatedAt, want.CreatedAt)
		}
		got.CreatedAt = want.CreatedAt
		if got != want {
			t.Errorf("got %+v want %+v", got, want)
		}
		dup := store.Clinic{ID: "c2", ShortName: "main", Name: "x", TimeZone: "UTC", CreatedAt: time.Now()}
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateClinic(ctx, &dup) })
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "short_name" {
			t.Errorf("duplicate short name: got %v", err)
		}
		bad := store.Clinic{ID: "c3", ShortName: "z", Name: "x", TimeZone: "Mars/Olympus", CreatedAt: time.Now()}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateClinic(ctx, &bad) }); problem.FieldOf(err) != "time_zone" {
			t.Errorf("bad time zone: got %v", err)
		}
	})
}

func TestUsersRolesAndDuplicateEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "main")
		mustUser(t, s, c.ID, "u1", "Jordan@Example.org", store.RolePrescriber, store.RoleTherapist)
		var u store.User
		if err := s.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.UserByEmail(ctx, " jordan@example.ORG "); return }); err != nil {
			t.Fatal(err)
		}
		if u.Email != "jordan@example.org" || !u.HasRole(store.RolePrescriber) || !u.HasRole(store.RoleTherapist) || u.HasRole(store.RoleAdmin) {
			t.Errorf("user: %+v", u)
		}
		dup := store.User{ID: "u2", ClinicID: c.ID, Email: "JORDAN@example.org", Name: "x", Kind: "staff", CreatedAt: time.Now()}
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &dup) })
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Field != "email" {
			t.Fatalf("duplicate email: got %v", err)
		}
		// Nothing of the failed write remains.
		if err := s.Read(ctx, func(tx *store.Tx) error { _, err := tx.User(ctx, "u2"); return err }); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("half-written user: %v", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetRoles(ctx, "u1", []store.Role{"janitor"}) }); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("bad role accepted: %v", err)
		}
		if err := s.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.User(ctx, "u1"); return }); err != nil || len(u.Roles) != 2 {
			t.Errorf("roles after refused change: %v %v", u.Roles, err)
		}
	})
}

// A session is read with the account that holds it, its roles, its clinic
// and, for a client, their record's id, in one go.
func TestSessionHolder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "main")
		mustUser(t, s, c.ID, "u1", "a@example.org", store.RoleTherapist, store.RoleAdmin)
		now := time.Date(2026, 11, 1, 1, 30, 0, 0, time.UTC)
		cl := store.Client{ID: "cl1", ClinicID: c.ID, GivenName: "Rosa", FamilyName: "Quint", CreatedAt: now}
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &store.User{ID: "u2", ClinicID: c.ID, Email: "rosa@example.org", Name: "Rosa Quint", Kind: "client", CreatedAt: now}); err != nil {
				return err
			}
			cl.UserID = "u2"
			if err := tx.CreateClient(ctx, &cl); err != nil {
				return err
			}
			for _, sess := range []store.Session{{TokenHash: "staff", UserID: "u1", MFADone: true}, {TokenHash: "client", UserID: "u2", IP: "192.0.2.7"}} {
				sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = now, now.Add(time.Minute), now.Add(time.Hour)
				if err := tx.CreateSession(ctx, &sess); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			h, err := tx.SessionHolder(ctx, "staff")
			if err != nil || h.User.ID != "u1" || h.Clinic.ID != c.ID || h.Clinic.ShortName != "main" || h.ClientID != "" || !h.Session.MFADone ||
				!slices.Equal(h.User.Roles, []store.Role{store.RoleAdmin, store.RoleTherapist}) || !h.Session.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Errorf("staff session: %+v, %v", h, err)
			}
			h, err = tx.SessionHolder(ctx, "client")
			if err != nil || h.User.ID != "u2" || h.User.Kind != "client" || h.ClientID != "cl1" || h.Session.MFADone || h.Session.IP != "192.0.2.7" ||
				!h.Session.LastSeenAt.Equal(now.Add(time.Minute)) {
				t.Errorf("client session: %+v, %v", h, err)
			}
			if _, err := tx.SessionHolder(ctx, "nobody"); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("an unknown session: %v", err)
			}
			return nil
		})
	})
}

func TestDisableEndsSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "main")
		mustUser(t, s, c.ID, "u1", "a@example.org", store.RoleTherapist)
		now := time.Now().UTC()
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateSession(ctx, &store.Session{TokenHash: "h1", UserID: "u1", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				return err
			}
			return tx.CreateAPIToken(ctx, &store.APIToken{ID: "k1", UserID: "u1", Name: "x", TokenHash: "th1", CreatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetDisabled(ctx, "u1", &now) }); err != nil {
			t.Fatal(err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			if _, err := tx.SessionHolder(ctx, "h1"); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("session survived disable: %v", err)
			}
			if _, err := tx.APITokenByHash(ctx, "th1"); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("token survived disable: %v", err)
			}
			return nil
		})
	})
}

func TestOneTimeLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "main")
		mustUser(t, s, c.ID, "u1", "a@example.org")
		now := time.Now().UTC()
		mk := func(hash string) {
			if err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.CreateLink(ctx, &store.Link{TokenHash: hash, UserID: "u1", Purpose: "reset", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
			}); err != nil {
				t.Fatal(err)
			}
		}
		mk("old")
		mk("new")
		s.Read(ctx, func(tx *store.Tx) error {
			if _, err := tx.LinkByHash(ctx, "old", now); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("superseded link still works: %v", err)
			}
			if _, err := tx.LinkByHash(ctx, "new", now.Add(time.Hour)); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("expired link works: %v", err)
			}
			if _, err := tx.LinkByHash(ctx, "new", now); err != nil {
				t.Errorf("fresh link: %v", err)
			}
			return nil
		})
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.UseLink(ctx, "new", now) }); err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.UseLink(ctx, "new", now) }); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("link used twice: %v", err)
		}
	})
}

func TestClientsAndCareTeamScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "main")
		other := mustClinic(t, s, "c2", "other")
		mustUser(t, s, c.ID, "sam", "sam@example.org", store.RoleTherapist)
		now := time.Now().UTC()
		err := s.Write(ctx, func(tx *store.Tx) error {
			for _, cl := range []store.Client{
				{ID: "maya", ClinicID: c.ID, GivenName: "Maya", FamilyName: "Chen", CreatedAt: now},
				{ID: "dan", ClinicID: c.ID, GivenName: "Daniel", FamilyName: "Brooks", CreatedAt: now},
				{ID: "hx", ClinicID: other.ID, GivenName: "Hana", FamilyName: "Xu", CreatedAt: now},
			} {
				if err := tx.CreateClient(ctx, &cl); err != nil {
					return err
				}
			}
			if err := tx.AddToCareTeam(ctx, "maya", "sam", now); err != nil {
				return err
			}
			return tx.AddToCareTeam(ctx, "maya", "sam", now) // idempotent
		})
		if err != nil {
			t.Fatal(err)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			all, total, err := tx.Clients(ctx, store.ClientFilter{ClinicID: c.ID})
			if err != nil || total != 2 || all[0].ID != "dan" || all[1].ID != "maya" {
				t.Errorf("clinic listing: %v %d %v", all, total, err)
			}
			mine, total, _ := tx.Clients(ctx, store.ClientFilter{ClinicID: c.ID, CareTeamOf: "sam"})
			if total != 1 || mine[0].ID != "maya" {
				t.Errorf("care team listing: %v", mine)
			}
			named, _, _ := tx.Clients(ctx, store.ClientFilter{ClinicID: c.ID, Name: "MA"})
			if len(named) != 1 || named[0].ID != "maya" {
				t.Errorf("name filter: %v", named)
			}
			if _, err := tx.Client(ctx, c.ID, "hx"); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("client of another clinic visible: %v", err)
			}
			return nil
		})
		bad := store.Client{ID: "b", ClinicID: c.ID, GivenName: "A", FamilyName: "B", DateOfBirth: "23/04/1980", CreatedAt: now}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateClient(ctx, &bad) }); problem.FieldOf(err) != "date_of_birth" {
			t.Errorf("bad date accepted: %v", err)
		}
	})
}

func TestLoginFailuresCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Now().UTC()
		s.Write(ctx, func(tx *store.Tx) error {
			tx.RecordLoginFailure(ctx, "1", "a@x.org", "1.1.1.1", now.Add(-2*time.Hour))
			tx.RecordLoginFailure(ctx, "2", "A@x.org", "1.1.1.1", now.Add(-time.Minute))
			return tx.RecordLoginFailure(ctx, "3", "b@x.org", "1.1.1.1", now)
		})
		s.Read(ctx, func(tx *store.Tx) error {
			e, ip, err := tx.LoginFailures(ctx, "a@x.org", "1.1.1.1", now.Add(-time.Hour))
			if err != nil || e != 1 || ip != 2 {
				t.Errorf("failures: email %d ip %d err %v; want 1 and 2", e, ip, err)
			}
			return nil
		})
	})
}

// The staff's names are read from the clinic's users index alone, never
// from the table a row at a time: a large practice has thousands of staff
// and a hundred thousand clients' accounts beside them.
func TestStaffNamesReadTheIndexAlone(t *testing.T) {
	counter := store.QueryCounter{Keep: true}
	s := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir(), Counter: &counter})
	c := mustClinic(t, s, "c1", "main")
	mustUser(t, s, c.ID, "u1", "a@example.org", store.RoleTherapist)
	counter.Reset()
	var names map[string]string
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { names, err = tx.StaffNames(ctx, c.ID); return err }); err != nil || len(names) != 1 {
		t.Fatalf("names %v, %v", names, err)
	}
	var read string
	for _, q := range counter.Statements() {
		if strings.Contains(q, "FROM users") {
			read = q
		}
	}
	if read == "" {
		t.Fatalf("the names were not read: %v", counter.Statements())
	}
	plan, err := s.QueryPlan(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if want := "SEARCH users USING COVERING INDEX users_clinic (clinic_id=? AND kind=?)"; !slices.Contains(plan, want) {
		t.Errorf("the staff's names are not read as %q:\n  %s", want, strings.Join(plan, "\n  "))
	}
}

// A server keeps the staff's names between requests and reads them again
// when they change, whoever changes them: another instance on the same
// database adds a staff member and renames one, and the first server's next
// read has both; a change rolled back leaves what it kept as it was.
func TestStaffNamesKeptUntilTheyChange(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			one := storetest.OpenConfig(t, cfg)
			other := storetest.OpenConfig(t, cfg)
			c := mustClinic(t, one, "c1", "main")
			mustUser(t, one, c.ID, "u1", "a@example.org", store.RoleTherapist)
			names := func() map[string]string {
				t.Helper()
				var n map[string]string
				if err := one.Read(ctx, func(tx *store.Tx) (err error) { n, err = tx.StaffNames(ctx, c.ID); return err }); err != nil {
					t.Fatal(err)
				}
				return n
			}
			first := names()
			if len(first) != 1 || first["u1"] == "" {
				t.Fatalf("names %v", first)
			}
			first["u1"] = "changed by a caller"
			if got := names(); got["u1"] == "changed by a caller" {
				t.Error("a caller's change to its copy reached the kept names")
			}
			if err := other.Write(ctx, func(tx *store.Tx) error {
				if err := tx.CreateUser(ctx, &store.User{ID: "u2", ClinicID: c.ID, Email: "b@example.org", Name: "Noor Aziz", Kind: "staff", CreatedAt: time.Now()}); err != nil {
					return err
				}
				return tx.SetUserName(ctx, "u1", "Ada Renamed")
			}); err != nil {
				t.Fatal(err)
			}
			if got := names(); got["u2"] != "Noor Aziz" || got["u1"] != "Ada Renamed" {
				t.Errorf("after another server's changes: %v", got)
			}
			refused := errors.New("rolled back")
			if err := one.Write(ctx, func(tx *store.Tx) error {
				if err := tx.SetUserName(ctx, "u1", "Never Committed"); err != nil {
					return err
				}
				if n, err := tx.StaffNames(ctx, c.ID); err != nil || n["u1"] != "Never Committed" {
					t.Errorf("inside the write: %v, %v", n, err)
				}
				return refused
			}); err != refused {
				t.Fatal(err)
			}
			if got := names(); got["u1"] != "Ada Renamed" {
				t.Errorf("after a rolled-back rename: %v", got)
			}
		})
	}
}
