package web

import (
	"net/http"
	"strings"
	"time"

	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The front door: the public pages a visitor reads before they are anyone's
// client, the inquiry form, and the staff's list of inquiries. Inquiries go
// to the clinic named by ?clinic=shortname on the inquiry page, or to the
// installation's first (practice.SendInquiry).

func (s *Server) frontDoorRoutes() []Route {
	return []Route{
		{"GET", "/about-kap", Public, s.showPublic},
		{"GET", "/is-it-for-me", Public, s.showPublic},
		{"GET", "/medicine-sessions", Public, s.showPublic},
		{"GET", "/safety", Public, s.showPublic},
		{"GET", "/questions", Public, s.showPublic},
		{"GET", "/inquire", Public, s.showInquire},
		{"POST", "/inquire", Public, s.doInquire},

		{"GET", "/inquiries", StaffOnly, s.showInquiries},
		{"GET", "/inquiries/{id}", StaffOnly, s.showInquiry},
		{"POST", "/inquiries/{id}/contacted", StaffOnly, s.doInquiryContacted},
		{"POST", "/inquiries/{id}/convert", StaffOnly, s.doConvertInquiry},
		{"POST", "/inquiries/{id}/close", StaffOnly, s.doCloseInquiry},

		{"GET", "/portal/intake", ClientOnly, s.showIntake},
		{"GET", "/portal/intake/{section}", ClientOnly, s.showIntakeSection},
		{"POST", "/portal/intake/{section}", ClientOnly, s.doIntakeSection},
		{"POST", "/portal/intake-finish", ClientOnly, s.doFinishIntake},

		{"GET", "/clients/{id}/screening", StaffOnly, s.showScreening},
		{"POST", "/clients/{id}/screening", StaffOnly, s.doScreeningDecision},
		{"GET", "/clients/{id}/intake", StaffOnly, s.showStaffIntake},          // intake_staff.go
		{"POST", "/clients/{id}/intake/return", StaffOnly, s.doReturnToIntake}, // intake_staff.go

		{"GET", "/admin/screening", StaffOnly, s.showScreeningSettings}, // screening_admin.go
		{"POST", "/admin/screening", StaffOnly, s.doScreeningSettings},
	}
}

// inquiryPerIPHour is how many inquiries one address may send in an hour.
const inquiryPerIPHour = practice.InquiriesPerHour

// publicInfo is what a visitor is told of the clinic their inquiry goes to
// (the one ?clinic= names, or the first); nothing when it cannot be read.
func (s *Server) publicInfo(r *http.Request) view.PublicClinic {
	c, err := s.app.PublicClinic(r.Context(), r.URL.Query().Get("clinic"))
	if err != nil {
		return view.PublicClinic{}
	}
	return publicClinicView(c)
}

// publicClinicView is what a visitor is told of the clinic c.
func publicClinicView(c store.Clinic) view.PublicClinic {
	return view.PublicClinic{Name: c.Name, Email: c.ContactEmail, Phone: c.ContactPhone, ShortName: c.ShortName}
}

func (s *Server) showPublic(w http.ResponseWriter, r *http.Request) {
	page, ok := view.PublicPageFor(r.URL.Path)
	if !ok {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, view.PublicInfo(s.page(r, page.Title, ""), page, s.publicInfo(r)))
}

// formStamp signs the time the inquiry form is served.
func (s *Server) formStamp(at time.Time) string { return s.app.InquiryStamp(at) }

func (s *Server) showInquire(w http.ResponseWriter, r *http.Request) {
	s.renderInquire(w, r, http.StatusOK, view.InquiryForm{}, s.publicInfo(r))
}

func (s *Server) renderInquire(w http.ResponseWriter, r *http.Request, status int, f view.InquiryForm, clinic view.PublicClinic) {
	f.Stamp = s.formStamp(s.now())
	f.Clinic = clinic
	s.render(w, r, status, view.Inquire(s.page(r, "Get in touch", ""), f))
}

func (s *Server) doInquire(w http.ResponseWriter, r *http.Request) {
	in := practice.InquiryInput{ClinicRef: r.URL.Query().Get("clinic"),
		Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"), Message: r.PostFormValue("message"),
		Consent: r.PostFormValue("consent") == "yes", Stamp: r.PostFormValue("started"), Honeypot: r.PostFormValue("website")}
	clinic, err := s.app.SendInquiry(r.Context(), s.actor(r), in)
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f := view.InquiryForm{Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email), Phone: strings.TrimSpace(in.Phone),
				Message: strings.TrimSpace(in.Message), Consent: in.Consent, Errors: errs}
			s.renderInquire(w, r, http.StatusBadRequest, f, publicClinicView(clinic))
		})
		return
	}
	s.render(w, r, http.StatusOK, view.InquiryThanks(s.page(r, "Thank you", ""), publicClinicView(clinic)))
}

