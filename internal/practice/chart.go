package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// chart is a client of the actor's clinic with their care team: what every
// access decision about client data needs.
type chart struct {
	Client store.Client
	Team   []string
}

// resource is the client's record as the access decision sees it, as t.
func (c chart) resource(t access.Type) access.Resource {
	return access.Resource{Type: t, ClinicID: c.Client.ClinicID, ClientID: c.Client.ID, CareTeam: c.Team}
}

// notFoundClient is what a person is told of a client they may not see.
const notFoundClient = "The client was not found."

// chartFor loads a client of the actor's clinic in tx and asks access
// whether the actor may act on their record as t. Absent, of another
// clinic and refused all answer the same refusal (recorded once the
// transaction is over); the log tells them apart.
func (s *Service) chartFor(ctx context.Context, tx *store.Tx, a Actor, o op, clientID string, t access.Type, act access.Action) (chart, error) {
	if !auth.ValidID(clientID) {
		return chart{}, s.refuse(a, o, "client", "", "malformed id", notFoundClient)
	}
	c, err := tx.Client(ctx, a.P.ClinicID, clientID)
	if problem.CodeOf(err) == problem.NotFound {
		return chart{}, s.refuse(a, o, "client", clientID, "no such record", notFoundClient)
	}
	if err != nil {
		return chart{}, err
	}
	team, err := tx.CareTeam(ctx, c.ID)
	if err != nil {
		return chart{}, err
	}
	ch := chart{Client: c, Team: team}
	if !access.Allow(a.P, act, ch.resource(t)) {
		return chart{}, s.refuse(a, o, "client", clientID, "out of scope", notFoundClient)
	}
	return ch, nil
}

// may reports whether the actor may act on the chart as t, without
// refusing: for what a page offers (a form shown or not).
func (c chart) may(a Actor, act access.Action, t access.Type) bool {
	return access.Allow(a.P, act, c.resource(t))
}
