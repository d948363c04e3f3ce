package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The front door: the public pages a visitor reads before they are anyone's
// client, the inquiry form, and the staff's list of inquiries.
//
// Inquiries go to the first clinic of the installation (the one created
// first), or to the clinic named by ?clinic=shortname on the inquiry page, so
// a network of clinics can link each clinic's own form.

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

// Spam protection, all without third parties.
const (
	inquiryMinFill   = 3 * time.Second // a person takes longer than this to fill the form
	inquiryMaxAge    = 24 * time.Hour
	inquiryPerIPHour = 5
)

// publicClinic is the clinic a visitor's inquiry goes to.
func (s *Server) publicClinic(r *http.Request) (store.Clinic, error) {
	ctx := r.Context()
	var c store.Clinic
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if ref := strings.TrimSpace(r.URL.Query().Get("clinic")); ref != "" {
			c, err = tx.ClinicByRef(ctx, ref)
			return err
		}
		c, err = tx.FirstClinic(ctx)
		return err
	})
	return c, err
}

// publicInfo is what a visitor is told of the clinic their inquiry goes to;
// nothing when it cannot be read.
func (s *Server) publicInfo(r *http.Request) view.PublicClinic {
	c, err := s.publicClinic(r)
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

// formKey signs the inquiry form's start time. It is derived from the master
// key, so every instance behind a load balancer accepts each other's forms;
// without one (never in a real deployment) a per-process key is used.
func (s *Server) formKey() []byte {
	if k, err := s.st.PurposeKey("inquiry form"); err == nil {
		return k
	}
	processKeyOnce.Do(func() { processKey = make([]byte, 32); rand.Read(processKey) })
	return processKey
}

var (
	processKeyOnce sync.Once
	processKey     []byte
)

func (s *Server) formStamp(at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, s.formKey())
	m.Write([]byte("inquiry|" + ts))
	return ts + "." + hex.EncodeToString(m.Sum(nil))
}

