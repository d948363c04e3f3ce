package practice

import (
	"context"

	"doorway/internal/access"
)

// clinicWide asks access whether the actor may act on t, a resource of
// their clinic as a whole (its settings, its list of clients), before any
// transaction opens. A refusal is recorded at once against resourceType and
// answered as NotFound, whatever the request held, so a principal out of
// scope learns nothing from what they sent.
func (s *Service) clinicWide(ctx context.Context, a Actor, o op, t access.Type, act access.Action, resourceType string) error {
	if access.Allow(a.P, act, access.Resource{Type: t, ClinicID: a.P.ClinicID}) {
		return nil
	}
	return s.settle(ctx, a, s.refuse(a, o, resourceType, "", "out of scope", "That was not found."))
}
