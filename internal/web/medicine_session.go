package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The medicine session record: one page per (appointment, client), reached
// from the session on the schedule and from the client's course. Before the
// dose it shows every gate and takes the day's checklist, the pre-dose
// reading, prescribers' overrides and the dose; from the dose until
// discharge it is the live view; then it is signed and locked, and only
// addenda follow. The use cases and the page's loaders are internal/
// practice's (session_*.go); the form handlers are in
// medicine_session_forms.go, the view model in medicine_session_view.go.

func (s *Server) medicineSessionRoutes() []Route {
	const base = "/clients/{id}/sessions/{appt}"
	return []Route{
		{"GET", base, StaffOnly, s.showMedicineSession},
		{"GET", base + "/live", StaffOnly, s.showSessionLive},
		{"POST", base + "/checklist", StaffOnly, s.doSessionChecklist},
		{"POST", base + "/overrides", StaffOnly, s.doSessionOverride},
		{"POST", base + "/confirm-dose", StaffOnly, s.doConfirmDose},
		{"POST", base + "/dose", StaffOnly, s.doSessionDose},
		{"POST", base + "/vitals", StaffOnly, s.doSessionVitals},
		{"POST", base + "/vitals/strike", StaffOnly, s.doStrikeVitals},
		{"POST", base + "/administration-end", StaffOnly, s.doAdministrationEnd},
		{"POST", base + "/observations", StaffOnly, s.doSessionObservation},
		{"POST", base + "/alerts", StaffOnly, s.doAckAlert},
		{"POST", base + "/adverse-events", StaffOnly, s.doAdverseEvent},
		{"POST", base + "/stop", StaffOnly, s.doStopSession},
		{"POST", base + "/discharge", StaffOnly, s.doDischarge},
		{"POST", base + "/sign", StaffOnly, s.doSignSession},
		{"POST", base + "/addenda", StaffOnly, s.doSessionAddendum},
	}
}

// sessionPath is the record page of one client in one appointment.
func sessionPath(clientID, apptID string) string {
	return "/clients/" + clientID + "/sessions/" + apptID
}

// sessionTarget is the session the request's URL names.
func sessionTarget(r *http.Request) practice.SessionTarget {
	return practice.SessionTarget{ClientID: r.PathValue("id"), AppointmentID: r.PathValue("appt")}
}

// failSession answers a load or write error: NotFound as an audited denial.
func (s *Server) failSession(w http.ResponseWriter, r *http.Request, err error) {
	s.failDenied(w, r, "medicine_session", r.PathValue("appt"), err)
}

// sessionNotices are the messages a successful form redirects back with.
var sessionNotices = map[string]string{
	"checklist": "The checks are saved.",
	"held":      "Pre-dose blood pressure is above the hold line: there is no dose today, and the record says held.",
	"override":  "The override is recorded.",
	"confirm":   "The dose is confirmed.",
	"dose":      "The dose is recorded. Monitoring has begun.",
	"vitals":    "The reading is saved.",
	"ended":     "The end of administration is recorded; the minimum observation counts from it.",
	"strike":    "The reading is struck through; it stays in the record.",
	"obs":       "The observation is saved.",
	"ack":       "The alert is acknowledged.",
	"ae":        "The adverse event is recorded.",
	"stop":      "The session is stopped.",
	"discharge": "The client is discharged.",
	"sign":      "The record is signed and locked.",
	"addendum":  "The addendum is signed.",
}

func (s *Server) showMedicineSession(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.SessionRecordPage(r.Context(), s.actor(r), sessionTarget(r), practice.ForReading)
	if err != nil {
		s.failSession(w, r, err)
		return
	}
	s.renderSession(w, r, http.StatusOK, p, view.SessionForm{}, sessionNotices[r.URL.Query().Get("ok")])
}

// renderSession shows the page; a refused form comes back with what was
// typed and its errors.
func (s *Server) renderSession(w http.ResponseWriter, r *http.Request, status int, p *practice.SessionPage, form view.SessionForm, notice string) {
	v := viewerOf(r.Context())
	sv := s.sessionView(p, form, v.P.UserID, s.timeFormat(r))
	pg := s.page(r, "Medicine session: "+p.Client.DisplayName(), "/schedule")
	if notice != "" {
		pg.Flash, pg.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.MedicineSessionPage(pg, sv))
}

