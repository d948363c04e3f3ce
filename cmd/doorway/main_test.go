package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

var ctx = context.Background()

type result struct {
	code           int
	stdout, stderr string
}

// doorway runs the command line in-process with a clean environment plus env.
func doorway(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{ctx: ctx, stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	code := c.main(args)
	return result{code, out.String(), errOut.String()}
}

// mustSucceed runs a command that must exit 0.
func mustSucceed(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := doorway(t, env, args...)
	if r.code != 0 {
		t.Fatalf("doorway %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestRunExitCodes(t *testing.T) {
	empty := t.TempDir()
	cases := []struct {
		args []string
		code int
		out  string // in stdout (exit 0) or stderr
	}{
		{nil, 2, "name a command"},
		{[]string{"--help"}, 0, "usage: doorway <command>"},
		{[]string{"help"}, 0, "audit verify"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"version"}, 0, "doorway "},
		{[]string{"version", "extra"}, 2, "unexpected argument"},
		{[]string{"serve", "--help"}, 0, "usage: doorway serve"},
		{[]string{"serve", "-h"}, 0, "-behind-tls-proxy"},
		{[]string{"demo", "--help"}, 0, "usage: doorway demo"},
		{[]string{"migrate", "--help"}, 0, "usage: doorway migrate"},
		{[]string{"user", "add", "--help"}, 0, "-role"},
		{[]string{"token", "create", "--help"}, 0, "last line"},
		{[]string{"backup", "--help"}, 0, "-out"},
		{[]string{"restore", "--help"}, 0, "-in"},
		{[]string{"audit", "verify", "--help"}, 0, "-public-key"},
		{[]string{"user", "--help"}, 0, "usage: doorway user add"},
		{[]string{"serve", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"serve", "--tls-cert", "c.pem"}, 2, "--tls-key"},
		{[]string{"serve", "--addr", "nowhere"}, 2, "--addr"},
		{[]string{"user"}, 2, "needs a subcommand"},
		{[]string{"user", "remove"}, 2, "needs a subcommand"},
		{[]string{"user", "add", "--data", empty}, 2, "--email is required"},
		{[]string{"user", "add", "--data", empty, "--email", "a@example.org"}, 2, "--role is required"},
		{[]string{"user", "add", "--data", empty, "--email", "a@example.org", "--role", "boss"}, 2, `"boss" is not a role`},
		{[]string{"user", "add", "--data", empty, "--email", "not-an-email", "--role", "admin"}, 2, "--email"},
		{[]string{"token", "create", "--data", empty}, 2, "--email is required"},
		{[]string{"backup", "--data", empty}, 2, "--out is required"},
		{[]string{"backup", "--database", "postgres://db/x", "--out", "f"}, 2, "pg_dump"},
		{[]string{"restore", "--database", "postgres://db/x", "--in", "f"}, 2, "pgBackRest"},
		{[]string{"audit", "verify", "--data", empty}, 1, "no Doorway database"},
		{[]string{"backup", "--data", empty, "--out", filepath.Join(empty, "b")}, 1, "no Doorway database"},
		{[]string{"restore", "--data", empty, "--in", filepath.Join(empty, "b")}, 1, "no master key"},
		{[]string{"migrate", "--database", "mysql://x"}, 2, "postgres://"},
	}
	for _, tc := range cases {
		r := doorway(t, nil, tc.args...)
		name := "doorway " + strings.Join(tc.args, " ")
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", name, r.code, tc.code, r.stderr)
			continue
		}
		where := r.stderr
		if tc.code == 0 {
			where = r.stdout
			if r.stderr != "" {
				t.Errorf("%s: stderr %q on success", name, r.stderr)
			}
		} else if strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: stderr is not one line: %q", name, r.stderr)
		}
		if !strings.Contains(where, tc.out) {
			t.Errorf("%s: output %q does not mention %q", name, where, tc.out)
		}
	}
	if ents, _ := os.ReadDir(empty); len(ents) > 0 {
		t.Errorf("commands that failed left files in the data directory: %v", ents)
	}
}

