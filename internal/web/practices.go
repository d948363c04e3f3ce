package web

import (
	"net/http"

	"doorway/internal/integration"
	"doorway/internal/practice"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The practices a client logs between sessions: a form, a calm weekly view
// in the clinic's calendar, and one switch to share the whole log with the
// care team, who see it on their own page only while it is shared.

func (s *Server) practicesRoutes() []Route {
	return []Route{
		{"GET", "/portal/practices", ClientOnly, s.showPractices},
		{"POST", "/portal/practices", ClientOnly, s.doLogPractice},
		{"POST", "/portal/practices/sharing", ClientOnly, s.doSharePractices},
		{"POST", "/portal/practices/{log}/remove", ClientOnly, s.doRemovePractice},
		{"GET", "/clients/{id}/practices", StaffOnly, s.showSharedPractices},
	}
}

// weekView is a week of a log; path is the page it is on, for the links to
// the weeks either side.
func weekView(w practice.PracticeWeek, path string, tf timefmt.Format) view.PracticeWeekView {
	v := view.PracticeWeekView{Label: tf.Week(w.Days[0], w.Days[6])}
	if !w.Prev.IsZero() {
		v.Prev = path + "?week=" + w.Prev.String()
	}
	if !w.Next.IsZero() {
		v.Next = path + "?week=" + w.Next.String()
	}
	byDay := map[string][]view.PracticeRow{}
	for _, l := range w.Logs {
		kind, _ := integration.PracticeKindByKey(l.Kind)
		byDay[l.DoneOn] = append(byDay[l.DoneOn], view.PracticeRow{ID: l.ID, Kind: kind.Label, Minutes: l.Minutes, Note: l.Note, Day: l.DoneOn})
		v.Minutes += l.Minutes
	}
	v.Count = len(w.Logs)
	for _, d := range w.Days {
		v.Days = append(v.Days, view.PracticeDay{Label: tf.LongDayMonthOf(d), Today: d == w.Today, Rows: byDay[d.String()]})
	}
	return v
}

// practiceForm is the form to log a practice, filled with in (its kind,
// today and no minutes when in is empty).
func practiceForm(w practice.PracticeWeek, in practice.PracticeInput, errs view.FieldErrors) view.PracticeForm {
	f := view.PracticeForm{Kind: in.Kind, Day: in.Day, Minutes: in.Minutes, Note: in.Note, Today: w.Today.String(),
		Earliest: w.Today.AddDays(-integration.PracticeLookback).String(), Errors: errs}
	if f.Day == "" {
		f.Day = f.Today
	}
	if f.Kind == "" {
		f.Kind = integration.PracticeKinds[0].Key
	}
	for _, k := range integration.PracticeKinds {
		f.Kinds = append(f.Kinds, view.PracticeKindOption{Key: k.Key, Label: k.Label, Hint: k.Hint})
	}
	return f
}

// practicesNotices are what the page says after a change, by ?done=.
var practicesNotices = map[string]string{
	"logged":  "Logged. Well done for making the time.",
	"removed": "Removed from your log.",
	"shared":  "Your care team can now see your practices log.",
	"private": "Your practices log is private again: your care team no longer sees it.",
}

// renderPractices shows the client's week holding the day asked, with the
// form holding in and its errors.
func (s *Server) renderPractices(w http.ResponseWriter, r *http.Request, status int, week string, in practice.PracticeInput, errs view.FieldErrors) {
	pw, err := s.app.MyPractices(r.Context(), s.actor(r), week)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "My practices", "/portal")
	switch n := practicesNotices[r.URL.Query().Get("done")]; {
	case errs != nil:
		// The form is below the week: say at the top that it needs a look.
		p.Flash, p.FlashKind = "That practice is not logged yet: please see the form below.", "error"
	case n != "":
		p.Flash, p.FlashKind = n, "ok"
	}
	v := view.PracticesView{Week: weekView(pw, "/portal/practices", s.timeFormat(r)), Form: practiceForm(pw, in, errs), Shared: pw.Shared}
	s.render(w, r, status, view.Practices(p, v))
}

func (s *Server) showPractices(w http.ResponseWriter, r *http.Request) {
	s.renderPractices(w, r, http.StatusOK, r.URL.Query().Get("week"), practice.PracticeInput{}, nil)
}

// practicesAfter is the page after a change, at the week holding day.
func practicesAfter(day, done string) string {
	return "/portal/practices?week=" + day + "&done=" + done
}

func (s *Server) doLogPractice(w http.ResponseWriter, r *http.Request) {
	in := practice.PracticeInput{Kind: r.PostFormValue("kind"), Day: r.PostFormValue("day"), Minutes: r.PostFormValue("minutes"), Note: r.PostFormValue("note")}
	logged, err := s.app.LogPractice(r.Context(), s.actor(r), in)
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			s.renderPractices(w, r, http.StatusBadRequest, in.Day, in, errs)
		})
		return
	}
	http.Redirect(w, r, practicesAfter(logged.DoneOn, "logged"), http.StatusSeeOther)
}

func (s *Server) doRemovePractice(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RemovePractice(r.Context(), s.actor(r), r.PathValue("log")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, practicesAfter(r.PostFormValue("week"), "removed"), http.StatusSeeOther)
}

func (s *Server) doSharePractices(w http.ResponseWriter, r *http.Request) {
	share := r.PostFormValue("share") == "1"
	if err := s.app.SharePractices(r.Context(), s.actor(r), share); err != nil {
		s.fail(w, r, err)
		return
	}
	done := "private"
	if share {
		done = "shared"
	}
	http.Redirect(w, r, "/portal/practices?done="+done, http.StatusSeeOther)
}

func (s *Server) showSharedPractices(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, pw, err := s.app.SharedPractices(r.Context(), s.actor(r), id, r.URL.Query().Get("week"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := view.SharedPracticesView{ClientID: c.ID, ClientName: c.DisplayName(), Shared: pw.Shared,
		Week: weekView(pw, "/clients/"+c.ID+"/practices", s.timeFormat(r))}
	s.render(w, r, http.StatusOK, view.SharedPractices(s.page(r, "Practices: "+c.DisplayName(), "/caseload"), v))
}
