package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestArticleVersions: each save is numbered after the one before, per
// clinic and article; the newest of each is what the clinic shows; a saved
// version cannot be changed in the database; hiding and showing again is
// one row per article; the other clinic sees none of it.
func TestArticleVersions(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testArticleVersions(t, e) })
	}
}

func testArticleVersions(t *testing.T, e storetest.Engine) {
	cfg := e.Config(t)
	s := storetest.OpenConfig(t, cfg)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := storetest.NewPractice(t, s, now)
	other := p.Clients["other"].ClinicID
	save := func(clinicID, slug, title string) store.ArticleVersion {
		v := store.ArticleVersion{ClinicID: clinicID, Slug: slug, Title: title, Description: "One sentence.", Body: "Some *words*.",
			CreatedBy: p.Users["admin"].ID, CreatedAt: now}
		mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SaveArticleVersion(ctx, &v) })
		return v
	}
	first := save(p.Clinic.ID, "intentions", "Intentions, first edit")
	second := save(p.Clinic.ID, "intentions", "Intentions, second edit")
	save(p.Clinic.ID, "the-medicine-session", "The session")
	save(other, "intentions", "Another clinic's intentions")
	if first.Version != 1 || second.Version != 2 {
		t.Errorf("versions %d then %d, want 1 then 2", first.Version, second.Version)
	}
	mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.SetArticleHidden(ctx, p.Clinic.ID, "the-medicine-session", true, p.Users["admin"].ID, now); err != nil {
			return err
		}
		if err := tx.SetArticleHidden(ctx, p.Clinic.ID, "intentions", true, p.Users["admin"].ID, now); err != nil {
			return err
		}
		return tx.SetArticleHidden(ctx, p.Clinic.ID, "intentions", false, p.Users["admin"].ID, now.Add(time.Minute))
	})
	err := s.Read(ctx, func(tx *store.Tx) error {
		latest, err := tx.LatestArticleVersions(ctx, p.Clinic.ID)
		if err != nil {
			return err
		}
		if len(latest) != 2 || latest["intentions"].Title != "Intentions, second edit" || latest["the-medicine-session"].Version != 1 {
			t.Errorf("the newest versions: %+v", latest)
		}
		all, err := tx.ArticleVersions(ctx, p.Clinic.ID, "intentions")
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].ID != second.ID || all[1].ID != first.ID || !all[1].CreatedAt.Equal(now) {
			t.Errorf("the history, newest first: %+v", all)
		}
		hidden, err := tx.HiddenArticles(ctx, p.Clinic.ID)
		if err != nil {
			return err
		}
		if len(hidden) != 1 || !hidden["the-medicine-session"] {
			t.Errorf("hidden: %v", hidden)
		}
		theirs, err := tx.LatestArticleVersions(ctx, other)
		if err != nil {
			return err
		}
		if len(theirs) != 1 || theirs["intentions"].Version != 1 {
			t.Errorf("the other clinic's: %+v", theirs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The database itself keeps a saved version as it was saved.
	if _, err := rawDB(t, e, cfg).Exec("UPDATE article_versions SET body = 'rewritten' WHERE id = '" + first.ID + "'"); err == nil ||
		!strings.Contains(err.Error(), "cannot be changed") {
		t.Errorf("changing a saved version in place: %v", err)
	}
}

// TestFirstPracticeDay: the log begins at the earliest day logged, which
// need not be the first logged.
func TestFirstPracticeDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		p := storetest.NewPractice(t, s, now)
		a := p.Clients["A"]
		day := func() (d string) {
			t.Helper()
			if err := s.Read(ctx, func(tx *store.Tx) (err error) { d, err = tx.FirstPracticeDay(ctx, p.Clinic.ID, a.ID); return err }); err != nil {
				t.Fatal(err)
			}
			return d
		}
		if d := day(); d != "" {
			t.Errorf("before any log: %q", d)
		}
		for _, on := range []string{"2026-03-01", "2026-02-20"} {
			mustWrite(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.AddPracticeLog(ctx, &store.PracticeLog{ClinicID: p.Clinic.ID, ClientID: a.ID, Kind: "nature", DoneOn: on, Minutes: 20, CreatedAt: now})
			})
		}
		if d := day(); d != "2026-02-20" {
			t.Errorf("first day %q, want 2026-02-20", d)
		}
	})
}
