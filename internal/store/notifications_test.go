package store_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// sealedMarker is written through every sealed column of these tests and
// must never be readable in the table as stored.
const sealedMarker = "Halibut-Sealed-Marker-4417"

// TestNotificationPrefsSavedAndReplaced: a person without choices has no
// row; a save writes one and a second replaces it.
func TestNotificationPrefsSavedAndReplaced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "one")
		u := mustUser(t, s, c.ID, "u1", "u1@example.org", store.RoleTherapist)
		var ok bool
		mustTx(t, s, func(tx *store.Tx) (err error) { _, ok, err = tx.NotificationPrefs(ctx, u.ID); return err })
		if ok {
			t.Fatal("a person who saved nothing has choices")
		}
		for _, p := range []store.NotificationPrefs{
			{UserID: u.ID, ClinicID: c.ID, SessionReminders: true, Details: true, UpdatedAt: jobT0},
			{UserID: u.ID, ClinicID: c.ID, Bookings: true, Measures: true, Prompts: true, UpdatedAt: jobT0.Add(time.Hour)},
		} {
			mustTx(t, s, func(tx *store.Tx) error { return tx.SaveNotificationPrefs(ctx, p) })
			var got store.NotificationPrefs
			mustTx(t, s, func(tx *store.Tx) (err error) { got, ok, err = tx.NotificationPrefs(ctx, u.ID); return err })
			if !ok || got != p {
				t.Errorf("saved %+v, read %+v", p, got)
			}
		}
	})
}

// TestCalendarFeedReplacedAndRateLimited: a feed is found by its token's
// hash, its token reads back sealed, a new token ends the old one, and two
// reads within the limit count one.
func TestCalendarFeedReplacedAndRateLimited(t *testing.T) {
	eachWithRaw(t, func(t *testing.T, s *store.Store, db *sql.DB) {
		c := mustClinic(t, s, "c1", "one")
		u := mustUser(t, s, c.ID, "u1", "u1@example.org", store.RoleTherapist)
		feed := store.CalendarFeed{UserID: u.ID, ClinicID: c.ID, Token: sealedMarker + "-1", CreatedAt: jobT0}
		mustTx(t, s, func(tx *store.Tx) error { return tx.ReplaceCalendarFeed(ctx, feed, "hash-1") })
		var raw string
		mustRaw(t, db, `SELECT token FROM calendar_feeds`, &raw)
		if strings.Contains(raw, "Halibut") {
			t.Error("the feed's token is stored in the clear")
		}
		var got store.CalendarFeed
		var ok bool
		mustTx(t, s, func(tx *store.Tx) (err error) { got, ok, err = tx.CalendarFeedOf(ctx, c.ID, u.ID); return err })
		if !ok || got.Token != feed.Token {
			t.Fatalf("feed read back: %+v %v", got, ok)
		}
		feed.Token = "second"
		mustTx(t, s, func(tx *store.Tx) error { return tx.ReplaceCalendarFeed(ctx, feed, "hash-2") })
		err := s.Read(ctx, func(tx *store.Tx) error { _, err := tx.CalendarFeedByHash(ctx, "hash-1"); return err })
		if problem.CodeOf(err) != problem.NotFound {
			t.Errorf("the replaced token still finds a feed: %v", err)
		}
		var reads []bool
		for _, at := range []time.Time{jobT0, jobT0.Add(20 * time.Second), jobT0.Add(61 * time.Second)} {
			mustTx(t, s, func(tx *store.Tx) error {
				read, err := tx.MarkCalendarFeedRead(ctx, u.ID, at, at.Add(-time.Minute))
				reads = append(reads, read)
				return err
			})
		}
		if reads[0] != true || reads[1] != false || reads[2] != true {
			t.Errorf("reads counted %v, want [true false true]", reads)
		}
	})
}

// TestOutboxKeepsOneMessagePerJob: a repeat of a job's message is not kept
// twice; a recorded message keeps its text sealed, a sent one keeps none.
func TestOutboxKeepsOneMessagePerJob(t *testing.T) {
	eachWithRaw(t, func(t *testing.T, s *store.Store, db *sql.DB) {
		c := mustClinic(t, s, "c1", "one")
		u := mustUser(t, s, c.ID, "u1", "u1@example.org", store.RoleTherapist)
		rec := store.OutboxMessage{ID: "m1", ClinicID: c.ID, JobID: "j1", Kind: "mail.booking", UserID: u.ID, Subject: "Booked",
			Text: sealedMarker + " text", HTML: "<p>" + sealedMarker + "</p>", Attachment: "session.ics", CreatedAt: jobT0}
		sent := store.OutboxMessage{ID: "m2", ClinicID: c.ID, JobID: "j2", Kind: "mail.series_chapter", Subject: "Chapter 1",
			Text: "dropped", Sent: true, CreatedAt: jobT0.Add(time.Minute)}
		var firsts []bool
		for _, m := range []store.OutboxMessage{rec, sent, {ID: "m3", ClinicID: c.ID, JobID: "j1", Kind: "mail.booking", Subject: "again", CreatedAt: jobT0}} {
			mustTx(t, s, func(tx *store.Tx) error {
				ok, err := tx.RecordOutbox(ctx, &m)
				firsts = append(firsts, ok)
				return err
			})
		}
		if !firsts[0] || !firsts[1] || firsts[2] {
			t.Errorf("kept %v, want [true true false]", firsts)
		}
		var raw string
		mustRaw(t, db, `SELECT body_text || body_html FROM outbox WHERE id = 'm1'`, &raw)
		if strings.Contains(raw, "Halibut") || raw == "" {
			t.Errorf("the recorded text is stored as %q", raw)
		}
		var list []store.OutboxMessage
		mustTx(t, s, func(tx *store.Tx) (err error) { list, err = tx.Outbox(ctx, c.ID, 10); return err })
		if len(list) != 2 || list[0].ID != "m2" || list[0].Text != "" || list[1].Text != rec.Text || list[1].HTML != rec.HTML || list[1].UserID != u.ID {
			t.Fatalf("outbox: %+v", list)
		}
		var n int
		mustTx(t, s, func(tx *store.Tx) (err error) { n, err = tx.PruneOutbox(ctx, jobT0.Add(30*time.Second)); return err })
		if n != 1 {
			t.Errorf("pruned %d, want 1", n)
		}
	})
}

