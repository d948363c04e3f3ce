package web

import (
	"fmt"
	"net/http"
	"strings"

	"doorway/internal/export"
	"doorway/internal/web/view"
)

// showProgress is the client's own view of their scores: the same charts the
// care team sees, in plain words and without the clinical change figures,
// which are for the team to interpret with them.
func (s *Server) showProgress(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	hs, err := s.app.MyProgress(r.Context(), s.actor(r))
	if err != nil {
		s.failClient(w, r, v.P.ClientID, err)
		return
	}
	tf := s.timeFormat(r)
	var pv view.ProgressView
	for _, h := range hs {
		in := h.Instrument
		// A cut-off line means something to the care team, not to the
		// client reading their own chart: it is not drawn here.
		ch := chartOf(h, tf)
		ch.Cutoff = 0
		p := view.ProgressChart{ShortTitle: PlainInstrumentName(in), Title: in.Title, Chart: ch.Layout(560, 250)}
		var desc []string
		for _, rsp := range h.Responses {
			row := view.ScoreRow{When: dateText(rsp.CompletedAt, tf), Total: scoreNumber(rsp), Band: orDashText(bandLabel(in, rsp))}
			p.Rows = append(p.Rows, row)
			desc = append(desc, row.When+": "+row.Total)
		}
		p.ChartDesc = fmt.Sprintf("Your %s totals from 0 to %d; lower means fewer symptoms. %s.", in.ShortTitle, export.MaxTotal(in), strings.Join(desc, "; "))
		pv.Charts = append(pv.Charts, p)
	}
	s.render(w, r, http.StatusOK, view.Progress(s.page(r, "My progress", "/portal"), pv))
}
