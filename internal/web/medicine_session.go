package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
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
// addenda follow. The form handlers are in medicine_session_forms.go, the
// view model in medicine_session_view.go.

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

// sessionFacts is everything the record page knows, loaded in one read.
type sessionFacts struct {
	client  store.Client
	team    []string
	appt    store.Appointment
	sched   scheduleFacts
	started bool
	rec     store.SessionRecord
	course  store.Course
	// order is the course's current dosing order; hasOrder is false without one.
	order    store.DosingOrder
	hasOrder bool
	gates    []care.Gate
	rules    store.SessionRules
	names    map[string]string // staff id -> name
	// prep is the client's own preparation checklist for the course, which
	// names the companion ahead of the day.
	prep     store.Checklist
	viewerID string
	now      time.Time
	loc      *time.Location // the clinic's zone

	canWrite     bool
	canPrescribe bool
}

// m is the record itself (zero before it is started).
func (f *sessionFacts) m() store.MedicineSession { return f.rec.Session }

func (f *sessionFacts) resource(t access.Type) access.Resource {
	return access.Resource{Type: t, ClinicID: f.client.ClinicID, ClientID: f.client.ID, CareTeam: f.team}
}

// loadSession loads the record page's facts for the client and appointment
// in the URL, after access.Allow has said the viewer may act on the client
// record for t. Anything outside the viewer's scope, a client not in the
// appointment, or an appointment that is not a medicine session, is
// NotFound.
func (s *Server) loadSession(ctx context.Context, r *http.Request, t access.Type, act access.Action) (*sessionFacts, error) {
	f, err := s.sessionAccess(ctx, r, t, act)
	if err != nil {
		return nil, err
	}
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		return loadSessionTx(ctx, tx, f, r.PathValue("appt"))
	})
	return f, err
}

// sessionAccess is the access decision of loadSession alone: the client in
// the URL, after access.Allow has said the viewer may act on the client
// record for t, and what the viewer may do with the record. The rest of f
// is loadSessionTx's to fill.
func (s *Server) sessionAccess(ctx context.Context, r *http.Request, t access.Type, act access.Action) (*sessionFacts, error) {
	v := viewerOf(ctx)
	c, team, err := s.clientRecord(ctx, r.PathValue("id"), t, act)
	if err != nil {
		return nil, err
	}
	f := &sessionFacts{client: c, team: team, now: s.now(), viewerID: v.P.UserID, loc: v.Clinic.Location()}
	f.canWrite = access.Allow(v.P, access.Write, f.resource(access.ClinicalCare))
	f.canPrescribe = access.Allow(v.P, access.Write, f.resource(access.PrescriberOrder))
	return f, nil
}

// loadSessionLive loads what the live panel shows, which the page's script
// asks for every few seconds: the client, the appointment, the record's
// session with its readings and acknowledgements, and the session rules.
// Access and NotFound are as loadSession's.
func (s *Server) loadSessionLive(ctx context.Context, r *http.Request) (*sessionFacts, error) {
	f, err := s.sessionAccess(ctx, r, access.ClientRecord, access.Read)
	if err != nil {
		return nil, err
	}
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		clinicID := f.client.ClinicID
		var err error
		if f.appt, err = tx.Appointment(ctx, clinicID, r.PathValue("appt")); err != nil {
			return err
		}
		if f.appt.Kind != store.KindMedicine || !f.appt.HasClient(f.client.ID) {
			return problem.New(problem.NotFound, "The session was not found.")
		}
		m, ok, err := tx.MedicineSessionFor(ctx, clinicID, f.appt.ID, f.client.ID)
		if err != nil {
			return err
		}
		f.started = ok
		if ok {
			f.rec.Session = m
			if f.rec.Vitals, err = tx.SessionVitals(ctx, clinicID, m.ID); err != nil {
				return err
			}
			if f.rec.Acks, err = tx.SessionAlertAcks(ctx, clinicID, m.ID); err != nil {
				return err
			}
		} else if _, has, err := tx.SessionCourse(ctx, f.appt, f.client.ID); err != nil {
			return err
		} else if !has {
			// The whole page answers so too.
			return problem.New(problem.Conflict, "This client has no course, so a medicine session cannot start. Open a course first.")
		}
		f.rules, err = tx.SessionRules(ctx, clinicID)
		return err
	})
	return f, err
}