// stampAge checks a stamp and says how long ago the form was served; ok is
// false when the stamp was not made by us.
func (s *Server) stampAge(stamp string, now time.Time) (time.Duration, bool) {
	ts, _, found := strings.Cut(stamp, ".")
	if !found {
		return 0, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || !hmac.Equal([]byte(s.formStamp(time.Unix(n, 0))), []byte(stamp)) {
		return 0, false
	}
	return now.Sub(time.Unix(n, 0)), true
}

func (s *Server) showInquire(w http.ResponseWriter, r *http.Request) {
	s.renderInquire(w, r, http.StatusOK, view.InquiryForm{})
}

func (s *Server) renderInquire(w http.ResponseWriter, r *http.Request, status int, f view.InquiryForm) {
	f.Stamp = s.formStamp(s.now())
	f.Clinic = s.publicInfo(r)
	s.render(w, r, status, view.Inquire(s.page(r, "Get in touch", ""), f))
}

func (s *Server) doInquire(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.now()
	f := view.InquiryForm{
		Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Message: strings.TrimSpace(r.PostFormValue("message")),
		Consent: r.PostFormValue("consent") == "yes",
	}
	ip := clientIP(r)
	var recent int
	err := s.st.Write(ctx, func(tx *store.Tx) (err error) {
		if recent, err = tx.InquiryAttempts(ctx, ip, now.Add(-time.Hour)); err != nil {
			return err
		}
		return tx.RecordInquiryAttempt(ctx, auth.NewID(), ip, now)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if recent >= inquiryPerIPHour {
		s.fail(w, r, problem.New(problem.TooMany, "Several messages have come from this connection in the last hour. Please try again later, or call or email the clinic."))
		return
	}
	// A filled honeypot, a forged stamp or a form sent faster than a person
	// types: a robot. It sees the same thank-you page and nothing is kept.
	age, signed := s.stampAge(r.PostFormValue("started"), now)
	if r.PostFormValue("website") != "" || !signed || age < inquiryMinFill {
		s.record(r, audit.Entry{Action: "inquiry.spam", ResourceType: "inquiry", Outcome: "denied", Detail: "caught by the spam checks"})
		s.render(w, r, http.StatusOK, view.InquiryThanks(s.page(r, "Thank you", ""), s.publicInfo(r)))
		return
	}
	f.Errors = view.FieldErrors{}
	if age > inquiryMaxAge {
		f.Errors["form"] = "This page was open for a long time. Please check your message and send it again."
	}
	if f.Name == "" {
		f.Errors["name"] = "Please tell us your name."
	}
	if f.Email == "" && f.Phone == "" {
		f.Errors["email"] = "Please give an email address or a phone number so we can reply."
	} else if f.Email != "" {
		if err := store.ValidateEmail(store.NormalizeEmail(f.Email)); err != nil {
			f.Errors["email"] = "That email address does not look complete; please check it."
		}
	}
	if len(f.Message) > 4000 {
		f.Errors["message"] = "That is a little long: please keep it under 4,000 characters. We can talk about the rest."
	}
	if !f.Consent {
		f.Errors["consent"] = "Please tick the box so we may contact you; without it we cannot reply."
	}
	if len(f.Errors) > 0 {
		s.renderInquire(w, r, http.StatusBadRequest, f)
		return
	}
	clinic, err := s.publicClinic(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := store.Inquiry{ID: auth.NewID(), ClinicID: clinic.ID, Name: f.Name, Email: store.NormalizeEmail(f.Email), Phone: f.Phone,
		Message: f.Message, Consent: true, ReceivedAt: now}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateInquiry(ctx, &q); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "inquiry.create", ResourceType: "inquiry", ResourceID: q.ID, ClinicID: clinic.ID})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, view.InquiryThanks(s.page(r, "Thank you", ""), publicClinicView(clinic)))
}

// --- the staff's side ---

func (s *Server) allowInquiries(r *http.Request, a access.Action) bool {
	v := viewerOf(r.Context())
	return access.Allow(v.P, a, access.Resource{Type: access.Inquiries, ClinicID: v.P.ClinicID})
}

func (s *Server) showInquiries(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !s.allowInquiries(r, access.List) {
		s.deny(w, r, "inquiries", "")
		return
	}
	status := r.URL.Query().Get("status")
	switch status {
	case "", store.InquiryNew, store.InquiryContacted, store.InquiryConverted, store.InquiryClosed:
	default:
		status = ""
	}
	var list []store.Inquiry
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { list, err = tx.Inquiries(ctx, v.P.ClinicID, status); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	s.record(r, audit.Entry{Action: "inquiry.list", ResourceType: "inquiries", Detail: plural(len(list), "inquiry")})
	iv := view.InquiriesView{Status: status}
	for _, q := range list {
		iv.Rows = append(iv.Rows, s.inquiryRow(r, q))
	}
	s.render(w, r, http.StatusOK, view.Inquiries(s.page(r, "Inquiries", "/inquiries"), iv))
}

func (s *Server) inquiryRow(r *http.Request, q store.Inquiry) view.InquiryRow {
	loc := viewerOf(r.Context()).Clinic.Location()
	return view.InquiryRow{ID: q.ID, Name: q.Name, Email: q.Email, Phone: q.Phone, Message: q.Message, Status: q.Status,
		CloseReason: q.CloseReason, ClientID: q.ClientID, Received: q.ReceivedAt.In(loc).Format("2 Jan 2006, 15:04")}
}

// loadInquiry reads one inquiry of the viewer's clinic, if they may act on it.
func (s *Server) loadInquiry(w http.ResponseWriter, r *http.Request, a access.Action) (store.Inquiry, bool) {
	ctx := r.Context()
	v := viewerOf(ctx)
	id := r.PathValue("id")
	if !s.allowInquiries(r, a) {
		s.deny(w, r, "inquiry", id)
		return store.Inquiry{}, false
	}
	var q store.Inquiry
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { q, err = tx.Inquiry(ctx, v.P.ClinicID, id); return err }); err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			s.deny(w, r, "inquiry", id)
			return q, false
		}
		s.fail(w, r, err)
		return q, false
	}
	return q, true
}