func TestUserAddAndTokenCreate(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir, "DOORWAY_BASE_URL": "https://doorway.example.org"}
	r := mustSucceed(t, env, "migrate")
	if !strings.Contains(r.stdout, "up to date") {
		t.Errorf("migrate said %q", r.stdout)
	}

	r = mustSucceed(t, env, "user", "add", "--email", "Jordan@Example.org", "--role", "prescriber,therapist", "--role", "admin",
		"--name", "Dr. Jordan Lee", "--clinic", "lakeside", "--clinic-name", "Lakeside Clinic", "--time-zone", "America/Chicago")
	link := lastLine(r.stdout)
	if !strings.HasPrefix(link, "https://doorway.example.org/invite/") {
		t.Fatalf("setup link %q", link)
	}
	token := strings.TrimPrefix(link, "https://doorway.example.org/invite/")

	// A second user joins the first clinic by default.
	mustSucceed(t, env, "user", "add", "--email", "sam@example.org", "--role", "therapist")
	if r := doorway(t, env, "user", "add", "--email", "sam@example.org", "--role", "admin"); r.code != 1 || !strings.Contains(r.stderr, "already in use") {
		t.Errorf("duplicate email: %+v", r)
	}
	if r := doorway(t, env, "user", "add", "--email", "x@example.org", "--role", "admin", "--clinic", "elsewhere"); r.code != 1 || !strings.Contains(r.stderr, `no clinic "elsewhere"`) {
		t.Errorf("unknown clinic: %+v", r)
	}

	r = mustSucceed(t, env, "token", "create", "--email", "jordan@example.org", "--name", "lab integration")
	bearer := lastLine(r.stdout)
	if len(bearer) != 43 || strings.ContainsAny(bearer, " \t") {
		t.Fatalf("token line %q", bearer)
	}
	if r := doorway(t, env, "token", "create", "--email", "nobody@example.org"); r.code != 1 || !strings.Contains(r.stderr, "no user") {
		t.Errorf("token for an unknown user: %+v", r)
	}

	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, "jordan@example.org")
		if err != nil {
			return err
		}
		c, err := tx.Clinic(ctx, u.ClinicID)
		if err != nil {
			return err
		}
		if c.ShortName != "lakeside" || c.Name != "Lakeside Clinic" || c.TimeZone != "America/Chicago" {
			t.Errorf("first clinic %+v", c)
		}
		if u.Name != "Dr. Jordan Lee" || u.Kind != "staff" || len(u.Roles) != 3 {
			t.Errorf("user %+v", u)
		}
		sam, err := tx.UserByEmail(ctx, "sam@example.org")
		if err != nil {
			return err
		}
		if sam.ClinicID != c.ID || sam.Name != "sam" {
			t.Errorf("second user %+v", sam)
		}
		l, err := tx.LinkByHash(ctx, auth.HashSecret(token), u.CreatedAt)
		if err != nil || l.UserID != u.ID || l.Purpose != "invite" {
			t.Errorf("invite link: %+v, %v", l, err)
		}
		k, err := tx.APITokenByHash(ctx, auth.HashSecret(bearer))
		if err != nil || k.UserID != u.ID || k.Name != "lab integration" {
			t.Errorf("API token: %+v, %v", k, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	st.EachAudit(ctx, 1, func(e audit.Entry) error {
		if e.ActorKind != audit.ActorSystem {
			t.Errorf("entry %d by %s", e.Seq, e.ActorKind)
		}
		actions = append(actions, e.Action)
		return nil
	})
	want := "clinic.create user.create user.invite_link user.create user.invite_link token.create"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit actions %q, want %q", got, want)
	}
}

