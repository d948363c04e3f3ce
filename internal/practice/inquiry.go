package practice

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The front door: a visitor's inquiry, with the checks that keep robots
// out (all without third parties), and the staff's list of inquiries.
//
// Inquiries go to the first clinic of the installation (the one created
// first), or to the clinic a visitor's link names by its short name, so a
// network of clinics can link each clinic's own form.

// The spam checks' limits.
const (
	// InquiryMinFill is less time than a person takes to fill the form.
	InquiryMinFill = 3 * time.Second
	// InquiryMaxAge is how long a served form may stay open before it is
	// sent back to be checked.
	InquiryMaxAge = 24 * time.Hour
	// InquiriesPerHour is how many forms one address may send in an hour.
	InquiriesPerHour = 5
)

// InquiryInput is the public inquiry form as a visitor sent it.
type InquiryInput struct {
	// ClinicRef names the clinic by its short name; "" is the
	// installation's first clinic.
	ClinicRef                   string
	Name, Email, Phone, Message string
	Consent                     bool
	// Stamp is the signed time the form was served (InquiryStamp).
	Stamp string
	// Honeypot is the field a person never sees: only a robot fills it.
	Honeypot string
}

var (
	opInquirySend = op{action: "inquiry.create"}
	opInquiryList = op{action: "inquiry.list"}
	opInquiryRead = op{action: "inquiry.read"}
)

// SendInquiry stores a visitor's inquiry for the clinic's staff, and
// returns the clinic it went to, for the thank-you page. Every form sent
// counts against its address's hourly limit, kept in the database so the
// limit holds across instances; a form over the limit is refused without
// a write. A robot (a filled honeypot, a stamp not
// made here, a form sent faster than a person types) is answered as a
// person would be, and nothing is kept but the count and, for the first
// robot of the address's hour, the entry that says so. Input a
// person can put right is refused field by field (FieldErrors).
func (s *Service) SendInquiry(ctx context.Context, a Actor, in InquiryInput) (store.Clinic, error) {
	now := s.Now()
	var clinic store.Clinic
	// An address over its limit is told so from a read: nothing is
	// written for it.
	address := addressSubject(a.IP)
	wait, err := s.waitFor(ctx, throttleInquiry, address, now)
	if err != nil {
		return clinic, err
	}
	if wait > 0 {
		return clinic, tooMany(wait, "Several messages have come from this connection in the last hour. Please try again in %s, or call or email the clinic.")
	}
	// refused is what the visitor is told once their form is counted: the
	// count commits, whatever else is refused.
	var refused error
	err = s.write(ctx, a, func(tx *store.Tx) error {
		if _, err := s.hit(ctx, tx, throttleInquiry, address, now); err != nil {
			return err
		}
		// A clinic that cannot be found is told only to a person whose form
		// is otherwise complete; the pages show no clinic meanwhile.
		pc, clinicErr := publicClinic(ctx, tx, in.ClinicRef)
		clinic = pc.Clinic
		if clinicErr != nil {
			clinic = store.Clinic{}
		}
		age, signed := s.stampAge(in.Stamp, now)
		if in.Honeypot != "" || !signed || age < InquiryMinFill {
			// The first robot of an address's hour is an entry; the rest
			// are counted and summarised (throttle.go).
			w, err := s.hit(ctx, tx, throttleInquirySpam, address, now)
			if err != nil || w.Hits > 1 {
				return err
			}
			return s.appendTx(ctx, tx, a, audit.Entry{Action: "inquiry.spam", ResourceType: "inquiry", Outcome: audit.Denied,
				Detail: "caught by the spam checks"})
		}
		if refused = checkInquiry(&in, age).err(); refused != nil {
			return nil
		}
		if clinicErr != nil {
			return clinicErr
		}
		q := store.Inquiry{ID: auth.NewID(), ClinicID: clinic.ID, Name: in.Name, Email: store.NormalizeEmail(in.Email), Phone: in.Phone,
			Message: in.Message, Consent: true, ReceivedAt: now}
		if err := tx.CreateInquiry(ctx, &q); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opInquirySend.action, ResourceType: "inquiry", ResourceID: q.ID, ClinicID: clinic.ID})
	})
	if err != nil {
		return clinic, err
	}
	return clinic, refused
}

