package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The care team's course page: the phase and its moves, every course gate
// with why it passes or fails, prescribers' overrides, the client's consent
// and checklist, goals, and preparation session notes.

// prepNoteTemplate is where a preparation note starts: the headings a
// preparation session covers (DESIGN.md §1), to be filled in or deleted.
const prepNoteTemplate = `Focus of the session:

Intentions explored:

Practical preparation (fasting, substances, stimulants, ride home, the room to return to):

Medications reviewed:

Questions, concerns and fears raised:

Touch and consent discussed:

Client's readiness for a medicine session:

Plan:`

func (s *Server) showCourse(w http.ResponseWriter, r *http.Request) {
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "")
}

// renderCourse shows the course page; a refused form comes back with what
// was typed and its errors, and a successful one with a notice.
func (s *Server) renderCourse(w http.ResponseWriter, r *http.Request, status int, form view.CourseForm, notice string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	c, team, err := s.clientRecord(ctx, id, access.ClientRecord, access.Read)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	loc := v.Clinic.Location()
	now := s.now()
	cv := view.CourseView{ClientID: c.ID, ClientName: c.DisplayName(), Form: form,
		CanWrite:    access.Allow(v.P, access.Write, clinicalResource(c, team)),
		CanOverride: access.Allow(v.P, access.Write, access.Resource{Type: access.PrescriberOrder, ClinicID: c.ClinicID, ClientID: c.ID, CareTeam: team})}
	var facts courseFacts
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if facts, err = loadCourseFacts(ctx, tx, c.ClinicID, c.ID, now); err != nil || !facts.has {
			return err
		}
		if cv.Consents, err = clientConsents(ctx, tx, c, loc); err != nil {
			return err
		}
		cl, _, err := tx.CourseChecklist(ctx, c.ClinicID, facts.course.ID)
		if err != nil {
			return err
		}
		cv.Checklist = checklistRows(cl)
		cv.ChecklistDone = plural(cl.Done(), "item") + " of " + itoa(store.ChecklistItems) + " done by the client."
		names, err := staffNames(ctx, tx, c.ClinicID)
		if err != nil {
			return err
		}
		goals, err := tx.Goals(ctx, c.ClinicID, facts.course.ID)
		if err != nil {
			return err
		}
		latest, err := latestTotals(ctx, tx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		cv.Goals = goalRows(goals, latest, names, loc, func(g store.Goal) bool { return cv.CanWrite && g.AgreedByTherapistAt == nil })
		for i, g := range goals {
			if cv.CanWrite && g.Status == store.GoalActive {
				cv.Goals[i].MarkURL = "/clients/" + c.ID + "/course/goals/" + g.ID + "/status"
			}
		}
		notes, err := tx.PrepNotes(ctx, c.ClinicID, facts.course.ID)
		if err != nil {
			return err
		}
		partners := map[string]string{}
		for _, n := range notes {
			if n.JointWith != "" && partners[n.JointWith] == "" {
				if p, err := tx.Client(ctx, c.ClinicID, n.JointWith); err == nil {
					partners[n.JointWith] = p.DisplayName()
				}
			}
		}
		cv.Notes = noteRows(notes, names, partners, loc)
		cv.Sessions, err = courseRecords(ctx, tx, c, loc, now)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "course.read", ResourceType: "course", ResourceID: facts.course.ID, ClientID: c.ID})
	if facts.has {
		cv.HasCourse = true
		cv.StateLabel = facts.course.State.Label()
		cv.Started = dateText(facts.course.StartedAt, loc)
		cv.Gates = gateRows(facts.gates, loc)
		cv.Ready = len(care.Blocking(facts.gates)) == 0
		cv.DayOf = dayOfTitles(now)
		cv.Moves = stateMoves(facts)
		cv.InScreening = facts.course.State == care.Screening
		for _, g := range facts.gates {
			if !g.Cleared() && g.Overridable {
				cv.OverrideChoices = append(cv.OverrideChoices, view.GateRow{ID: g.ID, Title: g.Title})
			}
		}
	}
	if cv.Form.NoteBody == "" {
		cv.Form.NoteBody = prepNoteTemplate
	}
	if cv.Form.NoteDate == "" {
		cv.Form.NoteDate = now.In(loc).Format("2006-01-02")
	}
	p := s.page(r, "Course: "+c.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.CoursePage(p, cv))
}

