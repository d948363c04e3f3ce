package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's side of the measures: what is due on the portal, the
// questionnaire form, and the thank-you page with crisis resources.

// portalDue lists the client's questionnaires for the portal home.
func (s *Server) portalDue(ctx context.Context, clinicID, clientID string) ([]view.DueRow, error) {
	var mc measureConfig
	var cm clientMeasures
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if mc, err = loadMeasureConfig(ctx, tx, clinicID); err != nil {
			return err
		}
		cm, err = loadClientMeasures(ctx, tx, clinicID, clientID, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return dueRows(mc.due(cm, s.now()), viewerOf(ctx).Clinic.Location(), func(d dueItem) string {
		return "/portal/measures/" + d.Instrument.ID
	}), nil
}

func dueRows(items []dueItem, loc *time.Location, href func(dueItem) string) []view.DueRow {
	var out []view.DueRow
	for _, d := range items {
		reason := d.Reason
		if d.AssignmentID != "" {
			reason = "asked for by your care team"
		}
		out = append(out, view.DueRow{Title: d.Instrument.ShortTitle, Href: href(d), Reason: reason,
			Due: dayText(d.Deadline, loc), Overdue: d.Overdue, Assigned: d.AssignmentID != ""})
	}
	return out
}

// portalClient loads the signed-in client and asks whether they may act in
// their portal.
func (s *Server) portalClient(ctx context.Context, a access.Action) (store.Client, error) {
	v := viewerOf(ctx)
	var c store.Client
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { c, err = tx.Client(ctx, v.P.ClinicID, v.P.ClientID); return err })
	if err != nil {
		return c, err
	}
	if !access.Allow(v.P, a, access.Resource{Type: access.ClientPortal, ClinicID: c.ClinicID, ClientID: c.ID}) {
		return store.Client{}, problem.New(problem.NotFound, "Not found.")
	}
	return c, nil
}

// portalClientFor is portalClient for a handler: when the signed-in client
// may not do a in their portal, it answers with an audited denial and ok is
// false.
func (s *Server) portalClientFor(w http.ResponseWriter, r *http.Request, a access.Action) (store.Client, bool) {
	c, err := s.portalClient(r.Context(), a)
	if err != nil {
		s.deny(w, r, "client_portal", viewerOf(r.Context()).P.ClientID)
		return c, false
	}
	return c, true
}

// dueFor finds what is due for one instrument: an open assignment first,
// then the schedule's occasion. Nothing due is NotFound: the form exists
// only while the client has something to answer.
func (s *Server) dueFor(ctx context.Context, clinicID, clientID, instrumentID string) (measureConfig, dueItem, error) {
	var mc measureConfig
	var cm clientMeasures
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if mc, err = loadMeasureConfig(ctx, tx, clinicID); err != nil {
			return err
		}
		cm, err = loadClientMeasures(ctx, tx, clinicID, clientID, s.now())
		return err
	})
	if err != nil {
		return mc, dueItem{}, err
	}
	for _, d := range mc.due(cm, s.now()) {
		if d.Instrument.ID == instrumentID {
			return mc, d, nil
		}
	}
	return mc, dueItem{}, problem.New(problem.NotFound, "Nothing is due.")
}

func (s *Server) showMeasureForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("instrument")
	c, err := s.portalClient(ctx, access.Read)
	if err != nil {
		s.deny(w, r, "client_portal", id)
		return
	}
	_, d, err := s.dueFor(ctx, c.ClinicID, c.ID, id)
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			s.deny(w, r, "instrument", id)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "measure.open", ResourceType: "instrument", ResourceID: id, ClientID: c.ID})
	f := portalForm(d, nil)
	s.render(w, r, http.StatusOK, view.MeasureForm(s.page(r, d.Instrument.ShortTitle, "/portal"), f))
}

// portalForm builds the client's form for a due item.
func portalForm(d dueItem, answers measures.Answers) view.MeasureFormView {
	f := measureForm(d.Instrument, answers, false)
	f.Action = "/portal/measures/" + d.Instrument.ID
	f.Back, f.BackLabel = "/portal", "My care"
	f.AssignmentID = d.AssignmentID
	if d.AssignmentID == "" {
		f.DueKey = dueKey(d.DueAt)
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
	c, err := s.portalClient(ctx, access.Write)
	if err != nil {
		s.deny(w, r, "client_portal", id)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, problem.Invalidf("form", "The form could not be read. Please go back and try again."))
		return
	}
	var mc measureConfig
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { mc, err = loadMeasureConfig(ctx, tx, c.ClinicID); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := mc.enabledInstrument(id)
	if err != nil {
		s.deny(w, r, "instrument", id)
		return
	}
	assignmentID, due := r.PostFormValue("assignment"), r.PostFormValue("due")
	rerender := func(answers measures.Answers, missing []string, err error) {
		d := dueItem{Instrument: in, AssignmentID: assignmentID}
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
	res, err := mc.score(in, answers)
	if err != nil {
		rerender(answers, nil, err)
		return
	}
	sub := submission{Instrument: in, Answers: answers, Result: res, ClientID: c.ID, EnteredBy: v.P.UserID, At: s.now(),
		AssignmentID: assignmentID, DueAt: due}
	var flags []store.SafetyFlag
	err = s.st.Write(ctx, func(tx *store.Tx) (err error) {
		_, flags, err = s.saveSubmission(ctx, tx, r, mc, c.ClinicID, sub)
		return err
	})
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			s.deny(w, r, "instrument_assignment", assignmentID)
			return
		}
		s.fail(w, r, err)
		return
	}
	more, err := s.portalDue(ctx, c.ClinicID, c.ID)
	if err != nil {
		s.log.Error("due after submit", "request_id", requestID(ctx), "err", err)
	}
	t := view.ThanksView{Title: in.ShortTitle, Flagged: len(flags) > 0, CrisisText: mc.CrisisText, ClinicName: v.Clinic.Name,
		ClinicPhone: v.Clinic.ContactPhone, MoreDue: more}
	title := "Thank you"
	if t.Flagged {
		title = "Help is available right now"
	}
	s.render(w, r, http.StatusOK, view.MeasureThanks(s.page(r, title, "/portal"), t))
}
