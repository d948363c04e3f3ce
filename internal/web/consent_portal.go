package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's consent pages: the list of documents, one document to read
// and sign, and withdrawal.

func (s *Server) showConsents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, ok := s.portalClientFor(w, r, access.Read)
	if !ok {
		return
	}
	var lv view.ConsentListView
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		lv.Docs, err = clientConsents(ctx, tx, c, v.Clinic.Location())
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "consent.list", ResourceType: "consent", ClientID: c.ID})
	s.render(w, r, http.StatusOK, view.ConsentList(s.page(r, "Consent", "/portal"), lv))
}

// clientConsents is where the client stands on each of the clinic's current
// consent documents, with dates in loc.
func clientConsents(ctx context.Context, tx *store.Tx, c store.Client, loc *time.Location) ([]view.ConsentStatus, error) {
	docs, err := tx.CurrentConsentDocuments(ctx, c.ClinicID)
	if err != nil {
		return nil, err
	}
	sigs, err := tx.ConsentSignatures(ctx, c.ClinicID, c.ID)
	if err != nil {
		return nil, err
	}
	return consentStatuses(docs, sigs, loc), nil
}

func (s *Server) showConsentDoc(w http.ResponseWriter, r *http.Request) {
	s.renderConsentDoc(w, r, http.StatusOK, view.ConsentDocView{}, "")
}

// renderConsentDoc shows a document with the client's standing on it; a
// refused form comes back with what was typed.
func (s *Server) renderConsentDoc(w http.ResponseWriter, r *http.Request, status int, form view.ConsentDocView, notice string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	kind := r.PathValue("kind")
	c, ok := s.portalClientFor(w, r, access.Read)
	if !ok {
		return
	}
	var doc store.ConsentDocument
	var sigs []store.ConsentSignature
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if doc, err = tx.CurrentConsentDocument(ctx, c.ClinicID, kind); err != nil {
			return err
		}
		sigs, err = tx.ConsentSignatures(ctx, c.ClinicID, c.ID)
		return err
	})
	if problem.CodeOf(err) == problem.NotFound {
		s.deny(w, r, "consent_document", kind)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "consent.read", ResourceType: "consent_document", ResourceID: doc.Kind, ClientID: c.ID,
		Detail: "version " + strconv.Itoa(doc.Version)})
	dv := form
	dv.Kind, dv.Title, dv.Version, dv.Sections = doc.Kind, doc.Title, doc.Version, sections(doc.Body)
	dv.Status = consentStatuses([]store.ConsentDocument{doc}, sigs, v.Clinic.Location())[0]
	_, dv.CanWithdraw = activeSignature(sigs, doc.Kind)
	if dv.TypedName == "" && dv.Errors == nil {
		dv.TypedName = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	p := s.page(r, doc.Title, "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.ConsentDoc(p, dv))
}

// activeSignature is the client's newest signature on a document kind that
// is not withdrawn, whatever its version: consent to an older version can
// still be withdrawn.
func activeSignature(sigs []store.ConsentSignature, kind string) (store.ConsentSignature, bool) {
	var out store.ConsentSignature
	found := false
	for _, sg := range sigs {
		if sg.Kind == kind && sg.WithdrawnAt == nil {
			out, found = sg, true
		}
	}
	return out, found
}

// sections splits a document's text into headed sections of paragraphs:
// blank lines separate paragraphs and "## " starts a heading.
func sections(body string) []view.TextSection {
	var out []view.TextSection
	cur := view.TextSection{}
	for _, block := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		if h, ok := strings.CutPrefix(block, "## "); ok {
			if cur.Heading != "" || len(cur.Paragraphs) > 0 {
				out = append(out, cur)
			}
			head, rest, _ := strings.Cut(h, "\n")
			cur = view.TextSection{Heading: strings.TrimSpace(head)}
			if rest = strings.TrimSpace(rest); rest != "" {
				cur.Paragraphs = append(cur.Paragraphs, rest)
			}
			continue
		}
		cur.Paragraphs = append(cur.Paragraphs, strings.Join(strings.Fields(block), " "))
	}
	if cur.Heading != "" || len(cur.Paragraphs) > 0 {
		out = append(out, cur)
	}
	return out
}

func (s *Server) doSignConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := s.portalClientFor(w, r, access.Write)
	if !ok {
		return
	}
	form := view.ConsentDocView{TypedName: r.PostFormValue("typed_name"), Agreed: r.PostFormValue("agreed") == "1"}
	read, _ := strconv.Atoi(r.PostFormValue("version"))
	sig := store.ConsentSignature{ClinicID: c.ClinicID, ClientID: c.ID, Kind: r.PathValue("kind"), TypedName: form.TypedName,
		Agreed: form.Agreed, SignedAt: s.now(), IP: clientIP(r)}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SignConsent(ctx, &sig, read); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "consent.sign", ResourceType: "consent_signature", ResourceID: sig.ID, ClientID: c.ID,
			Severity: audit.High, Detail: sig.Kind + " version " + strconv.Itoa(sig.Version)})
	})
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			s.deny(w, r, "consent_document", sig.Kind)
			return
		}
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderConsentDoc(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	s.renderConsentDoc(w, r, http.StatusOK, view.ConsentDocView{}, "Thank you. Your signature is recorded.")
}

func (s *Server) doWithdrawConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := s.portalClientFor(w, r, access.Write)
	if !ok {
		return
	}
	kind := r.PathValue("kind")
	form := view.ConsentDocView{Reason: r.PostFormValue("reason")}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		sigs, err := tx.ConsentSignatures(ctx, c.ClinicID, c.ID)
		if err != nil {
			return err
		}
		sig, ok := activeSignature(sigs, kind)
		if !ok {
			return problem.New(problem.Conflict, "There is no signed consent to withdraw.")
		}
		if err := tx.WithdrawConsent(ctx, c.ClinicID, c.ID, sig.ID, form.Reason, s.now()); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "consent.withdraw", ResourceType: "consent_signature", ResourceID: sig.ID, ClientID: c.ID,
			Severity: audit.High, Detail: kind + " version " + strconv.Itoa(sig.Version)})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			form.Errors = errs
			s.renderConsentDoc(w, r, http.StatusBadRequest, form, "")
		})
		return
	}
	s.renderConsentDoc(w, r, http.StatusOK, view.ConsentDocView{}, "Your consent is withdrawn. Your care team will be in touch.")
}

// portalPrep is what the portal's home says about preparation: the required
// documents the client has yet to sign at their current version.
func (s *Server) portalPrep(ctx context.Context, c store.Client) (view.PortalPrep, error) {
	var consents []view.ConsentStatus
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		consents, err = clientConsents(ctx, tx, c, time.UTC)
		return err
	})
	var out view.PortalPrep
	for _, st := range consents {
		if st.Required && st.Status != "signed" {
			out.ToSign = append(out.ToSign, st.Title)
		}
	}
	return out, err
}
