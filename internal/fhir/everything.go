package fhir

import (
	"context"
	"fmt"
	"net/http"

	"doorway/internal/practice"
	"doorway/internal/problem"
)

// everythingPart builds one kind of resource about a client for
// Patient/$everything, from the client's records (all their parts are
// loaded). The client's record is already known to be readable by the
// caller; a part whose records need a finer decision (a journal entry the
// client has not shared, say) must have it made in internal/practice.
type everythingPart func(ctx context.Context, c *caller, rec practice.ClientRecords) []hit

// patientEverything is the first part: the Patient itself.
func (a *API) patientEverything(_ context.Context, c *caller, rec practice.ClientRecords) []hit {
	return []hit{patientHit(c, rec.Client)}
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
	q := practice.Asked{Type: "Patient", Verb: "everything", ID: r.PathValue("id")}
	if !wellFormedID(q.ID) {
		q.ID = ""
		a.notFound(w, r, c, q, nil)
		return
	}
	rec, err := a.app.RecordsOf(ctx, c.actor, q, practice.Ref{Kind: practice.KindClient, ID: q.ID}, practice.AllParts)
	if problem.CodeOf(err) == problem.NotFound {
		a.notFound(w, r, c, q, err)
		return
	}
	if err != nil {
		a.problem(w, r, err)
		return
	}
	var hits []hit
	for _, part := range a.everything {
		hits = append(hits, part(ctx, c, rec)...)
	}
	cl := rec.Client
	if err := a.app.RecordRead(ctx, c.actor, q, practice.Found{ID: cl.ID, ClientID: cl.ID}, fmt.Sprintf("%d resources", len(hits))); err != nil {
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
