package web

import (
	"net/http"
	"strings"

	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

func (s *Server) showPortal(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	h, err := s.app.MyPortal(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, "client_portal", v.P.ClientID, err)
		return
	}
	tf := s.timeFormat(r)
	// A session that has begun is under way, not upcoming.
	var begun, ahead []store.Appointment
	for _, a := range h.Upcoming {
		if a.StartsAt.After(s.now()) {
			ahead = append(ahead, a)
		} else {
			begun = append(begun, a)
		}
	}
	pv := view.PortalView{IntakeOpen: h.HasCourse && h.Course.State == care.Intake, Looking: h.HasCourse && care.ReviewOpen(h.Course.State),
		Sessions: sessionRows(ahead, tf), UnderWay: sessionRows(begun, tf), FirstName: firstName(h.Client),
		ClinicName: v.Clinic.Name, ClinicEmail: v.Clinic.ContactEmail, ClinicPhone: v.Clinic.ContactPhone,
		Due:        dueRows(h.Due, tf, func(d practice.Due) string { return "/portal/measures/" + d.Instrument.ID }),
		CrisisText: h.Crisis.Text, Crisis: crisisButtons(h.Crisis)}
	if h.HasCourse {
		switch h.Course.State {
		case care.Declined:
			pv.Closed = view.PortalDeclined
		case care.Completed:
			pv.Closed = view.PortalCompleted
			if h.Course.EndedAt != nil {
				pv.EndedOn = tf.Date(*h.Course.EndedAt)
			}
		}
	}
	for _, st := range consentStatuses(h.Documents, h.Signatures, tf) {
		if st.Required && st.Status != "signed" {
			pv.Prep.ToSign = append(pv.Prep.ToSign, st.Title)
		}
	}
	if h.Returned != nil {
		pv.IntakeReturn = returnLine(*h.Returned, tf)
	}
	for _, u := range h.Team {
		pv.Team = append(pv.Team, u.Name+" ("+roleList(u.Roles)+")")
	}
	s.render(w, r, http.StatusOK, view.Portal(s.page(r, "My care", "/portal"), pv))
}

func firstName(c store.Client) string {
	if c.PreferredName != "" {
		return c.PreferredName
	}
	return c.GivenName
}

// showAccessLog is the client's accounting of who looked at their record.
func (s *Server) showAccessLog(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	log, err := s.app.MyAccessLog(r.Context(), s.actor(r), accessLogEntries)
	if err != nil {
		s.failDenied(w, r, "client_record", v.P.ClientID, err)
		return
	}
	entries, names := log.Entries, log.Names
	tf := s.timeFormat(r)
	var rows []view.AccessRow
	for _, e := range entries {
		own := e.ActorID == v.P.UserID
		// The client's own doings are theirs to know, but for the copies of
		// their record they took: an export is listed whoever made it.
		if (own && e.Action != "client.export") || e.Outcome != audit.OK {
			continue
		}
		who := names[e.ActorID]
		switch {
		case own:
			who = "You"
		case who == "":
			who = "The clinic's system (automatic)"
		}
		what := describeEntry(e, v.P.UserID, names)
		// A medicine-session screen refreshes itself every few seconds and
		// each refresh is a read: one row says "12 times since 10:02" rather
		// than pushing everything else off the page.
		if n := len(rows); n > 0 && rows[n-1].Who == who && rows[n-1].What == what {
			rows[n-1].Times++
			rows[n-1].Since = view.When(e.Time, tf)
			continue
		}
		if len(rows) == accessLogRows {
			break
		}
		rows = append(rows, view.AccessRow{When: view.When(e.Time, tf), Who: who, What: what, Times: 1})
	}
	var emergency []view.EmergencyRow
	for _, g := range log.Emergency {
		emergency = append(emergency, view.EmergencyRow{Who: g.UserName, When: view.When(g.OpenedAt, tf), Until: tf.Time(g.ExpiresAt),
			Reason: g.Reason})
	}
	s.render(w, r, http.StatusOK, view.AccessLog(s.page(r, "Who has looked at your record", "/portal"), rows, emergency))
}

// The access log reads this many of the newest entries and shows at most
// accessLogRows rows of them, after folding repeats together.
const (
	accessLogEntries = 2000
	accessLogRows    = 200
)

// describeAction says an audit action in plain words for a client. An
// action without words of its own is said by its kind (a read, a change)
// rather than shown as the code it is logged under.
func describeAction(a string) string {
	if d, ok := actionWords[a]; ok {
		return d
	}
	switch {
	case strings.HasPrefix(a, "fhir.") && (strings.HasSuffix(a, ".create") || strings.HasSuffix(a, ".update")):
		return "Added to your record through a connected app"
	case strings.HasPrefix(a, "fhir."):
		return "Read your record through a connected app"
	case strings.HasSuffix(a, ".read") || strings.HasSuffix(a, ".list") || strings.HasSuffix(a, ".open"):
		return "Opened part of your record"
	}
	return "Changed part of your record"
}

