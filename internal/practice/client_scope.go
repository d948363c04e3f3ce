package practice

import (
	"context"
	"errors"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Scope is which clients an actor may see in a search: a client only
// themself, staff the clients of their care teams, an admin the whole
// clinic. It narrows the search in SQL; each client found is then put to
// the access decision as well, and a search whose rows and decision ever
// disagree is refused whole rather than serve one record too many. Only
// SearchScope makes one.
type Scope struct {
	clinicID   string
	self       string // a client principal's own record
	careTeamOf string // a staff member who is not an admin
	// none is a scope that holds no client: a client account without a
	// client record.
	none bool
	made bool
}

// ErrMayNotSearch refuses a search to a principal who may not list client
// records at all (a staff account with no clinical or admin role). It is
// recorded before it is returned.
var ErrMayNotSearch error = recorded{errMayNotSearch}

var errMayNotSearch = problem.New(problem.Unauthorized, "Your account may not search these records.")

// SearchScope is the actor's scope for a search asked as q, asked before
// any of the search's values are read, so a principal who may not search
// is refused alike whatever they sent. A refusal is recorded under q.
func (s *Service) SearchScope(ctx context.Context, a Actor, q Asked) (Scope, error) {
	sc := Scope{clinicID: a.P.ClinicID, made: true}
	switch a.P.Kind {
	case access.Client:
		sc.self, sc.none = a.P.ClientID, a.P.ClientID == ""
		return sc, nil
	case access.Staff:
		if access.Allow(a.P, access.List, access.Resource{Type: access.ClientList, ClinicID: a.P.ClinicID}) {
			if !a.P.Has(access.Admin) {
				sc.careTeamOf = a.P.UserID
			}
			return sc, nil
		}
	}
	if err := s.Record(ctx, a, audit.Entry{Action: q.action(), ResourceType: q.Type, Outcome: audit.Denied, Detail: "may not search"}); err != nil {
		return Scope{}, err
	}
	return Scope{}, ErrMayNotSearch
}

// errScope is a search run without a scope from SearchScope: a bug, never
// answered with data.
var errScope = errors.New("practice: a search without its scope")

// errOutsideScope refuses a whole search whose SQL scope let through a
// client the access decision refuses: the two must agree.
var errOutsideScope = errors.New("practice: a row outside the actor's scope reached the access check")

// mayRead reports whether the actor may read a client's record, as the
// access decision says given the client's care team.
func mayRead(a Actor, clinicID, clientID string, team []string) bool {
	return access.Allow(a.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: clinicID, ClientID: clientID, CareTeam: team})
}

// inScope checks that the clients a search found are all the actor's to
// read.
func inScope(a Actor, clients []store.Client, teams map[string][]string) error {
	for _, cl := range clients {
		if !mayRead(a, cl.ClinicID, cl.ID, teams[cl.ID]) {
			return errOutsideScope
		}
	}
	return nil
}

// SearchClients lists the clients in scope that q matches, a page at a
// time, with the total over all pages. q's ClinicID, Self and CareTeamOf
// are the scope's.
func (s *Service) SearchClients(ctx context.Context, a Actor, sc Scope, q store.ClientQuery) ([]store.Client, int, error) {
	if !sc.made {
		return nil, 0, errScope
	}
	if sc.none {
		return nil, 0, nil
	}
	q.ClinicID, q.Self, q.CareTeamOf = sc.clinicID, sc.self, sc.careTeamOf
	var clients []store.Client
	var total int
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		if clients, total, err = tx.SearchClients(ctx, q); err != nil {
			return err
		}
		teams, err := tx.CareTeams(ctx, clientIDs(clients))
		if err != nil {
			return err
		}
		return inScope(a, clients, teams)
	})
	if err != nil {
		return nil, 0, err
	}
	return clients, total, nil
}

func clientIDs(clients []store.Client) []string {
	ids := make([]string, len(clients))
	for i, cl := range clients {
		ids[i] = cl.ID
	}
	return ids
}

// SearchResponses lists the completed questionnaires of the clients in
// scope that q matches, a page at a time, with the total over all pages.
// q's ClinicID, Self and CareTeamOf are the scope's.
func (s *Service) SearchResponses(ctx context.Context, a Actor, sc Scope, q store.ResponseQuery) ([]store.Response, int, error) {
	if !sc.made {
		return nil, 0, errScope
	}
	if sc.none {
		return nil, 0, nil
	}
	q.ClinicID, q.Self, q.CareTeamOf = sc.clinicID, sc.self, sc.careTeamOf
	var rs []store.Response
	var total int
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		if rs, total, err = tx.SearchResponses(ctx, q); err != nil {
			return err
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ClientID)
		}
		teams, err := tx.CareTeams(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if !mayRead(a, r.ClinicID, r.ClientID, teams[r.ClientID]) {
				return errOutsideScope
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return rs, total, nil
}

// Response is one completed questionnaire, read as q asked for it, once
// access allows the actor to read its client's record. Absent and out of
// scope are the same refusal, recorded under q.
func (s *Service) Response(ctx context.Context, a Actor, q Asked, id string) (store.Response, error) {
	var out store.Response
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if !auth.ValidID(id) {
			return s.refuseAsked(a, q, "malformed id")
		}
		rs, _, err := tx.SearchResponses(ctx, store.ResponseQuery{ClinicID: a.P.ClinicID, IDs: []string{id}, Limit: 1})
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return s.refuseAsked(a, q, "no such record")
		}
		if _, err := s.chartAsked(ctx, tx, a, q, rs[0].ClientID); err != nil {
			return err
		}
		out = rs[0]
		return nil
	})
	return out, err
}
