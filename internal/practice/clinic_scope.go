package practice

import (
	"context"

	"doorway/internal/access"
)

// What the use cases on the clinic as a whole share: its settings, its
// outcomes, its staff, its inquiries are nobody's record but the clinic's.

// notFoundPage is what a person is told of a clinic-wide page they may not
// use.
const notFoundPage = "There is nothing here, or you do not have access to it."

// clinicWide asks access whether the actor may act, as t, on something of
// their own clinic that is no one client's (the inquiries, the clinic's
// settings). A refusal names resourceType and resourceID in the log; it is
// returned from inside a use case's transaction.
func (s *Service) clinicWide(a Actor, o op, t access.Type, act access.Action, resourceType, resourceID string) error {
	if !access.Allow(a.P, act, access.Resource{Type: t, ClinicID: a.P.ClinicID}) {
		return s.refuse(a, o, resourceType, resourceID, "out of scope", notFoundPage)
	}
	return nil
}

// allowClinic is clinicWide before any transaction: a refusal is recorded
// at once, as a denial of t, and answered as a NotFound already recorded.
func (s *Service) allowClinic(ctx context.Context, a Actor, o op, t access.Type, act access.Action) error {
	return s.settle(ctx, a, s.clinicWide(a, o, t, act, string(t), ""))
}

// Allowed asks whether the actor may act on one of the clinic's own
// resources (not a client's), for a page that shows a form before any use
// case runs; a refusal is recorded.
func (s *Service) Allowed(ctx context.Context, a Actor, t access.Type, act access.Action) error {
	return s.allowClinic(ctx, a, op{}, t, act)
}
