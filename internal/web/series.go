package web

import (
	"net/http"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

// The article series by e-mail (practice.SubscribeToSeries): a public form
// asking only for an address, a confirmation link that opens a page with a
// button, and an unsubscribe link that does the same, and also answers a
// mail reader's one-click POST (RFC 8058).

func (s *Server) seriesMailRoutes() []Route {
	return []Route{
		{"GET", "/series", Public, s.showSeries},
		{"POST", "/series", Public, s.doSeries},
		{"GET", "/series/confirm/{token}", Public, s.showSeriesConfirm},
		{"POST", "/series/confirm/{token}", Public, s.doSeriesConfirm},
		{"GET", "/series/unsubscribe/{token}", Public, s.showSeriesUnsubscribe},
		{"POST", "/series/unsubscribe/{token}", Public, s.doSeriesUnsubscribe},
	}
}

func (s *Server) showSeries(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, view.Series(s.page(r, "The article series by e-mail", ""), view.SeriesView{Clinic: s.publicInfo(r)}))
}

func (s *Server) doSeries(w http.ResponseWriter, r *http.Request) {
	in := practice.SeriesSignup{ClinicRef: r.URL.Query().Get("clinic"), Email: r.PostFormValue("email"), Honeypot: r.PostFormValue("website")}
	clinic, err := s.app.SubscribeToSeries(r.Context(), s.actor(r), in)
	if err != nil {
		sv := view.SeriesView{Clinic: s.publicInfo(r), Email: in.Email}
		switch problem.CodeOf(err) {
		case problem.Invalid:
			sv.Errors = view.FieldErrors{"email": problem.MessageOf(err)}
			s.render(w, r, http.StatusBadRequest, view.Series(s.page(r, "The article series by e-mail", ""), sv))
		case problem.TooMany:
			sv.Errors = view.FieldErrors{"form": problem.MessageOf(err)}
			s.render(w, r, http.StatusTooManyRequests, view.Series(s.page(r, "The article series by e-mail", ""), sv))
		default:
			s.fail(w, r, err)
		}
		return
	}
	// The same answer whether the address was new, waiting or a reader
	// already: the page tells no one who reads what.
	s.render(w, r, http.StatusOK, view.SeriesNote(s.page(r, "Check your inbox", ""), publicClinicView(clinic), "Check your inbox",
		[]string{"If the address is right, an e-mail is on its way to it with a link to confirm. Nothing more comes until you do.",
			"The link works for two days. If nothing arrives, look in your spam folder, or ask again later."}))
}

// seriesLinkFailed answers a link that does not work.
func (s *Server) seriesLinkFailed(w http.ResponseWriter, r *http.Request, err error) {
	if problem.CodeOf(err) == problem.NotFound {
		s.renderError(w, r, http.StatusNotFound, "This link does not work", problem.MessageOf(err))
		return
	}
	s.fail(w, r, err)
}

func seriesClinic(l practice.SeriesLink) view.PublicClinic {
	if l.Clinic.ID == "" {
		return view.PublicClinic{}
	}
	return publicClinicView(l.Clinic)
}

func (s *Server) showSeriesConfirm(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.SeriesConfirmation(r.Context(), r.PathValue("token"))
	if err != nil {
		s.seriesLinkFailed(w, r, err)
		return
	}
	if l.Done {
		s.seriesConfirmed(w, r, l)
		return
	}
	s.render(w, r, http.StatusOK, view.SeriesConfirm(s.page(r, "Confirm your address", ""), seriesClinic(l), "Confirm your address",
		"One more step: press the button and the first article comes at once, then one a week, ten in all.",
		"/series/confirm/"+r.PathValue("token"), "Yes, send me the series"))
}

func (s *Server) doSeriesConfirm(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.ConfirmSeries(r.Context(), s.actor(r), r.PathValue("token"))
	if err != nil {
		s.seriesLinkFailed(w, r, err)
		return
	}
	s.seriesConfirmed(w, r, l)
}

func (s *Server) seriesConfirmed(w http.ResponseWriter, r *http.Request, l practice.SeriesLink) {
	s.render(w, r, http.StatusOK, view.SeriesNote(s.page(r, "You are in", ""), seriesClinic(l), "You are in",
		[]string{"The first article is on its way; the next comes in a week. Every one has a link to stop them, in one click."}))
}

func (s *Server) showSeriesUnsubscribe(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.SeriesUnsubscription(r.Context(), r.PathValue("token"))
	if err != nil {
		s.seriesLinkFailed(w, r, err)
		return
	}
	if l.Done {
		s.seriesUnsubscribed(w, r, l)
		return
	}
	s.render(w, r, http.StatusOK, view.SeriesConfirm(s.page(r, "Stop the articles", ""), seriesClinic(l), "Stop the articles",
		"Press the button and no more articles come. Your address is then forgotten.",
		"/series/unsubscribe/"+r.PathValue("token"), "Unsubscribe"))
}

// doSeriesUnsubscribe unsubscribes: from the page's button, or from a mail
// reader's one-click POST (body "List-Unsubscribe=One-Click"), which is
// answered the same, with a page it will not show.
func (s *Server) doSeriesUnsubscribe(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.UnsubscribeFromSeries(r.Context(), s.actor(r), r.PathValue("token"))
	if err != nil {
		s.seriesLinkFailed(w, r, err)
		return
	}
	s.seriesUnsubscribed(w, r, l)
}

func (s *Server) seriesUnsubscribed(w http.ResponseWriter, r *http.Request, l practice.SeriesLink) {
	s.render(w, r, http.StatusOK, view.SeriesNote(s.page(r, "Unsubscribed", ""), seriesClinic(l), "Unsubscribed",
		[]string{"No more articles will come, and your address is forgotten. You are welcome back any time."}))
}
