package practice

import (
	"context"
	"sort"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Clients: adding one, inviting them to the portal, their care team.

// ClientInput is a new client as staff type them in.
type ClientInput struct {
	GivenName, FamilyName, PreferredName string
	DateOfBirth                          string // YYYY-MM-DD, or ""
	Email, Phone                         string
	// Invite sends a portal invitation to Email.
	Invite bool
}

var opCreateClient = op{action: "client.create"}

// AddedClient is a client just added, with their invitation if one was made.
type AddedClient struct {
	Client store.Client
	Invite *Link
}

// CreateClient adds a client. The clinician who adds them is on their care
// team from the start (an admin, who sees every client, is not).
func (s *Service) CreateClient(ctx context.Context, a Actor, in ClientInput) (AddedClient, error) {
	var out AddedClient
	if !access.Allow(a.P, access.List, access.Resource{Type: access.ClientList, ClinicID: a.P.ClinicID}) {
		return out, s.Deny(ctx, a, "client_list", "", "may not add clients")
	}
	if in.Invite && strings.TrimSpace(in.Email) == "" {
		return out, problem.Invalidf("email", "An email address is needed to send a portal invitation.")
	}
	now := s.Now()
	c := store.Client{ID: auth.NewID(), ClinicID: a.P.ClinicID, GivenName: strings.TrimSpace(in.GivenName), FamilyName: strings.TrimSpace(in.FamilyName),
		PreferredName: strings.TrimSpace(in.PreferredName), DateOfBirth: strings.TrimSpace(in.DateOfBirth), Email: strings.TrimSpace(in.Email),
		Phone: strings.TrimSpace(in.Phone), CreatedAt: now}
	var l Link
	err := s.write(ctx, a, func(tx *store.Tx) error {
		if err := plausibleBirth(c.DateOfBirth, calendar.Of(now, a.Location())); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &c); err != nil {
			return err
		}
		if a.P.Has(access.Therapist) || a.P.Has(access.Prescriber) {
			if err := tx.AddToCareTeam(ctx, c.ID, a.P.UserID, now); err != nil {
				return err
			}
		}
		if err := s.appendTx(ctx, tx, a, audit.Entry{Action: opCreateClient.action, ResourceType: "client", ResourceID: c.ID, ClientID: c.ID}); err != nil {
			return err
		}
		if !in.Invite {
			return nil
		}
		var err error
		l, err = s.inviteClient(ctx, tx, a, c)
		return err
	})
	if err != nil {
		return out, err
	}
	out.Client = c
	if in.Invite {
		l = s.deliverLink(ctx, a, l, a.Clinic.Name)
		out.Invite = &l
	}
	return out, nil
}

// inviteClient creates (or reuses) the client's portal account and issues
// an invitation link inside tx; the caller delivers it after commit.
func (s *Service) inviteClient(ctx context.Context, tx *store.Tx, a Actor, c store.Client) (Link, error) {
	var u store.User
	if c.UserID != "" {
		var err error
		if u, err = tx.User(ctx, c.UserID); err != nil {
			return Link{}, err
		}
		if u.PasswordHash != "" {
			return Link{}, problem.New(problem.Conflict, "This client already has a portal account. If they cannot sign in, they can use \"Forgotten your password?\".")
		}
	} else {
		if c.Email == "" {
			return Link{}, problem.Invalidf("email", "Add an email address for this client before inviting them.")
		}
		u = store.User{ID: auth.NewID(), ClinicID: c.ClinicID, Email: c.Email, Name: c.DisplayName(), Kind: "client", CreatedAt: s.Now()}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return Link{}, err
		}
		if err := tx.LinkClientUser(ctx, c.ID, u.ID); err != nil {
			return Link{}, err
		}
	}
	l, err := s.issueLink(ctx, tx, a, u, LinkInvite)
	if err != nil {
		return Link{}, err
	}
	return l, s.appendTx(ctx, tx, a, audit.Entry{Action: "client.invite", ResourceType: "user", ResourceID: u.ID, ClientID: c.ID})
}

var opInviteClient = op{action: "client.invite"}

// InviteClient invites a client to the portal.
func (s *Service) InviteClient(ctx context.Context, a Actor, clientID string) (Link, error) {
	var l Link
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opInviteClient, clientID, access.ClientRecord, access.Write)
		if err != nil {
			return err
		}
		l, err = s.inviteClient(ctx, tx, a, ch.Client)
		return err
	})
	if err != nil {
		return l, err
	}
	return s.deliverLink(ctx, a, l, a.Clinic.Name), nil
}

var opCareTeam = op{action: "care_team.change"}

// SetCareTeam makes a client's care team exactly these staff members (an
// admin's decision). Ids are checked against this clinic's staff: nobody
// from another clinic can be put on a care team. Each change is audited.
func (s *Service) SetCareTeam(ctx context.Context, a Actor, clientID string, staffIDs []string) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opCareTeam, clientID, access.CareTeam, access.Write)
		if err != nil {
			return err
		}
		staff, err := tx.Staff(ctx, a.P.ClinicID)
		if err != nil {
			return err
		}
		known, want, current := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, u := range staff {
			known[u.ID] = true
		}
		for _, id := range staffIDs {
			if !known[id] {
				return problem.Invalidf("staff", "One of the chosen people is not on this clinic's staff.")
			}
			want[id] = true
		}
		for _, id := range ch.Team {
			current[id] = true
		}
		for _, id := range sortedKeys(want) {
			if current[id] {
				continue
			}
			if err := tx.AddToCareTeam(ctx, clientID, id, now); err != nil {
				return err
			}
			if err := s.appendTx(ctx, tx, a, audit.Entry{Action: "care_team.add", ResourceType: "user", ResourceID: id, ClientID: clientID, Severity: audit.High}); err != nil {
				return err
			}
		}
		for _, id := range sortedKeys(current) {
			if want[id] {
				continue
			}
			if err := tx.RemoveFromCareTeam(ctx, clientID, id); err != nil {
				return err
			}
			if err := s.appendTx(ctx, tx, a, audit.Entry{Action: "care_team.remove", ResourceType: "user", ResourceID: id, ClientID: clientID, Severity: audit.High}); err != nil {
				return err
			}
		}
		return nil
	})
}

// sortedKeys are a set's members in order, so a change's log entries come
// in the same order every time.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
