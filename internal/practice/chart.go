package practice

import (
	"context"
	"slices"
	"time"

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
	// Glass are the actor's open break-glass grants on the client, loaded
	// only for a clinician not on the care team, and At the moment they
	// were judged at.
	Glass []access.Grant
	At    time.Time
}

// resource is the client's record as the access decision sees it, as t.
func (c chart) resource(t access.Type) access.Resource {
	return access.Resource{Type: t, ClinicID: c.Client.ClinicID, ClientID: c.Client.ID, CareTeam: c.Team, BreakGlass: c.Glass, At: c.At}
}

// glassUntil is when the actor's emergency access to the chart ends, or
// zero when they read it as themselves (on the care team, or an admin).
func (c chart) glassUntil(a Actor) time.Time {
	if slices.Contains(c.Team, a.P.UserID) || a.P.Has(access.Admin) {
		return time.Time{}
	}
	var until time.Time
	for _, g := range c.Glass {
		if g.Until.After(until) {
			until = g.Until
		}
	}
	return until
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
	ch := chart{Client: c, Team: team, At: s.Now()}
	// A clinician off the care team may hold an emergency grant: one more
	// read, for them alone, so the team's own reads cost nothing more.
	clinician := a.P.Has(access.Therapist) || a.P.Has(access.Prescriber)
	if a.P.Kind == access.Staff && clinician && !slices.Contains(team, a.P.UserID) {
		until, err := tx.BreakGlassUntil(ctx, a.P.ClinicID, a.P.UserID, c.ID, ch.At)
		if err != nil {
			return chart{}, err
		}
		for _, u := range until {
			ch.Glass = append(ch.Glass, access.Grant{UserID: a.P.UserID, Until: u})
		}
	}
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
