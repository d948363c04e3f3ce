package practice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestBreakGlassOpensTheRecordForAnHour: with the clock fixed, a therapist
// off client A's care team is refused A's chart (404, recorded); opening
// emergency access needs a reason; with one, they read the chart at once
// and 59 minutes later, each read recorded under their name and A's, the
// opening recorded at high severity with no reason in the log; at 60
// minutes they are refused again. The admin sees the grant, with the reads
// made under it, until they mark it reviewed; client A sees it, with its
// reason, in their accounting of access. Both engines.
func TestBreakGlassOpensTheRecordForAnHour(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.OpenConfig(t, e.Config(t))
			now := storetest.Now
			p := storetest.NewPractice(t, st, now)
			app := practice.New(practice.Config{Store: st, Now: func() time.Time { return now }})
			actor := func(k string) practice.Actor {
				u := p.Users[k]
				clientID := ""
				if k == "clientA" {
					clientID = p.Clients["A"].ID
				}
				return practice.NewActor(u.Principal(clientID), u.Name, p.Clinic, "req-"+k+now.Format("1504"), "192.0.2.1", practice.Pages)
			}
			a := p.Clients["A"]
			robin := actor("unassigned")
			entries := func(action string) []audit.Entry {
				t.Helper()
				var es []audit.Entry
				if err := st.Read(ctx, func(tx *store.Tx) (err error) {
					es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: p.Clinic.ID, Action: action, Limit: 100})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return es
			}

			if _, err := app.Chart(ctx, robin, a.ID); problem.CodeOf(err) != problem.NotFound {
				t.Fatalf("before any grant: %v, want NotFound", err)
			}
			if n := len(entries("access.denied")); n != 1 {
				t.Errorf("%d refusals recorded, want 1", n)
			}
			if _, err := app.OpenBreakGlass(ctx, robin, practice.BreakGlassInput{ClientID: a.ID, Reason: "  "}); problem.FieldOf(err) != practice.FieldBreakGlassReason {
				t.Fatalf("no reason: %v", err)
			}
			if _, err := app.OpenBreakGlass(ctx, actor("admin"), practice.BreakGlassInput{ClientID: a.ID, Reason: "Curious"}); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("an admin without a clinical role opened one: %v", err)
			}
			if _, err := app.OpenBreakGlass(ctx, actor("assigned"), practice.BreakGlassInput{ClientID: a.ID, Reason: "x"}); problem.CodeOf(err) != problem.Conflict {
				t.Errorf("a care team member opened one: %v", err)
			}
			const reason = "Client A called the crisis line at 22:10; on call tonight and need the safety plan"
			// Found by names and date of birth, as from the search.
			g, err := app.OpenBreakGlass(ctx, robin, practice.BreakGlassInput{GivenName: "avery", FamilyName: a.FamilyName, DateOfBirth: a.DateOfBirth, Reason: reason})
			if err != nil || g.ClientID != a.ID || !g.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Fatalf("open: %+v %v", g, err)
			}
			opened := entries("break_glass.open")
			if len(opened) != 1 || opened[0].Severity != audit.High || opened[0].ClientID != a.ID || opened[0].ActorID != p.Users["unassigned"].ID ||
				opened[0].Detail != "emergency access for 60 minutes" {
				t.Errorf("the opening's entry: %+v", opened)
			}

			for _, minutes := range []int{0, 59} {
				now = storetest.Now.Add(time.Duration(minutes) * time.Minute)
				ch, err := app.Chart(ctx, actor("unassigned"), a.ID)
				if err != nil || ch.Client.ID != a.ID || !ch.EmergencyUntil.Equal(g.ExpiresAt) || ch.CanEditDetails || ch.CanKeepProcessNotes {
					t.Fatalf("at %d minutes: %+v %v", minutes, ch, err)
				}
			}
			if reads := entries("client.read"); len(reads) != 2 || reads[0].ActorID != p.Users["unassigned"].ID || reads[0].ClientID != a.ID {
				t.Errorf("the reads under the grant: %+v", reads)
			}
			for _, minutes := range []int{60, 61} {
				now = storetest.Now.Add(time.Duration(minutes) * time.Minute)
				if _, err := app.Chart(ctx, actor("unassigned"), a.ID); problem.CodeOf(err) != problem.NotFound {
					t.Fatalf("at %d minutes: %v, want NotFound", minutes, err)
				}
			}
			// The grant is robin's alone, of A alone.
			if _, err := app.Chart(ctx, actor("unassigned"), p.Clients["other"].ID); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("another clinic's client: %v", err)
			}

			review, err := app.BreakGlassToReview(ctx, actor("admin"))
			if err != nil || len(review.Open) != 1 || review.Open[0].Reason != reason || len(review.Open[0].Reads) != 3 {
				t.Fatalf("review page: %+v %v", review, err)
			}
			if _, err := app.BreakGlassToReview(ctx, actor("assigned")); problem.CodeOf(err) != problem.NotFound {
				t.Errorf("a therapist read the review page: %v", err)
			}
			log, err := app.MyAccessLog(ctx, actor("clientA"), 100)
			if err != nil || len(log.Emergency) != 1 || log.Emergency[0].Reason != reason || log.Emergency[0].UserName != p.Users["unassigned"].Name {
				t.Fatalf("the client's accounting: %+v %v", log.Emergency, err)
			}
			if err := app.ReviewBreakGlass(ctx, actor("admin"), g.ID); err != nil {
				t.Fatal(err)
			}
			if err := app.ReviewBreakGlass(ctx, actor("admin"), g.ID); problem.CodeOf(err) != problem.Conflict {
				t.Errorf("reviewed twice: %v", err)
			}
			review, err = app.BreakGlassToReview(ctx, actor("admin"))
			if err != nil || len(review.Open) != 0 || len(review.Reviewed) != 1 || review.Reviewed[0].ReviewedByName != p.Users["admin"].Name {
				t.Errorf("after review: %+v %v", review, err)
			}
			for _, e := range entries("") {
				if e.Detail == reason || strings.Contains(e.Detail, "crisis line") {
					t.Errorf("the reason is in the log: %+v", e)
				}
			}
		})
	}
}
