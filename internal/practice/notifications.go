package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// What each person wants to be told by e-mail: the choices they make in
// the portal (clients) or on their account page (everyone). They are read
// when a message is about to go, not when it was queued, so a change holds
// at once for everything already waiting.

// Notifications are a person's choices, with what applies to them.
type Notifications struct {
	store.NotificationPrefs
	// ForClient says the person is a client, to whom questionnaires and
	// reflection prompts apply.
	ForClient bool
	// Saved is false while the person has the defaults.
	Saved bool
}

// DefaultNotifications are the choices of a person who has made none. A
// client hears of their sessions, questionnaires and prompts, as the
// practice would tell them at the desk, but in words that say only that
// there is something to see; what a session is, and how to prepare for it,
// goes by e-mail only once they choose it. Staff hear of nothing unless
// they ask: the schedule and the feed are theirs to read.
func DefaultNotifications(u store.User) store.NotificationPrefs {
	client := u.Kind == "client"
	return store.NotificationPrefs{UserID: u.ID, ClinicID: u.ClinicID,
		SessionReminders: client, Bookings: client, Measures: client, Prompts: client}
}

// notificationsOf reads the person's choices, or gives the defaults.
func notificationsOf(ctx context.Context, tx *store.Tx, u store.User) (Notifications, error) {
	p, ok, err := tx.NotificationPrefs(ctx, u.ID)
	if err != nil {
		return Notifications{}, err
	}
	return notificationsFrom(u, p, ok), nil
}

// notificationsFrom is the person's choices from what was saved (saved
// false: nothing), with what does not apply to them off.
func notificationsFrom(u store.User, p store.NotificationPrefs, saved bool) Notifications {
	if !saved || p.ClinicID != u.ClinicID {
		p, saved = DefaultNotifications(u), false
	}
	n := Notifications{NotificationPrefs: p, ForClient: u.Kind == "client", Saved: saved}
	if !n.ForClient {
		n.Measures, n.Prompts = false, false
	}
	return n
}

// MyNotifications loads the signed-in person's choices.
func (s *Service) MyNotifications(ctx context.Context, a Actor) (Notifications, error) {
	var out Notifications
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, a.P.UserID)
		if err != nil {
			return err
		}
		out, err = notificationsOf(ctx, tx, u)
		return err
	})
	return out, err
}

// NotificationChoices are the boxes of the form, as ticked.
type NotificationChoices struct {
	SessionReminders, Bookings, Measures, Prompts, Details bool
}

var opNotifications = op{action: "notifications.update"}

// SaveMyNotifications saves the signed-in person's choices. Questionnaires
// and prompts are a client's; for staff they stay off.
func (s *Service) SaveMyNotifications(ctx context.Context, a Actor, in NotificationChoices) error {
	if !access.Allow(a.P, access.Write, access.Resource{Type: access.OwnAccount, OwnerID: a.P.UserID}) {
		return s.Deny(ctx, a, "user", a.P.UserID, "not signed in")
	}
	return s.write(ctx, a, func(tx *store.Tx) error {
		u, err := tx.User(ctx, a.P.UserID)
		if err != nil {
			return err
		}
		client := u.Kind == "client"
		p := store.NotificationPrefs{UserID: u.ID, ClinicID: u.ClinicID, SessionReminders: in.SessionReminders, Bookings: in.Bookings,
			Measures: client && in.Measures, Prompts: client && in.Prompts, Details: in.Details, UpdatedAt: s.Now()}
		if err := tx.SaveNotificationPrefs(ctx, p); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opNotifications.action, ResourceType: "user", ResourceID: u.ID,
			Detail: notificationDetail(p)})
	})
}

// notificationDetail says the choices in the log as the names of those
// that are on, such as "reminders bookings details".
func notificationDetail(p store.NotificationPrefs) string {
	var on []string
	for _, c := range []struct {
		name string
		on   bool
	}{{"reminders", p.SessionReminders}, {"bookings", p.Bookings}, {"measures", p.Measures}, {"prompts", p.Prompts}, {"details", p.Details}} {
		if c.on {
			on = append(on, c.name)
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, " ")
}
