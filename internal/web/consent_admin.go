package web

import (
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The admin's consent documents: each edit publishes a new version.

func (s *Server) showConsentAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, access.ClinicSettings, access.Read) {
		return
	}
	s.renderConsentAdmin(w, r, http.StatusOK, view.ConsentAdminDoc{}, "")
}

// renderConsentAdmin shows every document; failed, when set, is the form
// that was refused, shown again in place of its document's (or the new) form.
func (s *Server) renderConsentAdmin(w http.ResponseWriter, r *http.Request, status int, failed view.ConsentAdminDoc, notice string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	var docs []store.ConsentDocument
	var counts map[string]int
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if docs, err = tx.CurrentConsentDocuments(ctx, v.P.ClinicID); err != nil {
			return err
		}
		counts, err = tx.SignatureCounts(ctx, v.P.ClinicID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	av := view.ConsentAdminView{New: view.ConsentAdminDoc{Required: true}}
	placed := false
	for _, d := range docs {
		row := view.ConsentAdminDoc{Kind: d.Kind, Title: d.Title, Version: d.Version, Body: d.Body, Required: d.Required, Signed: counts[d.ID]}
		if d.ID != "" {
			row.Published = dateText(d.PublishedAt, v.Clinic.Location())
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
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.adminOnly(w, r, access.ClinicSettings, access.Write) {
		return
	}
	form := view.ConsentAdminDoc{Kind: strings.TrimSpace(r.PostFormValue("kind")), Title: r.PostFormValue("title"),
		Body: r.PostFormValue("body"), Required: r.PostFormValue("required") == "1"}
	d := store.ConsentDocument{ClinicID: v.P.ClinicID, Kind: form.Kind, Title: form.Title, Body: form.Body, Required: form.Required,
		PublishedAt: s.now(), CreatedBy: v.P.UserID}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PublishConsentDocument(ctx, &d); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "consent_document.publish", ResourceType: "consent_document", ResourceID: d.ID,
			Severity: audit.High, Detail: d.Kind + " version " + strconv.Itoa(d.Version)})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderConsentAdmin(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	s.renderConsentAdmin(w, r, http.StatusOK, view.ConsentAdminDoc{}, "Version "+strconv.Itoa(d.Version)+" of "+d.Title+" is published.")
}
