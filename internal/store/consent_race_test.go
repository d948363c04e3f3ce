package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// Two first writes at once in a clinic without documents both publish the
// defaults: the second leaves the first's rows in place and goes on.
func TestEnsureConsentDocumentsRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		ctx := context.Background()
		// The first holds its transaction open after publishing; the second
		// counts none as committed, then its inserts wait for the first.
		published := make(chan struct{})
		var wg sync.WaitGroup
		var first, second error
		wg.Add(2)
		go func() {
			defer wg.Done()
			first = s.Write(ctx, func(tx *store.Tx) error {
				err := tx.EnsureConsentDocuments(ctx, p.Clinic.ID, now)
				close(published)
				if err != nil {
					return err
				}
				time.Sleep(200 * time.Millisecond)
				return nil
			})
		}()
		go func() {
			defer wg.Done()
			<-published
			second = s.Write(ctx, func(tx *store.Tx) error { return tx.EnsureConsentDocuments(ctx, p.Clinic.ID, now.Add(time.Second)) })
		}()
		wg.Wait()
		if first != nil || second != nil {
			t.Fatalf("first: %v; second: %v", first, second)
		}
		s.Read(ctx, func(tx *store.Tx) error {
			docs, err := tx.CurrentConsentDocuments(ctx, p.Clinic.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				if d.ID == "" || d.Version != 1 || !d.PublishedAt.Equal(now) {
					t.Errorf("document %s: id %q version %d published %v; want the first's version 1", d.Kind, d.ID, d.Version, d.PublishedAt)
				}
			}
			if len(docs) == 0 {
				t.Error("no documents published")
			}
			return nil
		})
	})
}
