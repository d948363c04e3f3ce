package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// InstrumentOutcome is one instrument's summary over the clinic's clients:
// counts and sums only, nothing that names a client.
type InstrumentOutcome struct {
	Instrument *measures.Instrument
	// Clients counts the clients with two or more scores in one course.
	Clients                       int
	SumBaseline, SumLatest        int
	Reliable, Response, Remission int
	// HasReliable and HasRemission say whether the instrument has such a
	// rule at all.
	HasReliable, HasRemission bool
}

// MeanBaseline is the mean of the clients' baseline totals.
func (o InstrumentOutcome) MeanBaseline() float64 { return float64(o.SumBaseline) / float64(o.Clients) }

// MeanLatest is the mean of the clients' latest totals.
func (o InstrumentOutcome) MeanLatest() float64 { return float64(o.SumLatest) / float64(o.Clients) }

var (
	opOutcomes       = op{action: "outcomes.read"}
	opExportOutcomes = op{action: "outcomes.export"}
)

// ClinicOutcomes is the clinic's de-identified outcomes, for its admin.
// The read is recorded.
func (s *Service) ClinicOutcomes(ctx context.Context, a Actor) ([]InstrumentOutcome, error) {
	return s.clinicOutcomes(ctx, a, opOutcomes, access.Read)
}

// ExportClinicOutcomes is ClinicOutcomes for a download, recorded as an
// export.
func (s *Service) ExportClinicOutcomes(ctx context.Context, a Actor) ([]InstrumentOutcome, error) {
	return s.clinicOutcomes(ctx, a, opExportOutcomes, access.Export)
}

func (s *Service) clinicOutcomes(ctx context.Context, a Actor, o op, act access.Action) ([]InstrumentOutcome, error) {
	if err := s.allowClinic(ctx, a, o, access.ClinicOutcomes, act); err != nil {
		return nil, err
	}
	var out []InstrumentOutcome
	err := s.read(ctx, a, func(tx *store.Tx) error {
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		rs, err := tx.ClinicResponses(ctx, a.P.ClinicID)
		out = outcomesOf(rs, st.Measures.Thresholds)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: o.action, ResourceType: "clinic_outcomes"})
}

// outcomesOf compares, for each client and instrument with two or more
// scores in one course, the course's first score with its newest. Nothing
// that names a client leaves it: only counts and sums.
func outcomesOf(rs []store.Response, t measures.Thresholds) []InstrumentOutcome {
	type key struct{ client, course, instrument string }
	first, last, n := map[key]store.Response{}, map[key]store.Response{}, map[key]int{}
	for _, r := range rs { // oldest first
		k := key{r.ClientID, r.CourseID, r.InstrumentID}
		if n[k] == 0 {
			first[k] = r
		}
		last[k] = r
		n[k]++
	}
	by := map[string]*InstrumentOutcome{}
	for k, count := range n {
		if count < 2 {
			continue
		}
		in, ok := measures.ByID(k.instrument)
		if !ok {
			continue
		}
		c, err := measures.Compare(resultOf(first[k]), resultOf(last[k]), t)
		if err != nil {
			continue
		}
		o := by[in.ID]
		if o == nil {
			o = &InstrumentOutcome{Instrument: in}
			by[in.ID] = o
		}
		o.Clients++
		o.SumBaseline += c.Baseline
		o.SumLatest += c.Latest
		o.HasReliable, o.HasRemission = c.Rule.ReliableChange > 0, c.Rule.HasRemission
		if c.ReliableImprovement {
			o.Reliable++
		}
		if c.Response {
			o.Response++
		}
		if c.Remission {
			o.Remission++
		}
	}
	var out []InstrumentOutcome
	for _, in := range measures.All() {
		if o, ok := by[in.ID]; ok {
			out = append(out, *o)
		}
	}
	return out
}
