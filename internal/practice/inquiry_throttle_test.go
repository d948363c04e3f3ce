package practice

import (
	"context"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/store/storetest"
)

// The inquiry form: robots are one entry per address and hour, with the
// rest counted and summarised; a form over the address's limit is refused
// without a write.
func TestInquiryLimitWritesNothingWhenRefused(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAPIFixture(t, e.Config(t))
			ctx := context.Background()
			visitor := from("198.51.100.9")
			robot := InquiryInput{Name: "Bot", Email: "bot@example.org", Consent: true, Honeypot: "http://spam.example",
				Stamp: f.s.InquiryStamp(f.now.Add(-time.Minute))}
			for range InquiriesPerHour {
				if _, err := f.s.SendInquiry(ctx, visitor, robot); err != nil {
					t.Fatalf("a robot is answered as a person: %v", err)
				}
			}
			if es := f.entries(t, "", "inquiry.spam"); len(es) != 1 {
				t.Errorf("%d entries for %d robots in the hour, want 1", len(es), InquiriesPerHour)
			}
			f.n.Reset()
			for range 100 {
				if _, err := f.s.SendInquiry(ctx, visitor, robot); problem.CodeOf(err) != problem.TooMany {
					t.Fatalf("over the limit: %v", err)
				}
			}
			if w := f.writes(); len(w) != 0 {
				t.Errorf("refused forms wrote: %v", w)
			}
			f.now = f.now.Add(time.Hour)
			if _, err := f.s.SendInquiry(ctx, visitor, robot); err != nil {
				t.Fatal(err)
			}
			es := f.entries(t, "", "inquiry.spam")
			if len(es) != 3 || es[1].Detail != "5 forms caught by the spam checks from this address in the hour from 2026-06-17 17:30:00 UTC" {
				t.Errorf("the next hour's robot and the summary of the last: %+v", es)
			}
		})
	}
}
