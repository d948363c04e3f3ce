package fhir

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"doorway/internal/audit"
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
	// read loads one resource the caller may see. Absent and out of scope
	// are both a NotFound; out of scope is errOutOfScope, for the audit.
	read func(ctx context.Context, c *caller, id string) (hit, error)
	// params are the type's search parameters; the result parameters every
	// search takes (_count, _sort, _offset, _format) are handled in search.go.
	params []searchParam
	// sorts are the keys _sort accepts, each also descending as -key.
	sorts []string
	// search runs a parsed search within the caller's scope.
	search func(ctx context.Context, c *caller, q *searchQuery) (page, error)
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

// errOutOfScope is the NotFound of a record that exists but that the access
// decision refused; the caller sees the same 404 as for an absent one, the
// audit log tells them apart.
var errOutOfScope = problem.New(problem.NotFound, "There is no such record, or you may not see it.")

// errMayNotSearch refuses a search to a principal who may not list the
// type at all (a staff account with no clinical or admin role).
var errMayNotSearch = problem.New(problem.Unauthorized, "Your account may not search these records.")

func actionFor(typ, verb string) string { return "fhir." + strings.ToLower(typ) + "." + verb }

// readHandler serves GET /{type}/{id}.
func (a *API) readHandler(t *resourceType) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		ctx := r.Context()
		if err := onlyFormat(r); err != nil {
			a.problem(w, r, err)
			return
		}
		id := r.PathValue("id")
		h, err := t.read(ctx, c, id)
		action := actionFor(t.name, "read")
		if problem.CodeOf(err) == problem.NotFound {
			a.deny(w, r, c, action, t.name, id, err)
			return
		}
		if err != nil {
			a.problem(w, r, err)
			return
		}
		if err := a.record(r, c, audit.Entry{Action: action, ResourceType: t.name, ResourceID: h.id, ClientID: h.clientID}); err != nil {
			a.problem(w, r, err)
			return
		}
		a.writeResource(w, r, http.StatusOK, h.resource)
	}
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
		action := actionFor(t.name, "search")
		p, err := t.search(ctx, c, q)
		if errors.Is(err, errMayNotSearch) {
			a.record(r, c, audit.Entry{Action: action, ResourceType: t.name, Outcome: audit.Denied, Detail: "may not search"})
			a.fail(w, r, http.StatusForbidden, issueForbidden, problem.MessageOf(err))
			return
		}
		if err != nil {
			a.problem(w, r, err)
			return
		}
		if err := a.recordSearch(r, c, action, t.name, p); err != nil {
			a.problem(w, r, err)
			return
		}
		a.writeResource(w, r, http.StatusOK, a.searchset(r, t, q, p))
	}
}
