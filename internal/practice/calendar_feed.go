package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/export"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Each person's calendar feed: a secret address (/calendar/<token>.ics)
// that a calendar app subscribes to, listing a client's own sessions and a
// clinician's sessions, in the clinic's time zone. The same events go as
// .ics files with the booking e-mails (session_mail.go), so an app that has
// both sees one event, replaced as it changes.
//
// The token is random (256 bits), found by its hash and kept sealed as well:
// the account page shows the address again whenever its owner looks,
// because a calendar address is something people copy into a second app
// months later, and shown-once would push them to make a new one (and break
// the first app). Whoever can read the database and the master key could
// read the tokens; they can read the schedule itself anyway. "New address"
// replaces the token and the old one stops working at once.

// The feed's window: the sessions of the last month, so that a session
// does not vanish from a calendar the moment it ends, and of the year ahead.
const (
	feedPast   = 31 * 24 * time.Hour
	feedFuture = 366 * 24 * time.Hour
	// feedReadEvery is how often one feed is served: a calendar app polls
	// every quarter hour at most; anything faster is refused with 429, so
	// a leaked address cannot be used to fill the log.
	feedReadEvery = time.Minute
)

// FeedLink is a person's calendar address, if they have one.
type FeedLink struct {
	URL     string // "" when they have none yet
	Created time.Time
}

// feedURL is the address of a feed with this token.
func feedURL(base, token string) string { return base + "/calendar/" + token + ".ics" }

// MyCalendarFeed is the signed-in person's calendar address.
func (s *Service) MyCalendarFeed(ctx context.Context, a Actor) (FeedLink, error) {
	var out FeedLink
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		f, ok, err := tx.CalendarFeedOf(ctx, a.P.ClinicID, a.P.UserID)
		if ok {
			out = FeedLink{URL: feedURL(strings.TrimRight(a.BaseURL, "/"), f.Token), Created: f.CreatedAt}
		}
		return err
	})
	return out, err
}

var opFeedRenew = op{action: "calendar.feed_new"}

// NewCalendarFeed gives the signed-in person a new calendar address; the
// one they had stops working.
func (s *Service) NewCalendarFeed(ctx context.Context, a Actor) (FeedLink, error) {
	if !access.Allow(a.P, access.Write, access.Resource{Type: access.OwnAccount, OwnerID: a.P.UserID}) {
		return FeedLink{}, s.Deny(ctx, a, "calendar_feed", "", "not signed in")
	}
	token := auth.NewSecret()
	f := store.CalendarFeed{UserID: a.P.UserID, ClinicID: a.P.ClinicID, Token: token, CreatedAt: s.Now()}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		if err := tx.ReplaceCalendarFeed(ctx, f, auth.HashSecret(token)); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opFeedRenew.action, ResourceType: "calendar_feed", ResourceID: a.P.UserID,
			Severity: audit.High})
	})
	if err != nil {
		return FeedLink{}, err
	}
	return FeedLink{URL: feedURL(strings.TrimRight(a.BaseURL, "/"), token), Created: f.CreatedAt}, nil
}

// errNoFeed is every feed address that does not work, whatever the reason.
var errNoFeed = problem.New(problem.NotFound, "There is no calendar at this address. It may have been replaced by a newer one.")

