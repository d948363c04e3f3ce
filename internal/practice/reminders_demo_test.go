package practice_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/demo"
	"doorway/internal/jobs"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestDemoWeekOfReminders: the demo practice, started with no SMTP server,
// has its first sweep queue the reminders of the week ahead (for each
// client with a session, and for Sam, who asked for his), and record in
// the outbox what is due at once: the questionnaires waiting and the
// reflection prompts open, one e-mail each to each client. Daniel, a week
// after his session, has two sets of prompts open; with the details he
// chose here, his one e-mail holds both, with their questions. Nothing is
// sent twice by a second start.
func TestDemoWeekOfReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := storetest.At("2026-03-17 07:30")
		if _, err := demo.Seed(ctx, st, auth.NewHasher(1), now); err != nil {
			t.Fatal(err)
		}
		err := st.Write(ctx, func(tx *store.Tx) error {
			u, err := tx.UserByEmail(ctx, "daniel@stillwater.example")
			if err != nil {
				return err
			}
			return tx.SaveNotificationPrefs(ctx, store.NotificationPrefs{UserID: u.ID, ClinicID: u.ClinicID, SessionReminders: true,
				Bookings: true, Measures: true, Prompts: true, Details: true, UpdatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		clock := func() time.Time { return now }
		app := practice.New(practice.Config{Store: st, Now: clock, BaseURL: func() string { return "http://127.0.0.1:8080" }})
		r := jobs.New(jobs.Config{Store: st, Now: clock})
		app.RegisterJobs(r)
		for range 2 {
			if err := app.StartScheduledWork(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := r.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var clinic store.Clinic
		var waiting []store.Job
		var out []store.OutboxMessage
		err = st.Read(ctx, func(tx *store.Tx) (err error) {
			if clinic, err = tx.ClinicByRef(ctx, demo.ShortName); err != nil {
				return err
			}
			if waiting, err = tx.PendingJobs(ctx, clinic.ID, "mail.", now.Add(8*24*time.Hour), 100); err != nil {
				return err
			}
			out, err = tx.Outbox(ctx, clinic.ID, 100)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, j := range waiting {
			kinds["waiting "+j.Kind]++
		}
		var subjects []string
		for _, m := range out {
			kinds["recorded "+m.Kind]++
			subjects = append(subjects, m.Subject)
			if m.Sent || m.Text == "" {
				t.Errorf("a demo message was sent, or kept without its words: %+v", m)
			}
		}
		sort.Strings(subjects)
		t.Logf("the demo's first sweep: %v; recorded: %s", kinds, strings.Join(subjects, " | "))
		// Maya (integration in 3 days), Ruth (preparation in 5), Priya and
		// Ben (their joint session in 7), and Sam for Maya's and Ruth's.
		if kinds["waiting "+practice.KindSessionReminder] != 6 {
			t.Errorf("%d session reminders waiting, want 6", kinds["waiting "+practice.KindSessionReminder])
		}
		if kinds["recorded "+practice.KindMeasureDue] != 4 || kinds["recorded "+practice.KindPromptOpen] != 1 {
			t.Errorf("recorded %d questionnaire e-mails (want 4, one per client with something due) and %d of prompts (want Daniel's)",
				kinds["recorded "+practice.KindMeasureDue], kinds["recorded "+practice.KindPromptOpen])
		}
		for _, m := range out {
			if m.Kind != practice.KindPromptOpen {
				continue
			}
			for _, want := range []string{"THE MORNING AFTER", "THREE DAYS ON", "- What would you like to celebrate from this session?"} {
				if !strings.Contains(m.Text, want) {
					t.Errorf("Daniel's prompts e-mail lacks %q:\n%s", want, m.Text)
				}
			}
		}
	})
}
