package store_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// backupMarker is written into the database; it must never appear in a backup.
const backupMarker = "zq7-backup-marker-3141"

func mustMasterKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, store.MasterKeySize)
	rand.Read(k)
	return k
}

// mustWriteUser adds a user and its audit entry in one transaction, so in any
// consistent snapshot users and audit entries are equal in number.
func mustWriteUser(s *store.Store, clinicID string, i int) error {
	return s.Write(ctx, func(tx *store.Tx) error {
		u := store.User{ID: fmt.Sprintf("user%05d", i), ClinicID: clinicID, Email: fmt.Sprintf("p%05d@example.org", i),
			Name: "Person " + backupMarker + " " + strings.Repeat("x", 150), Kind: "staff", CreatedAt: time.Now().UTC()}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &audit.Entry{Time: time.Now(), ActorKind: audit.ActorSystem, ClinicID: clinicID,
			Action: "user.create", ResourceType: "user", ResourceID: u.ID, Outcome: audit.OK, Severity: audit.Info})
	})
}

func TestBackupWhileWritingAndRestore(t *testing.T) {
	dir := t.TempDir()
	s := storetest.OpenConfig(t, store.Config{DataDir: dir})
	c := mustClinic(t, s, "clinic1", "one")
	key := mustMasterKey(t)

	// Enough rows for a backup of several chunks before the backup starts.
	for i := range 300 {
		if err := mustWriteUser(s, c.ID, i); err != nil {
			t.Fatal(err)
		}
	}
	var (
		wg      sync.WaitGroup
		stop    = make(chan struct{})
		written = 300
		werr    error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 300; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := mustWriteUser(s, c.ID, i); err != nil {
				werr = err
				return
			}
			written++
		}
	}()
	var file bytes.Buffer
	info, err := s.Backup(ctx, &file, key)
	time.Sleep(20 * time.Millisecond) // writes continue after the snapshot
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if werr != nil {
		t.Fatalf("writes during the backup: %v", werr)
	}
	if info.Head.Seq < 300 || info.Rows["users"] != info.Head.Seq || info.Rows["audit_log"] != info.Head.Seq {
		t.Fatalf("backup snapshot %+v: want users = audit entries = head seq >= 300", info)
	}
	if int64(written) <= info.Head.Seq {
		t.Logf("no writes landed after the snapshot (%d written)", written)
	}
	if bytes.Contains(file.Bytes(), []byte(backupMarker)) {
		t.Fatal("the backup holds the marker in plaintext")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".backup-*")); len(left) > 0 {
		t.Errorf("temporary files left in the data directory: %v", left)
	}

	target := filepath.Join(t.TempDir(), "restored")
	got, err := store.Restore(ctx, bytes.NewReader(file.Bytes()), target, key)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got.Head != info.Head || !maps.Equal(got.Rows, info.Rows) {
		t.Errorf("restored %+v, backed up %+v", got, info)
	}
	r := storetest.OpenConfig(t, store.Config{DataDir: target})
	counts, err := r.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(counts, info.Rows) {
		t.Errorf("restored row counts %v, want %v", counts, info.Rows)
	}
	// The restored chain verifies in full and ends where the snapshot did,
	// at an entry the live database holds with the same hash.
	v := audit.NewVerifier()
	if err := r.EachAudit(ctx, 1, v.Add); err != nil {
		t.Fatal(err)
	}
	res, err := v.Finish()
	if err != nil || res.Head != info.Head {
		t.Fatalf("restored chain: %+v, %v; want head %+v", res, err, info.Head)
	}
	var live audit.Entry
	stopAt := errors.New("stop")
	s.EachAudit(ctx, info.Head.Seq, func(e audit.Entry) error { live = e; return stopAt })
	if live.Head() != info.Head {
		t.Errorf("live entry %d is %s, backup head %s", info.Head.Seq, live.Hash, info.Head.Hash)
	}

	// A second restore into the same place is refused.
	_, err = store.Restore(ctx, bytes.NewReader(file.Bytes()), target, key)
	if problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "empty data directory") {
		t.Errorf("restore over a database: %v", err)
	}

	t.Run("bad inputs", func(t *testing.T) {
		b := file.Bytes()
		const header, chunk = 48, 64<<10 + 16
		if len(b) < header+2*chunk {
			t.Fatalf("backup of %d bytes is too small to cut at a chunk boundary", len(b))
		}
		flip := func(i int) []byte {
			c := bytes.Clone(b)
			c[i] ^= 0x01
			return c
		}
		cases := []struct {
			name string
			data []byte
			key  []byte
			want string
		}{
			{"wrong key", b, mustMasterKey(t), "different master key"},
			{"empty", nil, key, "not a Doorway backup"},
			{"not a backup", []byte(strings.Repeat("SQLite format 3\x00", 10)), key, "not a Doorway backup"},
			{"header only", b[:header], key, "damaged or incomplete"},
			{"cut mid-chunk", b[:header+chunk/2], key, "damaged or incomplete"},
			{"cut at a chunk boundary", b[:header+chunk], key, "damaged or incomplete"},
			{"last byte missing", b[:len(b)-1], key, "damaged or incomplete"},
			{"extra bytes", append(bytes.Clone(b), 0), key, "damaged or incomplete"},
			{"byte flipped", flip(header + chunk + 100), key, "damaged or incomplete"},
			{"salt flipped", flip(10), key, "different master key"},
			{"version changed", flip(8), key, "format version"},
		}
		for _, tc := range cases {
			dst := filepath.Join(t.TempDir(), "d")
			_, err := store.Restore(ctx, bytes.NewReader(tc.data), dst, tc.key)
			if err == nil || !strings.Contains(problem.MessageOf(err), tc.want) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
			}
			if ents, _ := os.ReadDir(dst); len(ents) > 0 {
				t.Errorf("%s: a failed restore left %d files behind", tc.name, len(ents))
			}
		}
	})
}

func TestBackupEmptyDatabase(t *testing.T) {
	s := storetest.OpenConfig(t, store.Config{DataDir: t.TempDir()})
	key := mustMasterKey(t)
	var file bytes.Buffer
	info, err := s.Backup(ctx, &file, key)
	if err != nil {
		t.Fatal(err)
	}
	if info.Head != audit.Genesis {
		t.Errorf("empty database head %+v", info.Head)
	}
	if _, err := store.Restore(ctx, &file, t.TempDir(), key); err != nil {
		t.Fatalf("restore: %v", err)
	}
}

func TestBackupRefusedOnPostgres(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		s := storetest.Open(t, e)
		if _, err := s.Backup(ctx, &bytes.Buffer{}, mustMasterKey(t)); !errors.Is(err, store.ErrBackupPostgres) {
			t.Errorf("backup on PostgreSQL: %v, want ErrBackupPostgres", err)
		}
	}
}
