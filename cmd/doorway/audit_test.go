package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// oldPractice writes, through the program, a log as it would be after an
// afternoon: three commands twenty minutes apart, three hours ago, each
// signing what it wrote (entries 1 to 7, checkpoints at 3, 5 and 7).
func oldPractice(t *testing.T, dir string) {
	t.Helper()
	cfg, _ := app.NewConfig(func(string) string { return "" })
	cfg.DataDir = dir
	m := app.NewMain(cfg)
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	clock := time.Now().Add(-3 * time.Hour)
	m.Now = func() time.Time { return clock }
	for i := range 3 {
		clock = clock.Add(20 * time.Minute)
		if _, err := m.AddStaff(ctx, app.NewStaff{Email: fmt.Sprintf("s%d@example.org", i), Roles: []store.Role{store.RoleAdmin}}); err != nil {
			t.Fatal(err)
		}
	}
}

// rewrite edits entry seq and re-links every entry after it, as someone with
// the file and this program's source could, without the key.
func rewrite(t *testing.T, dir string, seq int64) {
	t.Helper()
	mustTamper(t, dir, fmt.Sprintf(`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = %d`, seq))
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var entries []audit.Entry
	st.EachAudit(ctx, 1, func(e audit.Entry) error {
		entries = append(entries, e)
		return nil
	})
	head := audit.Genesis
	var stmts []string
	for _, e := range entries {
		if e.Seq >= seq {
			if e, err = audit.Chain(head, e); err != nil {
				t.Fatal(err)
			}
			stmts = append(stmts, fmt.Sprintf(`UPDATE audit_log SET prev_hash = '%s', hash = '%s' WHERE seq = %d`, e.PrevHash, e.Hash, e.Seq))
		}
		head = e.Head()
	}
	mustTamper(t, dir, stmts...)
}

var stampPattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// The finding: an entry edited, the chain re-hashed, the checkpoint rows
// deleted. Verify names it, with the heads file and without.
func TestAuditVerifyNamesARewrittenLog(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir}
	oldPractice(t, dir)
	heads := filepath.Join(dir, app.HeadsFile)
	r := mustSucceed(t, env, "audit", "verify")
	if !strings.Contains(r.stdout, "7 entries, 3 signed checkpoints matched") || !strings.Contains(r.stdout, "3 signed heads") {
		t.Errorf("before: %q", r.stdout)
	}

	rewrite(t, dir, 4)
	mustTamper(t, dir, `DELETE FROM audit_checkpoints`)
	check := func(name, want string, args ...string) {
		t.Helper()
		r := doorway(t, env, append([]string{"audit", "verify"}, args...)...)
		got := stampPattern.ReplaceAllString(r.stderr, "TIME")
		if r.code != 1 || got != want+"\n" {
			t.Errorf("%s: exit %d\n got %q\nwant %q", name, r.code, got, want)
		}
		t.Logf("%s:\n%s", name, r.stderr)
	}
	check("with the heads file",
		"doorway audit verify: audit chain broken at entry 5 (checkpoint_mismatch): the chain up to this entry differs from the checkpoint signed at TIME (in "+
			heads+", line 2): it was rewritten at or before this entry")

	aside := filepath.Join(t.TempDir(), "heads-from-elsewhere.log")
	if err := os.Rename(heads, aside); err != nil {
		t.Fatal(err)
	}
	check("from the database alone",
		"doorway audit verify: audit chain broken at entry 1 (uncovered): it was written at TIME, more than 11m0s before TIME, and no signed checkpoint covers it: "+
			"checkpoints were deleted, or the log was rewritten after the last one (or no server has run since it was written)")
	check("with a copy of the heads file kept elsewhere",
		"doorway audit verify: audit chain broken at entry 5 (checkpoint_mismatch): the chain up to this entry differs from the checkpoint signed at TIME (in "+
			aside+", line 2): it was rewritten at or before this entry", "--heads", aside)

	if r := doorway(t, env, "audit", "verify", "--heads", heads); r.code != 1 || !strings.Contains(r.stderr, "there is no heads file") {
		t.Errorf("--heads naming no file: %+v", r)
	}
	if r := doorway(t, env, "audit", "verify", "--as-of", "yesterday"); r.code != 2 || !strings.Contains(r.stderr, "RFC 3339") {
		t.Errorf("--as-of yesterday: %+v", r)
	}
}

// The checkpoint rows deleted, nothing else: the heads file still proves them.
func TestAuditVerifyNamesDeletedCheckpoints(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir}
	oldPractice(t, dir)
	mustTamper(t, dir, `DELETE FROM audit_checkpoints WHERE seq > 3`)
	r := doorway(t, env, "audit", "verify")
	want := fmt.Sprintf("doorway audit verify: audit chain broken at entry 5 (checkpoint_missing): the database no longer holds the checkpoint signed at TIME for this entry (in %s, line 2), nor 1 other checkpoint proven there: checkpoints were deleted\n",
		filepath.Join(dir, app.HeadsFile))
	if got := stampPattern.ReplaceAllString(r.stderr, "TIME"); r.code != 1 || got != want {
		t.Errorf("exit %d\n got %q\nwant %q", r.code, got, want)
	}
	t.Logf("%s", r.stderr)
}

// Entries written since the last checkpoint are fine while they are recent;
// a copy taken then is judged as of when it was taken.
func TestAuditVerifyRecentEntriesAndCopies(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DOORWAY_DATA": dir}
	oldPractice(t, dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	written := time.Now().Add(-time.Hour)
	for range 2 {
		e := audit.Entry{Time: written, ActorKind: audit.ActorSystem, Action: "client.read", Outcome: audit.OK, Severity: audit.Info}
		if err := st.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &e) }); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	if r := doorway(t, env, "audit", "verify"); r.code != 1 || !strings.Contains(r.stderr, "entry 8 (uncovered)") {
		t.Errorf("an hour-old entry without a checkpoint: %+v", r)
	}
	r := mustSucceed(t, env, "audit", "verify", "--as-of", written.Add(5*time.Minute).Format(time.RFC3339))
	if !strings.Contains(r.stdout, "Not yet in a checkpoint: entries 8 to 9, written within 11m0s of the check.") {
		t.Errorf("as of the copy: %q", r.stdout)
	}
}
