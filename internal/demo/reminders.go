package demo

import (
	"context"
	"maps"
	"slices"

	"doorway/internal/auth"
	"doorway/internal/store"
)

// The reminders part: every demo account has its calendar address, shown
// on its account page, and a few people have made their e-mail choices,
// so that what goes out reads both ways. Maya asked for the details (the
// kind of session, the checklist, which questionnaire); Sam, who runs most
// sessions, asked for a reminder the day before each, with the client's
// name. Everyone else has the defaults. Nothing is queued here: the first
// hourly sweep, as the demo starts, queues the reminders of the week ahead
// and sends what is due (into the outbox, since the demo has no SMTP
// server), exactly as for any practice.

func seedReminders(ctx context.Context, s *seeder) error {
	var users []store.User
	for _, k := range slices.Sorted(maps.Keys(s.staff)) {
		users = append(users, s.staff[k])
	}
	for _, k := range slices.Sorted(maps.Keys(s.clients)) {
		c := s.clients[k]
		if c.UserID != "" {
			users = append(users, store.User{ID: c.UserID, ClinicID: c.ClinicID})
		}
	}
	for _, u := range users {
		token := auth.NewSecret()
		if err := s.tx.ReplaceCalendarFeed(ctx, store.CalendarFeed{UserID: u.ID, ClinicID: u.ClinicID, Token: token, CreatedAt: s.now},
			auth.HashSecret(token)); err != nil {
			return err
		}
	}
	maya, sam := s.clients["maya"], s.staff["sam"]
	for _, p := range []store.NotificationPrefs{
		{UserID: maya.UserID, ClinicID: maya.ClinicID, SessionReminders: true, Bookings: true, Measures: true, Prompts: true, Details: true},
		{UserID: sam.ID, ClinicID: sam.ClinicID, SessionReminders: true, Details: true},
	} {
		p.UpdatedAt = s.now
		if err := s.tx.SaveNotificationPrefs(ctx, p); err != nil {
			return err
		}
	}
	return nil
}