// stateMoves are the buttons of the phase section: every move the course
// may make by itself (those made by recording a decision have their own
// pages), each that would open medicine sessions marked with what blocks it.
func stateMoves(f courseFacts) []view.StateMove {
	var out []view.StateMove
	for _, to := range f.course.State.Next() {
		if care.ByDecision(f.course.State, to) {
			continue
		}
		m := view.StateMove{To: string(to), Label: to.Label()}
		if err := care.CheckMove(f.course.State, to, f.gates); err != nil {
			for _, g := range care.Blocking(f.gates) {
				if g.Scope == care.CourseScope {
					m.Blocked = append(m.Blocked, g.Title+": "+g.Why)
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// staffNames maps a clinic's staff ids to names.
func staffNames(ctx context.Context, tx *store.Tx, clinicID string) (map[string]string, error) {
	staff, err := tx.Staff(ctx, clinicID)
	names := map[string]string{}
	for _, u := range staff {
		names[u.ID] = u.Name
	}
	return names, err
}

// noteRows nests each addendum under its note.
func noteRows(notes []store.PrepNote, names, partners map[string]string, loc *time.Location) []view.NoteRow {
	var out []view.NoteRow
	index := map[string]int{}
	for _, n := range notes {
		row := view.NoteRow{ID: n.ID, When: n.OccurredAt.In(loc).Format("Monday, Jan 2, 2006"), Author: names[n.AuthorID],
			Signed: view.When(n.SignedAt, loc), Body: n.Body, Joint: partners[n.JointWith]}
		if n.AddendumTo != "" {
			if i, ok := index[n.AddendumTo]; ok {
				out[i].Addenda = append(out[i].Addenda, row)
			}
			continue
		}
		index[n.ID] = len(out)
		out = append(out, row)
	}
	return out
}

// clinicalWrite loads the client and their current course for a change by
// the care team, checking the access decision for the given resource type.
func (s *Server) clinicalWrite(w http.ResponseWriter, r *http.Request, t access.Type) (store.Client, store.Course, bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	c, _, err := s.clientRecord(ctx, id, t, access.Write)
	if err != nil {
		s.failClient(w, r, id, err)
		return c, store.Course{}, false
	}
	course, err := s.currentCourse(ctx, c, "This client has no course yet.")
	if err != nil {
		s.fail(w, r, err)
		return c, course, false
	}
	return c, course, true
}

// currentCourse is the client's current course, for a change to it; a
// client without one is a conflict, worded by none for who is asking.
func (s *Server) currentCourse(ctx context.Context, c store.Client, none string) (store.Course, error) {
	var course store.Course
	var has bool
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { course, has, err = tx.CurrentCourse(ctx, c.ClinicID, c.ID); return err })
	if err == nil && !has {
		err = problem.New(problem.Conflict, "%s", none)
	}
	return course, err
}

// refuse re-renders the course page with a field's message, or answers the
// error as an error page if it is not about a field.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, form view.CourseForm) {
	s.refuseForm(w, r, err, func(errs view.FieldErrors) {
		form.Errors = errs
		s.renderCourse(w, r, http.StatusBadRequest, form, "")
	})
}

func (s *Server) doCourseState(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, course, ok := s.clinicalWrite(w, r, access.ClinicalCare)
	if !ok {
		return
	}
	to := care.State(r.PostFormValue("to"))
	now := s.now()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		// The gates are worked out inside the transaction that moves the
		// course, so a consent withdrawn a moment ago still blocks.
		facts, err := loadCourseFacts(ctx, tx, c.ClinicID, c.ID, now)
		if err != nil {
			return err
		}
		if facts.course.ID != course.ID {
			return problem.New(problem.Conflict, "The course changed while you were looking at it; please reload and try again.")
		}
		course = facts.course
		if care.ByDecision(course.State, to) && care.Transition(course.State, to) == nil {
			return problem.Invalidf("state", "%s", byDecisionText(course.State, to))
		}
		if err := care.CheckMove(course.State, to, facts.gates); err != nil {
			return err
		}
		if err := tx.SetCourseState(ctx, course, to, now); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "course.state", ResourceType: "course", ResourceID: course.ID, ClientID: c.ID,
			Detail: string(course.State) + " -> " + string(to)})
	})
	if err != nil {
		if problem.CodeOf(err) == problem.Invalid {
			err = problem.Invalidf("state", "%s", problem.MessageOf(err))
		}
		s.refuse(w, r, err, view.CourseForm{})
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The course is now in "+to.Label()+".")
}

