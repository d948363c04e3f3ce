package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/export"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// instrumentHistory is one client's scores of one instrument, with what the
// chart and the change figures need.
type instrumentHistory struct {
	Instrument *measures.Instrument
	Responses  []store.Response // oldest first
	Flagged    map[string]bool  // response id -> raised a flag
	Course     store.Course
	HasCourse  bool
	// Sessions are when the client's medicine sessions were dosed, for the
	// chart's markers.
	Sessions []time.Time
}

// baselineAndLatest picks the course's first response as the baseline and
// the newest as the latest. Responses from before the current course (an
// earlier course) are not a baseline for this one; a client with no course
// is compared from their first response.
func (h instrumentHistory) baselineAndLatest() (store.Response, store.Response, bool) {
	var inCourse []store.Response
	for _, r := range h.Responses {
		if !h.HasCourse || r.CourseID == h.Course.ID || (r.CourseID == "" && !r.CompletedAt.Before(h.Course.StartedAt)) {
			inCourse = append(inCourse, r)
		}
	}
	if len(inCourse) < 2 {
		return store.Response{}, store.Response{}, false
	}
	return inCourse[0], inCourse[len(inCourse)-1], true
}

func resultOf(r store.Response) measures.Result {
	return measures.Result{InstrumentID: r.InstrumentID, Total: r.Total, HasTotal: r.HasTotal}
}

// changeFigures works out the change figures for the page and the PDF.
func changeFigures(h instrumentHistory, mc measureConfig, loc *time.Location) (figs []view.ChangeFigure, note, source string) {
	in := h.Instrument
	if len(in.Bands) == 0 && in.ID != measures.PCL5 {
		return nil, "The " + in.ShortTitle + " has no total to compare.", ""
	}
	base, latest, ok := h.baselineAndLatest()
	if !ok {
		return nil, "Change figures appear once this course has two scores.", ""
	}
	c, err := measures.Compare(resultOf(base), resultOf(latest), mc.Thresholds)
	if err != nil {
		return nil, problem.MessageOf(err), ""
	}
	figs = append(figs,
		view.ChangeFigure{Label: "Baseline", Value: fmt.Sprintf("%d on %s", c.Baseline, base.CompletedAt.In(loc).Format("Jan 2, 2006"))},
		view.ChangeFigure{Label: "Latest", Value: fmt.Sprintf("%d on %s", c.Latest, latest.CompletedAt.In(loc).Format("Jan 2, 2006"))},
	)
	change := fmt.Sprintf("%+d points", c.Delta)
	if c.HasPercent {
		change += fmt.Sprintf(" (%+.0f%%)", c.Percent)
	}
	figs = append(figs, view.ChangeFigure{Label: "Change", Value: change})
	if c.Rule.ReliableChange > 0 {
		figs = append(figs, view.ChangeFigure{Label: "Reliable improvement", YesNo: true, Met: c.ReliableImprovement,
			Value: fmt.Sprintf("down %d or more", c.Rule.ReliableChange)})
		if c.ReliableDeterioration {
			figs = append(figs, view.ChangeFigure{Label: "Reliable deterioration", YesNo: true, Met: true,
				Value: fmt.Sprintf("up %d or more", c.Rule.ReliableChange)})
		}
	}
	if c.Rule.MeaningfulChange > 0 {
		figs = append(figs, view.ChangeFigure{Label: "Clinically meaningful", YesNo: true, Met: c.ClinicallyMeaningful,
			Value: fmt.Sprintf("down %d or more", c.Rule.MeaningfulChange)})
	}
	figs = append(figs, view.ChangeFigure{Label: "Response", YesNo: true, Met: c.Response,
		Value: fmt.Sprintf("down %.0f%% or more from baseline", mc.Thresholds.ResponseDrop*100)})
	if c.Rule.HasRemission {
		figs = append(figs, view.ChangeFigure{Label: "Remission", YesNo: true, Met: c.Remission,
			Value: fmt.Sprintf("latest %d or less", c.Rule.RemissionAtMost)})
	}
	if ref, ok := mc.RCI[in.ID]; ok {
		if rci, err := measures.ReliableChangeIndex(float64(c.Baseline), float64(c.Latest), ref, mc.Thresholds.RCICritical); err == nil {
			figs = append(figs, view.ChangeFigure{Label: "Reliable change index", YesNo: true, Met: rci.Reliable,
				Value: fmt.Sprintf("%.2f (reliable beyond ±%.2f; %.1f points)", rci.Index, mc.Thresholds.RCICritical, rci.MinChange)})
		}
	}
	return figs, "Baseline is this course's first score; latest is the newest.", c.Rule.Source
}

