package web

import (
	"context"
	"strings"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// caseloadPhases groups the caseload board's clients by the phase of their
// current course, in journey order, and says what blocks each
// (care.Summarize over the course gates). Clients without a course come last.
func (s *Server) caseloadPhases(ctx context.Context, cv *view.CaseloadView) error {
	v := viewerOf(ctx)
	now := s.now()
	byState := map[care.State][]view.ClientRow{}
	var none []view.ClientRow
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		set, err := gateSettings(ctx, tx, v.P.ClinicID)
		if err != nil {
			return err
		}
		for _, row := range cv.Clients {
			f, err := courseFactsWith(ctx, tx, v.P.ClinicID, row.ID, set, now)
			if err != nil {
				return err
			}
			if !f.has {
				none = append(none, row)
				continue
			}
			sum := care.Summarize(f.course.State, f.gates)
			row.Phase = sum.Phase
			switch {
			case sum.Blocked != nil:
				row.Waiting = waitingText(*sum.Blocked)
			case !f.course.State.Closed() && f.course.State != care.Paused:
				row.Ready = true
			}
			byState[f.course.State] = append(byState[f.course.State], row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, st := range care.States() {
		if rows := byState[st]; len(rows) > 0 {
			cv.Groups = append(cv.Groups, view.PhaseGroup{Label: st.Label(), Clients: rows})
		}
	}
	if len(none) > 0 {
		cv.Groups = append(cv.Groups, view.PhaseGroup{Label: "No course yet", Clients: none})
	}
	return nil
}

// waitingText is the board's short line for a blocking gate: its title and
// the first sentence of why.
func waitingText(g care.Gate) string {
	why, _, _ := strings.Cut(g.Why, ". ")
	return g.Title + ": " + strings.TrimSuffix(why, ".") + "."
}
