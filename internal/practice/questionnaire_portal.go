package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The client's side of the measures: what is due in their portal, and the
// questionnaire they open to answer it.

var opPortalMeasures = op{action: "measure.open"}

// portalChart is the signed-in client's own record, once access allows
// them to act in their portal.
func (s *Service) portalChart(ctx context.Context, tx *store.Tx, a Actor, act access.Action) (chart, error) {
	return s.chartFor(ctx, tx, a, opPortalMeasures, a.P.ClientID, access.ClientPortal, act)
}

// PortalDue lists what the signed-in client has to complete now.
func (s *Service) PortalDue(ctx context.Context, a Actor) ([]Due, error) {
	var out []Due
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.portalChart(ctx, tx, a, access.Read)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		now := s.Now()
		cm, err := clientMeasures(ctx, tx, st.Clinic, ch.Client.ID, now)
		out = st.DueNow(cm, now)
		return err
	})
	return out, err
}

// OpenQuestionnaire is what the signed-in client opens to answer an
// instrument: an open assignment first, then the schedule's occasion.
// Nothing due is NotFound: the form exists only while there is something to
// answer. The opening is recorded.
func (s *Service) OpenQuestionnaire(ctx context.Context, a Actor, instrumentID string) (Due, error) {
	due, err := s.PortalDue(ctx, a)
	if err != nil {
		return Due{}, err
	}
	for _, d := range due {
		if d.Instrument.ID == instrumentID {
			err := s.Record(ctx, a, audit.Entry{Action: opPortalMeasures.action, ResourceType: "instrument", ResourceID: instrumentID, ClientID: a.P.ClientID})
			return d, err
		}
	}
	return Due{}, problem.New(problem.NotFound, "Nothing is due.")
}
