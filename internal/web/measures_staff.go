package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The care team's side of the measures: the chart's scores, flags and due
// list, assigning a questionnaire, entering a paper form, acknowledging a
// flag, and the trends page.

// chartOpts carries what a re-rendered chart must show after a form post.
type chartOpts struct {
	Status       int
	Notice       string
	FlagErrors   map[string]string // flag id -> message
	FlagNotes    map[string]string // flag id -> the note typed
	AssignErrors view.FieldErrors
}

// flagResource is the access resource of a client's safety flags.
func flagResource(c store.Client, team []string) access.Resource {
	return access.Resource{Type: access.SafetyFlag, ClinicID: c.ClinicID, ClientID: c.ID, CareTeam: team}
}

// chartMeasures builds the measures part of a client's chart.
func (s *Server) chartMeasures(ctx context.Context, c store.Client, team []string, o chartOpts) (view.ChartMeasures, error) {
	v := viewerOf(ctx)
	loc := v.Clinic.Location()
	var mc measureConfig
	var cm clientMeasures
	var rs []store.Response
	var flags []store.SafetyFlag
	names := map[string]string{}
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if mc, err = loadMeasureConfig(ctx, tx, c.ClinicID); err != nil {
			return err
		}
		if cm, err = loadClientMeasures(ctx, tx, c.ClinicID, c.ID, s.now()); err != nil {
			return err
		}
		if rs, err = tx.Responses(ctx, c.ClinicID, c.ID, ""); err != nil {
			return err
		}
		if flags, err = tx.ClientFlags(ctx, c.ClinicID, c.ID); err != nil {
			return err
		}
		staff, err := tx.Staff(ctx, c.ClinicID)
		for _, u := range staff {
			names[u.ID] = u.Name
		}
		return err
	})
	if err != nil {
		return view.ChartMeasures{}, err
	}
	cv := view.ChartMeasures{ClientID: c.ID, NoCourse: !cm.HasCourse, ReportHref: "/clients/" + c.ID + "/measures.pdf",
		CanWrite:     access.Allow(v.P, access.Write, access.Resource{Type: access.ClientRecord, ClinicID: c.ClinicID, ClientID: c.ID, CareTeam: team}),
		CanAck:       access.Allow(v.P, access.Write, flagResource(c, team)),
		AssignErrors: o.AssignErrors}
	cv.Flags = flagRows(flags, c, names, loc, o)
	// Latest per instrument, in the catalogue's order.
	latest := map[string]store.Response{}
	count := map[string]int{}
	for _, r := range rs {
		latest[r.InstrumentID] = r
		count[r.InstrumentID]++
	}
	for _, in := range measures.All() {
		r, ok := latest[in.ID]
		if !ok {
			continue
		}
		ls := view.LatestScore{InstrumentID: in.ID, Title: in.ShortTitle, Score: scoreNumber(r), Band: bandLabel(in, r),
			When: dateText(r.CompletedAt, loc), Paper: r.OnPaper, Count: count[in.ID], TrendsHref: "/clients/" + c.ID + "/measures/" + in.ID}
		if b, ok := in.BandFor(r.Total); ok && r.HasTotal {
			ls.BandIndex = bandIndex(in, b.Key)
		}
		cv.Latest = append(cv.Latest, ls)
	}
	cv.Due = dueRows(mc.due(cm, s.now()), loc, func(d practice.Due) string { return "" })
	for i, d := range mc.due(cm, s.now()) {
		if d.AssignmentID != "" {
			cv.Due[i].Reason = "assigned"
			continue
		}
		cv.Due[i].Reason = d.Reason
	}
	for _, in := range measures.All() {
		if mc.enabled(in) {
			cv.Instruments = append(cv.Instruments, view.InstrumentChoice{ID: in.ID, Title: in.ShortTitle})
		}
	}
	return cv, nil
}

func flagRows(flags []store.SafetyFlag, c store.Client, names map[string]string, loc *time.Location, o chartOpts) []view.FlagRow {
	var open, done []view.FlagRow
	for _, f := range flags {
		row := view.FlagRow{ID: f.ID, ClientID: c.ID, ClientName: c.DisplayName(), Instrument: instrumentName(f.InstrumentID),
			Severity: f.Severity, Reason: f.Reason, Raised: view.When(f.RaisedAt, loc), Open: f.Open(),
			Error: o.FlagErrors[f.ID], Note: o.FlagNotes[f.ID]}
		if f.Open() {
			open = append(open, row)
			continue
		}
		row.AckBy, row.AckAt, row.AckNote = names[f.AcknowledgedBy], view.When(*f.AcknowledgedAt, loc), f.AckNote
		if len(done) < 5 { // the recent ones; older ones stay in the record
			done = append(done, row)
		}
	}
	return append(open, done...)
}