// showSessionLive serves the live panel alone, for the page's script. The
// header names the session's state, so the script reloads the whole page
// when the session has moved on (discharged, stopped, signed).
func (s *Server) showSessionLive(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.SessionLivePanel(r.Context(), s.actor(r), sessionTarget(r))
	if err != nil {
		s.failSession(w, r, err)
		return
	}
	state := string(l.Session().State)
	if l.Session().Locked() {
		state = "locked"
	}
	w.Header().Set("X-Session-State", state)
	live := s.liveView(l, view.SessionForm{}, s.timeFormat(r))
	// A panel of the joint view keeps its column's element ids.
	if c := r.URL.Query().Get("column"); c == "1" || c == "2" {
		live.IDPrefix = "p" + c + "-"
	}
	if !live.Show {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.render(w, r, http.StatusOK, view.LivePanel(live))
}

// parseCount reads a whole number typed into a vitals field; empty is 0,
// "not measured".
func parseCount(field, label, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	// Only what is not a number is refused here; a number out of range is
	// the session package's to judge, with the plausible range in its message.
	if err != nil || n < 0 || n > 99999 {
		return 0, problem.Invalidf(field, "%q is not a %s; use digits only, such as 120.", s, label)
	}
	return n, nil
}

// parseSedation reads a MOAA/S choice; empty is not scored.
func parseSedation(field, s string) (*session.Sedation, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	sd := session.Sedation(n)
	if err != nil || !sd.Valid() {
		return nil, problem.Invalidf(field, "Choose a MOAA/S score from the list.")
	}
	return &sd, nil
}

// parseClock reads a time of day typed on the session's page as the most
// recent such moment, clinic time: 23:50 typed at 00:05 is last night. Empty
// is now. A time more than 12 hours back is refused as a slip.
func parseClock(field, s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now, nil
	}
	c, err := time.Parse("15:04", s)
	if err != nil {
		return time.Time{}, problem.Invalidf(field, "Give the time as hours and minutes, such as 10:35.")
	}
	n := now.In(loc)
	t := time.Date(n.Year(), n.Month(), n.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	if t.After(now.Add(time.Minute)) {
		t = t.AddDate(0, 0, -1)
	}
	if now.Sub(t) > 12*time.Hour {
		return time.Time{}, problem.Invalidf(field, "%s is more than 12 hours ago; check the time.", s)
	}
	return t.UTC(), nil
}

// readVitals reads the reading fields of a form.
func readVitals(form *view.SessionForm, r *http.Request, now time.Time, loc *time.Location) (session.Vitals, error) {
	form.Systolic, form.Diastolic = strings.TrimSpace(r.PostFormValue("systolic")), strings.TrimSpace(r.PostFormValue("diastolic"))
	form.HeartRate, form.SpO2 = strings.TrimSpace(r.PostFormValue("heart_rate")), strings.TrimSpace(r.PostFormValue("spo2"))
	form.Sedation, form.VitalsAt = r.PostFormValue("sedation"), strings.TrimSpace(r.PostFormValue("vitals_at"))
	form.ConfirmUnusual = r.PostFormValue("confirm_unusual") == "1"
	// A reading far from usual is recorded once the person entering it
	// confirms it; they are asked when it is refused (refuseSession).
	v := session.Vitals{Confirmed: form.ConfirmUnusual}
	var err error
	for _, m := range []struct {
		field, label, typed string
		into                *int
	}{{"systolic", "pressure", form.Systolic, &v.Systolic}, {"diastolic", "pressure", form.Diastolic, &v.Diastolic},
		{"heart_rate", "heart rate", form.HeartRate, &v.HeartRate}, {"spo2", "percentage", form.SpO2, &v.SpO2}} {
		if *m.into, err = parseCount(m.field, m.label, m.typed); err != nil {
			return v, err
		}
		if m.typed != "" && *m.into == 0 {
			return v, problem.Invalidf(m.field, session.ZeroReading)
		}
	}
	if v.Sedation, err = parseSedation("sedation", form.Sedation); err != nil {
		return v, err
	}
	v.At, err = parseClock("vitals_at", form.VitalsAt, now, loc)
	return v, err
}

// formFields maps the fields named in problems from the use cases, the
// rule packages and the store to the inputs of one form (several forms
// share the page, so their ids differ); any other problem is shown at the
// top of the form. writer is who may use the form: a refused form shows
// the page again only to them.
type formFields struct {
	form   string
	fields map[string]string
	writer practice.SessionPageFor
}

func (ff formFields) errors(err error) view.FieldErrors {
	name, ok := ff.fields[problem.FieldOf(err)]
	if !ok {
		name = ff.form
	}
	return view.FieldErrors{name: problem.MessageOf(err)}
}

func same(names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = n
	}
	return m
}

