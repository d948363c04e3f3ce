package practice

import "doorway/internal/access"

// clinicWide asks access whether the actor may act, as t, on something of
// their own clinic that is no one client's (the inquiries, the clinic's
// settings). A refusal names resourceType and resourceID in the log.
func (s *Service) clinicWide(a Actor, o op, t access.Type, act access.Action, resourceType, resourceID string) error {
	if !access.Allow(a.P, act, access.Resource{Type: t, ClinicID: a.P.ClinicID}) {
		return s.refuse(a, o, resourceType, resourceID, "out of scope", "Not found.")
	}
	return nil
}
