package practice

import (
	"context"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/store"
)

// ConvertInput turns an inquiry into a client: the name and date of birth
// as staff confirmed them, and whether to invite them to the portal.
type ConvertInput struct {
	InquiryID                          string
	GivenName, FamilyName, DateOfBirth string
	Invite                             bool
}

// Converted is the client an inquiry became, with their invitation when
// one was asked for. Inquiry is the inquiry as it stood, also when the
// conversion was refused, for the form to be shown again.
type Converted struct {
	Inquiry store.Inquiry
	Client  store.Client
	// Invite is the portal invitation, emailed when it could be.
	Invite *Link
}

var opConvert = op{action: "inquiry.convert"}

// ConvertInquiry makes the person of an inquiry a client, with a course in
// intake, puts a clinician who converts them on their care team, and, if
// asked, invites them to the portal: all in one transaction. The
// client's email and phone are the inquiry's. An inquiry converted or
// closed already is a Conflict, and no second client is made.
func (s *Service) ConvertInquiry(ctx context.Context, a Actor, in ConvertInput) (Converted, error) {
	var out Converted
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		q, err := s.inquiryFor(ctx, tx, a, opConvert, in.InquiryID, access.Write)
		if err != nil {
			return err
		}
		out.Inquiry = q
		c := store.Client{ID: auth.NewID(), ClinicID: a.P.ClinicID, GivenName: strings.TrimSpace(in.GivenName), FamilyName: strings.TrimSpace(in.FamilyName),
			DateOfBirth: strings.TrimSpace(in.DateOfBirth), Email: q.Email, Phone: q.Phone, CreatedAt: now}
		if err := plausibleBirth(c.DateOfBirth, calendar.Of(now, a.Location())); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &c); err != nil {
			return err
		}
		// A clinician is on the care team of the client they take on; an
		// admin sees every client anyway.
		if a.P.Has(access.Therapist) || a.P.Has(access.Prescriber) {
			if err := tx.AddToCareTeam(ctx, c.ID, a.P.UserID, now); err != nil {
				return err
			}
		}
		course := store.Course{ID: auth.NewID(), ClinicID: c.ClinicID, ClientID: c.ID, State: care.Intake, StartedAt: now, CreatedAt: now}
		if err := tx.CreateCourse(ctx, &course); err != nil {
			return err
		}
		if err := tx.SetInquiryStatus(ctx, q, store.InquiryConverted, "", c.ID, a.P.UserID, now); err != nil {
			return err
		}
		if err := s.appendTx(ctx, tx, a, audit.Entry{Action: opConvert.action, ResourceType: "client", ResourceID: c.ID, ClientID: c.ID,
			Detail: "from inquiry " + q.ID}); err != nil {
			return err
		}
		out.Client = c
		if !in.Invite {
			return nil
		}
		l, err := s.inviteClient(ctx, tx, a, c)
		out.Invite = &l
		return err
	})
	if err != nil || out.Invite == nil {
		return out, err
	}
	l := s.deliverLink(ctx, a, *out.Invite, a.Clinic.Name)
	out.Invite = &l
	return out, nil
}
