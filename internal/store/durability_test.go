package store_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestMain lets the test binary play the writer that TestKillDuringWrites
// kills: with DOORWAY_WRITER_CHILD set it writes until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("DOORWAY_WRITER_CHILD"); dir != "" {
		runWriter(dir)
		return
	}
	os.Exit(m.Run())
}

// runWriter writes a client row and its audit entry per transaction, and
// prints "ack <id>" only after the commit returns: an acknowledged write.
// Beside it, four readers record reads through the group commit
// (RecordAudit, as every page and FHIR read does) and print "read <id>"
// once their entry is acknowledged: a page served.
func runWriter(dir string) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	if err := s.Migrate(ctx); err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	s.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.ClinicByRef(ctx, "kill"); err == nil {
			return nil
		}
		return tx.CreateClinic(ctx, &store.Clinic{ID: "kill", ShortName: "kill", Name: "Kill", TimeZone: "UTC", CreatedAt: time.Now()})
	})
	prefix := fmt.Sprintf("p%d-", os.Getpid())
	var out sync.Mutex
	say := func(line string) {
		out.Lock()
		defer out.Unlock()
		fmt.Println(line)
	}
	for r := range 4 {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("%sr%d-%d", prefix, r, i)
				e := audit.Entry{Time: time.Now(), ActorKind: audit.ActorSystem, ClinicID: "kill", Action: "client.read",
					ResourceType: "client", ResourceID: id, Outcome: audit.OK, Severity: audit.Info}
				if err := s.RecordAudit(ctx, []audit.Entry{e}); err != nil {
					say("error " + err.Error())
					os.Exit(3)
				}
				say("read " + id)
			}
		}()
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("%s%d", prefix, i)
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateClient(ctx, &store.Client{ID: id, ClinicID: "kill", GivenName: "K", FamilyName: id, CreatedAt: time.Now()}); err != nil {
				return err
			}
			e := audit.Entry{Time: time.Now(), ActorKind: audit.ActorSystem, ClinicID: "kill", Action: "client.create",
				ResourceType: "client", ResourceID: id, ClientID: id, Outcome: audit.OK, Severity: audit.Info}
			return tx.AppendAudit(ctx, &e)
		})
		if err != nil {
			say("error " + err.Error())
			os.Exit(3)
		}
		say("ack " + id)
	}
}

// TestKillDuringWrites kills a writer with SIGKILL at random moments, 200
// times, and checks that every acknowledged write survived, the database
// passes its integrity check and the audit chain verifies (SECURITY.md,
// Durability).
func TestKillDuringWrites(t *testing.T) {
	cycles := 200
	if testing.Short() {
		cycles = 20
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acked, read []string
	for c := 0; c < cycles; c++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "DOORWAY_WRITER_CHILD="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill somewhere between just after the first acknowledgement and
		// 40 ms of steady writing, so kills land mid-transaction, mid-commit
		// and mid-checkpoint of the WAL.
		deadline := time.After(10 * time.Second)
		var killAt <-chan time.Time
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if id, found := strings.CutPrefix(l, "read "); found {
					read = append(read, id)
				} else if id, found := strings.CutPrefix(l, "ack "); found {
					acked = append(acked, id)
					if killAt == nil {
						killAt = time.After(time.Duration(rng.IntN(40_000)) * time.Microsecond)
					}
				} else if strings.HasPrefix(l, "error") {
					t.Fatalf("cycle %d: writer failed: %s", c, l)
				}
			case <-killAt:
				cmd.Process.Signal(syscall.SIGKILL)
				killAt = nil
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("cycle %d: writer made no progress", c)
			}
		}
		cmd.Wait()
	}
	s := storetest.OpenConfig(t, store.Config{DataDir: dir})
	var lost, unrecorded int
	err = s.Read(context.Background(), func(tx *store.Tx) error {
		// Every read that was served has its entry.
		recorded := map[string]bool{}
		var before int64
		for {
			es, err := tx.AuditEntries(context.Background(), store.AuditFilter{ClinicID: "kill", Action: "client.read", BeforeSeq: before, Limit: 1000})
			if err != nil {
				return err
			}
			if len(es) == 0 {
				break
			}
			for _, e := range es {
				recorded[e.ResourceID] = true
				before = e.Seq
			}
		}
		for _, id := range read {
			if !recorded[id] {
				unrecorded++
			}
		}
		present := map[string]bool{}
		clients, _, err := tx.Clients(context.Background(), store.ClientFilter{ClinicID: "kill", Limit: 1000})
		offset := 0
		for err == nil && len(clients) > 0 {
			for _, c := range clients {
				present[c.ID] = true
			}
			offset += len(clients)
			clients, _, err = tx.Clients(context.Background(), store.ClientFilter{ClinicID: "kill", Limit: 1000, Offset: offset})
		}
		for _, id := range acked {
			if !present[id] {
				lost++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged writes lost", lost, len(acked))
	}
	if unrecorded > 0 {
		t.Errorf("%d of %d acknowledged reads have no audit entry", unrecorded, len(read))
	}
	if len(read) == 0 {
		t.Error("no read was acknowledged: the readers did not run")
	}
	if ok, err := s.IntegrityCheck(context.Background()); err != nil || !ok {
		t.Errorf("integrity check: %v %v", ok, err)
	}
	res, err := verifyChain(t, s)
	if err != nil {
		t.Errorf("audit chain after kills: %v", err)
	}
	t.Logf("durability: %d SIGKILL cycles, %d acknowledged writes, %d lost; %d acknowledged reads (group commit), %d unrecorded; audit chain of %d entries verifies",
		cycles, len(acked), lost, len(read), unrecorded, res.Count)
}