// byDecisionText says where a move that is not a bare button is made.
func byDecisionText(from, to care.State) string {
	switch {
	case from == care.Intake:
		return "The course moves to screening when the client finishes their intake in the portal."
	case to == care.Intake:
		return "To send the course back to intake, use the intake page, with a note telling the client what to look at again."
	}
	return "The prescriber's screening decision moves a course on to preparation or declines it; it is recorded on the screening page."
}

func (s *Server) doOverride(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, course, ok := s.clinicalWrite(w, r, access.PrescriberOrder)
	if !ok {
		return
	}
	form := view.CourseForm{OverrideGate: r.PostFormValue("gate"), OverrideReason: strings.TrimSpace(r.PostFormValue("reason"))}
	now := s.now()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		facts, err := loadCourseFacts(ctx, tx, c.ClinicID, c.ID, now)
		if err != nil {
			return err
		}
		gate := care.FindGate(facts.gates, form.OverrideGate)
		if gate == nil {
			return problem.Invalidf("gate", "Choose one of the course's gates.")
		}
		// access.Allow has already said this viewer is a prescriber on the
		// care team; care.CheckOverride says whether this gate may be
		// overridden as it stands, and with what reason.
		o := care.Override{GateID: gate.ID, Reason: form.OverrideReason, By: v.User.Name, ByPrescriber: true, At: now}
		if err := care.CheckOverride(*gate, o); err != nil {
			return err
		}
		so := store.GateOverride{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: course.ID, GateID: gate.ID,
			Reason: form.OverrideReason, By: v.P.UserID, At: now}
		if err := tx.AddGateOverride(ctx, &so); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "gate.override", ResourceType: "gate_override", ResourceID: so.ID, ClientID: c.ID,
			Severity: audit.High, Detail: gate.ID})
	})
	if err != nil {
		if problem.FieldOf(err) == "by" {
			err = problem.Invalidf("gate", "%s", problem.MessageOf(err))
		}
		s.refuse(w, r, err, form)
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The override is recorded.")
}

// writeGoal makes a change to one of a client's goals and records it as
// goal.<action>, in one transaction; the care team and the client change
// goals through it alike.
func (s *Server) writeGoal(r *http.Request, clientID, goalID, action, detail string, change func(tx *store.Tx) error) error {
	ctx := r.Context()
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if err := change(tx); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "goal." + action, ResourceType: "goal", ResourceID: goalID, ClientID: clientID, Detail: detail})
	})
}

