package web

import (
	"strings"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// caseloadPhases groups the caseload board's clients by the phase of their
// current course, in journey order, and says what blocks each. Clients
// without a course come last.
func caseloadPhases(phases map[string]care.Summary, courses map[string]store.Course, cv *view.CaseloadView) {
	byState := map[care.State][]view.ClientRow{}
	var none []view.ClientRow
	for _, row := range cv.Clients {
		sum, has := phases[row.ID]
		if !has {
			none = append(none, row)
			continue
		}
		state := courses[row.ID].State
		row.Phase = sum.Phase
		switch {
		case sum.Blocked != nil:
			row.Waiting = waitingText(*sum.Blocked)
		case !state.Closed() && state != care.Paused:
			row.Ready = true
		}
		byState[state] = append(byState[state], row)
	}
	for _, st := range care.States() {
		if rows := byState[st]; len(rows) > 0 {
			cv.Groups = append(cv.Groups, view.PhaseGroup{Label: st.Label(), Clients: rows})
		}
	}
	if len(none) > 0 {
		cv.Groups = append(cv.Groups, view.PhaseGroup{Label: "No course yet", Clients: none})
	}
}

// waitingText is the board's short line for a blocking gate: its title and
// the first sentence of why.
func waitingText(g care.Gate) string {
	why, _, _ := strings.Cut(g.Why, ". ")
	return g.Title + ": " + strings.TrimSuffix(why, ".") + "."
}