// describeEntry says an entry in a client's words: most by their action
// alone, and a few by what the entry says beside it (which copy of the
// record was taken; whom an e-mail went to).
func describeEntry(e audit.Entry, self string, names map[string]string) string {
	switch {
	case e.Action == "client.export" && strings.HasPrefix(e.Detail, "full record as a "):
		return "Downloaded a copy of your whole record (" + strings.TrimPrefix(e.Detail, "full record as a ") + ")"
	case e.Action == "notification.email" && e.ResourceID == self:
		return "E-mailed you, as you chose in your settings"
	case e.Action == "notification.email" && names[e.ResourceID] != "":
		return "E-mailed " + names[e.ResourceID] + " about one of your sessions"
	}
	return describeAction(e.Action)
}

// actionWords are the audit actions about a client, in a client's words.
var actionWords = map[string]string{
	"client.read":                         "Opened your record",
	"break_glass.open":                    "Opened your record in an emergency (see above)",
	"client.create":                       "Created your record",
	"client.invite":                       "Invited you to the portal",
	"user.create":                         "Set up your portal account",
	"client.update":                       "Changed your name or contact details",
	"client.export":                       "Downloaded a report from your record",
	"care_team.add":                       "Added someone to your care team",
	"care_team.remove":                    "Removed someone from your care team",
	"inquiry.convert":                     "Opened your record from your inquiry",
	"intake.read":                         "Read your intake answers",
	"intake.return":                       "Asked you to look at your intake again",
	"screening.read":                      "Opened your screening",
	"screening.decide":                    "Made the screening decision",
	"consent.read":                        "Opened your consent",
	"consent.list":                        "Opened your consent",
	"checklist.read":                      "Opened your preparation checklist",
	"appointment.create":                  "Booked a session for you",
	"appointment.read":                    "Opened one of your sessions",
	"appointment.cancel":                  "Cancelled one of your sessions",
	"dosing_order.read":                   "Opened your dosing order",
	"dosing_order.write":                  "Wrote or changed your dosing order",
	"course.read":                         "Opened your course, its gates and your checklist",
	"course.state":                        "Moved your course to its next phase",
	"gate.override":                       "Overrode a check before your medicine session, with a written reason",
	"prep_note.sign":                      "Wrote a note of your preparation session",
	"prep_note.addendum":                  "Wrote a note of your preparation session",
	"goal.add":                            "Proposed or agreed a goal with you",
	"goal.agree":                          "Proposed or agreed a goal with you",
	"goal.list":                           "Opened your intentions and goals",
	"goal.status":                         "Marked one of your goals achieved or dropped",
	"measure.open":                        "Opened your questionnaire answers",
	"measure.assign":                      "Asked you to complete a questionnaire",
	"measure.submit":                      "Entered a questionnaire for you from a paper form",
	"safety_flag.acknowledge":             "Followed up an answer that needed attention",
	"medicine_session.read":               "Opened the record of your medicine session",
	"medicine_session.live":               "Watched your medicine session's vital signs",
	"medicine_session.start":              "Began the checks before your medicine session",
	"medicine_session.checklist":          "Recorded the checks before your medicine session",
	"medicine_session.override":           "Overrode a check before your medicine session, with a written reason",
	"medicine_session.hold":               "Held your medicine session: no dose that day",
	"medicine_session.dose_confirm":       "Confirmed your dose (prescriber)",
	"medicine_session.dose":               "Recorded your dose",
	"medicine_session.vitals":             "Recorded your vital signs",
	"medicine_session.vitals_strike":      "Struck through a reading entered in error",
	"medicine_session.administration_end": "Recorded when your medicine was finished",
	"medicine_session.observation":        "Wrote an observation during your medicine session",
	"medicine_session.alert_ack":          "Acknowledged an alert during your medicine session",
	"medicine_session.adverse_event":      "Recorded a side effect or event during your medicine session",
	"medicine_session.stop":               "Stopped your medicine session",
	"medicine_session.discharge":          "Recorded your discharge after the medicine session",
	"medicine_session.sign":               "Signed and locked the record of your medicine session",
	"medicine_session.addendum":           "Added a correction to your medicine-session record",
	"journal.read_shared":                 "Read the journal entries you share",
	"workbook.read_shared":                "Read the workbook answers you share",
	"practices.read_shared":               "Read the practices log you share",
	"notification.email":                  "Sent an e-mail about your care",
	"calendar.feed_read":                  "Your calendar app read your sessions",
	"integration_note.list":               "Read the notes of your integration sessions",
	"integration_note.sign":               "Wrote a note of your integration session",
	"integration_note.addendum":           "Added a correction to a note of your integration session",
	"psychotherapy_note.list":             "Read their own private notes of your sessions, kept apart from your record",
	"psychotherapy_note.read":             "Read their own private notes of your sessions, kept apart from your record",
	"psychotherapy_note.write":            "Wrote their own private notes of your sessions, kept apart from your record",
	"course_review.read":                  "Opened the review of your goals at the end of your course",
	"goal.review":                         "Said how one of your goals ended",
}