// TestSeriesReaders: one row per address and clinic, the address sealed;
// confirmed once; unconfirmed ones forgotten after their time; deleted on
// request.
func TestSeriesReaders(t *testing.T) {
	eachWithRaw(t, func(t *testing.T, s *store.Store, db *sql.DB) {
		c := mustClinic(t, s, "c1", "one")
		r := store.SeriesReader{ID: "r1", ClinicID: c.ID, Email: strings.ToLower(sealedMarker) + "@example.org", CreatedAt: jobT0}
		var added []bool
		for _, id := range []string{"r1", "r2"} {
			r := r
			r.ID = id
			mustTx(t, s, func(tx *store.Tx) error {
				ok, err := tx.AddSeriesReader(ctx, r, "h1")
				added = append(added, ok)
				return err
			})
		}
		if !added[0] || added[1] {
			t.Errorf("added %v, want the address once", added)
		}
		var raw string
		mustRaw(t, db, `SELECT email FROM series_readers`, &raw)
		if strings.Contains(strings.ToLower(raw), "halibut") {
			t.Error("the address is stored in the clear")
		}
		var got store.SeriesReader
		mustTx(t, s, func(tx *store.Tx) (err error) { got, err = tx.SeriesReader(ctx, "r1"); return err })
		if got.Email != r.Email || got.ConfirmedAt != nil {
			t.Fatalf("read back %+v", got)
		}
		var confirms []bool
		for range 2 {
			mustTx(t, s, func(tx *store.Tx) error {
				ok, err := tx.ConfirmSeriesReader(ctx, "r1", jobT0.Add(time.Hour))
				confirms = append(confirms, ok)
				return err
			})
		}
		if !confirms[0] || confirms[1] {
			t.Errorf("confirmed %v, want once", confirms)
		}
		other := store.SeriesReader{ID: "r3", ClinicID: c.ID, Email: "late@example.org", CreatedAt: jobT0}
		var n, count int
		mustTx(t, s, func(tx *store.Tx) (err error) {
			if _, err = tx.AddSeriesReader(ctx, other, "h3"); err != nil {
				return err
			}
			if n, err = tx.ForgetUnconfirmedSeriesReaders(ctx, jobT0.Add(48*time.Hour)); err != nil {
				return err
			}
			count, err = tx.SeriesReaderCount(ctx, c.ID)
			return err
		})
		if n != 1 || count != 1 {
			t.Errorf("forgot %d unconfirmed, %d confirmed left; want 1 and 1", n, count)
		}
		var deleted bool
		mustTx(t, s, func(tx *store.Tx) (err error) { deleted, err = tx.DeleteSeriesReader(ctx, "r1"); return err })
		err := s.Read(ctx, func(tx *store.Tx) error { _, err := tx.SeriesReader(ctx, "r1"); return err })
		if !deleted || problem.CodeOf(err) != problem.NotFound {
			t.Errorf("deleted %v, then %v", deleted, err)
		}
	})
}

// TestPendingJobsWaitingToGo lists a clinic's mail not yet sent, soonest
// first, and not another clinic's, nor what is done or not yet near.
func TestPendingJobsWaitingToGo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustClinic(t, s, "c1", "one")
		o := mustClinic(t, s, "c2", "two")
		for i, j := range []store.Job{
			{ClinicID: c.ID, Kind: "mail.booking", Key: "b", RunAt: jobT0.Add(2 * time.Hour)},
			{ClinicID: c.ID, Kind: "mail.session_reminder", Key: "a", RunAt: jobT0.Add(time.Hour)},
			{ClinicID: c.ID, Kind: "sweep.reminders", Key: "s", RunAt: jobT0},
			{ClinicID: o.ID, Kind: "mail.booking", Key: "o", RunAt: jobT0},
			{ClinicID: c.ID, Kind: "mail.booking", Key: "late", RunAt: jobT0.Add(30 * 24 * time.Hour)},
		} {
			j.ID = string(rune('a'+i)) + "job"
			mustEnqueue(t, s, j)
		}
		var list []store.Job
		mustTx(t, s, func(tx *store.Tx) (err error) {
			list, err = tx.PendingJobs(ctx, c.ID, "mail.", jobT0.Add(7*24*time.Hour), 10)
			return err
		})
		var keys []string
		for _, j := range list {
			keys = append(keys, j.Key)
		}
		if strings.Join(keys, ",") != "a,b" {
			t.Errorf("waiting to go: %v, want a,b", keys)
		}
	})
}

func mustTx(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Write(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// eachWithRaw runs fn on each engine with the store and a second, plain
// handle on the same database, to read what is stored as it is stored.
func eachWithRaw(t *testing.T, fn func(t *testing.T, s *store.Store, db *sql.DB)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			fn(t, s, rawDB(t, e, cfg))
		})
	}
}

func mustRaw(t *testing.T, db *sql.DB, q string, dst any) {
	t.Helper()
	if err := db.QueryRow(q).Scan(dst); err != nil {
		t.Fatal(err)
	}
}