func (s *Server) doStaffGoal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, course, ok := s.clinicalWrite(w, r, access.ClinicalCare)
	if !ok {
		return
	}
	form := view.CourseForm{GoalText: strings.TrimSpace(r.PostFormValue("text")), GoalMeasure: strings.TrimSpace(r.PostFormValue("measure"))}
	measure, err := checkTarget(form.GoalMeasure)
	if err != nil {
		s.refuse(w, r, err, form)
		return
	}
	now := s.now()
	g := store.Goal{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: course.ID, Kind: store.GoalGoal, Text: form.GoalText,
		Measure: measure, CreatedBy: v.P.UserID, CreatedAt: now, AgreedByTherapistAt: &now, AgreedByTherapist: v.P.UserID}
	err = s.writeGoal(r, c.ID, g.ID, "add", "", func(tx *store.Tx) error { return tx.AddGoal(ctx, &g) })
	if err != nil {
		s.refuse(w, r, err, form)
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The goal is proposed; the client agrees to it in their portal.")
}

func (s *Server) doStaffAgree(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, _, ok := s.clinicalWrite(w, r, access.ClinicalCare)
	if !ok {
		return
	}
	goalID := r.PathValue("goal")
	err := s.writeGoal(r, c.ID, goalID, "agree", "", func(tx *store.Tx) error {
		return tx.AgreeGoalByTherapist(ctx, c.ClinicID, c.ID, goalID, v.P.UserID, s.now())
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "Your agreement is recorded.")
}

// doGoalStatus marks a goal or intention achieved or dropped, with the date
// and who marked it; the client sees it in their portal.
func (s *Server) doGoalStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, _, ok := s.clinicalWrite(w, r, access.ClinicalCare)
	if !ok {
		return
	}
	goalID, status := r.PathValue("goal"), r.PostFormValue("status")
	err := s.writeGoal(r, c.ID, goalID, "status", status, func(tx *store.Tx) error {
		return tx.SetGoalStatus(ctx, c.ClinicID, c.ID, goalID, status, v.P.UserID, s.now())
	})
	if err != nil {
		if problem.CodeOf(err) == problem.Invalid {
			err = problem.Invalidf("goal_status", "%s", problem.MessageOf(err))
		}
		s.refuse(w, r, err, view.CourseForm{})
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The goal is marked "+status+".")
}

func (s *Server) doPrepNote(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, course, ok := s.clinicalWrite(w, r, access.ClinicalCare)
	if !ok {
		return
	}
	loc := v.Clinic.Location()
	now := s.now()
	addTo := r.PostFormValue("addendum_to")
	form := view.CourseForm{NoteDate: strings.TrimSpace(r.PostFormValue("occurred_on")), NoteBody: r.PostFormValue("body")}
	n := store.PrepNote{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: course.ID, Body: form.NoteBody,
		AuthorID: v.P.UserID, SignedAt: now, AddendumTo: addTo, OccurredAt: now}
	if addTo == "" {
		today := calendar.Of(now, loc)
		day, err := calendar.Parse(form.NoteDate)
		if err != nil {
			s.refuse(w, r, problem.Invalidf("occurred_on", "Give the date of the session, such as %s.", today), form)
			return
		}
		if day.After(today) {
			s.refuse(w, r, problem.Invalidf("occurred_on", "A session note cannot be for a session in the future."), form)
			return
		}
		// The note is about a day of the clinic's calendar: noon of that
		// day, or the time of writing for a session this morning.
		n.OccurredAt = day.At(now, loc)
		if strings.TrimSpace(form.NoteBody) == strings.TrimSpace(prepNoteTemplate) {
			s.refuse(w, r, problem.Invalidf("body", "The note is still the empty template; write what happened in the session."), form)
			return
		}
	} else {
		form = view.CourseForm{}
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AddPrepNote(ctx, &n); err != nil {
			return err
		}
		action := "prep_note.sign"
		if addTo != "" {
			action = "prep_note.addendum"
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: action, ResourceType: "prep_note", ResourceID: n.ID, ClientID: c.ID})
	})
	if err != nil {
		s.refuse(w, r, err, form)
		return
	}
	notice := "The preparation session note is signed."
	if addTo != "" {
		notice = "The addendum is signed."
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, notice)
}
