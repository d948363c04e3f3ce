package web

import (
	"net/http"

	"doorway/internal/care"
	"doorway/internal/export"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The end of a course: the care team's review of each goal and intention,
// the client's own words and their choice about their shared reflections
// in the portal, and the course summary PDF for either.

func courseReviewPath(clientID string) string { return "/clients/" + clientID + "/course/review" }

// reviewView lays out a course review for the care team (forClient false)
// or the client.
func reviewView(cr practice.CourseReview, tf timefmt.Format, forClient bool) view.ReviewView {
	c := cr.Client
	v := view.ReviewView{ClientID: c.ID, ClientName: c.DisplayName(), FirstName: firstName(c), ForClient: forClient, HasCourse: cr.HasCourse,
		Open: cr.Open, StateLabel: cr.Course.State.Label(), CanWrite: cr.CanWrite, Include: cr.Choice.IncludeReflections}
	for _, o := range care.GoalOutcomes() {
		v.Outcomes = append(v.Outcomes, view.Option{Value: string(o), Label: o.Label()})
	}
	rows := goalRows(cr.Goals, cr.Latest, cr.StaffNames, tf, func(store.Goal) bool { return false })
	for i, g := range cr.Goals {
		rv := cr.Reviews[g.ID]
		o := cr.Outcome(g)
		row := view.ReviewGoalRow{ID: g.ID, Kind: g.Kind, Text: g.Text, Target: rows[i].Target, Progress: rows[i].Progress, Outcome: string(o),
			OutcomeLabel: o.Label(), Fixed: g.Status != store.GoalActive, ClientWords: rv.ClientWords}
		switch {
		case rv.ReviewedAt != nil:
			row.Reviewed = "Reviewed by " + cr.StaffNames[rv.ReviewedBy] + " on " + dateText(*rv.ReviewedAt, tf) + "."
		case g.StatusAt != nil:
			row.Reviewed = "Marked by " + cr.StaffNames[g.StatusBy] + " on " + dateText(*g.StatusAt, tf) + "."
		}
		if rv.ClientWordsAt != nil {
			row.WordsWhen = dateText(*rv.ClientWordsAt, tf)
		}
		switch {
		case forClient && cr.Open:
			row.WordsURL = "/portal/summary/goals/" + g.ID
		case cr.CanWrite && cr.Open:
			row.ReviewURL = "/clients/" + c.ID + "/course/goals/" + g.ID + "/review"
		}
		v.Goals = append(v.Goals, row)
	}
	switch {
	case forClient && v.Include:
		v.IncludeText, v.SummaryURL = "Your shared reflections (the journal entries you share with your care team) go into your summary. You can change this at any time.", "/portal/summary.pdf"
	case forClient:
		v.IncludeText, v.SummaryURL = "Your shared reflections are left out of your summary unless you choose to include them. Private entries never go into it.", "/portal/summary.pdf"
	case v.Include:
		v.IncludeText, v.SummaryURL = v.FirstName+" agrees to their shared reflections going into it.", "/clients/"+c.ID+"/course/summary.pdf"
	default:
		v.IncludeText, v.SummaryURL = v.FirstName+"'s shared reflections are left out: they have not chosen to include them.", "/clients/"+c.ID+"/course/summary.pdf"
	}
	return v
}

func (s *Server) showCourseReview(w http.ResponseWriter, r *http.Request) {
	s.renderCourseReview(w, r, http.StatusOK, "", nil, "")
}

func (s *Server) renderCourseReview(w http.ResponseWriter, r *http.Request, status int, goalID string, errs view.FieldErrors, notice string) {
	id := r.PathValue("id")
	cr, err := s.app.CourseReview(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	v := reviewView(cr, s.timeFormat(r), false)
	v.ErrorGoal, v.Errors = goalID, errs
	p := s.page(r, "End of course: "+cr.Client.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.CourseReview(p, v))
}

func (s *Server) doGoalReview(w http.ResponseWriter, r *http.Request) {
	goalID := r.PathValue("goal")
	if err := s.app.ReviewGoal(r.Context(), s.actor(r), r.PathValue("id"), goalID, r.PostFormValue("outcome")); err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) { s.renderCourseReview(w, r, http.StatusBadRequest, goalID, errs, "") })
		return
	}
	s.renderCourseReview(w, r, http.StatusOK, "", nil, "The review is saved.")
}

func (s *Server) showPortalReview(w http.ResponseWriter, r *http.Request) {
	s.renderPortalReview(w, r, http.StatusOK, "", nil, "")
}

func (s *Server) renderPortalReview(w http.ResponseWriter, r *http.Request, status int, goalID string, errs view.FieldErrors, notice string) {
	v := viewerOf(r.Context())
	cr, err := s.app.MyCourseReview(r.Context(), s.actor(r))
	if err != nil {
		s.failDenied(w, r, "course_review", v.P.ClientID, err)
		return
	}
	rv := reviewView(cr, s.timeFormat(r), true)
	rv.ErrorGoal, rv.Errors = goalID, errs
	p := s.page(r, "Looking back on your course", "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.CourseReview(p, rv))
}

func (s *Server) doGoalWords(w http.ResponseWriter, r *http.Request) {
	goalID := r.PathValue("goal")
	if err := s.app.SetGoalWords(r.Context(), s.actor(r), goalID, r.PostFormValue("words")); err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) { s.renderPortalReview(w, r, http.StatusBadRequest, goalID, errs, "") })
		return
	}
	s.renderPortalReview(w, r, http.StatusOK, "", nil, "Your words are saved.")
}

