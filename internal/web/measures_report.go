package web

import (
	"net/http"
	"strings"

	"doorway/internal/export"
	"doorway/internal/practice"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// showMeasuresPDF sends a client's measures report: every instrument with a
// score, its chart, change figures and scores table.
func (s *Server) showMeasuresPDF(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	id := r.PathValue("id")
	mr, err := s.app.ExportMeasuresReport(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	tf := s.timeFormat(r)
	c := mr.Client
	rep := export.Report{ClinicName: v.Clinic.Name, ClientName: c.DisplayName(), DateOfBirth: c.DateOfBirth, Generated: mr.Generated,
		Time: tf, Demo: s.cfg.Demo || v.Clinic.Demo}
	for _, t := range mr.Trends {
		rep.Instruments = append(rep.Instruments, reportInstrument(t, tf))
	}
	pdf, err := export.MeasuresReport(rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	// The file name says what it is, not who: names stay out of downloads' metadata.
	w.Header().Set("Content-Disposition", `attachment; filename="measures-report.pdf"`)
	w.WriteHeader(http.StatusOK)
	w.Write(pdf) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

// reportInstrument is one instrument's section of a PDF: its chart with
// the medicine sessions marked, its change figures and its scores, with
// how each was given (and, on the care team's copy, the safety flags it
// raised).
func reportInstrument(t practice.Trend, tf timefmt.Format) export.ReportInstrument {
	in := t.Instrument
	ri := export.ReportInstrument{Title: in.Title + " (" + in.ShortTitle + ")", Chart: chartOf(t.History, tf)}
	figs, note, source := changeFigures(t.Change, tf)
	for _, f := range figs {
		ri.Figures = append(ri.Figures, export.Figure{Label: f.Label, Value: figureText(f)})
	}
	ri.FigureNote = strings.TrimSpace(note + " " + source)
	for _, rsp := range t.Responses {
		how := "portal"
		if rsp.OnPaper {
			how = "paper form"
		}
		if t.Flagged[rsp.ID] {
			how += "; safety flag raised"
		}
		ri.Rows = append(ri.Rows, export.ReportRow{Date: dateText(rsp.CompletedAt, tf), Total: scoreNumber(rsp),
			Band: orDashText(bandLabel(in, rsp)), How: how})
	}
	return ri
}

// figureText is a change figure as one line of text.
func figureText(f view.ChangeFigure) string {
	if !f.YesNo {
		return f.Value
	}
	if f.Met {
		return "yes (" + f.Value + ")"
	}
	return "no (" + f.Value + ")"
}