// checkInquiry tidies what a visitor typed and says what is missing or
// wrong, by field.
func checkInquiry(in *InquiryInput, age time.Duration) FieldErrors {
	in.Name, in.Email = strings.TrimSpace(in.Name), strings.TrimSpace(in.Email)
	in.Phone, in.Message = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Message)
	errs := FieldErrors{}
	if age > InquiryMaxAge {
		errs["form"] = "This page was open for a long time. Please check your message and send it again."
	}
	if in.Name == "" {
		errs["name"] = "Please tell us your name."
	}
	// A phone number typed where the e-mail goes is a phone number: the
	// person gave a way to reach them, and it is taken as that.
	if in.Phone == "" && looksLikePhone(in.Email) {
		in.Phone, in.Email = in.Email, ""
	}
	if in.Email == "" && in.Phone == "" {
		errs["email"] = "Please give an email address or a phone number so we can reply."
	} else if in.Email != "" {
		if err := store.ValidateEmail(store.NormalizeEmail(in.Email)); err != nil {
			errs["email"] = "That email address does not look complete; please check it."
		}
	}
	if len(in.Message) > 4000 {
		errs["message"] = "That is a little long: please keep it under 4,000 characters. We can talk about the rest."
	} else if err := problem.Prose("message", "Your message", in.Message, 4000); err != nil {
		errs["message"] = problem.MessageOf(err)
	}
	for _, f := range []struct{ field, label, v string }{{"name", "Your name", in.Name}, {"email", "The email address", in.Email}, {"phone", "The phone number", in.Phone}} {
		if err := problem.Line(f.field, f.label, f.v, 200); err != nil {
			errs[f.field] = problem.MessageOf(err)
		}
	}
	if !in.Consent {
		errs["consent"] = "Please tick the box so we may contact you; without it we cannot reply."
	}
	return errs
}

// PublicClinic is the clinic a visitor's inquiry goes to: the one ref names
// by its short name, or the installation's first. What it holds is public:
// the name and how to reach the clinic.
func (s *Service) PublicClinic(ctx context.Context, ref string) (store.Clinic, error) {
	var c store.Clinic
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		pc, err := publicClinic(ctx, tx, ref)
		c = pc.Clinic
		return err
	})
	return c, err
}

// InquiryStamp signs the time the inquiry form is served, so SendInquiry
// can tell that the form came from this site and how long it was open.
func (s *Service) InquiryStamp(at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, s.formKey())
	m.Write([]byte("inquiry|" + ts))
	return ts + "." + hex.EncodeToString(m.Sum(nil))
}

// stampAge checks a stamp and says how long ago the form was served; ok is
// false when the stamp was not made here.
func (s *Service) stampAge(stamp string, now time.Time) (time.Duration, bool) {
	ts, _, found := strings.Cut(stamp, ".")
	if !found {
		return 0, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || !hmac.Equal([]byte(s.InquiryStamp(time.Unix(n, 0))), []byte(stamp)) {
		return 0, false
	}
	return now.Sub(time.Unix(n, 0)), true
}

// formKey signs the inquiry form's start time, the same on every
// instance (purposeKey).
func (s *Service) formKey() []byte { return s.purposeKey("inquiry form") }

// --- the staff's side ---

// inquiryStatuses are the statuses the staff's list may be narrowed to.
var inquiryStatuses = []string{store.InquiryNew, store.InquiryContacted, store.InquiryConverted, store.InquiryClosed}

// InquiryList is the clinic's inquiries of one status ("" for all).
type InquiryList struct {
	Status    string
	Inquiries []store.Inquiry
}

// Inquiries lists the clinic's inquiries, newest first, of one status
// ("", or one not known, for all). The listing is recorded.
func (s *Service) Inquiries(ctx context.Context, a Actor, status string) (InquiryList, error) {
	if !slices.Contains(inquiryStatuses, status) {
		status = ""
	}
	var list []store.Inquiry
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if err := s.clinicWide(a, opInquiryList, access.Inquiries, access.List, "inquiries", ""); err != nil {
			return err
		}
		var err error
		list, err = tx.Inquiries(ctx, a.P.ClinicID, status)
		return err
	})
	if err != nil {
		return InquiryList{}, err
	}
	detail := strconv.Itoa(len(list)) + " inquiries"
	if len(list) == 1 {
		detail = "1 inquiry"
	}
	return InquiryList{Status: status, Inquiries: list}, s.Record(ctx, a, audit.Entry{Action: opInquiryList.action, ResourceType: "inquiries", Detail: detail})
}