// loadHistory reads one client's scores of one instrument.
func (s *Server) loadHistory(ctx context.Context, c store.Client, in *measures.Instrument) (instrumentHistory, measureConfig, error) {
	h := instrumentHistory{Instrument: in, Flagged: map[string]bool{}}
	var mc measureConfig
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if mc, err = loadMeasureConfig(ctx, tx, c.ClinicID); err != nil {
			return err
		}
		if h.Responses, err = tx.Responses(ctx, c.ClinicID, c.ID, in.ID); err != nil {
			return err
		}
		if h.Course, h.HasCourse, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); err != nil {
			return err
		}
		flags, err := tx.ClientFlags(ctx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		for _, f := range flags {
			h.Flagged[f.ResponseID] = true
		}
		ms, err := tx.ClientMedicineSessions(ctx, c.ClinicID, c.ID)
		h.Sessions = doseTimes(ms)
		return err
	})
	return h, mc, err
}

// doseTimes are when medicine was given, oldest first: a session held or
// stopped before the dose gave none, so it is not marked.
func doseTimes(ms []store.MedicineSession) []time.Time {
	var out []time.Time
	for _, m := range ms {
		if m.Dose != nil {
			out = append(out, m.Dose.GivenAt)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// chartOf is the chart of a history.
func chartOf(h instrumentHistory, mc measureConfig, loc *time.Location) export.Chart {
	ch := export.Chart{Instrument: h.Instrument, Sessions: h.Sessions, Loc: loc}
	if h.Instrument.ID == measures.PCL5 {
		ch.Cutoff = mc.Scoring.PCL5Cutoff
	}
	for _, r := range h.Responses {
		if r.HasTotal {
			ch.Points = append(ch.Points, export.ChartPoint{At: r.CompletedAt, Total: r.Total})
		}
	}
	return ch
}

func (s *Server) showTrends(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, _, err := s.clientRecord(ctx, id, access.ClientRecord, access.Read)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	in, ok := measures.ByID(r.PathValue("instrument"))
	if !ok {
		s.notFound(w, r)
		return
	}
	h, mc, err := s.loadHistory(ctx, c, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "client.read", ResourceType: "client", ResourceID: c.ID, ClientID: c.ID, Detail: in.ShortTitle + " trends"})
	loc := v.Clinic.Location()
	t := view.TrendsView{ClientID: c.ID, ClientName: c.DisplayName(), Title: in.Title, ShortTitle: in.ShortTitle,
		ReportHref: "/clients/" + c.ID + "/measures.pdf", PaperHref: "/clients/" + c.ID + "/measures/" + in.ID + "/paper",
		NoSessions: len(h.Sessions) == 0}
	ch := chartOf(h, mc, loc)
	t.Chart = ch.Layout(560, 250)
	if ch.Cutoff > 0 {
		t.CutoffLabel = fmt.Sprintf("probable PTSD at %d or more", ch.Cutoff)
	}
	for i, b := range in.Bands {
		t.Bands = append(t.Bands, view.BandKey{Label: b.Label, Range: fmt.Sprintf("%d–%d", b.Min, b.Max), Fill: export.BandFill(i, len(in.Bands)).Hex()})
	}
	var desc []string
	for _, rsp := range h.Responses {
		row := view.ScoreRow{When: dateText(rsp.CompletedAt, loc), Total: scoreNumber(rsp), Band: orDashText(bandLabel(in, rsp)),
			Occasion: occasionOf(rsp), Paper: rsp.OnPaper, Flagged: h.Flagged[rsp.ID]}
		t.Rows = append(t.Rows, row)
		desc = append(desc, row.When+": "+row.Total)
	}
	t.ChartDesc = fmt.Sprintf("%s totals from 0 to %d, lower is better. %s.", in.ShortTitle, export.MaxTotal(in), strings.Join(desc, "; "))
	if len(h.Sessions) > 0 {
		var when []string
		for _, at := range h.Sessions {
			when = append(when, dateText(at, loc))
		}
		t.ChartDesc += " Medicine sessions: " + strings.Join(when, "; ") + "."
	}
	t.Figures, t.FigureNote, t.Source = changeFigures(h, mc, loc)
	for _, o := range measures.All() {
		if o.ID != in.ID && mc.enabled(o) {
			t.Others = append(t.Others, view.InstrumentChoice{ID: o.ID, Title: o.ShortTitle})
		}
	}
	s.render(w, r, http.StatusOK, view.Trends(s.page(r, in.ShortTitle+" · "+c.DisplayName(), "/caseload"), t))
}

// occasionOf is a response's occasion for the scores table. The store keeps
// the occasion on the assignment; the table only needs whether it was on paper.
func occasionOf(r store.Response) string {
	if r.OnPaper {
		return "entered from paper"
	}
	return "in the portal"
}

func orDashText(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