func instrumentName(id string) string {
	if in, ok := measures.ByID(id); ok {
		return in.ShortTitle
	}
	return id
}

func bandIndex(in *measures.Instrument, key string) int {
	for i, b := range in.Bands {
		if b.Key == key {
			return int(math.Round(float64(i) * 4 / math.Max(1, float64(len(in.Bands)-1))))
		}
	}
	return 0
}

// scoreNumber is the total, or the C-SSRS tier.
func scoreNumber(r store.Response) string {
	if r.HasTotal {
		return itoa(r.Total)
	}
	if r.Tier != "" {
		return "tier " + r.Tier
	}
	return "—"
}

func (s *Server) doAssign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, _, err := s.clientRecord(ctx, id, access.ClientRecord, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	instr := strings.TrimSpace(r.PostFormValue("instrument"))
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		mc, err := loadMeasureConfig(ctx, tx, c.ClinicID)
		if err != nil {
			return err
		}
		in, ok := measures.ByID(instr)
		if !ok || !mc.enabled(in) {
			return problem.Invalidf("instrument", "Choose a questionnaire from the list.")
		}
		course, hasCourse, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		now := s.now()
		a := store.Assignment{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, InstrumentID: in.ID, Occasion: store.OccasionAssigned,
			DueAt: now, AssignedBy: v.P.UserID, CreatedAt: now}
		if hasCourse {
			a.CourseID = course.ID
		}
		if err := tx.CreateAssignment(ctx, &a); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "measure.assign", ResourceType: "instrument_assignment", ResourceID: a.ID,
			ClientID: c.ID, Detail: in.ShortTitle})
	})
	if err != nil {
		if problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) != "" {
			s.showClientPage(w, r, c.ID, chartOpts{Status: http.StatusBadRequest, AssignErrors: view.FieldErrors{problem.FieldOf(err): problem.MessageOf(err)}})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.showClientPage(w, r, c.ID, chartOpts{Notice: instrumentName(instr) + " is assigned; " + firstName(c) + " will see it in the portal."})
}

func (s *Server) doAckFlag(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id, flagID := r.PathValue("id"), r.PathValue("flag")
	c, _, err := s.clientRecord(ctx, id, access.SafetyFlag, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	note := r.PostFormValue("note")
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AcknowledgeFlag(ctx, c.ClinicID, c.ID, flagID, v.P.UserID, note, s.now()); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "safety_flag.acknowledge", ResourceType: "safety_flag", ResourceID: flagID,
			ClientID: c.ID, Severity: audit.High})
	})
	switch {
	case err == nil:
		s.showClientPage(w, r, c.ID, chartOpts{Notice: "The safety flag is acknowledged and your note is saved."})
	case problem.CodeOf(err) == problem.Invalid:
		s.showClientPage(w, r, c.ID, chartOpts{Status: http.StatusBadRequest,
			FlagErrors: map[string]string{flagID: problem.MessageOf(err)}, FlagNotes: map[string]string{flagID: note}})
	case problem.CodeOf(err) == problem.NotFound:
		s.deny(w, r, "safety_flag", flagID)
	default:
		s.fail(w, r, err)
	}
}

func paperForm(c store.Client, in *measures.Instrument, answers measures.Answers, today string) view.MeasureFormView {
	f := measureForm(in, answers, true)
	f.Action = "/clients/" + c.ID + "/measures/" + in.ID + "/paper"
	f.Back, f.BackLabel = "/clients/"+c.ID, c.DisplayName()
	f.Paper, f.ClientName, f.Today = true, c.DisplayName(), today
	f.Title = "Paper " + in.ShortTitle + " for " + c.DisplayName()
	return f
}

func (s *Server) showPaperForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	pf, err := s.app.OpenPaperQuestionnaire(r.Context(), s.actor(r), id, r.PathValue("instrument"))
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	today := calendar.Of(s.now(), viewerOf(r.Context()).Clinic.Location()).String()
	f := paperForm(pf.Client, pf.Instrument, nil, today)
	f.CompletedOn = today
	s.render(w, r, http.StatusOK, view.MeasureForm(s.page(r, f.Title, "/caseload"), f))
}

