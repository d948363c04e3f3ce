package web

import (
	"net/http"
	"strconv"

	"doorway/internal/integration"
	"doorway/internal/practice"
	"doorway/internal/web/view"
)

// Couples work: the care team's page that links two clients as a couple
// (/clients/{id}/couple), and the partners' shared reflection space in the
// portal (/portal/couple). The use cases are practice's (couples.go,
// couple_space.go).

func couplePath(clientID string) string { return "/clients/" + clientID + "/couple" }

func (s *Server) showCouple(w http.ResponseWriter, r *http.Request) {
	s.renderCouple(w, r, http.StatusOK, "", nil, "")
}

func (s *Server) renderCouple(w http.ResponseWriter, r *http.Request, status int, partner string, errs view.FieldErrors, notice string) {
	id := r.PathValue("id")
	cp, err := s.app.CouplesPageOf(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	tf := s.timeFormat(r)
	c := cp.Client
	v := view.CouplesView{ClientID: c.ID, ClientName: c.DisplayName(), CanEnd: cp.CanEnd, CanLink: cp.CanLink, Errors: errs}
	row := func(co practice.CoupleOf) view.CoupleRow {
		p := co.PartnerOf(c.ID)
		out := view.CoupleRow{ID: co.ID, PartnerID: p.ID, PartnerName: p.DisplayName(), Since: view.When(co.CreatedAt, tf)}
		if co.EndedAt != nil {
			out.Ended = view.When(*co.EndedAt, tf)
		}
		return out
	}
	if cp.Live != nil {
		live := row(*cp.Live)
		v.Live = &live
	}
	v.Consents = gateRows(cp.Consents, tf)
	for _, co := range cp.Past {
		v.Past = append(v.Past, row(co))
	}
	for _, o := range cp.Choices {
		v.Choices = append(v.Choices, view.Option{Value: o.ID, Label: o.DisplayName(), Selected: o.ID == partner})
	}
	p := s.page(r, "Couples work: "+c.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.Couples(p, v))
}

func (s *Server) doLinkCouple(w http.ResponseWriter, r *http.Request) {
	partner := r.PostFormValue("partner")
	if _, err := s.app.LinkCouple(r.Context(), s.actor(r), r.PathValue("id"), partner); err != nil {
		if practice.Recorded(err) {
			s.notFound(w, r)
			return
		}
		s.refuseForm(w, r, err, func(errs view.FieldErrors) { s.renderCouple(w, r, http.StatusBadRequest, partner, errs, "") })
		return
	}
	s.renderCouple(w, r, http.StatusOK, "", nil, "The two are linked as a couple. Each signs the couples consent before any joint session.")
}

func (s *Server) doEndCouple(w http.ResponseWriter, r *http.Request) {
	if err := s.app.EndCouple(r.Context(), s.actor(r), r.PostFormValue("couple")); err != nil {
		s.failDenied(w, r, "couple", r.PostFormValue("couple"), err)
		return
	}
	s.renderCouple(w, r, http.StatusOK, "", nil, "Couples work has ended for both partners.")
}

func (s *Server) showSharedSpace(w http.ResponseWriter, r *http.Request) {
	s.renderSharedSpace(w, r, http.StatusOK, "", "", nil, "")
}

func (s *Server) renderSharedSpace(w http.ResponseWriter, r *http.Request, status int, prompt, body string, errs view.FieldErrors, notice string) {
	sp, err := s.app.MySharedSpace(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tf := s.timeFormat(r)
	v := view.SharedSpaceView{InCouple: sp.Couple != nil, Open: sp.Open, PartnerName: sp.Partner.DisplayName(), Caution: integration.CoupleCaution,
		ChapterTitle: sp.Chapter.Title, ChapterHref: "/portal/workbook/" + strconv.Itoa(sp.Chapter.Number), Body: body, Errors: errs}
	texts := map[string]string{}
	for _, pr := range sp.Chapter.Prompts {
		texts[pr.ID] = pr.Text
		v.Prompts = append(v.Prompts, view.Option{Value: pr.ID, Label: pr.Text, Selected: pr.ID == prompt})
	}
	for _, re := range sp.Reflections {
		author := v.PartnerName
		if re.AuthorID == sp.Client.ID {
			author = "You"
		}
		v.Reflections = append(v.Reflections, view.ReflectionRow{Author: author, When: view.When(re.CreatedAt, tf), Prompt: texts[re.PromptKey], Body: re.Body})
	}
	p := s.page(r, "Our shared space", "/portal/couple")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.SharedSpace(p, v))
}

func (s *Server) doSharedReflection(w http.ResponseWriter, r *http.Request) {
	prompt, body := r.PostFormValue("prompt"), r.PostFormValue("body")
	if _, err := s.app.WriteSharedReflection(r.Context(), s.actor(r), prompt, body); err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) { s.renderSharedSpace(w, r, http.StatusBadRequest, prompt, body, errs, "") })
		return
	}
	s.renderSharedSpace(w, r, http.StatusOK, "", "", nil, "Shared. Your partner will see it in this space.")
}

func (s *Server) doLeaveCouples(w http.ResponseWriter, r *http.Request) {
	if err := s.app.LeaveCouples(r.Context(), s.actor(r), r.PostFormValue("reason")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSharedSpace(w, r, http.StatusOK, "", "", nil, "You have left couples work. Your own care goes on.")
}

func jointPath(apptID string) string { return "/schedule/" + apptID + "/joint" }

// showJointSession is the joint live view of a couple's medicine session.
func (s *Server) showJointSession(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	tf := s.timeFormat(r)
	js, err := s.app.JointSessionPage(r.Context(), s.actor(r), r.PathValue("appt"))
	if err != nil {
		s.failDenied(w, r, "medicine_session", r.PathValue("appt"), err)
		return
	}
	jv := view.JointSessionView{ApptID: js.Appointment.ID, When: view.When(js.Appointment.StartsAt, tf)}
	for i, part := range js.Parts {
		n := strconv.Itoa(i + 1)
		col := view.JointColumn{N: n, ClientID: part.Client.ID, Name: part.Client.DisplayName(), Problem: part.Problem,
			Visible: part.Page != nil || part.Problem != "", Href: sessionPath(part.Client.ID, js.Appointment.ID)}
		if p := part.Page; p != nil {
			sv := s.sessionView(p, view.SessionForm{}, v.P.UserID, tf)
			jv.Room = sv.Room
			col.State, col.StateLabel, col.Locked, col.Signed, col.Ready = sv.State, sv.StateLabel, sv.Locked, sv.Signed, sv.Ready
			for _, g := range sv.Gates {
				if !g.Cleared() {
					col.Blocking = append(col.Blocking, g)
				}
			}
			col.Live, col.Vitals = sv.Live, sv.Vitals
			if col.Live.Show {
				col.Live.IDPrefix, col.Live.URL = "p"+n+"-", col.Live.URL+"?column="+n
				jv.Script = true
			}
			col.Dosed, col.Discharge = !sv.Locked && sv.State == "dosed", sv.DischargeView
		}
		jv.Columns = append(jv.Columns, col)
	}
	s.render(w, r, http.StatusOK, view.JointSession(s.page(r, "Joint medicine session", "/schedule"), jv))
}
