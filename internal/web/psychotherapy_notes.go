package web

import (
	"net/http"

	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// A clinician's psychotherapy notes about a client: their own, apart from
// the record. Every page here answers anyone but the author with the plain
// 404, as if nothing were there.

func processNotesPath(clientID string) string { return "/clients/" + clientID + "/psychotherapy-notes" }

func (s *Server) showProcessNotes(w http.ResponseWriter, r *http.Request) {
	s.renderProcessNotes(w, r, http.StatusOK, "", nil, "")
}

// renderProcessNotes shows the viewer's notes about the client, with a
// refused note's words and errors, or a notice.
func (s *Server) renderProcessNotes(w http.ResponseWriter, r *http.Request, status int, body string, errs view.FieldErrors, notice string) {
	id := r.PathValue("id")
	pn, err := s.app.MyPsychotherapyNotes(r.Context(), s.actor(r), id)
	if err != nil {
		s.failClient(w, r, id, err)
		return
	}
	tf := s.timeFormat(r)
	c := pn.Client
	v := view.ProcessNotesView{ClientID: c.ID, ClientName: c.DisplayName(), Body: body, Errors: errs}
	for _, n := range pn.Notes {
		row := view.ProcessNoteRow{Href: processNotesPath(c.ID) + "/" + n.ID, Written: view.When(n.CreatedAt, tf), Preview: preview(n.Body)}
		if !n.UpdatedAt.Equal(n.CreatedAt) {
			row.Changed = view.When(n.UpdatedAt, tf)
		}
		v.Notes = append(v.Notes, row)
	}
	p := s.page(r, "Psychotherapy notes: "+c.DisplayName(), "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.ProcessNotes(p, v))
}

func (s *Server) doNewProcessNote(w http.ResponseWriter, r *http.Request) {
	body := r.PostFormValue("body")
	if _, err := s.app.WritePsychotherapyNote(r.Context(), s.actor(r), r.PathValue("id"), "", body); err != nil {
		s.refuseProcessNote(w, r, err, func(errs view.FieldErrors) { s.renderProcessNotes(w, r, http.StatusBadRequest, body, errs, "") })
		return
	}
	s.renderProcessNotes(w, r, http.StatusOK, "", nil, "The note is saved. Only you can read it.")
}

// refuseProcessNote answers a refused write: a problem with the words
// comes back on the form; a refusal of access is the plain 404.
func (s *Server) refuseProcessNote(w http.ResponseWriter, r *http.Request, err error, show func(view.FieldErrors)) {
	if problem.CodeOf(err) == problem.NotFound {
		s.failClient(w, r, r.PathValue("id"), err)
		return
	}
	s.refuseForm(w, r, err, show)
}

func (s *Server) showProcessNote(w http.ResponseWriter, r *http.Request) {
	id, noteID := r.PathValue("id"), r.PathValue("pnote")
	c, n, err := s.app.MyPsychotherapyNote(r.Context(), s.actor(r), id, noteID)
	if err != nil {
		s.failDenied(w, r, "psychotherapy_note", noteID, err)
		return
	}
	notice := ""
	if r.URL.Query().Get("saved") == "1" {
		notice = "Your changes are saved."
	}
	s.renderProcessNote(w, r, http.StatusOK, c, n, nil, notice)
}

func (s *Server) renderProcessNote(w http.ResponseWriter, r *http.Request, status int, c store.Client, n store.PsychotherapyNote, errs view.FieldErrors, notice string) {
	tf := s.timeFormat(r)
	v := view.ProcessNoteView{ClientID: c.ID, ClientName: c.DisplayName(), ID: n.ID, Written: view.When(n.CreatedAt, tf), Body: n.Body, Errors: errs}
	if !n.UpdatedAt.Equal(n.CreatedAt) {
		v.Changed = view.When(n.UpdatedAt, tf)
	}
	p := s.page(r, "Psychotherapy note", "/caseload")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.ProcessNote(p, v))
}

func (s *Server) doProcessNote(w http.ResponseWriter, r *http.Request) {
	id, noteID := r.PathValue("id"), r.PathValue("pnote")
	body := r.PostFormValue("body")
	if _, err := s.app.WritePsychotherapyNote(r.Context(), s.actor(r), id, noteID, body); err != nil {
		s.refuseProcessNote(w, r, err, func(errs view.FieldErrors) {
			// The note as stored, with the words that were refused.
			c, n, lerr := s.app.MyPsychotherapyNote(r.Context(), s.actor(r), id, noteID)
			if lerr != nil {
				s.failDenied(w, r, "psychotherapy_note", noteID, lerr)
				return
			}
			n.Body = body
			s.renderProcessNote(w, r, http.StatusBadRequest, c, n, errs, "")
		})
		return
	}
	http.Redirect(w, r, processNotesPath(id)+"/"+noteID+"?saved=1", http.StatusSeeOther)
}