func (s *Server) showInquiry(w http.ResponseWriter, r *http.Request) {
	q, ok := s.loadInquiry(w, r, access.Read)
	if !ok {
		return
	}
	s.record(r, audit.Entry{Action: "inquiry.read", ResourceType: "inquiry", ResourceID: q.ID})
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
	s.moveInquiry(w, r, store.InquiryContacted, "", "Marked as contacted.")
}

func (s *Server) doCloseInquiry(w http.ResponseWriter, r *http.Request) {
	s.moveInquiry(w, r, store.InquiryClosed, strings.TrimSpace(r.PostFormValue("reason")), "The inquiry is closed.")
}

func (s *Server) moveInquiry(w http.ResponseWriter, r *http.Request, status, reason, notice string) {
	ctx := r.Context()
	v := viewerOf(ctx)
	q, ok := s.loadInquiry(w, r, access.Write)
	if !ok {
		return
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetInquiryStatus(ctx, q, status, reason, "", v.P.UserID, s.now()); err != nil {
			return err
		}
		return s.recordTx(ctx, tx, r, audit.Entry{Action: "inquiry." + status, ResourceType: "inquiry", ResourceID: q.ID})
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f := convertDefaults(q)
			f.Errors = errs
			s.renderInquiry(w, r, http.StatusBadRequest, q, f, "")
		})
		return
	}
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { q, err = tx.Inquiry(ctx, v.P.ClinicID, q.ID); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderInquiry(w, r, http.StatusOK, q, convertDefaults(q), notice)
}

// doConvertInquiry turns an inquiry into a client with a course in intake,
// and, if asked, invites them to the portal, all in one transaction.
func (s *Server) doConvertInquiry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	q, ok := s.loadInquiry(w, r, access.Write)
	if !ok {
		return
	}
	f := view.ConvertForm{GivenName: strings.TrimSpace(r.PostFormValue("given_name")), FamilyName: strings.TrimSpace(r.PostFormValue("family_name")),
		DateOfBirth: strings.TrimSpace(r.PostFormValue("date_of_birth")), Invite: r.PostFormValue("invite") == "1"}
	now := s.now()
	c := store.Client{ID: auth.NewID(), ClinicID: v.P.ClinicID, GivenName: f.GivenName, FamilyName: f.FamilyName,
		DateOfBirth: f.DateOfBirth, Email: q.Email, Phone: q.Phone, CreatedAt: now}
	var link practice.Link
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateClient(ctx, &c); err != nil {
			return err
		}
		if v.P.Has(access.Therapist) || v.P.Has(access.Prescriber) {
			if err := tx.AddToCareTeam(ctx, c.ID, v.P.UserID, now); err != nil {
				return err
			}
		}
		course := store.Course{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, State: care.Intake, StartedAt: now, CreatedAt: now}
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		if err := tx.SetInquiryStatus(ctx, q, store.InquiryConverted, "", c.ID, v.P.UserID, now); err != nil {
			return err
		}
		if err := s.recordTx(ctx, tx, r, audit.Entry{Action: "inquiry.convert", ResourceType: "client", ResourceID: c.ID, ClientID: c.ID, Detail: "from inquiry " + q.ID}); err != nil {
			return err
		}
		if f.Invite {
			var err error
			link, err = s.inviteClientTx(ctx, tx, r, c)
			return err
		}
		return nil
	})
	if err != nil {
		s.refuseForm(w, r, err, func(errs view.FieldErrors) {
			f.Errors = errs
			s.renderInquiry(w, r, http.StatusBadRequest, q, f, "")
		})
		return
	}
	notice := c.DisplayName() + " is now a client, with a course in intake."
	if f.Invite {
		notice += " " + s.app.DeliverLink(ctx, s.actor(r), link).Notice()
	}
	s.showClientWith(w, r, c.ID, notice)
}
