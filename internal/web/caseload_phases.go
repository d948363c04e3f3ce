package web

import (
	"context"
	"strings"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// caseloadPhases groups the caseload board's clients by the phase of their
// current course (courses, from tx.CurrentCourses), in journey order, and
// says what blocks each (care.Summarize over the course gates). Clients
// without a course come last.
func (s *Server) caseloadPhases(ctx context.Context, tx *store.Tx, courses map[string]store.Course, cv *view.CaseloadView) error {
	v := viewerOf(ctx)
	now := s.now()
	byState := map[care.State][]view.ClientRow{}
	var none []view.ClientRow
	set, err := gateSettings(ctx, tx, v.P.ClinicID)
	if err != nil {
		return err
	}
	// What every course of the clinic shares is read once for the board.
	gc, err := tx.LoadGateClinic(ctx, v.P.ClinicID)
	if err != nil {
		return err
	}
	for _, row := range cv.Clients {
		course, has := courses[row.ID]
		if !has {
			none = append(none, row)
			continue
		}
		in, err := tx.GateInputWith(ctx, gc, course)
		if err != nil {
			return err
		}
		sum := care.Summarize(course.State, care.CourseGates(in, set, now))
		row.Phase = sum.Phase
		switch {
		case sum.Blocked != nil:
			row.Waiting = waitingText(*sum.Blocked)
		case !course.State.Closed() && course.State != care.Paused:
			row.Ready = true
		}
		byState[course.State] = append(byState[course.State], row)
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
