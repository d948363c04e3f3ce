package app_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"doorway/internal/app"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/mail/mailtest"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestReminderDueWhileNoServerRan: a session is booked, and its booking
// e-mail and reminder queued, by an instance that then stops before
// sending anything. Nothing runs while the reminder falls due. Five hours
// later two instances start together on the same database, with a real
// SMTP server: the booking e-mail and the reminder each arrive once.
func TestReminderDueWhileNoServerRan(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			sc := e.Config(t)
			srv := mailtest.Start(t)
			clock := storetest.Now
			open := func(smtp string) *app.Main {
				cfg, err := app.NewConfig(noEnv)
				if err != nil {
					t.Fatal(err)
				}
				cfg.DataDir, cfg.DatabaseURL, cfg.Addr, cfg.SMTPURL = sc.DataDir, sc.URL, "127.0.0.1:0", smtp
				cfg.BaseURL = "https://doorway.test"
				m := app.NewMain(cfg)
				m.Logger = slog.New(slog.DiscardHandler)
				now := clock
				m.Now = func() time.Time { return now }
				m.JobsEvery = 10 * time.Millisecond
				if err := m.Open(ctx); err != nil {
					t.Fatalf("open: %v", err)
				}
				t.Cleanup(func() { m.Close() })
				return m
			}

			// The first instance books, and stops without running.
			first := open("")
			admin, client := seedClinic(t, first.Store, clock)
			day := calendar.Of(clock, mustLA(t)).AddDays(3)
			appt, err := first.Practice.BookAppointment(ctx, admin, practice.BookingInput{ClientID: client.ID, Kind: store.KindMedicine,
				Date: day.String(), Time: "10:00", StaffIDs: []string{admin.P.UserID}})
			if err != nil {
				t.Fatal(err)
			}
			first.Close()

			// Five hours after the reminder fell due, two instances start.
			clock = appt.StartsAt.Add(-24*time.Hour + 5*time.Hour)
			var rs []*running
			for range 2 {
				m := open(srv.URL())
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				runCtx, stop := context.WithCancel(ctx)
				r := &running{stop: stop, done: make(chan error, 1)}
				go func() { r.done <- m.Run(runCtx, ln) }()
				t.Cleanup(func() { stop(); <-r.done })
				rs = append(rs, r)
			}
			srv.Wait(t, 2, 20*time.Second)
			time.Sleep(500 * time.Millisecond) // room for a duplicate to arrive
			for _, r := range rs {
				r.shutdown(t)
			}
			var subjects []string
			for _, m := range srv.Messages() {
				subjects = append(subjects, strings.Fields(m.Subject)[0])
			}
			if strings.Join(subjects, " ") != "Booked: Reminder:" && strings.Join(subjects, " ") != "Reminder: Booked:" {
				t.Errorf("messages %v, want the booking and the reminder once each", subjects)
			}
			t.Logf("after a downtime over the reminder's hour, 2 instances sent %d messages: %v", len(subjects), subjects)
		})
	}
}

func mustLA(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// seedClinic writes a clinic with an admin who is also a therapist and a
// client with an active portal account on their care team, and returns the
// admin as an actor, and the client.
func seedClinic(t *testing.T, st *store.Store, now time.Time) (practice.Actor, store.Client) {
	t.Helper()
	clinic := store.Clinic{ID: auth.NewID(), ShortName: "main", Name: "Main Clinic", TimeZone: "America/Los_Angeles",
		ContactEmail: "hello@main.example", CreatedAt: now}
	staff := store.User{ID: auth.NewID(), ClinicID: clinic.ID, Email: "sam@main.example", Name: "Sam Lane", Kind: "staff",
		PasswordHash: "x", Roles: []store.Role{store.RoleAdmin, store.RoleTherapist}, CreatedAt: now}
	cu := store.User{ID: auth.NewID(), ClinicID: clinic.ID, Email: "ada@example.org", Name: "Ada Byron", Kind: "client", PasswordHash: "x", CreatedAt: now}
	client := store.Client{ID: auth.NewID(), ClinicID: clinic.ID, UserID: cu.ID, GivenName: "Ada", FamilyName: "Byron", CreatedAt: now}
	err := st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateClinic(ctx, &clinic); err != nil {
			return err
		}
		for _, u := range []*store.User{&staff, &cu} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.CreateClient(ctx, &client); err != nil {
			return err
		}
		return tx.AddToCareTeam(ctx, client.ID, staff.ID, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return practice.NewActor(staff.Principal(""), staff.Name, clinic, "req", "192.0.2.1", practice.Pages), client
}
