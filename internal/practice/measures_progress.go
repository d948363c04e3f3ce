package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/store"
)

var opMyProgress = op{action: "client.read"}

// MyProgress is the signed-in client's own scores over time: each
// instrument with a total to follow and at least one score, in the
// catalogue's order. It holds no change figures and no safety flags: those
// are for the care team to interpret with the client. The read is
// recorded.
func (s *Service) MyProgress(ctx context.Context, a Actor) ([]History, error) {
	var out []History
	var client store.Client
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opMyProgress, a.P.ClientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		sc, err := readScores(ctx, tx, ch.Client, "", false)
		if err != nil {
			return err
		}
		client = ch.Client
		for _, in := range measures.All() {
			if h := sc.history(in, st); in.Tracked() && len(h.Responses) > 0 {
				out = append(out, h)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opMyProgress.action, ResourceType: "client", ResourceID: client.ID, ClientID: client.ID,
		Detail: "own progress"})
}
