package fhir

import (
	"context"
	"fmt"
	"net/http"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// everythingPart gathers one kind of resource about a client for
// Patient/$everything. The client's record is already known to be readable
// by the caller; a part whose records need a finer decision (a journal entry
// the client has not shared, say) must ask access.Allow for each one itself.
type everythingPart func(ctx context.Context, c *caller, client store.Client) ([]hit, error)

// patientEverything is the first part: the Patient itself.
func (a *API) patientEverything(_ context.Context, c *caller, cl store.Client) ([]hit, error) {
	return []hit{patientHit(c, cl)}, nil
}

// serveEverything serves GET /Patient/{id}/$everything: a searchset with the
// Patient as the match and everything else the parts gather as includes.
// It is not paged: a client's record is bounded in size.
func (a *API) serveEverything(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	if err := onlyFormat(r); err != nil {
		a.problem(w, r, err)
		return
	}
	const action = "fhir.patient.everything"
	id := r.PathValue("id")
	cl, err := a.clientInScope(ctx, c, id)
	if problem.CodeOf(err) == problem.NotFound {
		a.deny(w, r, c, action, "Patient", id, err)
		return
	}
	if err != nil {
		a.problem(w, r, err)
		return
	}
	var hits []hit
	for _, part := range a.everything {
		hs, err := part(ctx, c, cl)
		if err != nil {
			a.problem(w, r, err)
			return
		}
		hits = append(hits, hs...)
	}
	if err := a.record(r, c, audit.Entry{Action: action, ResourceType: "Patient", ResourceID: cl.ID, ClientID: cl.ID,
		Detail: fmt.Sprintf("%d resources", len(hits))}); err != nil {
		a.problem(w, r, err)
		return
	}
	total := len(hits)
	b := Bundle{ResourceType: "Bundle", Type: "searchset", Total: &total,
		Link: []BundleLink{{Relation: "self", URL: a.base(r) + "/Patient/" + cl.ID + "/$everything"}}}
	for i, h := range hits {
		mode := "include"
		if i == 0 {
			mode = "match"
		}
		b.Entry = append(b.Entry, a.entry(r, h, mode))
	}
	a.writeResource(w, r, http.StatusOK, b)
}
