package fhir

import (
	"context"
	"errors"
	"net/http"

	"doorway/internal/practice"
	"doorway/internal/problem"
)

// resourceType is one FHIR resource type the server serves. The routes, the
// CapabilityStatement and the strict checking of search parameters are all
// built from these, so what the server says it supports is exactly what it
// does. A new type is a file that returns one of these and a line in New.
type resourceType struct {
	name string
	// doc is the CapabilityStatement's documentation for the type.
	doc string
	// read loads one resource the caller may see, asked as q (q.ID is the
	// id, well formed). Absent and out of scope are both a NotFound, which
	// the use cases have recorded (practice.Recorded); a NotFound the read
	// finds itself (an id of another spelling) is recorded by the handler.
	read func(ctx context.Context, c *caller, q practice.Asked) (hit, error)
	// params are the type's search parameters; the result parameters every
	// search takes (_count, _sort, _offset, _format) are handled in search.go.
	params []searchParam
	// sorts are the keys _sort accepts, each also descending as -key.
	sorts []string
	// search runs a parsed search within the caller's scope (q.scope).
	search func(ctx context.Context, c *caller, q *searchQuery) (page, error)
	// aboutNoOne marks a type whose resources are about no client (a
	// Questionnaire): anyone signed in searches it, without a scope.
	aboutNoOne bool
	// operations are instance operations such as $everything.
	operations []operation
	// create serves POST /{type}; nil where the type cannot be created.
	create func(w http.ResponseWriter, r *http.Request, c *caller)
}

// hit is one resource found, with what the audit needs to know about it.
type hit struct {
	resource any
	typ      string // the resource type, for the entry's fullUrl
	id       string
	// clientID is the client the resource is about, so the client's
	// accounting of access shows who read it.
	clientID string
}

// page is one page of search results and the total over all pages.
type page struct {
	hits  []hit
	total int
}

// operation is an instance-level operation such as Patient/{id}/$everything.
type operation struct {
	name       string // without the $
	definition string // the canonical URL of its OperationDefinition
	doc        string
	handle     func(w http.ResponseWriter, r *http.Request, c *caller)
}

// readHandler serves GET /{type}/{id}.
func (a *API) readHandler(t *resourceType) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		ctx := r.Context()
		if err := onlyFormat(r); err != nil {
			a.problem(w, r, err)
			return
		}
		q := practice.Asked{Type: t.name, Verb: "read", ID: r.PathValue("id")}
		if !wellFormedID(q.ID) {
			// No read could find it; only well-formed ids go into the log.
			q.ID = ""
			a.notFound(w, r, c, q, nil)
			return
		}
		h, err := t.read(ctx, c, q)
		if problem.CodeOf(err) == problem.NotFound {
			a.notFound(w, r, c, q, err)
			return
		}
		if err != nil {
			a.problem(w, r, err)
			return
		}
		if err := a.app.RecordRead(ctx, c.actor, q, practice.Found{ID: h.id, ClientID: h.clientID}, ""); err != nil {
			a.problem(w, r, err)
			return
		}
		a.writeResource(w, r, http.StatusOK, h.resource)
	}
}

// notFound answers a read that found nothing the caller may see with 404
// and nothing of the record, recording it first unless the use case that
// refused it has (err is then practice.Recorded). The log tells out of
// scope from absent; the caller cannot.
func (a *API) notFound(w http.ResponseWriter, r *http.Request, c *caller, q practice.Asked, err error) {
	if !practice.Recorded(err) {
		if err := a.app.NoSuchRecord(r.Context(), c.actor, q); !practice.Recorded(err) {
			a.problem(w, r, err)
			return
		}
	}
	a.problem(w, r, problem.New(problem.NotFound, "There is no %s with that id, or you may not see it.", q.Type))
}

// searchHandler serves GET /{type}?...
func (a *API) searchHandler(t *resourceType) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		ctx := r.Context()
		q, err := parseSearch(r, t)
		if err != nil {
			a.problem(w, r, err)
			return
		}
		asked := practice.Asked{Type: t.name, Verb: "search"}
		if !t.aboutNoOne {
			// Before any value is read: a principal who may not search is
			// refused whatever they sent.
			q.scope, err = a.app.SearchScope(ctx, c.actor, asked)
			if errors.Is(err, practice.ErrMayNotSearch) {
				a.fail(w, r, http.StatusForbidden, issueForbidden, problem.MessageOf(err))
				return
			}
			if err != nil {
				a.problem(w, r, err)
				return
			}
		}
		p, err := t.search(ctx, c, q)
		if err != nil {
			a.problem(w, r, err)
			return
		}
		found := make([]practice.Found, len(p.hits))
		for i, h := range p.hits {
			found[i] = practice.Found{ID: h.id, ClientID: h.clientID}
		}
		if err := a.app.RecordSearch(ctx, c.actor, asked, found, p.total); err != nil {
			a.problem(w, r, err)
			return
		}
		a.writeResource(w, r, http.StatusOK, a.searchset(r, t, q, p))
	}
}