// CalendarFeed is the calendar a feed's token opens, for anon (the request,
// which signs in no one): its person's sessions. A token that opens nothing,
// or the account of a disabled person, is NotFound; a feed read again
// within a minute is TooMany. Each read is recorded in the log as its
// person's, with the number of sessions served.
func (s *Service) CalendarFeed(ctx context.Context, anon Actor, token string) (export.Calendar, error) {
	if len(token) != 43 {
		return export.Calendar{}, errNoFeed
	}
	now := s.Now()
	base := strings.TrimRight(anon.BaseURL, "/")
	if base == "" {
		base = s.baseURL()
	}
	var cal export.Calendar
	var a Actor
	var clientID string
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		f, err := tx.CalendarFeedByHash(ctx, auth.HashSecret(token))
		if err != nil {
			return errNoFeed
		}
		u, err := tx.User(ctx, f.UserID)
		if err != nil || u.DisabledAt != nil || u.ClinicID != f.ClinicID {
			return errNoFeed
		}
		clinic, err := tx.Clinic(ctx, u.ClinicID)
		if err != nil {
			return err
		}
		filter := store.AppointmentFilter{ClinicID: clinic.ID, From: now.Add(-feedPast), To: now.Add(feedFuture), IncludeCancelled: true, Limit: 1000}
		forClient := u.Kind == "client"
		if forClient {
			c, err := tx.ClientByUser(ctx, u.ID)
			if err != nil {
				return errNoFeed
			}
			filter.ClientID, clientID = c.ID, c.ID
		} else {
			filter.StaffID = u.ID
		}
		read, err := tx.MarkCalendarFeedRead(ctx, u.ID, now, now.Add(-feedReadEvery))
		if err != nil {
			return err
		}
		if !read {
			return problem.New(problem.TooMany, "This calendar was read less than a minute ago; please try again later.")
		}
		appts, err := tx.Appointments(ctx, filter)
		if err != nil {
			return err
		}
		rooms, err := roomNames(ctx, tx, clinic.ID)
		if err != nil {
			return err
		}
		cal = export.Calendar{Name: clinic.Name, Zone: clinic.Location()}
		if !forClient {
			cal.Name = clinic.Name + ": " + u.Name
		}
		for _, ap := range appts {
			cal.Events = append(cal.Events, sessionEvent(ap, forClient, clinic, rooms[ap.RoomID], base))
		}
		a = NewActor(u.Principal(clientID), u.Name, clinic, anon.RequestID, anon.IP, anon.Channel)
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "calendar.feed_read", ResourceType: "calendar_feed", ResourceID: u.ID,
			ClientID: clientID, Detail: plural(len(cal.Events), "session", "sessions")})
	})
	return cal, err
}

// roomNames are the clinic's rooms' names by id.
func roomNames(ctx context.Context, tx *store.Tx, clinicID string) (map[string]string, error) {
	rooms, err := tx.Rooms(ctx, clinicID)
	out := make(map[string]string, len(rooms))
	for _, r := range rooms {
		out[r.ID] = r.Name
	}
	return out, err
}

// sessionEvent is a session as a calendar event, for a client or for a
// clinician. Its UID is the appointment's for ever, so an app replaces its
// copy when the session changes. A client's says where and when, never what
// kind of session it is: a calendar is often shared, synced to a work
// account or glanced at on a locked phone, and "Medicine session" there
// tells more than the person chose to tell; the page it links to says the
// rest after signing in. A clinician's names the kind and the room, since
// that is their work, but never the client.
// base is the site's address for the link to the session's page.
func sessionEvent(ap store.Appointment, forClient bool, clinic store.Clinic, room, base string) export.Event {
	e := export.Event{UID: "appointment-" + ap.ID + "@doorway", Start: ap.StartsAt, End: ap.EndsAt, Updated: ap.CreatedAt}
	if ap.Status == store.StatusCancelled {
		e.Cancelled, e.Sequence = true, 1
		if ap.CancelledAt != nil {
			e.Updated = *ap.CancelledAt
		}
	}
	if forClient {
		e.Summary = "Appointment at " + clinic.Name
		e.Location = joinNonEmpty(", ", room, clinic.Address)
		if base != "" {
			e.Description = "Details and how to get ready: " + base + "/portal/sessions/" + ap.ID
		}
		return e
	}
	e.Summary = ap.Kind.Label()
	if room != "" {
		e.Summary += ", " + room
	}
	e.Location = room
	if base != "" {
		e.Description = "On the schedule: " + base + "/schedule/" + ap.ID
	}
	return e
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
