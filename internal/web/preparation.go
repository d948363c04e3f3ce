package web

import (
	"fmt"
	"time"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// Preparation: consent, intentions and goals, the client's checklist,
// preparation session notes, and the course with its gates. The handlers
// live in course.go (the care team's course page), consent_portal.go,
// consent_admin.go and prep_portal.go; this file holds the routes and what
// they share.

func (s *Server) preparationRoutes() []Route {
	return []Route{
		{"GET", "/clients/{id}/course", StaffOnly, s.showCourse},
		{"POST", "/clients/{id}/course/state", StaffOnly, s.doCourseState},
		{"POST", "/clients/{id}/course/overrides", StaffOnly, s.doOverride},
		{"POST", "/clients/{id}/course/goals", StaffOnly, s.doStaffGoal},
		{"POST", "/clients/{id}/course/goals/{goal}/agree", StaffOnly, s.doStaffAgree},
		{"POST", "/clients/{id}/course/goals/{goal}/status", StaffOnly, s.doGoalStatus},
		{"POST", "/clients/{id}/course/notes", StaffOnly, s.doPrepNote},

		{"GET", "/admin/consents", StaffOnly, s.showConsentAdmin},
		{"POST", "/admin/consents", StaffOnly, s.doPublishConsent},

		{"GET", "/portal/consent", ClientOnly, s.showConsents},
		{"GET", "/portal/consent/{kind}", ClientOnly, s.showConsentDoc},
		{"POST", "/portal/consent/{kind}", ClientOnly, s.doSignConsent},
		{"POST", "/portal/consent/{kind}/withdraw", ClientOnly, s.doWithdrawConsent},
		{"GET", "/portal/intentions", ClientOnly, s.showIntentions},
		{"POST", "/portal/intentions", ClientOnly, s.doIntention},
		{"POST", "/portal/goals/{goal}/agree", ClientOnly, s.doClientAgree},
		{"GET", "/portal/preparation", ClientOnly, s.showChecklist},
		{"POST", "/portal/preparation", ClientOnly, s.doChecklist},
	}
}

// gateRows turns gates into the page's rows.
func gateRows(gates []care.Gate, tf timefmt.Format) []view.GateRow {
	var out []view.GateRow
	for _, g := range gates {
		row := view.GateRow{ID: g.ID, Title: g.Title, Pass: g.Pass, Why: g.Why, Overridable: g.Overridable, Safety: g.Safety, Source: care.Source(g.ID)}
		if g.Override != nil {
			row.Override = fmt.Sprintf("%s, %s: %s", g.Override.By, view.When(g.Override.At, tf), g.Override.Reason)
		}
		out = append(out, row)
	}
	return out
}

// dayOfTitles names the checks made on the day of a session, from care's
// own list, so the course page never drifts from what the session checks.
func dayOfTitles(now time.Time) []string {
	var out []string
	for _, g := range care.Gates(care.GateInput{}, care.Settings{}, now) {
		if g.Scope == care.DayOfScope {
			out = append(out, lowerFirst(g.Title))
		}
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// consentStatuses says where a client stands with each current document.
func consentStatuses(docs []store.ConsentDocument, sigs []store.ConsentSignature, tf timefmt.Format) []view.ConsentStatus {
	var out []view.ConsentStatus
	for _, d := range docs {
		st := view.ConsentStatus{Kind: d.Kind, Title: d.Title, Version: d.Version, Required: d.Required, Status: "unsigned",
			Text: fmt.Sprintf("Version %d is not signed yet.", d.Version)}
		var current, withdrawn, older *store.ConsentSignature
		for i := range sigs {
			sg := &sigs[i]
			if sg.Kind != d.Kind {
				continue
			}
			switch {
			case sg.Version == d.Version && sg.WithdrawnAt == nil:
				current = sg
			case sg.Version == d.Version:
				withdrawn = sg
			case sg.WithdrawnAt == nil:
				older = sg
			}
		}
		switch {
		case current != nil:
			st.Status, st.Text = "signed", fmt.Sprintf("Version %d signed as %q on %s.", d.Version, current.TypedName, view.When(current.SignedAt, tf))
		case withdrawn != nil:
			st.Status, st.Text = "withdrawn", fmt.Sprintf("Consent to version %d was withdrawn on %s.", d.Version, view.When(*withdrawn.WithdrawnAt, tf))
		case older != nil:
			st.Status, st.Text = "resign", fmt.Sprintf("Version %d has been published; version %d was signed on %s and must be signed again.",
				d.Version, older.Version, view.When(older.SignedAt, tf))
		}
		out = append(out, st)
	}
	return out
}

// goalRows lays out goals, with the latest score against each target.
// canAgree says whether the viewer may agree to one still waiting on them.
func goalRows(goals []store.Goal, latest map[string]int, names map[string]string, tf timefmt.Format, canAgree func(store.Goal) bool) []view.GoalRow {
	var out []view.GoalRow
	for _, g := range goals {
		row := view.GoalRow{ID: g.ID, Kind: g.Kind, Text: g.Text, CanAgree: canAgree(g)}
		if t, ok, _ := care.ParseTarget(g.Measure); ok {
			name := instrumentName(t.Instrument)
			row.Target = t.Describe(name)
			if total, ok := latest[t.Instrument]; ok {
				met := "not yet met"
				if t.Met(total) {
					met = "met"
				}
				row.Progress = fmt.Sprintf("latest %s %d: %s", name, total, met)
			}
		}
		if g.AgreedByClientAt != nil {
			row.ByClient = "on " + view.When(*g.AgreedByClientAt, tf)
		}
		if g.AgreedByTherapistAt != nil {
			row.ByTeam = names[g.AgreedByTherapist] + " on " + view.When(*g.AgreedByTherapistAt, tf)
		}
		row.Status = g.Status
		if g.StatusAt != nil && (g.Status == store.GoalAchieved || g.Status == store.GoalDropped) {
			verb := "Achieved"
			if g.Status == store.GoalDropped {
				verb = "Dropped"
			}
			row.StatusText = fmt.Sprintf("%s on %s, marked by %s.", verb, dateText(*g.StatusAt, tf), names[g.StatusBy])
		}
		out = append(out, row)
	}
	return out
}

// checklistRows lays out the client's checklist for the care team.
func checklistRows(c store.Checklist) []view.ChecklistRow {
	companion := ""
	if c.CompanionName != "" {
		companion = c.CompanionName + ", " + c.CompanionPhone
	}
	return []view.ChecklistRow{
		{Label: "Understands fasting before a session", Done: c.FastingUnderstood},
		{Label: "No alcohol or other drugs for 24 hours before", Done: c.NoSubstances},
		{Label: "Stimulants paused on session days", Done: c.StimulantsPaused},
		{Label: "Ride or companion named with a phone number", Done: c.CompanionName != "" && c.CompanionPhone != "", Detail: companion},
		{Label: "A quiet room to return to", Done: c.RoomReady, Detail: c.RoomNote},
	}
}
