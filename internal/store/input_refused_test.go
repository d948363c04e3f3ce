package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The database file, and the -wal and -shm files SQLite makes beside it,
// are readable by their owner alone, whatever the process's umask.
func TestDatabaseFileIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022) // the usual default, which would leave 0644
	defer syscall.Umask(old)
	dir := t.TempDir()
	s := storetest.OpenConfig(t, store.Config{DataDir: dir})
	storetest.NewPractice(t, s, storetest.Now) // writes, so the WAL exists
	for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal", store.SQLiteFile + "-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s is %04o, want 0600", name, mode)
		}
	}
}

// Free text is checked where it is kept, whichever door it came in by: a
// page's form (which refuses such input before), the API, the command line.
func TestFreeTextRefusedAtTheStore(t *testing.T) {
	s := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir()})
	p := storetest.NewPractice(t, s, storetest.Now)
	a := p.Clients["A"]
	for _, c := range []struct {
		name, field string
		write       func(tx *store.Tx) error
	}{
		{"NUL in a name", "given_name", func(tx *store.Tx) error {
			return tx.CreateClient(ctx, &store.Client{ID: auth.NewID(), ClinicID: p.Clinic.ID, GivenName: "Ro\x00bin", FamilyName: "Hale", CreatedAt: storetest.Now})
		}},
		{"ESC in a name", "family_name", func(tx *store.Tx) error {
			return tx.CreateClient(ctx, &store.Client{ID: auth.NewID(), ClinicID: p.Clinic.ID, GivenName: "Robin", FamilyName: "\x1b[2JHale", CreatedAt: storetest.Now})
		}},
		{"a name of 10,000 characters", "given_name", func(tx *store.Tx) error {
			return tx.CreateClient(ctx, &store.Client{ID: auth.NewID(), ClinicID: p.Clinic.ID, GivenName: strings.Repeat("a", 10000), FamilyName: "Hale", CreatedAt: storetest.Now})
		}},
		{"not UTF-8 in a staff name", "name", func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &store.User{ID: auth.NewID(), ClinicID: p.Clinic.ID, Email: "new@example.org", Name: "Sam \xff", Kind: "staff", CreatedAt: storetest.Now})
		}},
		{"ESC in a goal", "text", func(tx *store.Tx) error {
			return tx.AddGoal(ctx, &store.Goal{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: auth.NewID(), Kind: store.GoalGoal,
				Text: "Sleep\x1b[31m", CreatedBy: p.Users["assigned"].ID, CreatedAt: storetest.Now})
		}},
		{"NUL in a note", "body", func(tx *store.Tx) error {
			return tx.AddPrepNote(ctx, &store.PrepNote{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: a.ID, CourseID: auth.NewID(),
				Body: "Talked\x00", OccurredAt: storetest.Now, SignedAt: storetest.Now, AuthorID: p.Users["assigned"].ID})
		}},
	} {
		err := s.Write(ctx, c.write)
		if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != c.field {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
}
