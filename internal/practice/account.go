package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The signed-in person's own account: their password, and (staff) their
// API tokens.

// AccountData is what the account page shows.
type AccountData struct {
	User   store.User
	Tokens []store.APIToken // staff only
}

// Account loads the signed-in person's account.
func (s *Service) Account(ctx context.Context, a Actor) (AccountData, error) {
	var out AccountData
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if out.User, err = tx.User(ctx, a.P.UserID); err != nil {
			return err
		}
		if a.P.Kind == access.Staff {
			out.Tokens, err = tx.APITokens(ctx, a.P.UserID)
		}
		return err
	})
	return out, err
}

// ChangePassword changes the signed-in person's password once their
// current one checks out. Other browsers are signed out; the caller's gets
// a fresh session, whose token is returned, ending when theirs would have.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, password, confirm string, sessionEnds time.Time) (string, error) {
	var u store.User
	if err := s.st.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.User(ctx, a.P.UserID); return err }); err != nil {
		return "", err
	}
	ok, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil && u.PasswordHash != "" {
		return "", err
	}
	switch {
	case !ok:
		return "", problem.Invalidf("current", "That is not your current password.")
	case auth.CheckPassword(password, u.Email) != nil:
		return "", problem.Invalidf("password", "%s", problem.MessageOf(auth.CheckPassword(password, u.Email)))
	case password != confirm:
		return "", problem.Invalidf("confirm", "The two new passwords are not the same.")
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return "", err
	}
	token := auth.NewSecret()
	now := s.Now()
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.RevokeDevices(ctx, u.ID, now); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, &store.Session{TokenHash: auth.HashSecret(token), UserID: u.ID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: sessionEnds, MFADone: true, IP: a.IP}); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user.password_change", ResourceType: "user", ResourceID: u.ID, Severity: audit.High})
	})
	return token, err
}

// CreateToken makes an API bearer token for the signed-in staff member,
// returned once; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, a Actor, name string) (string, error) {
	if a.P.Kind != access.Staff {
		return "", s.Deny(ctx, a, "api_token", "", "not staff")
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 80 {
		return "", problem.Invalidf("name", "Please give the token a name of up to 80 characters.")
	}
	if err := problem.Line("name", "The token's name", name, 80); err != nil {
		return "", err
	}
	token := auth.NewSecret()
	id := auth.NewID()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, &store.APIToken{ID: id, UserID: a.P.UserID, Name: name, TokenHash: auth.HashSecret(token), CreatedAt: s.Now()}); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "token.create", ResourceType: "api_token", ResourceID: id, Severity: audit.High})
	})
	return token, err
}

var opToken = op{action: "token.revoke"}

// RevokeToken revokes one of the signed-in person's own tokens.
func (s *Service) RevokeToken(ctx context.Context, a Actor, id string) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		err := tx.RevokeAPIToken(ctx, a.P.UserID, id, s.Now())
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuse(a, opToken, "api_token", id, "not theirs", "Not found.")
		}
		if err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opToken.action, ResourceType: "api_token", ResourceID: id, Severity: audit.High})
	})
}