// --- the staff's side ---

func (s *Server) showInquiries(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.Inquiries(r.Context(), s.actor(r), r.URL.Query().Get("status"))
	if err != nil {
		s.failDenied(w, r, "inquiries", "", err)
		return
	}
	iv := view.InquiriesView{Status: list.Status}
	for _, q := range list.Inquiries {
		iv.Rows = append(iv.Rows, s.inquiryRow(r, q))
	}
	s.render(w, r, http.StatusOK, view.Inquiries(s.page(r, "Inquiries", "/inquiries"), iv))
}

func (s *Server) inquiryRow(r *http.Request, q store.Inquiry) view.InquiryRow {
	tf := s.timeFormat(r)
	return view.InquiryRow{ID: q.ID, Name: q.Name, Email: q.Email, Phone: q.Phone, Message: q.Message, Status: q.Status,
		CloseReason: q.CloseReason, ClientID: q.ClientID, Received: tf.DateTime(q.ReceivedAt)}
}

func (s *Server) showInquiry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	q, err := s.app.Inquiry(r.Context(), s.actor(r), id)
	if err != nil {
		s.failDenied(w, r, "inquiry", id, err)
		return
	}
	s.renderInquiry(w, r, http.StatusOK, q, convertDefaults(q), "")
}

func (s *Server) renderInquiry(w http.ResponseWriter, r *http.Request, status int, q store.Inquiry, f view.ConvertForm, notice string) {
	p := s.page(r, "Inquiry from "+q.Name, "/inquiries")
	if notice != "" {
		p.Flash, p.FlashKind = notice, "ok"
	}
	s.render(w, r, status, view.InquiryPage(p, s.inquiryRow(r, q), f))
}

// convertDefaults fills the conversion form from the inquiry: the name split
// at its first space, and an invitation when there is an email to send it to.
func convertDefaults(q store.Inquiry) view.ConvertForm {
	return view.ConvertForm{GivenName: firstWord(q.Name), FamilyName: restWords(q.Name), Invite: q.Email != ""}
}

func firstWord(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func restWords(name string) string {
	f := strings.Fields(name)
	if len(f) < 2 {
		return ""
	}
	return strings.Join(f[1:], " ")
}

func (s *Server) doInquiryContacted(w http.ResponseWriter, r *http.Request) {
	s.markInquiry(w, r, store.InquiryContacted, "", "Marked as contacted.")
}

func (s *Server) doCloseInquiry(w http.ResponseWriter, r *http.Request) {
	s.markInquiry(w, r, store.InquiryClosed, strings.TrimSpace(r.PostFormValue("reason")), "The inquiry is closed.")
}

func (s *Server) markInquiry(w http.ResponseWriter, r *http.Request, status, reason, notice string) {
	q, err := s.app.MarkInquiry(r.Context(), s.actor(r), r.PathValue("id"), status, reason)
	if err != nil {
		s.refuseInquiry(w, r, q, convertDefaults(q), err)
		return
	}
	s.renderInquiry(w, r, http.StatusOK, q, convertDefaults(q), notice)
}

// refuseInquiry answers a change to an inquiry that was refused: the
// inquiry's page again with the form's messages, or the refusal.
func (s *Server) refuseInquiry(w http.ResponseWriter, r *http.Request, q store.Inquiry, f view.ConvertForm, err error) {
	s.refuseForm(w, r, err, func(errs view.FieldErrors) {
		f.Errors = errs
		s.renderInquiry(w, r, http.StatusBadRequest, q, f, "")
	})
}

// doConvertInquiry turns an inquiry into a client with a course in intake,
// and, if asked, invites them to the portal, all in one transaction.
func (s *Server) doConvertInquiry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := view.ConvertForm{GivenName: strings.TrimSpace(r.PostFormValue("given_name")), FamilyName: strings.TrimSpace(r.PostFormValue("family_name")),
		DateOfBirth: strings.TrimSpace(r.PostFormValue("date_of_birth")), Invite: r.PostFormValue("invite") == "1"}
	out, err := s.app.ConvertInquiry(ctx, s.actor(r), practice.ConvertInput{InquiryID: r.PathValue("id"), GivenName: f.GivenName, FamilyName: f.FamilyName,
		DateOfBirth: f.DateOfBirth, Invite: f.Invite})
	if err != nil {
		s.refuseInquiry(w, r, out.Inquiry, f, err)
		return
	}
	c := out.Client
	notice := c.DisplayName() + " is now a client, with a course in intake."
	if out.Invite != nil {
		notice += " " + out.Invite.Notice()
	}
	s.showClientWith(w, r, c.ID, notice)
}
