package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// MeasuresReport is what a client's measures report holds: every
// instrument they have a score of, in the catalogue's order, with its
// chart, change figures and scores. Drawing it is internal/export's.
type MeasuresReport struct {
	Client    store.Client
	Generated time.Time
	Trends    []Trend
}

var opMeasuresReport = op{action: "client.export"}

// ExportMeasuresReport loads a client's measures report for the care team
// and records it as an export of the client's record.
func (s *Service) ExportMeasuresReport(ctx context.Context, a Actor, clientID string) (MeasuresReport, error) {
	out := MeasuresReport{Generated: s.Now()}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opMeasuresReport, clientID, access.ClientRecord, access.Export)
		if err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		sc, err := readScores(ctx, tx, ch.Client, "", true)
		if err != nil {
			return err
		}
		out.Client = ch.Client
		for _, in := range measures.All() {
			if t := sc.trend(in, st); len(t.Responses) > 0 {
				out.Trends = append(out.Trends, t)
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	c := out.Client
	return out, s.Record(ctx, a, audit.Entry{Action: opMeasuresReport.action, ResourceType: "client", ResourceID: c.ID, ClientID: c.ID,
		Detail: "measures report PDF"})
}