// mustTamper edits the SQLite file behind Doorway's back, triggers dropped.
func mustTamper(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.SQLiteFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range append([]string{`DROP TRIGGER IF EXISTS audit_log_no_update`, `DROP TRIGGER IF EXISTS audit_log_no_delete`}, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// mustCheckpoint signs a checkpoint as a running server would.
func mustCheckpoint(t *testing.T, dir string) {
	t.Helper()
	mustCheckpointWith(t, map[string]string{"DOORWAY_DATA": dir})
}

func mustCheckpointWith(t *testing.T, env map[string]string) {
	t.Helper()
	cfg, _ := app.NewConfig(func(k string) string { return env[k] })
	m := app.NewMain(cfg)
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir}
	for _, email := range []string{"a@example.org", "b@example.org"} {
		mustSucceed(t, env, "user", "add", "--email", email, "--role", "admin")
	}
	mustSucceed(t, env, "token", "create", "--email", "a@example.org") // entries 1-6
	// Each command signed what it wrote, in the database and the heads file.
	r := mustSucceed(t, env, "audit", "verify")
	if !strings.Contains(r.stdout, "6 entries, 3 signed checkpoints matched") || !strings.Contains(r.stdout, "Head: entry 6") ||
		!strings.Contains(r.stdout, "Heads file "+filepath.Join(dir, app.HeadsFile)+": 3 signed heads, each in the log with its checkpoint.") {
		t.Errorf("verify: %q", r.stdout)
	}
	mustCheckpoint(t, dir) // nothing new
	r = mustSucceed(t, env, "audit", "verify")
	if !strings.Contains(r.stdout, "3 signed checkpoints matched") || strings.Contains(r.stdout, "Not yet in a checkpoint") {
		t.Errorf("verify after a checkpoint with nothing new: %q", r.stdout)
	}

	// The public key alone is enough, for checking a copy elsewhere.
	priv, err := app.LoadAuditKey(app.Config{DataDir: dir}, false)
	if err != nil {
		t.Fatal(err)
	}
	pemPub, _ := audit.EncodePublicKey(audit.PublicKey(priv))
	pubFile := filepath.Join(t.TempDir(), "audit.pub")
	os.WriteFile(pubFile, pemPub, 0o600)
	noKey := filepath.Join(t.TempDir(), "copy")
	os.Mkdir(noKey, 0o700)
	data, _ := os.ReadFile(filepath.Join(dir, store.SQLiteFile))
	os.WriteFile(filepath.Join(noKey, store.SQLiteFile), data, 0o600)
	if r := doorway(t, nil, "audit", "verify", "--data", noKey); r.code != 1 || !strings.Contains(r.stderr, "no key to check them") {
		t.Errorf("copy without a key: %+v", r)
	}
	r = mustSucceed(t, nil, "audit", "verify", "--data", noKey, "--public-key", pubFile)
	if !strings.Contains(r.stdout, "No heads file at "+filepath.Join(noKey, app.HeadsFile)) {
		t.Errorf("a copy without its heads file: %q", r.stdout)
	}

	// Each tampering is found and named; undoing it makes the log verify again.
	swap := []string{`UPDATE audit_log SET seq = -3 WHERE seq = 3`, `UPDATE audit_log SET seq = 3 WHERE seq = 4`, `UPDATE audit_log SET seq = 4 WHERE seq = -3`}
	for _, tc := range []struct {
		name     string
		do, undo []string
		want     string
	}{
		{"edited",
			[]string{`CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = 2`, `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2`},
			[]string{`UPDATE audit_log SET detail = (SELECT detail FROM saved) WHERE seq = 2`, `DROP TABLE saved`},
			"entry 2 (hash_mismatch)"},
		{"reordered", swap, swap, "entry 3 (prev_hash_mismatch)"},
		{"deleted", []string{`CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = 4`, `DELETE FROM audit_log WHERE seq = 4`},
			[]string{`INSERT INTO audit_log SELECT * FROM saved`, `DROP TABLE saved`}, "entry 4 (seq_gap)"},
		{"tail cut", []string{`CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = 6`, `DELETE FROM audit_log WHERE seq = 6`},
			[]string{`INSERT INTO audit_log SELECT * FROM saved`, `DROP TABLE saved`}, "entry 6 (truncated)"},
	} {
		mustTamper(t, dir, tc.do...)
		r := doorway(t, env, "audit", "verify")
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 1 naming %q", tc.name, r.code, r.stderr, tc.want)
		}
		mustTamper(t, dir, tc.undo...)
		mustSucceed(t, env, "audit", "verify")
	}
}

