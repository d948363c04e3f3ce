package web

import (
	"net/http"
	"strconv"
	"strings"

	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The client's consent pages: the list of documents, one document to read
// and sign, and withdrawal.

func (s *Server) showConsents(w http.ResponseWriter, r *http.Request) {
	cs, err := s.app.Consents(r.Context(), s.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lv := view.ConsentListView{Docs: consentStatuses(cs.Documents, cs.Signatures, s.timeFormat(r))}
	s.render(w, r, http.StatusOK, view.ConsentList(s.page(r, "Consent", "/portal"), lv))
}

func (s *Server) showConsentDoc(w http.ResponseWriter, r *http.Request) {
	s.renderConsentDoc(w, r, http.StatusOK, view.ConsentDocView{}, "")
}

// renderConsentDoc shows a document with the client's standing on it; a
// refused form comes back with what was typed.
func (s *Server) renderConsentDoc(w http.ResponseWriter, r *http.Request, status int, form view.ConsentDocView, notice string) {
	cp, err := s.app.ConsentDocument(r.Context(), s.actor(r), r.PathValue("kind"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, c := cp.Document, cp.Client
	dv := form
	dv.Kind, dv.Title, dv.Version, dv.Sections = doc.Kind, doc.Title, doc.Version, sections(doc.Body)
	dv.Status = consentStatuses([]store.ConsentDocument{doc}, cp.Signatures, s.timeFormat(r))[0]
	dv.CanWithdraw = cp.Withdrawable
	if dv.TypedName == "" && dv.Errors == nil {
		dv.TypedName = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	p := s.page(r, doc.Title, "/portal")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.ConsentDoc(p, dv))
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
	form := view.ConsentDocView{TypedName: r.PostFormValue("typed_name"), Agreed: r.PostFormValue("agreed") == "1"}
	read, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err := s.app.SignConsent(r.Context(), s.actor(r), practice.SignInput{Kind: r.PathValue("kind"), Version: read,
		TypedName: form.TypedName, Agreed: form.Agreed})
	if err != nil {
		s.refuseConsent(w, r, err, form)
		return
	}
	s.renderConsentDoc(w, r, http.StatusOK, view.ConsentDocView{}, "Thank you. Your signature is recorded.")
}

func (s *Server) doWithdrawConsent(w http.ResponseWriter, r *http.Request) {
	form := view.ConsentDocView{Reason: r.PostFormValue("reason")}
	if _, err := s.app.WithdrawConsent(r.Context(), s.actor(r), r.PathValue("kind"), form.Reason); err != nil {
		s.refuseConsent(w, r, err, form)
		return
	}
	s.renderConsentDoc(w, r, http.StatusOK, view.ConsentDocView{}, "Your consent is withdrawn. Your care team will be in touch.")
}

// refuseConsent shows a document again with the form that was refused.
func (s *Server) refuseConsent(w http.ResponseWriter, r *http.Request, err error, form view.ConsentDocView) {
	s.refuseForm(w, r, err, func(errs view.FieldErrors) {
		form.Errors = errs
		s.renderConsentDoc(w, r, http.StatusBadRequest, form, "")
	})
}