func with(m map[string]string, pairs ...string) map[string]string {
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// refuseSession answers a form the rules refused: the page again, with
// what was typed and the message by the field, 400 (409 when the record
// changed or is locked). The page comes back only to someone who may use
// the form, so a form refused before it reached its use case (what was
// typed could not be read) is refused to anyone else as the use case
// would have refused it. Errors that are not the person's to fix go to
// fail.
func (s *Server) refuseSession(w http.ResponseWriter, r *http.Request, err error, form view.SessionForm, ff formFields) {
	code := problem.CodeOf(err)
	if code == problem.NotFound {
		s.failSession(w, r, err)
		return
	}
	if code != problem.Invalid && code != problem.Conflict {
		s.fail(w, r, err)
		return
	}
	p, lerr := s.app.SessionRecordPage(r.Context(), s.actor(r), sessionTarget(r), ff.writer)
	if lerr != nil {
		s.failSession(w, r, lerr)
		return
	}
	form.Errors, form.Which = ff.errors(err), ff.form
	if u, ok := session.AsUnusual(err); ok {
		// Possible but far from usual: ask to confirm, not to re-enter.
		form.Unusual, form.ConfirmUnusual = nil, false
		for _, x := range u.Unusual {
			form.Unusual = append(form.Unusual, x.Message)
		}
	}
	status := http.StatusBadRequest
	if code == problem.Conflict {
		status = http.StatusConflict
	}
	s.renderSession(w, r, status, p, form, "")
}

// sessionDone redirects back to the page with a notice, the way every form
// here ends when it succeeds.
func sessionDone(w http.ResponseWriter, r *http.Request, what, anchor string) {
	u := sessionPath(r.PathValue("id"), r.PathValue("appt")) + "?ok=" + what
	if anchor != "" {
		u += "#" + anchor
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// sessionSaved ends a form: back to the page with the notice what on
// success, or the page again with the refusal.
func (s *Server) sessionSaved(w http.ResponseWriter, r *http.Request, err error, form view.SessionForm, ff formFields, what, anchor string) {
	if err != nil {
		s.refuseSession(w, r, err, form, ff)
		return
	}
	sessionDone(w, r, what, anchor)
}

// clinicianOptions lists the clinic's active clinicians, the chosen one
// marked.
func clinicianOptions(staff map[string]store.User, chosen string) []view.Option {
	var out []view.Option
	for _, u := range sortedStaff(staff) {
		if isClinician(u) && u.DisabledAt == nil {
			out = append(out, view.Option{Value: u.ID, Label: u.Name, Selected: u.ID == chosen})
		}
	}
	return out
}

// minutesAfter is "+40 min" or "pre-dose".
func minutesAfter(at time.Time, dose *store.SessionDose) string {
	if dose == nil || at.Before(dose.GivenAt) {
		return "pre-dose"
	}
	return fmt.Sprintf("+%d min", int(at.Sub(dose.GivenAt)/time.Minute))
}

// measureList is "BP, HR, SpO2".
func measureList(ms []session.Measure) string {
	short := map[session.Measure]string{session.BP: "BP", session.HR: "HR", session.SpO2: "SpO2", session.Alertness: "MOAA/S"}
	var out []string
	for _, m := range ms {
		out = append(out, short[m])
	}
	return strings.Join(out, ", ")
}

// activeStaffIDs are the appointment's staff who are still clinicians here.
func activeStaffIDs(ids []string, staff map[string]store.User) []string {
	var out []string
	for _, id := range ids {
		if u, ok := staff[id]; ok && isClinician(u) && u.DisabledAt == nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// recordState says where a record stands, for a link to it.
func recordState(m store.MedicineSession, ok bool) string {
	switch {
	case !ok:
		return "not started"
	case m.Locked():
		return strings.ToLower(m.State.Label()) + ", signed"
	}
	return strings.ToLower(m.State.Label())
}