func (s *Server) doSummaryReflections(w http.ResponseWriter, r *http.Request) {
	include := r.PostFormValue("include") == "1"
	if err := s.app.SetSummaryReflections(r.Context(), s.actor(r), include); err != nil {
		s.failDenied(w, r, "course_review", viewerOf(r.Context()).P.ClientID, err)
		return
	}
	notice := "Your shared reflections are left out of your summary."
	if include {
		notice = "Your shared reflections will go into your summary."
	}
	s.renderPortalReview(w, r, http.StatusOK, "", nil, notice)
}

func (s *Server) showCourseSummaryPDF(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	cs, err := s.app.ExportCourseSummary(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	s.sendSummary(w, r, cs, false)
}

func (s *Server) showPortalSummaryPDF(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	cs, err := s.app.ExportCourseSummary(r.Context(), s.actor(r), v.P.ClientID)
	if err != nil {
		s.failDenied(w, r, "client_record", v.P.ClientID, err)
		return
	}
	s.sendSummary(w, r, cs, true)
}

// sendSummary lays out a course summary and sends it; forClient words it
// for the client themself.
func (s *Server) sendSummary(w http.ResponseWriter, r *http.Request, cs practice.CourseSummary, forClient bool) {
	v := viewerOf(r.Context())
	pdf, err := export.CourseSummaryPDF(summaryDocument(cs, v.Clinic, s.timeFormat(r), s.cfg.Demo || v.Clinic.Demo, forClient))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The file name says what it is, not whose.
	sendPDF(w, pdf, "course-summary.pdf")
}

// summaryDocument words a course summary for its PDF.
func summaryDocument(cs practice.CourseSummary, clinic store.Clinic, tf timefmt.Format, demo, forClient bool) export.CourseSummary {
	c, co := cs.Client, cs.Course
	first := firstName(c)
	span := "Course from " + dateText(co.StartedAt, tf)
	if co.EndedAt != nil {
		span += " to " + dateText(*co.EndedAt, tf)
	}
	facts := []string{span, co.State.Label()}
	if c.DateOfBirth != "" {
		facts = append([]string{"Date of birth " + c.DateOfBirth}, facts...)
	}
	facts = append(facts, clinic.Name, "Generated "+tf.DateTimeZone(cs.Generated))
	doc := export.CourseSummary{ClinicName: clinic.Name, ClientName: c.DisplayName(), Facts: facts, Generated: cs.Generated, Demo: demo}

	sessions := &export.Table{Head: []string{"Date", "Dose", "Route", "How it went"}, Cols: []float64{0, 90, 205, 385}}
	doses := 0
	for _, m := range cs.Sessions {
		dose, route := "no dose", "—"
		if m.Dose != nil {
			doses++
			dose, route = m.Dose.Mg.String(), m.Dose.Route.Label()
			if m.Dose.PerKg > 0 {
				dose += " (" + m.Dose.PerKg.String() + ")"
			}
		}
		state := m.State.Label()
		if m.Locked() {
			state += ", signed"
		}
		sessions.Rows = append(sessions.Rows, export.TableRow{Cells: []string{dateText(m.StartedAt, tf), dose, route, state}})
	}
	doc.Opening = []export.Section{{Title: "Medicine sessions", Table: sessions, Empty: "No medicine session was recorded on this course.",
		Pairs: []export.Figure{{Label: "Sessions", Value: plural(len(cs.Sessions), "session") + ", " + plural(doses, "dose") + " given"}}}}

	for _, t := range cs.Trends {
		doc.Instruments = append(doc.Instruments, reportInstrument(t, tf))
	}

	whose := "In " + first + "'s words"
	if forClient {
		whose = "In your words"
	}
	goals := &export.Table{Head: []string{"Goal or intention", "How it ended", whose}, Cols: []float64{0, 200, 310}}
	for _, g := range cs.Goals {
		text := g.Text
		if g.Kind == store.GoalIntention {
			text = "Intention: " + text
		}
		goals.Rows = append(goals.Rows, export.TableRow{Cells: []string{text, cs.Outcome(g).Label(), orDashText(cs.Reviews[g.ID].ClientWords)}})
	}
	doc.Closing = []export.Section{{Title: "Goals and intentions", Table: goals, Empty: "There were no goals or intentions on this course."}}

	doc.ReflectionsTitle = "Shared reflections"
	for _, e := range cs.Reflections {
		heading := dateText(e.CreatedAt, tf)
		if p := promptWords(e.PromptKey); p != "" {
			heading += " · " + p
		}
		doc.Reflections = append(doc.Reflections, export.Passage{Heading: heading, Paragraphs: paragraphs(e.Body)})
	}
	switch {
	case len(doc.Reflections) > 0:
	case !cs.Choice.IncludeReflections && forClient:
		doc.ReflectionsNote = "You have chosen to leave your shared reflections out of this summary; you can include them from your portal."
	case !cs.Choice.IncludeReflections:
		doc.ReflectionsNote = first + " has not chosen to include their shared reflections in this summary."
	case !cs.ReflectionsReadable:
		doc.ReflectionsNote = "Shared reflections are for the care team to read; they are not in this copy."
	default:
		doc.ReflectionsNote = "No journal entry of this course is shared."
	}
	return doc
}
