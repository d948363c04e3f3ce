package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/web/view"
)

// How a handler answers what went wrong: the friendly error page, a
// problem.Error mapped to its status, a refused form shown again, and a
// refusal answered as if the thing did not exist. Every handler answers
// through these, so a status, a message and what is recorded agree
// everywhere.

// deny answers 404, as if the thing did not exist, once the refusal is
// recorded; a refusal that cannot be recorded is not answered as one.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, resourceType, resourceID string) {
	if err := s.app.Deny(r.Context(), s.actor(r), resourceType, resourceID, "refused"); !practice.Recorded(err) {
		s.fail(w, r, err)
		return
	}
	s.notFound(w, r)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Not found", "")
	p.Narrow = true
	// A clinician refused a client's record is offered emergency access to
	// it. The link holds only the id the URL already had, and shows
	// whether the client exists or not.
	v := viewerOf(r.Context())
	if id := r.PathValue("id"); id != "" && strings.HasPrefix(r.URL.Path, "/clients/") && v.P.Kind == access.Staff &&
		(v.P.Has(access.Therapist) || v.P.Has(access.Prescriber)) {
		p.EmergencyAccess = "/emergency-access?client=" + url.QueryEscape(id)
	}
	s.render(w, r, http.StatusNotFound, view.ErrorPage(p, "Not found", "There is nothing here, or you do not have access to it."))
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	if message == "" {
		message = problem.MessageOf(nil)
	}
	p := s.page(r, heading, "")
	p.Narrow = true
	s.render(w, r, status, view.ErrorPage(p, heading, message))
}

// fail answers an error from the layers below: a problem.Error with its safe
// message and status, anything else as a logged internal error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch problem.CodeOf(err) {
	case problem.NotFound:
		s.notFound(w, r)
	case problem.Invalid, problem.Unprocessable:
		s.renderError(w, r, http.StatusBadRequest, "Please check what you entered", problem.MessageOf(err))
	case problem.Conflict:
		s.renderError(w, r, http.StatusConflict, "That could not be saved", problem.MessageOf(err))
	case problem.Unauthorized:
		s.renderError(w, r, http.StatusUnauthorized, "Please sign in again", problem.MessageOf(err))
	case problem.TooMany:
		setRetryAfter(w, err)
		s.renderError(w, r, http.StatusTooManyRequests, "Please wait a little", problem.MessageOf(err))
	case problem.Unavailable:
		s.log.Error("unavailable", "request_id", requestID(r.Context()), "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Doorway is not available just now", problem.MessageOf(err))
	default:
		if r.Context().Err() != nil {
			return // the browser went away
		}
		s.log.Error("internal error", "request_id", requestID(r.Context()), "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "")
	}
}

// setRetryAfter tells a throttled caller when to try again (RFC 9110).
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := practice.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d/time.Second)))
	}
}

// refuseForm answers a write that failed: a refusal the person can put
// right (invalid, naming a field, or several: practice.FieldErrors) goes
// to show, which renders the form again at 400 with each message by its
// field; anything else goes to fail.
func (s *Server) refuseForm(w http.ResponseWriter, r *http.Request, err error, show func(errs view.FieldErrors)) {
	var fields practice.FieldErrors
	if errors.As(err, &fields) {
		show(view.FieldErrors(fields))
		return
	}
	if f := problem.FieldOf(err); f != "" && problem.CodeOf(err) == problem.Invalid {
		show(view.FieldErrors{f: problem.MessageOf(err)})
		return
	}
	s.fail(w, r, err)
}

// failClient answers an error from clientRecord.
func (s *Server) failClient(w http.ResponseWriter, r *http.Request, id string, err error) {
	s.failDenied(w, r, "client", id, err)
}

// failDenied answers an error loading a record that access guards: a
// NotFound is audited as a denial of the resource id, since the record may
// exist outside the viewer's scope; anything else goes to fail.
func (s *Server) failDenied(w http.ResponseWriter, r *http.Request, resource, id string, err error) {
	if practice.Recorded(err) {
		s.notFound(w, r)
		return
	}
	if problem.CodeOf(err) == problem.NotFound {
		s.deny(w, r, resource, id)
		return
	}
	s.fail(w, r, err)
}