// loadSessionTx fills f inside tx; the form handlers call it inside their
// write transaction, so every rule is checked against what is stored at
// that moment.
func loadSessionTx(ctx context.Context, tx *store.Tx, f *sessionFacts, apptID string) error {
	clinicID := f.client.ClinicID
	var err error
	if f.appt, err = tx.Appointment(ctx, clinicID, apptID); err != nil {
		return err
	}
	if f.appt.Kind != store.KindMedicine || !f.appt.HasClient(f.client.ID) {
		return problem.New(problem.NotFound, "The session was not found.")
	}
	if f.sched, err = loadScheduleFacts(ctx, tx, clinicID, []store.Appointment{f.appt}); err != nil {
		return err
	}
	m, ok, err := tx.MedicineSessionFor(ctx, clinicID, f.appt.ID, f.client.ID)
	if err != nil {
		return err
	}
	f.started = ok
	if ok {
		if f.rec, err = tx.SessionRecordFrom(ctx, m); err != nil {
			return err
		}
		if f.course, err = tx.Course(ctx, clinicID, m.CourseID); err != nil {
			return err
		}
	} else {
		f.rec = store.SessionRecord{}
		var has bool
		if f.course, has, err = tx.SessionCourse(ctx, f.appt, f.client.ID); err != nil {
			return err
		}
		if !has {
			return problem.New(problem.Conflict, "This client has no course, so a medicine session cannot start. Open a course first.")
		}
	}
	if f.prep, _, err = tx.CourseChecklist(ctx, clinicID, f.course.ID); err != nil {
		return err
	}
	if f.order, f.hasOrder, err = tx.CurrentDosingOrder(ctx, clinicID, f.course.ID); err != nil {
		return err
	}
	raw, err := tx.ClinicSettings(ctx, clinicID)
	if err != nil {
		return err
	}
	f.rules = store.SessionRulesFrom(clinicID, raw)
	var in care.GateInput
	if f.started {
		in, err = tx.SessionGateInput(ctx, f.course, f.rec)
	} else {
		in, err = tx.GateInput(ctx, f.course)
	}
	if err != nil {
		return err
	}
	set, err := gateSettingsFrom(ctx, tx, clinicID, raw, f.rules)
	if err != nil {
		return err
	}
	f.gates = care.Gates(in, set, f.now)
	f.names = map[string]string{}
	for id, u := range f.sched.staff {
		f.names[id] = u.Name
	}
	return nil
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
	f, err := s.loadSession(r.Context(), r, access.ClientRecord, access.Read)
	if err != nil {
		s.failSession(w, r, err)
		return
	}
	s.renderSession(w, r, http.StatusOK, f, view.SessionForm{}, sessionNotices[r.URL.Query().Get("ok")])
}

// renderSession shows the page; a refused form comes back with what was
// typed and its errors.
func (s *Server) renderSession(w http.ResponseWriter, r *http.Request, status int, f *sessionFacts, form view.SessionForm, notice string) {
	v := viewerOf(r.Context())
	s.record(r, audit.Entry{Action: "medicine_session.read", ResourceType: "medicine_session", ResourceID: f.m().ID, ClientID: f.client.ID,
		Detail: "appointment " + f.appt.ID})
	sv := s.sessionView(f, form, v.Clinic.Location())
	p := s.page(r, "Medicine session: "+f.client.DisplayName(), "/schedule")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.MedicineSessionPage(p, sv))
}

// showSessionLive serves the live panel alone, for the page's script. The
// header names the session's state, so the script reloads the whole page
// when the session has moved on (discharged, stopped, signed).
func (s *Server) showSessionLive(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	f, err := s.loadSessionLive(r.Context(), r)
	if err != nil {
		s.failSession(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "medicine_session.live", ResourceType: "medicine_session", ResourceID: f.m().ID, ClientID: f.client.ID})
	state := string(f.m().State)
	if f.m().Locked() {
		state = "locked"
	}
	w.Header().Set("X-Session-State", state)
	live := s.liveView(f, view.SessionForm{}, v.Clinic.Location())
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
	var v session.Vitals
	var err error
	if v.Systolic, err = parseCount("systolic", "pressure", form.Systolic); err != nil {
		return v, err
	}
	if v.Diastolic, err = parseCount("diastolic", "pressure", form.Diastolic); err != nil {
		return v, err
	}
	if v.HeartRate, err = parseCount("heart_rate", "heart rate", form.HeartRate); err != nil {
		return v, err
	}
	if v.SpO2, err = parseCount("spo2", "percentage", form.SpO2); err != nil {
		return v, err
	}
	if v.Sedation, err = parseSedation("sedation", form.Sedation); err != nil {
		return v, err
	}
	v.At, err = parseClock("vitals_at", form.VitalsAt, now, loc)
	return v, err
}

