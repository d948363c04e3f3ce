package practice

import (
	"context"
	"strings"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store/storetest"
	"doorway/internal/workbook"
)

// pagesActor is a principal of the practice at a browser.
func (f *apiFixture) pagesActor(t *testing.T, name string) Actor {
	t.Helper()
	a := f.actor(t, name)
	a.Channel = Pages
	return a
}

// refusedOnce checks that err is a refusal already recorded, and that the
// clinic's log gained exactly one denial with it and nothing else.
func (f *apiFixture) refusedOnce(t *testing.T, what string, err error, before int) {
	t.Helper()
	if !Recorded(err) || problem.CodeOf(err) != problem.NotFound {
		t.Errorf("%s: %v, want a recorded not-found", what, err)
	}
	all := f.entries(t, f.p.Clinic.ID, "")
	if len(all) != before+1 || all[0].Action != "access.denied" || all[0].Outcome != audit.Denied {
		t.Errorf("%s: %d new entries, the newest %+v; want one denial", what, len(all)-before, all[0])
	}
}

// TestIntegrationRefusalsAreRecordedOnce: a use case of the client's own
// writing, asked by someone it is not for, answers a not-found recorded
// once, and adds nothing else to the log.
func TestIntegrationRefusalsAreRecordedOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testIntegrationRefusalsAreRecordedOnce(t, newAPIFixture(t, e.Config(t))) })
	}
}

func testIntegrationRefusalsAreRecordedOnce(t *testing.T, f *apiFixture) {
	ctx := context.Background()
	a := f.p.Clients["A"].ID
	cases := []struct {
		who  string
		what string
		call func(Actor) error
	}{
		{"assigned", "a therapist answering in a portal", func(ac Actor) error {
			_, err := f.s.AnswerWorkbook(ctx, ac, "ch1.p1", "words")
			return err
		}},
		{"admin", "an admin sharing in a portal", func(ac Actor) error { return f.s.SharePractices(ctx, ac, true) }},
		{"unassigned", "a therapist off the team reading shared answers", func(ac Actor) error {
			_, _, err := f.s.SharedWorkbook(ctx, ac, a)
			return err
		}},
		{"foreignAdmin", "another clinic's admin reading the log", func(ac Actor) error {
			_, _, err := f.s.SharedPractices(ctx, ac, a, "")
			return err
		}},
		{"prescriber", "a prescriber exporting a portal's workbook", func(ac Actor) error {
			_, err := f.s.MyFilledWorkbook(ctx, ac)
			return err
		}},
		{"assigned", "a therapist saving an article", func(ac Actor) error {
			_, err := f.s.SaveArticle(ctx, ac, workbook.Articles()[0].Slug, ArticleInput{Title: "x", Description: "y.", Body: "z"})
			return err
		}},
		{"prescriber", "a prescriber previewing an article", func(ac Actor) error {
			_, _, err := f.s.PreviewArticle(ctx, ac, workbook.Articles()[0].Slug, ArticleInput{})
			return err
		}},
	}
	for _, c := range cases {
		clinic := f.p.Clinic.ID
		if c.who == "foreignAdmin" {
			clinic = f.p.Other.ID
		}
		before := len(f.entries(t, clinic, ""))
		err := c.call(f.pagesActor(t, c.who))
		if clinic != f.p.Clinic.ID {
			es := f.entries(t, clinic, "")
			if !Recorded(err) || len(es) != before+1 || es[0].Action != "access.denied" {
				t.Errorf("%s: %v, %d new entries", c.what, err, len(es)-before)
			}
			continue
		}
		f.refusedOnce(t, c.what, err, before)
	}
}

// TestPreviewWritesNothing: a preview reads where the clinic's pages are
// and nothing else, and leaves no trace in the log.
func TestPreviewWritesNothing(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testPreviewWritesNothing(t, newAPIFixture(t, e.Config(t))) })
	}
}

func testPreviewWritesNothing(t *testing.T, f *apiFixture) {
	ctx := context.Background()
	before := len(f.entries(t, f.p.Clinic.ID, ""))
	f.n.Reset()
	c, a, err := f.s.PreviewArticle(ctx, f.pagesActor(t, "admin"), workbook.Articles()[1].Slug,
		ArticleInput{Title: " Our title ", Description: "Ours.", Body: "Ours *too*."})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Default || a.Title != "Our title" || a.Number != 2 {
		t.Errorf("the preview: clinic %+v, article %+v", c, a)
	}
	for _, q := range f.n.Statements() {
		if !strings.HasPrefix(q, "SELECT") {
			t.Errorf("a preview sent %s", q)
		}
	}
	if after := len(f.entries(t, f.p.Clinic.ID, "")); after != before {
		t.Errorf("a preview added %d audit entries", after-before)
	}
}

// TestLogPracticeIsOneWrite: logging a practice reads the client and their
// team, inserts the practice, and appends its entry: nothing more (but the
// clinic's data key, made the first time anything of the clinic is sealed).
func TestLogPracticeIsOneWrite(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testLogPracticeIsOneWrite(t, newAPIFixture(t, e.Config(t))) })
	}
}

func testLogPracticeIsOneWrite(t *testing.T, f *apiFixture) {
	ctx := context.Background()
	f.n.Reset()
	p, err := f.s.LogPractice(ctx, f.pagesActor(t, "clientA"), PracticeInput{Kind: "art", Day: "2026-06-16", Minutes: "30", Note: "Painted the hallway."})
	if err != nil {
		t.Fatal(err)
	}
	var writes []string
	for _, q := range f.n.Statements() {
		if !strings.HasPrefix(q, "SELECT") && !strings.HasPrefix(q, "INSERT INTO clinic_keys") {
			table, _, _ := strings.Cut(strings.TrimPrefix(q, "INSERT INTO "), " ")
			writes = append(writes, table)
		}
	}
	if strings.Join(writes, " ") != "practice_logs audit_log" {
		t.Errorf("logging a practice wrote to %q, want practice_logs then audit_log", writes)
	}
	es := f.entries(t, f.p.Clinic.ID, "practice.log")
	if len(es) != 1 || es[0].ResourceID != p.ID || es[0].ClientID != f.p.Clients["A"].ID || es[0].Detail != "" {
		t.Errorf("the log's entry: %+v", es)
	}
}
