package web

import (
	"net/http"
	"strconv"

	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's preparation pages: intentions and goals, and the checklist.

func (s *Server) showIntentions(w http.ResponseWriter, r *http.Request) {
	s.renderIntentions(w, r, http.StatusOK, view.IntentionsView{}, "")
}

func (s *Server) renderIntentions(w http.ResponseWriter, r *http.Request, status int, form view.IntentionsView, notice string) {
	pg, err := s.app.MyGoals(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	iv := form
	iv.HasCourse = pg.HasCourse
	iv.Goals = goalRows(pg.Goals, pg.Latest, pg.StaffNames, s.timeFormat(r), func(g store.Goal) bool { return g.AgreedByClientAt == nil })
	p := s.page(r, "Intentions and goals", "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Intentions(p, iv))
}

func (s *Server) doIntention(w http.ResponseWriter, r *http.Request) {
	text := r.PostFormValue("text")
	if _, err := s.app.AddIntention(r.Context(), s.actor(r), text); err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			s.renderIntentions(w, r, http.StatusBadRequest, view.IntentionsView{Text: text, Errors: errs}, "")
		})
		return
	}
	s.renderIntentions(w, r, http.StatusOK, view.IntentionsView{}, "Your intention is saved.")
}

func (s *Server) doClientAgree(w http.ResponseWriter, r *http.Request) {
	a := s.actor(r)
	if err := s.app.AgreeGoal(r.Context(), a, a.P.ClientID, r.PathValue("goal")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderIntentions(w, r, http.StatusOK, view.IntentionsView{}, "Your agreement is recorded.")
}

func (s *Server) showChecklist(w http.ResponseWriter, r *http.Request) {
	s.renderChecklist(w, r, http.StatusOK, nil, nil, "")
}

// renderChecklist shows the checklist: the saved one, or what was typed
// when it was refused.
func (s *Server) renderChecklist(w http.ResponseWriter, r *http.Request, status int, typed *store.Checklist, errs view.FieldErrors, notice string) {
	pc, err := s.app.MyPreparation(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cl := pc.Checklist
	if typed != nil {
		cl = *typed
	}
	cv := view.ChecklistView{HasCourse: pc.HasCourse, FastingHours: strconv.FormatFloat(pc.FastingHours, 'f', -1, 64),
		FastingUnderstood: cl.FastingUnderstood, NoSubstances: cl.NoSubstances, StimulantsPaused: cl.StimulantsPaused,
		CompanionName: cl.CompanionName, CompanionPhone: cl.CompanionPhone, RoomReady: cl.RoomReady, RoomNote: cl.RoomNote,
		Done: plural(pc.Checklist.Done(), "item") + " of " + itoa(store.ChecklistItems) + " done.", Errors: errs}
	p := s.page(r, "Getting ready", "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Checklist(p, cv))
}

func (s *Server) doChecklist(w http.ResponseWriter, r *http.Request) {
	cl := store.Checklist{FastingUnderstood: r.PostFormValue("fasting") == "1", NoSubstances: r.PostFormValue("substances") == "1",
		StimulantsPaused: r.PostFormValue("stimulants") == "1", CompanionName: r.PostFormValue("companion_name"),
		CompanionPhone: r.PostFormValue("companion_phone"), RoomReady: r.PostFormValue("room") == "1", RoomNote: r.PostFormValue("room_note")}
	if err := s.app.SaveChecklist(r.Context(), s.actor(r), cl); err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			s.renderChecklist(w, r, http.StatusBadRequest, &cl, errs, "")
		})
		return
	}
	s.renderChecklist(w, r, http.StatusOK, nil, nil, "Your checklist is saved.")
}
