package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"doorway/internal/calendar"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/timefmt"
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
	// Details is the details form as typed, when it was refused.
	Details *view.ClientDetailsForm
}

// chartMeasures is the measures part of a client's chart, with what a
// form post left to say.
func chartMeasures(m practice.ChartMeasures, c store.Client, o chartOpts, tf timefmt.Format) view.ChartMeasures {
	cv := view.ChartMeasures{ClientID: c.ID, NoCourse: !m.HasCourse, ReportHref: "/clients/" + c.ID + "/measures.pdf",
		CanWrite: m.CanWrite, CanAck: m.CanAcknowledge, AssignErrors: o.AssignErrors}
	for _, f := range m.Flags {
		row := flagRow(f.SafetyFlag, c, tf)
		row.Error, row.Note = o.FlagErrors[f.ID], o.FlagNotes[f.ID]
		if !f.Open() {
			row.AckBy, row.AckAt, row.AckNote = f.AcknowledgedByName, view.When(*f.AcknowledgedAt, tf), f.AckNote
		}
		cv.Flags = append(cv.Flags, row)
	}
	for _, l := range m.Latest {
		in, r := l.Instrument, l.Response
		ls := view.LatestScore{InstrumentID: in.ID, Title: in.ShortTitle, Score: scoreNumber(r), Band: bandLabel(in, r),
			When: dateText(r.CompletedAt, tf), Paper: r.OnPaper, Count: l.Count, TrendsHref: "/clients/" + c.ID + "/measures/" + in.ID}
		if b, ok := in.BandFor(r.Total); ok && r.HasTotal {
			ls.BandIndex = bandIndex(in, b.Key)
		}
		cv.Latest = append(cv.Latest, ls)
	}
	cv.Due = dueRows(m.Due, tf, func(d practice.Due) string { return "" })
	for i, d := range m.Due {
		// The team reads "assigned" where the client reads who asked for it.
		cv.Due[i].Reason = d.Reason
		if d.AssignmentID != "" {
			cv.Due[i].Reason = "assigned"
		}
	}
	for _, in := range m.Instruments {
		cv.Instruments = append(cv.Instruments, view.InstrumentChoice{ID: in.ID, Title: in.ShortTitle})
	}
	return cv
}

// flagRow is a safety flag of client c as the chart and the caseload show
// it.
func flagRow(f store.SafetyFlag, c store.Client, tf timefmt.Format) view.FlagRow {
	return view.FlagRow{ID: f.ID, ClientID: c.ID, ClientName: c.DisplayName(), Instrument: practice.InstrumentName(f.InstrumentID),
		Severity: f.Severity, Reason: f.Reason, Raised: view.When(f.RaisedAt, tf), Open: f.Open()}
}

// instrumentName is an instrument's short title, or its id if unknown.
func instrumentName(id string) string { return practice.InstrumentName(id) }

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
	id := r.PathValue("id")
	got, err := s.app.AssignQuestionnaire(r.Context(), s.actor(r), id, r.PostFormValue("instrument"))
	switch {
	case err == nil:
		s.showClientPage(w, r, id, chartOpts{Notice: got.Instrument.ShortTitle + " is assigned; " + firstName(got.Client) + " will see it in the portal."})
	case problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) == practice.FieldInstrument:
		s.showClientPage(w, r, id, chartOpts{Status: http.StatusBadRequest, AssignErrors: view.FieldErrors{"instrument": problem.MessageOf(err)}})
	default:
		s.failClient(w, r, id, err)
	}
}

func (s *Server) doAckFlag(w http.ResponseWriter, r *http.Request) {
	id, flagID := r.PathValue("id"), r.PathValue("flag")
	note := r.PostFormValue("note")
	err := s.app.AcknowledgeFlag(r.Context(), s.actor(r), id, flagID, note)
	switch {
	case err == nil:
		s.showClientPage(w, r, id, chartOpts{Notice: "The safety flag is acknowledged and your note is saved."})
	case problem.CodeOf(err) == problem.Invalid:
		s.showClientPage(w, r, id, chartOpts{Status: http.StatusBadRequest,
			FlagErrors: map[string]string{flagID: problem.MessageOf(err)}, FlagNotes: map[string]string{flagID: note}})
	default:
		s.failClient(w, r, id, err)
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
	today := calendar.Of(s.now(), s.timeFormat(r).Loc).String()
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
	tf := s.timeFormat(r)
	now := s.now()
	today := calendar.Of(now, tf.Loc)
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
		Answers: answers, At: day.At(now, tf.Loc), OnPaper: true})
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

// caseloadMeasures adds each listed client's open flags and what they have
// due to the caseload board.
func caseloadMeasures(m practice.CaseloadMeasures, clients []store.Client, tf timefmt.Format, cv *view.CaseloadView) {
	byID := map[string]int{}
	for i, c := range clients {
		byID[c.ID] = i
		cv.Clients[i].Due, cv.Clients[i].Overdue = m.Due[c.ID], m.Overdue[c.ID]
	}
	for _, f := range m.Flags {
		i, ok := byID[f.ClientID]
		if !ok {
			continue
		}
		cv.Clients[i].OpenFlags++
		cv.Flags = append(cv.Flags, flagRow(f, clients[i], tf))
	}
}
