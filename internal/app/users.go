package app

import (
	"context"
	"strings"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// inviteLifetime is how long a setup link printed by `user add` works: the
// same week an admin's invitation from the pages gives.
const inviteLifetime = 7 * 24 * time.Hour

// NewStaff is a staff member to add from the command line.
type NewStaff struct {
	Email string
	Name  string // default: the email's local part
	Roles []store.Role
	// Clinic is a clinic's id or short name; empty means the first clinic.
	Clinic string
	// When there is no clinic at all, the first one is made with these
	// settings (a fresh install has no other way to start); the short name
	// is Clinic, or "clinic". An admin renames it in the settings page.
	NewClinicName     string
	NewClinicTimeZone string
}

// Invitation is a staff account just made and the link to set it up.
type Invitation struct {
	User          store.User
	Clinic        store.Clinic
	ClinicCreated bool
	URL           string
	Expires       time.Time
}

// AddStaff creates a staff user and a one-time setup link, with their audit
// entries, in one transaction.
func (m *Main) AddStaff(ctx context.Context, in NewStaff) (Invitation, error) {
	if err := store.ValidateEmail(in.Email); err != nil {
		return Invitation{}, err
	}
	if len(in.Roles) == 0 {
		return Invitation{}, problem.Invalidf("role", "Give at least one role: admin, therapist or prescriber.")
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name, _, _ = strings.Cut(store.NormalizeEmail(in.Email), "@")
	}
	now := m.now()
	token := auth.NewSecret()
	inv := Invitation{Expires: now.Add(inviteLifetime)}
	err := m.Store.Write(ctx, func(tx *store.Tx) error {
		c, created, err := m.staffClinic(ctx, tx, in, now)
		if err != nil {
			return err
		}
		u := store.User{ID: auth.NewID(), ClinicID: c.ID, Email: in.Email, Name: in.Name, Kind: "staff",
			Roles: in.Roles, CreatedAt: now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.CreateLink(ctx, &store.Link{TokenHash: auth.HashSecret(token), UserID: u.ID, Purpose: "invite",
			CreatedAt: now, ExpiresAt: inv.Expires}); err != nil {
			return err
		}
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		for _, e := range []audit.Entry{
			{Action: "user.create", ResourceType: "user", ResourceID: u.ID, Detail: "command line; roles " + strings.Join(roles, ", ")},
			{Action: "user.invite_link", ResourceType: "user", ResourceID: u.ID, Detail: "command line"},
		} {
			if err := m.appendSystem(ctx, tx, c.ID, e); err != nil {
				return err
			}
		}
		inv.User, inv.Clinic, inv.ClinicCreated = u, c, created
		return nil
	})
	if err != nil {
		return Invitation{}, err
	}
	inv.URL = m.Config.PublicURL("") + "/invite/" + token
	m.pinAudit(ctx)
	return inv, nil
}

// staffClinic finds the clinic a new staff member joins, making the first
// clinic if there is none.
func (m *Main) staffClinic(ctx context.Context, tx *store.Tx, in NewStaff, now time.Time) (store.Clinic, bool, error) {
	if in.Clinic != "" {
		c, err := tx.ClinicByRef(ctx, in.Clinic)
		if problem.CodeOf(err) != problem.NotFound {
			return c, false, err
		}
	}
	c, err := tx.FirstClinic(ctx)
	if problem.CodeOf(err) != problem.NotFound {
		if err == nil && in.Clinic != "" {
			return store.Clinic{}, false, problem.New(problem.NotFound, "There is no clinic %q: give the id or short name of an existing clinic.", in.Clinic)
		}
		return c, false, err
	}
	c = store.Clinic{ID: auth.NewID(), ShortName: in.Clinic, Name: in.NewClinicName, TimeZone: in.NewClinicTimeZone, CreatedAt: now}
	if c.ShortName == "" {
		c.ShortName = "clinic"
	}
	if c.Name == "" {
		c.Name = "Doorway clinic"
	}
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	if err := tx.CreateClinic(ctx, &c); err != nil {
		return c, false, err
	}
	err = m.appendSystem(ctx, tx, c.ID, audit.Entry{Action: "clinic.create", ResourceType: "clinic", ResourceID: c.ID, Detail: "command line"})
	return c, true, err
}

// appendSystem records something the program itself did (the command line, a
// seed) rather than a signed-in person.
func (m *Main) appendSystem(ctx context.Context, tx *store.Tx, clinicID string, e audit.Entry) error {
	e.Time = m.now()
	e.ActorKind = audit.ActorSystem
	e.ClinicID = clinicID
	if e.Outcome == "" {
		e.Outcome = audit.OK
	}
	if e.Severity == "" {
		e.Severity = audit.High // accounts and credentials are privilege changes
	}
	return tx.AppendAudit(ctx, &e)
}

// NewToken is an API token just made; Secret is shown once and never stored.
type NewToken struct {
	User   store.User
	Token  store.APIToken
	Secret string
}

// CreateToken issues an API bearer token for the user with that email. The
// token sees exactly what its user sees.
func (m *Main) CreateToken(ctx context.Context, email, name string) (NewToken, error) {
	if strings.TrimSpace(name) == "" {
		name = "command line"
	}
	secret := auth.NewSecret()
	now := m.now()
	var out NewToken
	err := m.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if problem.CodeOf(err) == problem.NotFound {
			return problem.New(problem.NotFound, "There is no user with the email %s.", store.NormalizeEmail(email))
		}
		if err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return problem.New(problem.Invalid, "The account %s is disabled; enable it before giving it a token.", u.Email)
		}
		k := store.APIToken{ID: auth.NewID(), UserID: u.ID, Name: strings.TrimSpace(name), TokenHash: auth.HashSecret(secret), CreatedAt: now}
		if err := tx.CreateAPIToken(ctx, &k); err != nil {
			return err
		}
		out = NewToken{User: u, Token: k, Secret: secret}
		return m.appendSystem(ctx, tx, u.ClinicID, audit.Entry{Action: "token.create", ResourceType: "api_token", ResourceID: k.ID,
			Detail: "command line; for user " + u.ID})
	})
	if err != nil {
		return NewToken{}, err
	}
	m.pinAudit(ctx)
	return out, nil
}
