package web

import (
	"fmt"
	"net/http"
	"strings"

	"doorway/internal/export"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// changeFigures says a history's change figures for the trends page and
// the measures report, with the note and source shown beside them.
func changeFigures(c practice.Change, tf timefmt.Format) (figs []view.ChangeFigure, note, source string) {
	if c.Missing != "" {
		return nil, c.Missing, ""
	}
	f := c.Figures
	figs = append(figs,
		view.ChangeFigure{Label: "Baseline", Value: fmt.Sprintf("%d on %s", f.Baseline, dateText(c.Baseline.CompletedAt, tf))},
		view.ChangeFigure{Label: "Latest", Value: fmt.Sprintf("%d on %s", f.Latest, dateText(c.Latest.CompletedAt, tf))},
	)
	change := fmt.Sprintf("%+d points", f.Delta)
	if f.HasPercent {
		change += fmt.Sprintf(" (%+.0f%%)", f.Percent)
	}
	figs = append(figs, view.ChangeFigure{Label: "Change", Value: change})
	if f.Rule.ReliableChange > 0 {
		figs = append(figs, view.ChangeFigure{Label: "Reliable improvement", YesNo: true, Met: f.ReliableImprovement,
			Value: fmt.Sprintf("down %d or more", f.Rule.ReliableChange)})
		if f.ReliableDeterioration {
			figs = append(figs, view.ChangeFigure{Label: "Reliable deterioration", YesNo: true, Met: true,
				Value: fmt.Sprintf("up %d or more", f.Rule.ReliableChange)})
		}
	}
	if f.Rule.MeaningfulChange > 0 {
		figs = append(figs, view.ChangeFigure{Label: "Clinically meaningful", YesNo: true, Met: f.ClinicallyMeaningful,
			Value: fmt.Sprintf("down %d or more", f.Rule.MeaningfulChange)})
	}
	figs = append(figs, view.ChangeFigure{Label: "Response", YesNo: true, Met: f.Response,
		Value: fmt.Sprintf("down %.0f%% or more from baseline", c.ResponseDrop*100)})
	if f.Rule.HasRemission {
		figs = append(figs, view.ChangeFigure{Label: "Remission", YesNo: true, Met: f.Remission,
			Value: fmt.Sprintf("latest %d or less", f.Rule.RemissionAtMost)})
	}
	if c.HasRCI {
		figs = append(figs, view.ChangeFigure{Label: "Reliable change index", YesNo: true, Met: c.RCI.Reliable,
			Value: fmt.Sprintf("%.2f (reliable beyond ±%.2f; %.1f points)", c.RCI.Index, c.RCICritical, c.RCI.MinChange)})
	}
	return figs, "Baseline is this course's first score; latest is the newest.", f.Rule.Source
}

// chartOf is the chart of a history.
func chartOf(h practice.History, tf timefmt.Format) export.Chart {
	ch := export.Chart{Instrument: h.Instrument, Sessions: h.Doses, Time: tf, Cutoff: h.Cutoff}
	for _, r := range h.Responses {
		if r.HasTotal {
			ch.Points = append(ch.Points, export.ChartPoint{At: r.CompletedAt, Total: r.Total})
		}
	}
	return ch
}

func (s *Server) showTrends(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	tp, err := s.app.Trend(r.Context(), s.actor(r), id, r.PathValue("instrument"))
	switch {
	case err == nil:
	case problem.CodeOf(err) == problem.NotFound && problem.FieldOf(err) == practice.FieldInstrument:
		s.notFound(w, r) // a questionnaire Doorway does not know, of a client the viewer may see
		return
	default:
		s.failClient(w, r, id, err)
		return
	}
	c, h, in := tp.Client, tp.Trend.History, tp.Trend.Instrument
	tf := s.timeFormat(r)
	t := view.TrendsView{ClientID: c.ID, ClientName: c.DisplayName(), Title: in.Title, ShortTitle: in.ShortTitle,
		ReportHref: "/clients/" + c.ID + "/measures.pdf", PaperHref: "/clients/" + c.ID + "/measures/" + in.ID + "/paper",
		NoSessions: len(h.Doses) == 0}
	ch := chartOf(h, tf)
	t.Chart = ch.Layout(560, 250)
	if ch.Cutoff > 0 {
		t.CutoffLabel = fmt.Sprintf("probable PTSD at %d or more", ch.Cutoff)
	}
	for i, b := range in.Bands {
		t.Bands = append(t.Bands, view.BandKey{Label: b.Label, Range: fmt.Sprintf("%d–%d", b.Min, b.Max), Fill: export.BandFill(i, len(in.Bands)).Hex()})
	}
	var desc []string
	for _, rsp := range h.Responses {
		row := view.ScoreRow{When: dateText(rsp.CompletedAt, tf), Total: scoreNumber(rsp), Band: orDashText(bandLabel(in, rsp)),
			Occasion: occasionOf(rsp), Paper: rsp.OnPaper, Flagged: h.Flagged[rsp.ID]}
		t.Rows = append(t.Rows, row)
		desc = append(desc, row.When+": "+row.Total)
	}
	t.ChartDesc = fmt.Sprintf("%s totals from 0 to %d, lower is better. %s.", in.ShortTitle, export.MaxTotal(in), strings.Join(desc, "; "))
	if len(h.Doses) > 0 {
		var when []string
		for _, at := range h.Doses {
			when = append(when, dateText(at, tf))
		}
		t.ChartDesc += " Medicine sessions: " + strings.Join(when, "; ") + "."
	}
	t.Figures, t.FigureNote, t.Source = changeFigures(tp.Trend.Change, tf)
	for _, o := range tp.Others {
		t.Others = append(t.Others, view.InstrumentChoice{ID: o.ID, Title: o.ShortTitle})
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
