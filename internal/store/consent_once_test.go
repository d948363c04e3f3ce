package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// kapSignature is client A's signature of the KAP consent, version 1, at at.
func kapSignature(p *storetest.Practice, at time.Time) store.ConsentSignature {
	return store.ConsentSignature{ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, Kind: care.ConsentKAP, TypedName: "Avery", Agreed: true, SignedAt: at}
}

func liveSignatures(t *testing.T, s *store.Store, p *storetest.Practice) []store.ConsentSignature {
	t.Helper()
	var out []store.ConsentSignature
	if err := s.Read(ctx, func(tx *store.Tx) error {
		sigs, err := tx.ConsentSignatures(ctx, p.Clinic.ID, p.Clients["A"].ID)
		for _, sg := range sigs {
			if sg.WithdrawnAt == nil {
				out = append(out, sg)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Signing the same version twice records one signature: a double submit
// finds the first, and two transactions at once (two tabs, two servers)
// leave one row between them.
func TestSigningTwiceRecordsOneSignature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		first := kapSignature(p, now)
		var recorded bool
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			recorded, err = tx.SignConsent(ctx, &first, 1)
			return err
		})
		if !recorded {
			t.Fatal("the first signature was not recorded")
		}
		again := kapSignature(p, now.Add(time.Second))
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			recorded, err = tx.SignConsent(ctx, &again, 1)
			return err
		})
		if recorded || again.ID != first.ID || !again.SignedAt.Equal(first.SignedAt) {
			t.Errorf("the double submit: recorded %v, signature %s at %v; want the first, %s at %v", recorded, again.ID, again.SignedAt, first.ID, first.SignedAt)
		}
		if n := len(liveSignatures(t, s, p)); n != 1 {
			t.Errorf("%d signatures after a double submit, want 1", n)
		}
	})
}

func TestSigningAtOnceRecordsOneSignature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.EnsureConsentDocuments(ctx, p.Clinic.ID, now) })
		// The first holds its transaction open after its insert; the
		// second signs meanwhile.
		inserted := make(chan struct{})
		var wg sync.WaitGroup
		var errs [2]error
		var sigs [2]store.ConsentSignature
		wg.Add(2)
		go func() {
			defer wg.Done()
			sigs[0] = kapSignature(p, now)
			errs[0] = s.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.SignConsent(ctx, &sigs[0], 1)
				close(inserted)
				time.Sleep(200 * time.Millisecond)
				return err
			})
		}()
		go func() {
			defer wg.Done()
			<-inserted
			sigs[1] = kapSignature(p, now.Add(time.Second))
			errs[1] = s.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.SignConsent(ctx, &sigs[1], 1)
				return err
			})
		}()
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("first: %v; second: %v", errs[0], errs[1])
		}
		live := liveSignatures(t, s, p)
		if len(live) != 1 || sigs[1].ID != sigs[0].ID || live[0].ID != sigs[0].ID {
			t.Errorf("signing at once left %d signatures (%s, %s); want one", len(live), sigs[0].ID, sigs[1].ID)
		}
	})
}

// A withdrawal voids every signature of the document made up to it, of
// every version; a signature made after it is new and counts.
func TestWithdrawingVoidsEverySignatureOfTheDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		course := mustCourse(t, s, p, "A")
		v1 := kapSignature(p, now)
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { _, err := tx.SignConsent(ctx, &v1, 1); return err })
		var kap store.ConsentDocument
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			kap, err = tx.CurrentConsentDocument(ctx, p.Clinic.ID, care.ConsentKAP)
			return err
		})
		v2doc := store.ConsentDocument{ClinicID: p.Clinic.ID, Kind: care.ConsentKAP, Title: kap.Title, Body: kap.Body + "\n\nMore.", Required: true,
			PublishedAt: now.Add(time.Hour), CreatedBy: p.Users["admin"].ID}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.PublishConsentDocument(ctx, &v2doc) })
		v2 := kapSignature(p, now.Add(2*time.Hour))
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { _, err := tx.SignConsent(ctx, &v2, 2); return err })
		// Withdrawn with the old version's signature: the new one goes too.
		var voided int
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			voided, err = tx.WithdrawConsent(ctx, p.Clinic.ID, p.Clients["A"].ID, v1.ID, "Not now.", now.Add(3*time.Hour))
			return err
		})
		if voided != 2 || len(liveSignatures(t, s, p)) != 0 {
			t.Errorf("withdrawal voided %d, left %d counting; want 2 and 0", voided, len(liveSignatures(t, s, p)))
		}
		if g := gatesOf(t, s, course, now.Add(4*time.Hour))["consent:kap"]; g.Pass {
			t.Errorf("after a withdrawal the gate passes: %s", g.Why)
		}
		again := kapSignature(p, now.Add(5*time.Hour))
		var recorded bool
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			recorded, err = tx.SignConsent(ctx, &again, 2)
			return err
		})
		if !recorded || again.ID == v2.ID {
			t.Errorf("signing after a withdrawal: recorded %v, id %s", recorded, again.ID)
		}
		if g := gatesOf(t, s, course, now.Add(6*time.Hour))["consent:kap"]; !g.Pass {
			t.Errorf("signed again, the gate fails: %s", g.Why)
		}
	})
}
