package practice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/mail"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// One-time links: an invitation to choose a first password, or a reset.

// Link purposes, as their URLs begin.
const (
	LinkInvite = "invite"
	LinkReset  = "reset"
)

const (
	inviteLifetime = 7 * 24 * time.Hour
	resetLifetime  = time.Hour
)

// Link is a one-time link just made, for the person it is for.
type Link struct {
	For     store.User
	Purpose string
	URL     string
	// Mailed says the link is on its way by email; otherwise the person who
	// made it is shown it to pass on (Notice says which).
	Mailed bool
	// MailError is why the email could not be sent, when it could not.
	MailError error
}

// Notice tells the person who made the link what happened to it.
func (l Link) Notice() string {
	switch {
	case l.MailError != nil:
		return problem.MessageOf(l.MailError) + " " + l.URL
	case l.Mailed:
		return "An email with a one-time link is on its way to " + l.For.Name + "."
	}
	return "Email is not set up, so please give " + l.For.Name + " this one-time link yourself: " + l.URL
}

// issueLink makes a link inside tx; deliverLink emails it once the
// transaction has committed.
func (s *Service) issueLink(ctx context.Context, tx *store.Tx, a Actor, u store.User, purpose string) (Link, error) {
	token := auth.NewSecret()
	life := inviteLifetime
	if purpose == LinkReset {
		life = resetLifetime
	}
	now := s.Now()
	if err := tx.CreateLink(ctx, &store.Link{TokenHash: auth.HashSecret(token), UserID: u.ID, Purpose: purpose,
		CreatedBy: a.P.UserID, CreatedAt: now, ExpiresAt: now.Add(life)}); err != nil {
		return Link{}, err
	}
	return Link{For: u, Purpose: purpose, URL: strings.TrimRight(a.BaseURL, "/") + "/" + purpose + "/" + token}, nil
}

// deliverLink emails a link when SMTP is configured, and says so in it.
func (s *Service) deliverLink(ctx context.Context, a Actor, l Link, clinicName string) Link {
	if s.mailer == nil {
		return l
	}
	u := l.For
	m := mail.Message{To: u.Email}
	if l.Purpose == LinkInvite {
		m.Subject = "Your invitation to " + clinicName
		m.Body = fmt.Sprintf("Hello %s,\n\n%s has invited you to Doorway. Open this link to choose your password (it works for 7 days, once):\n\n%s\n\nIf you were not expecting this, you can ignore this email.\n", u.Name, clinicName, l.URL)
	} else {
		m.Subject = "Choose a new Doorway password"
		m.Body = fmt.Sprintf("Hello %s,\n\nOpen this link to choose a new password for Doorway (it works for one hour, once):\n\n%s\n\nIf you did not ask for this, you can ignore this email; your password has not changed.\n", u.Name, l.URL)
	}
	if err := s.mailer.Send(ctx, m); err != nil {
		s.log.Error("send link", "request_id", a.RequestID, "err", err)
		l.MailError = problem.New(problem.Unavailable, "The email could not be sent, so the link is shown here instead. Check the SMTP settings.")
		return l
	}
	l.Mailed = true
	return l
}

// CanMail reports whether links and reminders can be emailed.
func (s *Service) CanMail() bool { return s.mailer != nil }

// RequestReset emails a reset link to an account's address, when SMTP is
// configured. The answer is the same whether or not the address has an
// account; requests count against the account's sign-in limit, so the form
// cannot flood someone's inbox.
func (s *Service) RequestReset(ctx context.Context, a Actor, email string) error {
	if s.mailer == nil {
		return nil
	}
	email = store.NormalizeEmail(email)
	if err := store.ValidateEmail(email); err != nil {
		return err
	}
	var u store.User
	var clinic store.Clinic
	var l Link
	now := s.Now()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByEmail(ctx, email); err != nil || u.DisabledAt != nil {
			return problem.New(problem.NotFound, "")
		}
		if clinic, err = tx.Clinic(ctx, u.ClinicID); err != nil {
			return err
		}
		if n, _, err := tx.LoginFailures(ctx, email, "", now.Add(-failureWindow)); err != nil || n >= MaxFailuresPerAccount {
			return problem.New(problem.TooMany, "")
		}
		if err := tx.RecordLoginFailure(ctx, auth.NewID(), email, a.IP, now); err != nil {
			return err
		}
		if l, err = s.issueLink(ctx, tx, a, u, LinkReset); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user.reset_requested", ActorID: u.ID, ActorKind: actorKindOf(u), ClinicID: u.ClinicID,
			ResourceType: "user", ResourceID: u.ID})
	})
	switch problem.CodeOf(err) {
	case "":
		s.deliverLink(ctx, a, l, clinic.Name)
		return nil
	case problem.NotFound, problem.TooMany:
		return nil
	}
	return err
}

// OpenLink is a link that still works: not used, not expired, of the
// purpose its URL says, for an account that is not disabled.
type OpenLink struct {
	Link store.Link
	User store.User
}

// errDeadLink is every link that does not work, whatever the reason.
var errDeadLink = problem.New(problem.NotFound, "It has expired or has already been used. Please ask your clinic for a new one.")

// LinkFor loads the link whose token this is.
func (s *Service) LinkFor(ctx context.Context, purpose, token string) (OpenLink, error) {
	var ol OpenLink
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if ol.Link, err = tx.LinkByHash(ctx, auth.HashSecret(token), s.Now()); err != nil {
			return err
		}
		if ol.Link.Purpose != purpose {
			return errDeadLink
		}
		ol.User, err = tx.User(ctx, ol.Link.UserID)
		if err == nil && ol.User.DisabledAt != nil {
			err = errDeadLink
		}
		return err
	})
	if err != nil && problem.CodeOf(err) != problem.Internal {
		return ol, errDeadLink
	}
	return ol, err
}

// SetPassword chooses a password through a link, which is then used up; a
// new password ends every other session.
func (s *Service) SetPassword(ctx context.Context, a Actor, purpose, token, password, confirm string) error {
	ol, err := s.LinkFor(ctx, purpose, token)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password, ol.User.Email); err != nil {
		return problem.Invalidf("password", "%s", problem.MessageOf(err))
	}
	if password != confirm {
		return problem.Invalidf("confirm", "The two passwords are not the same.")
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	u := ol.User
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.UseLink(ctx, ol.Link.TokenHash, s.Now()); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.RevokeDevices(ctx, u.ID, s.Now()); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user.password_set", ActorID: u.ID, ActorKind: actorKindOf(u), ClinicID: u.ClinicID,
			ResourceType: "user", ResourceID: u.ID, Detail: "via " + ol.Link.Purpose + " link", Severity: audit.High})
	})
}
