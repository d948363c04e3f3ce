package web

import (
	"net/http"
	"strings"

	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// The care team's course page: the phase and its moves, every course gate
// with why it passes or fails, prescribers' overrides, the client's consent
// and checklist, goals, and preparation session notes.

// prepNoteTemplate is where a preparation note starts.
const prepNoteTemplate = practice.PrepNoteTemplate

func (s *Server) showCourse(w http.ResponseWriter, r *http.Request) {
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "")
}

// renderCourse shows the course page; a refused form comes back with what
// was typed and its errors, and a successful one with a notice.
func (s *Server) renderCourse(w http.ResponseWriter, r *http.Request, status int, form view.CourseForm, notice string) {
	id := r.PathValue("id")
	cc, err := s.app.Course(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	c := cc.Client
	tf := s.timeFormat(r)
	now := s.now()
	cv := view.CourseView{ClientID: c.ID, ClientName: c.DisplayName(), Form: form, CanWrite: cc.CanWrite, CanOverride: cc.CanOverride}
	if cc.HasCourse {
		cv.Consents = consentStatuses(cc.Consents.Documents, cc.Consents.Signatures, tf)
		cv.Checklist = checklistRows(cc.Checklist)
		cv.ChecklistDone = plural(cc.Checklist.Done(), "item") + " of " + itoa(store.ChecklistItems) + " done by the client."
		cv.Goals = goalRows(cc.Goals, cc.Latest, cc.StaffNames, tf, func(g store.Goal) bool { return cv.CanWrite && g.AgreedByTherapistAt == nil })
		for i, g := range cc.Goals {
			if cv.CanWrite && g.Status == store.GoalActive {
				cv.Goals[i].MarkURL = "/clients/" + c.ID + "/course/goals/" + g.ID + "/status"
			}
		}
		cv.Notes = noteRows(cc.Notes, cc.StaffNames, cc.Partners, tf)
		cv.CoupleWith = cc.CoupleWith
		for _, m := range cc.Sessions {
			a := m.Appointment
			cv.Sessions = append(cv.Sessions, view.SessionRecordLink{Href: sessionPath(c.ID, a.ID),
				Label: tf.Date(a.StartsAt) + ", " + span(a, tf), State: recordState(m.Session, m.Started)})
		}
		cv.HasCourse = true
		cv.StateLabel = cc.Course.State.Label()
		cv.Started = dateText(cc.Course.StartedAt, tf)
		cv.Gates = gateRows(cc.Gates, tf)
		cv.Ready = len(care.Blocking(cc.Gates)) == 0
		cv.DayOf = dayOfTitles(now)
		cv.Moves = stateMoves(cc.Course.State, cc.Gates)
		cv.InScreening = cc.Course.State == care.Screening
		for _, g := range cc.Gates {
			if !g.Cleared() && g.Overridable {
				cv.OverrideChoices = append(cv.OverrideChoices, view.GateRow{ID: g.ID, Title: g.Title})
			}
		}
	}
	if cv.Form.NoteBody == "" {
		cv.Form.NoteBody = prepNoteTemplate
	}
	if cv.Form.NoteDate == "" {
		cv.Form.NoteDate = calendar.Of(now, tf.Loc).String()
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
func stateMoves(from care.State, gates []care.Gate) []view.StateMove {
	var out []view.StateMove
	for _, to := range from.Next() {
		if care.ByDecision(from, to) {
			continue
		}
		m := view.StateMove{To: string(to), Label: to.Label()}
		if err := care.CheckMove(from, to, gates); err != nil {
			for _, g := range care.Blocking(gates) {
				if g.Scope == care.CourseScope {
					m.Blocked = append(m.Blocked, g.Title+": "+g.Why)
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// noteRows nests each addendum under its note.
func noteRows(notes []store.PrepNote, names, partners map[string]string, tf timefmt.Format) []view.NoteRow {
	var out []view.NoteRow
	index := map[string]int{}
	for _, n := range notes {
		row := view.NoteRow{ID: n.ID, When: tf.Date(n.OccurredAt), Author: names[n.AuthorID],
			Signed: view.When(n.SignedAt, tf), Body: n.Body, Joint: partners[n.JointWith]}
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

// refuse re-renders the course page with a field's message, or answers the
// error as an error page if it is not about a field.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, form view.CourseForm) {
	s.refuseForm(w, r, err, func(errs view.FieldErrors) {
		form.Errors = errs
		s.renderCourse(w, r, http.StatusBadRequest, form, "")
	})
}

func (s *Server) doCourseState(w http.ResponseWriter, r *http.Request) {
	to := care.State(r.PostFormValue("to"))
	if _, err := s.app.MoveCourse(r.Context(), s.actor(r), r.PathValue("id"), to); err != nil {
		s.refuse(w, r, err, view.CourseForm{})
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The course is now in "+to.Label()+".")
}

func (s *Server) doOverride(w http.ResponseWriter, r *http.Request) {
	form := view.CourseForm{OverrideGate: r.PostFormValue("gate"), OverrideReason: strings.TrimSpace(r.PostFormValue("reason"))}
	if _, err := s.app.OverrideGate(r.Context(), s.actor(r), r.PathValue("id"), form.OverrideGate, form.OverrideReason); err != nil {
		s.refuse(w, r, err, form)
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The override is recorded.")
}

func (s *Server) doStaffGoal(w http.ResponseWriter, r *http.Request) {
	form := view.CourseForm{GoalText: strings.TrimSpace(r.PostFormValue("text")), GoalMeasure: strings.TrimSpace(r.PostFormValue("measure"))}
	if _, err := s.app.AddGoal(r.Context(), s.actor(r), r.PathValue("id"), form.GoalText, form.GoalMeasure); err != nil {
		s.refuse(w, r, err, form)
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The goal is proposed; the client agrees to it in their portal.")
}

func (s *Server) doStaffAgree(w http.ResponseWriter, r *http.Request) {
	if err := s.app.AgreeGoal(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("goal")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "Your agreement is recorded.")
}

// doGoalStatus marks a goal or intention achieved or dropped, with the date
// and who marked it; the client sees it in their portal.
func (s *Server) doGoalStatus(w http.ResponseWriter, r *http.Request) {
	status := r.PostFormValue("status")
	if err := s.app.SetGoalStatus(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("goal"), status); err != nil {
		s.refuse(w, r, err, view.CourseForm{})
		return
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, "The goal is marked "+status+".")
}

func (s *Server) doPrepNote(w http.ResponseWriter, r *http.Request) {
	in := practice.PrepNoteInput{ClientID: r.PathValue("id"), Body: r.PostFormValue("body"), AddendumTo: r.PostFormValue("addendum_to"),
		Joint: r.PostFormValue("joint") == "1"}
	form := view.CourseForm{NoteDate: strings.TrimSpace(r.PostFormValue("occurred_on")), NoteBody: in.Body}
	if in.AddendumTo != "" {
		form = view.CourseForm{}
	} else if day, err := calendar.Parse(form.NoteDate); err == nil {
		in.Day = day // one that cannot be read stays zero, and is refused
	}
	if _, err := s.app.WritePrepNote(r.Context(), s.actor(r), in); err != nil {
		s.refuse(w, r, err, form)
		return
	}
	notice := "The preparation session note is signed."
	if in.Joint && in.AddendumTo == "" {
		notice = "The joint session note is signed into both partners' records."
	}
	if in.AddendumTo != "" {
		notice = "The addendum is signed."
	}
	s.renderCourse(w, r, http.StatusOK, view.CourseForm{}, notice)
}
