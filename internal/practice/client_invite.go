package practice

import (
	"context"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// InvitationLifetime is how long a portal invitation works (SECURITY.md).
const InvitationLifetime = 7 * 24 * time.Hour

// Invitation is a portal invitation made inside a use case: the account
// it is for and its one-time token. The adapter makes the link of the
// token and sends it, once the change has committed.
type Invitation struct {
	User  store.User
	Token string
}

// invitePortal creates (or reuses) a client's portal account inside tx and
// issues an invitation, recorded as client.invite. A client who has chosen
// a password already is a Conflict; one without an email cannot be
// invited.
func (s *Service) invitePortal(ctx context.Context, tx *store.Tx, a Actor, c store.Client, now time.Time) (Invitation, error) {
	var u store.User
	if c.UserID != "" {
		var err error
		if u, err = tx.User(ctx, c.UserID); err != nil {
			return Invitation{}, err
		}
		if u.PasswordHash != "" {
			return Invitation{}, problem.New(problem.Conflict, "This client already has a portal account. If they cannot sign in, they can use \"Forgotten your password?\".")
		}
	} else {
		if c.Email == "" {
			return Invitation{}, problem.Invalidf("email", "Add an email address for this client before inviting them.")
		}
		u = store.User{ID: auth.NewID(), ClinicID: c.ClinicID, Email: c.Email, Name: c.DisplayName(), Kind: "client", CreatedAt: now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return Invitation{}, err
		}
		if err := tx.LinkClientUser(ctx, c.ID, u.ID); err != nil {
			return Invitation{}, err
		}
	}
	token := auth.NewSecret()
	if err := tx.CreateLink(ctx, &store.Link{TokenHash: auth.HashSecret(token), UserID: u.ID, Purpose: "invite",
		CreatedBy: a.P.UserID, CreatedAt: now, ExpiresAt: now.Add(InvitationLifetime)}); err != nil {
		return Invitation{}, err
	}
	return Invitation{User: u, Token: token}, s.appendTx(ctx, tx, a, audit.Entry{Action: "client.invite", ResourceType: "user", ResourceID: u.ID, ClientID: c.ID})
}