func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir}
	mustSucceed(t, env, "user", "add", "--email", "a@example.org", "--role", "admin", "--clinic-name", "Marker Clinic zq9")
	mustCheckpoint(t, dir)
	head := lastLine(mustSucceed(t, env, "audit", "verify").stdout)

	file := filepath.Join(t.TempDir(), "doorway.bak")
	r := mustSucceed(t, env, "backup", "--out", file)
	if !strings.Contains(r.stdout, "3 audit entries") {
		t.Errorf("backup said %q", r.stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("Marker Clinic zq9")) || bytes.Contains(data, []byte("a@example.org")) {
		t.Error("the backup holds data in plaintext")
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600", fi.Mode().Perm())
	}

	target := filepath.Join(t.TempDir(), "restored")
	masterKey, _ := os.ReadFile(filepath.Join(dir, app.MasterKeyFile))
	if r := doorway(t, map[string]string{"DOORWAY_DATA": target}, "restore", "--in", file); r.code != 1 || !strings.Contains(r.stderr, "no master key") {
		t.Errorf("restore without the key: %+v", r)
	}
	wrong := map[string]string{"DOORWAY_DATA": target, "DOORWAY_MASTER_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
	if r := doorway(t, wrong, "restore", "--in", file); r.code != 1 || !strings.Contains(r.stderr, "different master key") {
		t.Errorf("restore with a wrong key: %+v", r)
	}
	withKey := map[string]string{"DOORWAY_DATA": target, "DOORWAY_MASTER_KEY": string(masterKey)}
	r = mustSucceed(t, withKey, "restore", "--in", file)
	if !strings.Contains(r.stdout, app.AuditKeyFile) {
		t.Errorf("restore did not say to copy the audit key: %q", r.stdout)
	}
	if r := doorway(t, withKey, "restore", "--in", file); r.code != 1 || !strings.Contains(r.stderr, "already holds a database") {
		t.Errorf("restore over a database: %+v", r)
	}

	// With the audit key beside it, the restored log verifies to the same head.
	key, _ := os.ReadFile(filepath.Join(dir, app.AuditKeyFile))
	os.WriteFile(filepath.Join(target, app.AuditKeyFile), key, 0o600)
	if got := lastLine(mustSucceed(t, withKey, "audit", "verify").stdout); got != head {
		t.Errorf("restored head %q, original %q", got, head)
	}

	cut := filepath.Join(t.TempDir(), "cut.bak")
	os.WriteFile(cut, data[:len(data)-10], 0o600)
	other := map[string]string{"DOORWAY_DATA": filepath.Join(t.TempDir(), "d"), "DOORWAY_MASTER_KEY": string(masterKey)}
	if r := doorway(t, other, "restore", "--in", cut); r.code != 1 || !strings.Contains(r.stderr, "damaged or incomplete") {
		t.Errorf("restore of a truncated backup: %+v", r)
	}
}

func TestRunReadsTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOORWAY_DATA", dir)
	var out, errOut bytes.Buffer
	if code := run([]string{"migrate"}, &out, &errOut); code != 0 {
		t.Fatalf("migrate: exit %d, %s", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); err != nil {
		t.Errorf("DOORWAY_DATA was not used: %v", err)
	}
	t.Setenv("DOORWAY_BEHIND_TLS_PROXY", "sometimes")
	if code := run([]string{"serve"}, &out, &errOut); code != 2 {
		t.Errorf("malformed DOORWAY_BEHIND_TLS_PROXY: exit %d", code)
	}
}

func TestCommandsOnPostgres(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		cfg := e.Config(t)
		env := map[string]string{"DOORWAY_DATABASE_URL": cfg.URL, "DOORWAY_DATA": cfg.DataDir}
		mustSucceed(t, env, "migrate")
		mustSucceed(t, env, "user", "add", "--email", "pg@example.org", "--role", "admin")
		if tok := lastLine(mustSucceed(t, env, "token", "create", "--email", "pg@example.org").stdout); len(tok) != 43 {
			t.Errorf("token %q", tok)
		}
		mustCheckpointWith(t, env)
		r := mustSucceed(t, env, "audit", "verify")
		if !strings.Contains(r.stdout, "4 entries, 2 signed checkpoints") { // user add, token create
			t.Errorf("verify on PostgreSQL: %q", r.stdout)
		}
		if r := doorway(t, env, "backup", "--out", filepath.Join(t.TempDir(), "b")); r.code != 2 || !strings.Contains(r.stderr, "pg_dump") {
			t.Errorf("backup on PostgreSQL: %+v", r)
		}
	}
}

// TestSeed: `doorway seed` adds the synthetic practice and says how to sign
// in to it; a count that is not a positive number is a usage error.
func TestSeed(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range [][]string{{"seed"}, {"seed", "--clients", "0"}, {"seed", "--clients", "many"}} {
		if r := doorway(t, nil, append(bad, "--data", dir)...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", bad, r.code, exitUsage, r.stderr)
		}
	}
	// The profiler (DOORWAY_PPROF, as for serve) is refused on an address
	// other machines could reach, before anything is seeded, and offered on
	// a loopback one while the seed runs.
	if r := doorway(t, map[string]string{"DOORWAY_PPROF": "0.0.0.0:6060"}, "seed", "--clients", "1", "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "loopback") {
		t.Errorf("seed with the profiler on 0.0.0.0: exit %d (%s)", r.code, r.stderr)
	}
	r := mustSucceed(t, map[string]string{"DOORWAY_PPROF": "127.0.0.1:0"}, "seed", "--clients", "12", "--seed", "3", "--data", dir)
	for _, want := range []string{"Added 12 clients", "therapist therapist1.s3@synthetic.example", "client    client1.s3@synthetic.example"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the seed's report lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "seeding: 12 of 12 clients (100%)") {
		t.Errorf("no progress shown: %q", r.stderr)
	}
	mustSucceed(t, nil, "audit", "verify", "--data", dir)
}
