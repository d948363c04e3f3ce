package web

import (
	"fmt"
	"net/http"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/export"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// showProgress is the client's own view of their scores: the same charts the
// care team sees, in plain words and without the clinical change figures,
// which are for the team to interpret with them.
func (s *Server) showProgress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	var c store.Client
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { c, err = tx.Client(ctx, v.P.ClinicID, v.P.ClientID); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	if !access.Allow(v.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: c.ClinicID, ClientID: c.ID}) {
		s.deny(w, r, "client_record", c.ID)
		return
	}
	loc := v.Clinic.Location()
	var pv view.ProgressView
	for _, in := range measures.All() {
		if len(in.Bands) == 0 && in.ID != measures.PCL5 {
			continue // no total to chart (the C-SSRS)
		}
		h, mc, err := s.loadHistory(ctx, c, in)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(h.Responses) == 0 {
			continue
		}
		ch := chartOf(h, mc, loc)
		p := view.ProgressChart{ShortTitle: in.ShortTitle, Title: in.Title, Chart: ch.Layout(560, 250)}
		var desc []string
		for _, rsp := range h.Responses {
			row := view.ScoreRow{When: dateText(rsp.CompletedAt, loc), Total: scoreNumber(rsp), Band: orDashText(bandLabel(in, rsp))}
			p.Rows = append(p.Rows, row)
			desc = append(desc, row.When+": "+row.Total)
		}
		p.ChartDesc = fmt.Sprintf("Your %s totals from 0 to %d; lower means fewer symptoms. %s.", in.ShortTitle, export.MaxTotal(in), strings.Join(desc, "; "))
		pv.Charts = append(pv.Charts, p)
	}
	s.record(r, audit.Entry{Action: "client.read", ResourceType: "client", ResourceID: c.ID, ClientID: c.ID, Detail: "own progress"})
	s.render(w, r, http.StatusOK, view.Progress(s.page(r, "My progress", "/portal"), pv))
}
