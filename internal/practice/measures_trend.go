package practice

import (
	"context"
	"slices"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// A client's scores over time, one instrument at a time: the trend page,
// the measures report and the client's own progress page draw them alike.

// History is one client's scores of one instrument, with what their chart
// marks.
type History struct {
	Instrument *measures.Instrument
	Responses  []store.Response // oldest first
	// Flagged holds the responses that raised a safety flag, by id; only
	// the care team's pages read it.
	Flagged map[string]bool
	// Doses are when the client's medicine sessions were dosed, oldest
	// first: the chart marks each. A session held or stopped before the
	// dose gave none.
	Doses []time.Time
	// Cutoff is the clinic's PCL-5 line for probable PTSD; 0 for the others.
	Cutoff int
}

// Change is what a history's change figures say: the course's first score
// against its newest, by the clinic's thresholds.
type Change struct {
	// Missing says why there are no figures, when there are none.
	Missing          string
	Baseline, Latest store.Response
	Figures          measures.Change
	// ResponseDrop is the fall, as a fraction of the baseline, that counts
	// as response.
	ResponseDrop float64
	// RCI is the reliable change index, when the clinic gave a reference
	// for the instrument (HasRCI), reliable beyond ±RCICritical.
	RCI         measures.RCI
	HasRCI      bool
	RCICritical float64
}

// Trend is one instrument's history for the care team, with its change
// figures.
type Trend struct {
	History
	Change Change
}

// TrendPage is a client's trend of one instrument, with the clinic's other
// instruments to move to.
type TrendPage struct {
	Client store.Client
	Trend  Trend
	Others []*measures.Instrument
}

// clientScores is what a client's histories are drawn from.
type clientScores struct {
	responses []store.Response // oldest first
	course    store.Course
	hasCourse bool
	flagged   map[string]bool
	doses     []time.Time
}

// readScores reads a client's responses (of one instrument, or of every
// one for ""), course and doses; with flags, also which responses raised
// a safety flag.
func readScores(ctx context.Context, tx *store.Tx, c store.Client, instrumentID string, withFlags bool) (clientScores, error) {
	var sc clientScores
	var err error
	if sc.responses, err = tx.Responses(ctx, c.ClinicID, c.ID, instrumentID); err != nil {
		return sc, err
	}
	if sc.course, sc.hasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil {
		return sc, err
	}
	if withFlags {
		flags, err := tx.ClientFlags(ctx, c.ClinicID, c.ID)
		if err != nil {
			return sc, err
		}
		sc.flagged = map[string]bool{}
		for _, f := range flags {
			sc.flagged[f.ResponseID] = true
		}
	}
	ms, err := tx.ClientMedicineSessions(ctx, c.ClinicID, c.ID)
	for _, m := range ms {
		if m.Dose != nil {
			sc.doses = append(sc.doses, m.Dose.GivenAt)
		}
	}
	slices.SortFunc(sc.doses, time.Time.Compare)
	return sc, err
}

// history is the instrument's part of the scores.
func (sc clientScores) history(in *measures.Instrument, st *Settings) History {
	h := History{Instrument: in, Flagged: sc.flagged, Doses: sc.doses}
	for _, r := range sc.responses {
		if r.InstrumentID == in.ID {
			h.Responses = append(h.Responses, r)
		}
	}
	if in.ID == measures.PCL5 {
		h.Cutoff = st.Measures.Scoring.PCL5Cutoff
	}
	return h
}

// trend is the instrument's history with its change figures.
func (sc clientScores) trend(in *measures.Instrument, st *Settings) Trend {
	h := sc.history(in, st)
	return Trend{History: h, Change: sc.change(h, st)}
}

// change compares the course's first score of h with its newest.
// Responses from before the current course (an earlier course) are not a
// baseline for this one; a client with no course is compared from their
// first response.
func (sc clientScores) change(h History, st *Settings) Change {
	in := h.Instrument
	if !in.Tracked() {
		return Change{Missing: "The " + in.ShortTitle + " has no total to compare."}
	}
	var inCourse []store.Response
	for _, r := range h.Responses {
		if !sc.hasCourse || r.CourseID == sc.course.ID || (r.CourseID == "" && !r.CompletedAt.Before(sc.course.StartedAt)) {
			inCourse = append(inCourse, r)
		}
	}
	if len(inCourse) < 2 {
		return Change{Missing: "Change figures appear once this course has two scores."}
	}
	t := st.Measures.Thresholds
	c := Change{Baseline: inCourse[0], Latest: inCourse[len(inCourse)-1], ResponseDrop: t.ResponseDrop, RCICritical: t.RCICritical}
	var err error
	if c.Figures, err = measures.Compare(resultOf(c.Baseline), resultOf(c.Latest), t); err != nil {
		return Change{Missing: problem.MessageOf(err)}
	}
	if ref, ok := st.Measures.RCI[in.ID]; ok {
		if rci, err := measures.ReliableChangeIndex(float64(c.Figures.Baseline), float64(c.Figures.Latest), ref, t.RCICritical); err == nil {
			c.RCI, c.HasRCI = rci, true
		}
	}
	return c
}

// resultOf is a stored response's result, as far as a comparison needs it.
func resultOf(r store.Response) measures.Result {
	return measures.Result{InstrumentID: r.InstrumentID, Total: r.Total, HasTotal: r.HasTotal}
}

var opTrend = op{action: "client.read"}

// Trend is a client's scores of one instrument with their change figures,
// for the care team. The instrument need not be one the clinic uses now:
// scores given before it was switched off stay readable. The read is
// recorded.
func (s *Service) Trend(ctx context.Context, a Actor, clientID, instrumentID string) (TrendPage, error) {
	var out TrendPage
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opTrend, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		in, ok := measures.ByID(instrumentID)
		if !ok {
			return &problem.Error{Code: problem.NotFound, Field: FieldInstrument, Message: "That questionnaire was not found."}
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		sc, err := readScores(ctx, tx, ch.Client, in.ID, true)
		if err != nil {
			return err
		}
		out = TrendPage{Client: ch.Client, Trend: sc.trend(in, st)}
		for _, o := range measures.All() {
			if o.ID != in.ID && st.InstrumentEnabled(o) {
				out.Others = append(out.Others, o)
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	c := out.Client
	return out, s.Record(ctx, a, audit.Entry{Action: opTrend.action, ResourceType: "client", ResourceID: c.ID, ClientID: c.ID,
		Detail: out.Trend.Instrument.ShortTitle + " trends"})
}