// Inquiry is one inquiry of the clinic; the reading is recorded.
func (s *Service) Inquiry(ctx context.Context, a Actor, id string) (store.Inquiry, error) {
	var q store.Inquiry
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		q, err = s.inquiryFor(ctx, tx, a, opInquiryRead, id, access.Read)
		return err
	})
	if err != nil {
		return q, err
	}
	return q, s.Record(ctx, a, audit.Entry{Action: opInquiryRead.action, ResourceType: "inquiry", ResourceID: q.ID})
}

// MarkInquiry moves an inquiry on: contacted, or closed with a reason (an
// inquiry is converted by ConvertInquiry, which makes its client). It
// returns the inquiry as it now stands, or, when refused, as it stood, for
// the form to be shown again.
func (s *Service) MarkInquiry(ctx context.Context, a Actor, id, status, reason string) (store.Inquiry, error) {
	o := op{action: "inquiry." + status}
	now := s.Now()
	var q store.Inquiry
	err := s.write(ctx, a, func(tx *store.Tx) error {
		var err error
		if q, err = s.inquiryFor(ctx, tx, a, o, id, access.Write); err != nil {
			return err
		}
		if status != store.InquiryContacted && status != store.InquiryClosed {
			return problem.Invalidf("status", "An inquiry is marked contacted or closed; it is converted by making its client.")
		}
		if err := tx.SetInquiryStatus(ctx, q, status, reason, "", a.P.UserID, now); err != nil {
			return err
		}
		if err := s.appendTx(ctx, tx, a, audit.Entry{Action: o.action, ResourceType: "inquiry", ResourceID: q.ID}); err != nil {
			return err
		}
		moved, err := tx.Inquiry(ctx, q.ClinicID, q.ID)
		if err == nil {
			q = moved
		}
		return err
	})
	return q, err
}

// inquiryFor loads an inquiry of the actor's clinic once access allows
// them to act on the inquiries; absent and refused are the same refusal.
func (s *Service) inquiryFor(ctx context.Context, tx *store.Tx, a Actor, o op, id string, act access.Action) (store.Inquiry, error) {
	const notFound = "The inquiry was not found."
	if err := s.clinicWide(a, o, access.Inquiries, act, "inquiry", id); err != nil {
		return store.Inquiry{}, err
	}
	if !auth.ValidID(id) {
		return store.Inquiry{}, s.refuse(a, o, "inquiry", "", "malformed id", notFound)
	}
	q, err := tx.Inquiry(ctx, a.P.ClinicID, id)
	if problem.CodeOf(err) == problem.NotFound {
		return q, s.refuse(a, o, "inquiry", id, "no such record", notFound)
	}
	return q, err
}

// MayListInquiries says whether the navigation offers the inquiries to p:
// the same decision the list itself asks.
func MayListInquiries(p access.Principal) bool {
	return access.Allow(p, access.List, access.Resource{Type: access.Inquiries, ClinicID: p.ClinicID})
}

// looksLikePhone reports whether s is a phone number rather than an e-mail
// address: no @, at least seven digits, and nothing but digits, spaces and
// + ( ) - . /
func looksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-./", r):
		default:
			return false
		}
	}
	return digits >= 7
}