// formFields maps the fields named in problems from the rule packages and
// the store to the inputs of one form (several forms share the page, so
// their ids differ); any other problem is shown at the top of the form.
type formFields struct {
	form   string
	fields map[string]string
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
// changed or is locked). Errors that are not the person's to fix go to fail.
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
	f, lerr := s.loadSession(r.Context(), r, access.ClientRecord, access.Read)
	if lerr != nil {
		s.failSession(w, r, lerr)
		return
	}
	form.Errors, form.Which = ff.errors(err), ff.form
	status := http.StatusBadRequest
	if code == problem.Conflict {
		status = http.StatusConflict
	}
	s.renderSession(w, r, status, f, form, "")
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

// openAlerts is the record's alerts evaluated now, with acknowledgements.
func (f *sessionFacts) alerts() []session.AlertState {
	if !f.started {
		return nil
	}
	return f.rec.AlertsIn(f.rules.Settings.Alerts, f.loc)
}

// discharge puts the record to session.CheckDischarge with what the form
// says of alertness and who the client leaves with.
func (f *sessionFacts) discharge(alertOriented bool, releasedTo string) session.Discharge {
	m := f.m()
	// The criteria's reasons name times; they read in the clinic's zone.
	last := store.LatestReading(f.rec.Vitals)
	last.At = last.At.In(f.loc)
	in := session.DischargeInput{Protocol: f.rules.Protocol, Limits: f.rules.Settings.Discharge, Now: f.now,
		LastVitals: last, AlertAndOriented: alertOriented,
		Companion: m.Checklist.CompanionName, ReleasedTo: releasedTo, OpenAlerts: session.OpenAlerts(f.alerts())}
	if m.Dose != nil {
		in.DoseTime = m.Dose.GivenAt
	}
	return session.CheckDischarge(in)
}

// ready reports whether the gates let the dose go ahead, and if not which
// gates hold it back.
func (f *sessionFacts) ready() (bool, []string) {
	var blocking []string
	for _, g := range care.Blocking(f.gates) {
		blocking = append(blocking, g.Title)
	}
	return care.Ready(f.gates), blocking
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

// appointmentRecords links each client of a medicine appointment to their
// record, for the session's page on the schedule.
func appointmentRecords(ctx context.Context, tx *store.Tx, a store.Appointment, clients map[string]store.Client) ([]view.SessionRecordLink, error) {
	if a.Kind != store.KindMedicine || a.Status == store.StatusCancelled {
		return nil, nil
	}
	var out []view.SessionRecordLink
	for _, id := range a.ClientIDs() {
		m, ok, err := tx.MedicineSessionFor(ctx, a.ClinicID, a.ID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, view.SessionRecordLink{Href: sessionPath(id, a.ID), Label: clients[id].DisplayName() + ": session record",
			State: recordState(m, ok)})
	}
	return out, nil
}

// courseRecords links a client's medicine sessions, newest first, for the
// course page.
func courseRecords(ctx context.Context, tx *store.Tx, c store.Client, loc *time.Location, now time.Time) ([]view.SessionRecordLink, error) {
	list, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: c.ClinicID, ClientID: c.ID,
		From: now.AddDate(-2, 0, 0), To: now.AddDate(0, 0, 60)})
	if err != nil {
		return nil, err
	}
	var out []view.SessionRecordLink
	for i := len(list) - 1; i >= 0; i-- {
		a := list[i]
		if a.Kind != store.KindMedicine {
			continue
		}
		m, ok, err := tx.MedicineSessionFor(ctx, c.ClinicID, a.ID, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, view.SessionRecordLink{Href: sessionPath(c.ID, a.ID),
			Label: a.StartsAt.In(loc).Format("Monday 2 January 2006") + ", " + span(a, loc), State: recordState(m, ok)})
	}
	return out, nil
}
