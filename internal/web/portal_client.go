package web

import (
	"context"
	"net/http"

	"doorway/internal/access"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The signed-in client's own record, for the portal pages that do not yet
// go through a use case (the measures pages do: practice.PortalDue and
// the questionnaire use cases ask access themselves).

// portalClient loads the signed-in client and asks whether they may act in
// their portal.
func (s *Server) portalClient(ctx context.Context, a access.Action) (store.Client, error) {
	v := viewerOf(ctx)
	var c store.Client
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { c, err = tx.Client(ctx, v.P.ClinicID, v.P.ClientID); return err })
	if err != nil {
		return c, err
	}
	if !access.Allow(v.P, a, access.Resource{Type: access.ClientPortal, ClinicID: c.ClinicID, ClientID: c.ID}) {
		return store.Client{}, problem.New(problem.NotFound, "Not found.")
	}
	return c, nil
}

// portalClientFor is portalClient for a handler: when the signed-in client
// may not do a in their portal, it answers with an audited denial and ok is
// false.
func (s *Server) portalClientFor(w http.ResponseWriter, r *http.Request, a access.Action) (store.Client, bool) {
	c, err := s.portalClient(r.Context(), a)
	if err != nil {
		s.deny(w, r, "client_portal", viewerOf(r.Context()).P.ClientID)
		return c, false
	}
	return c, true
}
