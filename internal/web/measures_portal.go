package web

import (
	"net/http"
	"strconv"

	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The client's side of the measures: what is due on the portal, the
// questionnaire form, and the thank-you page with crisis resources.

// portalDue lists the client's questionnaires for the portal home.
func (s *Server) portalDue(r *http.Request) ([]view.DueRow, error) {
	due, err := s.app.PortalDue(r.Context(), s.actor(r))
	if err != nil {
		return nil, err
	}
	return dueRows(due, s.timeFormat(r), func(d practice.Due) string {
		return "/portal/measures/" + d.Instrument.ID
	}), nil
}

func dueRows(items []practice.Due, tf timefmt.Format, href func(practice.Due) string) []view.DueRow {
	var out []view.DueRow
	for _, d := range items {
		reason := occasionWords[d.Occasion]
		if d.AssignmentID != "" || reason == "" {
			reason = "asked for by your care team"
		}
		out = append(out, view.DueRow{Title: PlainInstrumentName(d.Instrument), Href: href(d), Reason: reason,
			Due: dayText(d.Deadline, tf), Overdue: d.Overdue, Assigned: d.AssignmentID != ""})
	}
	return out
}

// plainNames are what a client calls each questionnaire; the short title
// follows in brackets, as the care team knows it.
var plainNames = map[string]string{
	measures.PHQ9:           "Mood check",
	measures.GAD7:           "Worry and anxiety check",
	measures.PCL5:           "Stress after hard experiences",
	measures.QIDSSR16:       "Mood check",
	measures.CSSRSScreen:    "Safety questions",
	measures.CSSRSScreenSLC: "Safety questions",
}

// PlainInstrumentName is a questionnaire's name for a client: "Mood check
// (PHQ-9)", never a code alone.
func PlainInstrumentName(in *measures.Instrument) string {
	if n, ok := plainNames[in.ID]; ok {
		return n + " (" + in.ShortTitle + ")"
	}
	return in.Title + " (" + in.ShortTitle + ")"
}

// occasionWords say why a questionnaire is asked for, in a client's words.
var occasionWords = map[string]string{
	string(measures.OccasionBaseline):      "to see where you are starting",
	string(measures.OccasionBeforeSession): "before your next medicine session",
	string(measures.OccasionRepeat):        "your regular check-in",
	string(measures.OccasionCourseEnd):     "at the end of your course",
}

func (s *Server) showMeasureForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("instrument")
	d, err := s.app.OpenQuestionnaire(r.Context(), s.actor(r), id)
	if err != nil {
		s.failDenied(w, r, "instrument", id, err)
		return
	}
	f := portalForm(d, nil)
	s.render(w, r, http.StatusOK, view.MeasureForm(s.page(r, d.Instrument.ShortTitle, "/portal"), f))
}

// portalForm builds the client's form for a due item.
func portalForm(d practice.Due, answers measures.Answers) view.MeasureFormView {
	f := measureForm(d.Instrument, answers, false)
	f.Action = "/portal/measures/" + d.Instrument.ID
	f.Back, f.BackLabel = "/portal", "My care"
	f.AssignmentID = d.AssignmentID
	if d.AssignmentID == "" {
		f.DueKey = d.Key()
	}
	return f
}

// measureForm lays out an instrument's items with the answers given so far.
func measureForm(in *measures.Instrument, answers measures.Answers, staff bool) view.MeasureFormView {
	f := view.MeasureFormView{Title: in.Title + " (" + in.ShortTitle + ")", ShortTitle: in.ShortTitle, Instructions: in.Instructions,
		Stem: in.Stem, Licence: in.Licence}
	for i, it := range in.Items {
		fi := view.FormItem{Name: "a." + it.Key, Number: it.Number, Position: i + 1, Count: len(in.Items), Heading: it.Heading,
			Text: it.Text, Help: it.Help, AskedWhen: it.AskedWhen, Optional: it.Optional}
		if staff && (!it.Verified || it.Note != "") {
			fi.Unverified = it.Note
		}
		v, answered := answers[it.Key]
		for _, o := range it.Options {
			fi.Options = append(fi.Options, view.AnswerOption{ID: "q" + strconv.Itoa(i+1) + "-" + strconv.Itoa(o.Score), Score: o.Score,
				Label: o.Label, Checked: answered && v == o.Score})
		}
		f.Items = append(f.Items, fi)
	}
	return f
}

// markMissing names every unanswered question on the form.
func markMissing(f *view.MeasureFormView, in *measures.Instrument, missing []string) {
	want := map[string]bool{}
	for _, k := range missing {
		want[k] = true
	}
	for i := range f.Items {
		it := in.Items[i]
		if want[it.Key] {
			f.Items[i].Error = "Please choose an answer to question " + it.Number + "."
			f.Missing = append(f.Missing, it.Number)
		}
	}
}

// markInvalid puts a scoring error beside its question, or at the top.
func markInvalid(f *view.MeasureFormView, in *measures.Instrument, err error) {
	field := problem.FieldOf(err)
	for i := range f.Items {
		if in.Items[i].Key == field {
			f.Items[i].Error = problem.MessageOf(err)
			f.Missing = append(f.Missing, in.Items[i].Number)
			return
		}
	}
	f.Error = problem.MessageOf(err)
}

func (s *Server) doMeasureSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("instrument")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read. Please go back and try again."))
		return
	}
	// The form is read by the instrument's items; whether the clinic uses
	// it, and whether it is due, is the use case's to say.
	in, ok := measures.ByID(id)
	if !ok {
		s.deny(w, r, "instrument", id)
		return
	}
	assignmentID, due := r.PostFormValue("assignment"), r.PostFormValue("due")
	rerender := func(answers measures.Answers, missing []string, err error) {
		d := practice.Due{Instrument: in, AssignmentID: assignmentID}
		f := portalForm(d, answers)
		f.DueKey = due
		if assignmentID != "" {
			f.DueKey = ""
		}
		markMissing(&f, in, missing)
		if err != nil {
			markInvalid(&f, in, err)
		}
		s.render(w, r, http.StatusBadRequest, view.MeasureForm(s.page(r, in.ShortTitle, "/portal"), f))
	}
	answers, missing, err := formAnswers(in, r.PostForm)
	if err != nil {
		rerender(nil, nil, err)
		return
	}
	if len(missing) > 0 {
		rerender(answers, missing, nil)
		return
	}
	got, err := s.app.SubmitQuestionnaire(ctx, s.actor(r), practice.QuestionnaireInput{ClientID: v.P.ClientID, InstrumentID: id,
		Answers: answers, AssignmentID: assignmentID, DueKey: due})
	switch {
	case err == nil:
	case problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) != "":
		rerender(answers, nil, err)
		return
	default:
		s.failDenied(w, r, "instrument", id, err)
		return
	}
	more, err := s.portalDue(r)
	if err != nil {
		s.log.Error("due after submit", "request_id", requestID(ctx), "err", err)
	}
	t := view.ThanksView{Title: in.ShortTitle, Flagged: len(got.Flags) > 0, CrisisText: got.CrisisText, Crisis: crisisButtons(got.Crisis), ClinicName: v.Clinic.Name,
		ClinicPhone: v.Clinic.ContactPhone, MoreDue: more}
	title := "Thank you"
	if t.Flagged {
		title = "Help is available right now"
	}
	s.render(w, r, http.StatusOK, view.MeasureThanks(s.page(r, title, "/portal"), t))
}
