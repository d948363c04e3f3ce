package app_test

import (
	"strings"
	"testing"
	"time"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// The demo's history goes back months, each entry dated when its event
// happened; the server that seeded it signs it at once, so verification
// finds every entry covered and no admin is told of an unvouched log.
func TestDemoHistoryIsCovered(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)
	now := time.Date(2026, 3, 8, 9, 30, 0, 0, time.UTC) // the morning US clocks go forward
	m.Now = func() time.Time { return now }
	logged := captureLog(m)
	if _, err := m.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := app.VerifyAudit(ctx, m.Store, app.VerifyOptions{Pub: audit.PublicKey(m.Keys.Audit),
		HeadsFiles: []string{dir + "/" + app.HeadsFile}, AsOf: now.Add(time.Hour)})
	if err != nil || res.Checkpoints != 1 || res.Covered != res.Head.Seq {
		t.Fatalf("verify an hour after the seed: %+v, %v", res, err)
	}
	var first audit.Entry
	if err := m.Store.EachAudit(ctx, 1, func(e audit.Entry) error {
		if first.Seq == 0 {
			first = e
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !first.Time.Before(now.Add(-300 * 24 * time.Hour)) {
		t.Errorf("the history starts %s, want the clinic's founding over 300 days before %s", first.Time, now)
	}
	if n := countActions(t, m, "audit.unvouched"); n != 0 || strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("%d unvouched entries; log:\n%s", n, logged)
	}
}

// The demo vouches only for what it wrote: an old entry already in the log
// without a checkpoint is reported as any start would report it.
func TestDemoDoesNotVouchForWhatWasThere(t *testing.T) {
	dir := t.TempDir()
	m := mustMain(t, dir)
	now := time.Date(2026, 3, 8, 9, 30, 0, 0, time.UTC)
	m.Now = func() time.Time { return now }
	captureLog(m)
	old := audit.Entry{Time: now.Add(-time.Hour), ActorKind: audit.ActorStaff, ActorID: "u1", ClinicID: "c1", Action: "client.read",
		ResourceType: "client", ResourceID: "r1", ClientID: "r1", Outcome: audit.OK, Severity: audit.Info}
	if err := m.Store.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &old) }); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countActions(t, m, "audit.unvouched"); n != 1 {
		t.Errorf("%d unvouched entries, want 1 for the hour-old entry", n)
	}
}
