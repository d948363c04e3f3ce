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

// waitingText is the board's short line for a blocking gate: what the
// course is waiting for ("Screening: waiting for a prescriber's decision"),
// not the gate's own name, which says what is wanted ("Screening
// approved"). A gate without words of its own gives the first sentence of
// why it holds.
func waitingText(g care.Gate) string {
	why, _, _ := strings.Cut(g.Why, ". ")
	why = strings.TrimSuffix(why, ".")
	switch {
	case g.ID == care.GateScreening && strings.Contains(why, "expired"):
		return "Screening: the approval has expired; waiting for a new decision."
	case g.ID == care.GateScreening:
		return "Screening: waiting for a prescriber's decision."
	case strings.HasPrefix(g.ID, care.ConsentGatePrefix):
		return "Consent: waiting for the client to sign " + strings.TrimPrefix(g.Title, "Consent: ") + "."
	case g.ID == care.GateConsent:
		return "Consent: waiting for the client to sign."
	case g.ID == care.GateBaseline:
		return "Baseline questionnaires: waiting for the client (" + lowerFirst(why) + ")."
	case g.ID == care.GateDosingOrder:
		return "Dosing order: waiting for a prescriber to write it."
	case g.ID == care.GatePreparation:
		return "Preparation: waiting for a preparation session to be documented."
	case g.ID == care.GateSafetyFlags:
		return "Safety: waiting for the open safety flag to be acknowledged."
	}
	return g.Title + ": " + why + "."
}