func (s *Server) doPaperSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	pf, err := s.app.PaperQuestionnaire(ctx, s.actor(r), id, r.PathValue("instrument"))
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	c, in := pf.Client, pf.Instrument
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read."))
		return
	}
	loc := viewerOf(ctx).Clinic.Location()
	now := s.now()
	today := calendar.Of(now, loc)
	completedOn := strings.TrimSpace(r.PostFormValue("completed_on"))
	answers, missing, err := formAnswers(in, r.PostForm)
	rerender := func(answers measures.Answers, missing []string, err error, errs view.FieldErrors) {
		f := paperForm(c, in, answers, today.String())
		f.CompletedOn, f.Errors = completedOn, errs
		markMissing(&f, in, missing)
		if err != nil {
			markInvalid(&f, in, err)
		}
		if len(errs) > 0 && f.Error == "" {
			f.Error = "Please check the date written on the form."
		}
		s.render(w, r, http.StatusBadRequest, view.MeasureForm(s.page(r, f.Title, "/caseload"), f))
	}
	// A paper form is dated by the day written on it, a day of the
	// clinic's calendar; the hour is unknown (calendar.Day.At).
	day, dateErr := calendar.Parse(completedOn)
	var errs view.FieldErrors
	switch {
	case dateErr != nil:
		errs = view.FieldErrors{"completed_on": "Enter the date written on the form, such as " + today.String() + "."}
	case day.After(today):
		errs = view.FieldErrors{"completed_on": "The date cannot be in the future."}
	}
	if err != nil || len(missing) > 0 || errs != nil {
		rerender(answers, missing, err, errs)
		return
	}
	got, err := s.app.SubmitQuestionnaire(ctx, s.actor(r), practice.QuestionnaireInput{ClientID: c.ID, InstrumentID: in.ID,
		Answers: answers, At: day.At(now, loc), OnPaper: true})
	switch {
	case err == nil:
	case problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) != "":
		rerender(answers, nil, err, nil)
		return
	default:
		s.failClient(w, r, id, err)
		return
	}
	res := got.Response
	notice := fmt.Sprintf("The paper %s is saved: %s.", in.ShortTitle, scoreText(in, store.Response{Total: res.Total, HasTotal: res.HasTotal, Tier: res.Tier}))
	if len(got.Flags) > 0 {
		notice += " It raised a safety flag: see Safety below."
	}
	s.showClientPage(w, r, c.ID, chartOpts{Notice: notice})
}

// caseloadMeasures adds each listed client's open flags and due counts to
// the caseload board, reading the clinic's measures in a few queries.
// courses are the clinic's current courses (tx.CurrentCourses).
func (s *Server) caseloadMeasures(ctx context.Context, tx *store.Tx, clients []store.Client, courses map[string]store.Course, cv *view.CaseloadView) error {
	v := viewerOf(ctx)
	loc := v.Clinic.Location()
	now := s.now()
	mc, err := loadMeasureConfig(ctx, tx, v.P.ClinicID)
	if err != nil {
		return err
	}
	flags, err := tx.OpenFlags(ctx, v.P.ClinicID)
	if err != nil {
		return err
	}
	done, err := tx.Administrations(ctx, v.P.ClinicID)
	if err != nil {
		return err
	}
	open, err := tx.OpenAssignmentsOfClinic(ctx, v.P.ClinicID)
	if err != nil {
		return err
	}
	// The medicine sessions to come, as the chart and the portal count them
	// (loadClientMeasures): the before-session measures depend on them.
	sessions, err := sessionsToCome(ctx, tx, store.AppointmentFilter{ClinicID: v.P.ClinicID}, loc, now)
	if err != nil {
		return err
	}
	byID := map[string]int{}
	for i, c := range clients {
		byID[c.ID] = i
	}
	openBy := map[string][]store.Assignment{}
	for _, a := range open {
		openBy[a.ClientID] = append(openBy[a.ClientID], a)
	}
	for i, c := range clients {
		course, has := courses[c.ID]
		cm := clientMeasures{Course: course, HasCourse: has, Done: done[c.ID], Open: openBy[c.ID], Sessions: sessions[c.ID]}
		for _, d := range mc.due(cm, now) {
			if d.Overdue {
				cv.Clients[i].Overdue++
			} else {
				cv.Clients[i].Due++
			}
		}
	}
	// Only the flags of clients this person may see: the listing is already
	// filtered to their care teams (or the whole clinic for an admin).
	for _, f := range flags {
		i, ok := byID[f.ClientID]
		if !ok {
			continue
		}
		cv.Clients[i].OpenFlags++
		cv.Flags = append(cv.Flags, view.FlagRow{ID: f.ID, ClientID: f.ClientID, ClientName: clients[i].DisplayName(),
			Instrument: instrumentName(f.InstrumentID), Severity: f.Severity, Reason: f.Reason, Raised: view.When(f.RaisedAt, loc), Open: true})
	}
	return nil
}
