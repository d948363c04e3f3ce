package web

import (
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/web/view"
)

// The admin's consent documents: each edit publishes a new version.

func (s *Server) showConsentAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderConsentAdmin(w, r, http.StatusOK, view.ConsentAdminDoc{}, "")
}

// renderConsentAdmin shows every document; failed, when set, is the form
// that was refused, shown again in place of its document's (or the new) form.
func (s *Server) renderConsentAdmin(w http.ResponseWriter, r *http.Request, status int, failed view.ConsentAdminDoc, notice string) {
	lib, err := s.app.ConsentDocuments(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tf := s.timeFormat(r)
	av := view.ConsentAdminView{New: view.ConsentAdminDoc{Required: true}}
	placed := false
	for _, d := range lib.Documents {
		row := view.ConsentAdminDoc{Kind: d.Kind, Title: d.Title, Version: d.Version, Body: d.Body, Required: d.Required, Signed: lib.Signed[d.ID]}
		if d.ID != "" {
			row.Published = dateText(d.PublishedAt, tf)
		}
		if failed.Errors != nil && failed.Kind == d.Kind {
			row.Title, row.Body, row.Required, row.Errors = failed.Title, failed.Body, failed.Required, failed.Errors
			placed = true
		}
		av.Docs = append(av.Docs, row)
	}
	if failed.Errors != nil && !placed {
		av.New = failed
	}
	p := s.page(r, "Consent documents", "/admin/settings")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.ConsentAdmin(p, av))
}

func (s *Server) doPublishConsent(w http.ResponseWriter, r *http.Request) {
	form := view.ConsentAdminDoc{Kind: strings.TrimSpace(r.PostFormValue("kind")), Title: r.PostFormValue("title"),
		Body: r.PostFormValue("body"), Required: r.PostFormValue("required") == "1"}
	d, err := s.app.SaveConsentDocument(r.Context(), s.actor(r), practice.ConsentDocumentInput{Kind: form.Kind, Title: form.Title, Body: form.Body,
		Required: form.Required})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderConsentAdmin(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	s.renderConsentAdmin(w, r, http.StatusOK, view.ConsentAdminDoc{}, "Version "+strconv.Itoa(d.Version)+" of "+d.Title+" is published.")
}
