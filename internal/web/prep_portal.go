package web

import (
	"net/http"
	"strconv"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's preparation pages: intentions and goals, and the checklist.

func (s *Server) showIntentions(w http.ResponseWriter, r *http.Request) {
	s.renderIntentions(w, r, http.StatusOK, view.IntentionsView{}, "")
}

func (s *Server) renderIntentions(w http.ResponseWriter, r *http.Request, status int, form view.IntentionsView, notice string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, ok := s.portalClientFor(w, r, access.Read)
	if !ok {
		return
	}
	iv := form
	var goals []store.Goal
	var latest map[string]int
	names := map[string]string{}
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		course, has, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
		if err != nil || !has {
			return err
		}
		iv.HasCourse = true
		if goals, err = tx.Goals(ctx, c.ClinicID, course.ID); err != nil {
			return err
		}
		if latest, err = latestTotals(ctx, tx, c.ClinicID, c.ID); err != nil {
			return err
		}
		names, err = staffNames(ctx, tx, c.ClinicID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "goal.list", ResourceType: "goal", ClientID: c.ID})
	iv.Goals = goalRows(goals, latest, names, v.Clinic.Location(), func(g store.Goal) bool { return g.AgreedByClientAt == nil })
	p := s.page(r, "Intentions and goals", "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Intentions(p, iv))
}

// portalCourse loads the signed-in client, may they write in their portal,
// and their current course.
func (s *Server) portalCourse(w http.ResponseWriter, r *http.Request) (store.Client, store.Course, bool) {
	ctx := r.Context()
	c, ok := s.portalClientFor(w, r, access.Write)
	if !ok {
		return c, store.Course{}, false
	}
	course, err := s.currentCourse(ctx, c, "Your care team has not opened your course yet.")
	if err != nil {
		s.fail(w, r, err)
		return c, course, false
	}
	return c, course, true
}

func (s *Server) doIntention(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, course, ok := s.portalCourse(w, r)
	if !ok {
		return
	}
	now := s.now()
	g := store.Goal{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, CourseID: course.ID, Kind: store.GoalIntention,
		Text: r.PostFormValue("text"), CreatedBy: v.P.UserID, CreatedAt: now, AgreedByClientAt: &now}
	err := s.writeGoal(r, c.ID, g.ID, "add", "", func(tx *store.Tx) error { return tx.AddGoal(ctx, &g) })
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			s.renderIntentions(w, r, http.StatusBadRequest, view.IntentionsView{Text: g.Text, Errors: errs}, "")
		})
		return
	}
	s.renderIntentions(w, r, http.StatusOK, view.IntentionsView{}, "Your intention is saved.")
}

func (s *Server) doClientAgree(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, _, ok := s.portalCourse(w, r)
	if !ok {
		return
	}
	goalID := r.PathValue("goal")
	err := s.writeGoal(r, c.ID, goalID, "agree", "", func(tx *store.Tx) error {
		return tx.AgreeGoalByClient(ctx, c.ClinicID, c.ID, goalID, s.now())
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderIntentions(w, r, http.StatusOK, view.IntentionsView{}, "Your agreement is recorded.")
}

func (s *Server) showChecklist(w http.ResponseWriter, r *http.Request) {
	s.renderChecklist(w, r, http.StatusOK, nil, "")
}

// renderChecklist shows the checklist: the saved one, or what was typed
// when it was refused.
func (s *Server) renderChecklist(w http.ResponseWriter, r *http.Request, status int, typed *view.ChecklistView, notice string) {
	ctx := r.Context()
	c, ok := s.portalClientFor(w, r, access.Read)
	if !ok {
		return
	}
	var cl store.Checklist
	var has bool
	var set care.Settings
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if set, err = gateSettings(ctx, tx, c.ClinicID); err != nil {
			return err
		}
		course, ok, err := tx.CurrentCourse(ctx, c.ClinicID, c.ID)
		if err != nil || !ok {
			return err
		}
		has = true
		cl, _, err = tx.CourseChecklist(ctx, c.ClinicID, course.ID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "checklist.read", ResourceType: "checklist", ClientID: c.ID})
	cv := view.ChecklistView{HasCourse: has, FastingHours: strconv.FormatFloat(set.FastingHours, 'f', -1, 64),
		FastingUnderstood: cl.FastingUnderstood, NoSubstances: cl.NoSubstances, StimulantsPaused: cl.StimulantsPaused,
		CompanionName: cl.CompanionName, CompanionPhone: cl.CompanionPhone, RoomReady: cl.RoomReady, RoomNote: cl.RoomNote,
		Done: plural(cl.Done(), "item") + " of " + itoa(store.ChecklistItems) + " done."}
	if typed != nil {
		typed.HasCourse, typed.FastingHours, typed.Done = cv.HasCourse, cv.FastingHours, cv.Done
		cv = *typed
	}
	p := s.page(r, "Getting ready", "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Checklist(p, cv))
}

func (s *Server) doChecklist(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, course, ok := s.portalCourse(w, r)
	if !ok {
		return
	}
	cl := store.Checklist{CourseID: course.ID, ClinicID: c.ClinicID, ClientID: c.ID,
		FastingUnderstood: r.PostFormValue("fasting") == "1", NoSubstances: r.PostFormValue("substances") == "1",
		StimulantsPaused: r.PostFormValue("stimulants") == "1", CompanionName: r.PostFormValue("companion_name"),
		CompanionPhone: r.PostFormValue("companion_phone"), RoomReady: r.PostFormValue("room") == "1", RoomNote: r.PostFormValue("room_note"),
		UpdatedBy: v.P.UserID, UpdatedAt: s.now()}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SaveChecklist(ctx, &cl); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "checklist.save", ResourceType: "checklist", ResourceID: course.ID, ClientID: c.ID})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			typed := view.ChecklistView{FastingUnderstood: cl.FastingUnderstood, NoSubstances: cl.NoSubstances, StimulantsPaused: cl.StimulantsPaused,
				CompanionName: cl.CompanionName, CompanionPhone: cl.CompanionPhone, RoomReady: cl.RoomReady, RoomNote: cl.RoomNote, Errors: errs}
			s.renderChecklist(w, r, http.StatusBadRequest, &typed, "")
		})
		return
	}
	s.renderChecklist(w, r, http.StatusOK, nil, "Your checklist is saved.")
}
