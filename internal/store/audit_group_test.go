package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestReadsShareADurableCommit: 300 reads recording at once, on each
// engine, each come back only with their entry in the log; the entries are
// one whole chain; and they were committed in far fewer transactions than
// reads (each transaction reads the chain's head once, which is what is
// counted here).
func TestReadsShareADurableCommit(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			counter := store.QueryCounter{Keep: true}
			cfg := e.Config(t)
			cfg.Counter = &counter
			s := storetest.OpenConfig(t, cfg)
			ctx := context.Background()
			const readers = 300
			counter.Reset()
			var wg sync.WaitGroup
			errs := make(chan error, readers)
			for i := range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					e := audit.Entry{Time: time.Now().UTC(), ActorKind: audit.ActorStaff, ActorID: "u", ClinicID: "c", Action: "client.read",
						ResourceType: "client", ResourceID: "r", ClientID: "x", Outcome: audit.OK, Severity: audit.Info, Detail: strings.Repeat("a", i%7)}
					errs <- s.RecordAudit(ctx, []audit.Entry{e})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			heads := 0
			for _, q := range counter.Statements() {
				if strings.HasPrefix(q, "SELECT seq, hash FROM audit_log ORDER BY seq DESC") {
					heads++
				}
			}
			v, n := audit.NewVerifier(), 0
			if err := s.EachAudit(ctx, 1, func(e audit.Entry) error { n++; return v.Add(e) }); err != nil {
				t.Fatal(err)
			}
			if n != readers {
				t.Errorf("%d entries in the log after %d reads", n, readers)
			}
			t.Logf("%d reads recorded in %d commits", readers, heads)
			if heads == 0 || heads >= readers/2 {
				t.Errorf("%d reads took %d commits: they were not grouped", readers, heads)
			}
		})
	}
}

// TestRefusedEntryFailsOnlyItsOwnRead: when the log refuses one read's
// entry, the reads committed beside it are recorded all the same.
func TestRefusedEntryFailsOnlyItsOwnRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		good := func() audit.Entry {
			return audit.Entry{Time: time.Now().UTC(), ActorKind: audit.ActorStaff, ActorID: "u", ClinicID: "c", Action: "client.read",
				ResourceType: "client", Outcome: audit.OK, Severity: audit.Info}
		}
		bad := good()
		bad.Action = "" // an entry without an action is refused by the chain
		var wg sync.WaitGroup
		results := make([]error, 40)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := good()
				if i == 7 {
					e = bad
				}
				results[i] = s.RecordAudit(ctx, []audit.Entry{e})
			}()
		}
		wg.Wait()
		for i, err := range results {
			if (err != nil) != (i == 7) {
				t.Errorf("read %d: %v", i, err)
			}
		}
	})
}
