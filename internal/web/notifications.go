package web

import (
	"bytes"
	"net/http"
	"strings"

	"doorway/internal/access"
	"doorway/internal/export"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// What each person is e-mailed, and their calendar feed: the form is on
// the account page for everyone and on the portal's own page for clients;
// the feed itself is public, opened by its secret address alone.

func (s *Server) notificationRoutes() []Route {
	return []Route{
		{"GET", "/portal/notifications", ClientOnly, s.showPortalNotifications},
		{"POST", "/account/notifications", SignedIn, s.doNotifications},
		{"POST", "/account/calendar", SignedIn, s.doNewCalendarFeed},
		{"GET", "/calendar/{file}", Public, s.serveCalendarFeed},
	}
}

// notificationsView loads the signed-in person's choices and calendar
// address; back is the page the forms return to.
func (s *Server) notificationsView(r *http.Request, back string) (view.NotificationsView, error) {
	n, err := s.app.MyNotifications(r.Context(), s.actor(r))
	if err != nil {
		return view.NotificationsView{}, err
	}
	feed, err := s.app.MyCalendarFeed(r.Context(), s.actor(r))
	if err != nil {
		return view.NotificationsView{}, err
	}
	out := view.NotificationsView{ForClient: n.ForClient, SessionReminders: n.SessionReminders, Bookings: n.Bookings, Measures: n.Measures,
		Prompts: n.Prompts, Details: n.Details, Back: back, CanMail: s.app.CanMail(),
		Feed: view.FeedView{URL: feed.URL, ForClient: n.ForClient, Back: back}}
	if feed.URL != "" {
		out.Feed.Created = view.When(feed.Created, s.timeFormat(r))
	}
	return out, nil
}

// savedNotice is what a page says after one of these forms: ?saved= says which.
func savedNotice(r *http.Request) string {
	switch r.URL.Query().Get("saved") {
	case "notifications":
		return "Your choices are saved."
	case "calendar":
		return "Your calendar address is ready. Any address you had before no longer works."
	}
	return ""
}

func (s *Server) showPortalNotifications(w http.ResponseWriter, r *http.Request) {
	nv, err := s.notificationsView(r, "/portal/notifications")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "E-mails and your calendar", "/portal")
	if msg := savedNotice(r); msg != "" {
		p.Flash, p.FlashKind = msg, "ok"
	}
	s.render(w, r, http.StatusOK, view.PortalNotifications(p, nv))
}

// backTo is where a form of these returns: the client's portal page when
// it came from there, else the account page, at the part it changed.
func backTo(r *http.Request, saved, part string) string {
	if r.PostFormValue("back") == "/portal/notifications" && viewerOf(r.Context()).P.Kind == access.Client {
		return "/portal/notifications?saved=" + saved
	}
	return "/account?saved=" + saved + "#" + part
}

func (s *Server) doNotifications(w http.ResponseWriter, r *http.Request) {
	on := func(name string) bool { return r.PostFormValue(name) == "1" }
	in := practice.NotificationChoices{SessionReminders: on("reminders"), Bookings: on("bookings"), Measures: on("measures"),
		Prompts: on("prompts"), Details: on("details")}
	if err := s.app.SaveMyNotifications(r.Context(), s.actor(r), in); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, backTo(r, "notifications", "notifications"), http.StatusSeeOther)
}

func (s *Server) doNewCalendarFeed(w http.ResponseWriter, r *http.Request) {
	if _, err := s.app.NewCalendarFeed(r.Context(), s.actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, backTo(r, "calendar", "calendar"), http.StatusSeeOther)
}

// serveCalendarFeed serves a calendar by its secret address,
// /calendar/<token>.ics, to whoever has it: a calendar app, which signs in
// with nothing else. The answer is never cached (the middleware's
// no-store), and a feed read again within a minute is refused with 429.
func (s *Server) serveCalendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.notFound(w, r)
		return
	}
	anon := practice.NewActor(access.Principal{Kind: access.Anonymous}, "", store.Clinic{}, requestID(r.Context()), clientIP(r), practice.Pages)
	anon.BaseURL = s.baseURL(r)
	cal, err := s.app.CalendarFeed(r.Context(), anon, token)
	switch problem.CodeOf(err) {
	case "":
	case problem.TooMany:
		w.Header().Set("Retry-After", "60")
		http.Error(w, problem.MessageOf(err), http.StatusTooManyRequests)
		return
	case problem.NotFound:
		s.notFound(w, r)
		return
	default:
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := export.ICalendar(&buf, cal); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", cal.ContentType())
	w.Header().Set("Content-Disposition", `inline; filename="sessions.ics"`)
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Write(buf.Bytes()) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}
