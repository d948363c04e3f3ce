package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestJournalIsSealedAndSharedByEntry writes a client's journal, drafts,
// practices and workbook answers on both engines: each reads back whole,
// only shared entries come back to a care-team read, and none of the text is
// in the raw columns.
func TestJournalIsSealedAndSharedByEntry(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := time.Date(2026, 6, 17, 16, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			a, b := p.Clients["A"], p.Clients["B"]
			const secret = "Sealed-Journal-Marker"
			var private, shared store.JournalEntry
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				private = store.JournalEntry{ClinicID: p.Clinic.ID, ClientID: a.ID, Body: "  " + secret + " kept to myself  ", CreatedAt: now, UpdatedAt: now}
				if err := tx.SaveJournalEntry(ctx, &private); err != nil {
					return err
				}
				shared = store.JournalEntry{ClinicID: p.Clinic.ID, ClientID: a.ID, PromptKey: "s1:day1", Body: secret + " to share",
					CreatedAt: now.Add(time.Minute), UpdatedAt: now.Add(time.Minute)}
				if err := tx.SaveJournalEntry(ctx, &shared); err != nil {
					return err
				}
				at := now.Add(2 * time.Minute)
				if err := tx.ShareJournalEntry(ctx, p.Clinic.ID, a.ID, shared.ID, &at); err != nil {
					return err
				}
				if err := tx.SaveJournalDraft(ctx, p.Clinic.ID, a.ID, store.JournalDraft{Key: "new", Body: secret + " half written", UpdatedAt: now}); err != nil {
					return err
				}
				if err := tx.AddPracticeLog(ctx, &store.PracticeLog{ClinicID: p.Clinic.ID, ClientID: a.ID, Kind: "breathing", DoneOn: "2026-06-17",
					Minutes: 5, Note: secret, CreatedAt: now}); err != nil {
					return err
				}
				return tx.SaveWorkbookAnswer(ctx, &store.WorkbookAnswer{ClinicID: p.Clinic.ID, ClientID: a.ID, PromptID: "ch1.p1", Body: secret, UpdatedAt: now})
			})
			ctx := context.Background()
			err := s.Read(ctx, func(tx *store.Tx) error {
				all, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: p.Clinic.ID, ClientID: a.ID})
				if err != nil {
					return err
				}
				if len(all) != 2 || all[0].ID != shared.ID || all[1].Body != secret+" kept to myself" || !all[0].Shared() || all[1].Shared() {
					t.Errorf("the client's journal: %+v", all)
				}
				team, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: p.Clinic.ID, ClientID: a.ID, SharedOnly: true})
				if err != nil {
					return err
				}
				if len(team) != 1 || team[0].ID != shared.ID {
					t.Errorf("the care team's view: %+v", team)
				}
				if _, err := tx.JournalEntry(ctx, p.Clinic.ID, b.ID, private.ID); err == nil {
					t.Error("client B's read found client A's entry")
				}
				d, ok, err := tx.JournalDraft(ctx, p.Clinic.ID, a.ID, "new")
				if err != nil || !ok || d.Body != secret+" half written" {
					t.Errorf("draft: %+v %v %v", d, ok, err)
				}
				logs, err := tx.PracticeLogs(ctx, p.Clinic.ID, a.ID, "2026-06-15", "2026-06-21")
				if err != nil || len(logs) != 1 || logs[0].Note != secret {
					t.Errorf("practices: %+v %v", logs, err)
				}
				ans, err := tx.WorkbookAnswers(ctx, p.Clinic.ID, a.ID, false)
				if err != nil || ans["ch1.p1"].Body != secret {
					t.Errorf("workbook: %+v %v", ans, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Another client cannot share or edit A's entry through their own id.
			err = s.Write(ctx, func(tx *store.Tx) error {
				return tx.ShareJournalEntry(ctx, p.Clinic.ID, b.ID, private.ID, &now)
			})
			if err == nil {
				t.Error("client B shared client A's entry")
			}
			db := rawDB(t, e, cfg)
			for _, q := range []string{"SELECT body FROM journal_entries", "SELECT body FROM journal_drafts", "SELECT note FROM practice_logs", "SELECT body FROM workbook_answers"} {
				rows, err := db.Query(q)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				for rows.Next() {
					var v string
					rows.Scan(&v)
					if v == "" || strings.Contains(v, "Marker") {
						t.Errorf("%s holds %q", q, v)
					}
				}
				rows.Close()
			}
		})
	}
}
