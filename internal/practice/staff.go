package practice

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The admin's staff accounts: inviting, roles, disabling, new links.

// Staff lists the clinic's staff.
func (s *Service) Staff(ctx context.Context, a Actor) ([]store.User, error) {
	if err := s.allowClinic(ctx, a, opStaff, access.StaffAccounts, access.Read); err != nil {
		return nil, err
	}
	var out []store.User
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { out, err = tx.Staff(ctx, a.P.ClinicID); return err })
	return out, err
}

// RoleList is roles as the log and the pages list them.
func RoleList(roles []store.Role) string {
	var out []string
	for _, r := range roles {
		out = append(out, string(r))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// InviteStaff creates a staff account with roles and an invitation link.
func (s *Service) InviteStaff(ctx context.Context, a Actor, name, email string, roles []store.Role) (Link, error) {
	if err := s.allowClinic(ctx, a, opStaff, access.StaffAccounts, access.Write); err != nil {
		return Link{}, err
	}
	if len(roles) == 0 {
		return Link{}, problem.Invalidf("roles", "Choose at least one role.")
	}
	u := store.User{ID: auth.NewID(), ClinicID: a.P.ClinicID, Email: strings.TrimSpace(email), Name: strings.TrimSpace(name), Kind: "staff",
		Roles: roles, CreatedAt: s.Now()}
	var l Link
	err := s.st.Write(ctx, func(tx *store.Tx) (err error) {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := s.appendTx(ctx, tx, a, audit.Entry{Action: "user.create", ResourceType: "user", ResourceID: u.ID,
			Detail: "roles " + RoleList(roles), Severity: audit.High}); err != nil {
			return err
		}
		l, err = s.issueLink(ctx, tx, a, u, LinkInvite)
		return err
	})
	if err != nil {
		return Link{}, err
	}
	return s.deliverLink(ctx, a, l, a.Clinic.Name), nil
}

var opStaff = op{action: "user.read"}

// staffMember loads a staff member of the admin's own clinic in tx.
func (s *Service) staffMember(ctx context.Context, tx *store.Tx, a Actor, id string) (store.User, error) {
	if !auth.ValidID(id) { // names nothing; PostgreSQL refuses text that is not UTF-8
		return store.User{}, s.refuse(a, opStaff, "user", "", "malformed id", "Not found.")
	}
	u, err := tx.User(ctx, id)
	if err == nil && (u.ClinicID != a.P.ClinicID || u.Kind != "staff") {
		err = problem.New(problem.NotFound, "Not found.")
	}
	if problem.CodeOf(err) == problem.NotFound {
		return u, s.refuse(a, opStaff, "user", id, "no such staff member", "Not found.")
	}
	return u, err
}

// StaffMember loads one staff member for the admin.
func (s *Service) StaffMember(ctx context.Context, a Actor, id string) (store.User, error) {
	if err := s.allowClinic(ctx, a, opStaff, access.StaffAccounts, access.Read); err != nil {
		return store.User{}, err
	}
	var u store.User
	err := s.read(ctx, a, func(tx *store.Tx) (err error) { u, err = s.staffMember(ctx, tx, a, id); return err })
	return u, err
}

// SetStaffRoles replaces a staff member's roles; an admin cannot remove
// their own admin role.
func (s *Service) SetStaffRoles(ctx context.Context, a Actor, id string, roles []store.Role) (store.User, error) {
	if err := s.allowClinic(ctx, a, opStaff, access.StaffAccounts, access.Write); err != nil {
		return store.User{}, err
	}
	var u store.User
	err := s.write(ctx, a, func(tx *store.Tx) (err error) {
		if u, err = s.staffMember(ctx, tx, a, id); err != nil {
			return err
		}
		switch {
		case len(roles) == 0:
			return problem.Invalidf("roles", "Choose at least one role.")
		case u.ID == a.P.UserID && !slices.Contains(roles, store.RoleAdmin):
			return problem.Invalidf("roles", "You cannot remove your own admin role; ask another admin.")
		}
		before := RoleList(u.Roles)
		if err := tx.SetRoles(ctx, u.ID, roles); err != nil {
			return err
		}
		u.Roles = roles
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user.role_change", ResourceType: "user", ResourceID: u.ID,
			Detail: "from " + before + " to " + RoleList(roles), Severity: audit.High})
	})
	return u, err
}

// SetStaffDisabled disables a staff member (signing them out everywhere)
// or lets them sign in again; an admin cannot disable themself.
func (s *Service) SetStaffDisabled(ctx context.Context, a Actor, id string, disable bool) (store.User, error) {
	if err := s.allowClinic(ctx, a, opStaff, access.StaffAccounts, access.Write); err != nil {
		return store.User{}, err
	}
	var u store.User
	err := s.write(ctx, a, func(tx *store.Tx) (err error) {
		if u, err = s.staffMember(ctx, tx, a, id); err != nil {
			return err
		}
		if u.ID == a.P.UserID {
			return problem.Invalidf("roles", "You cannot disable your own account.")
		}
		var at *time.Time
		action := "user.enable"
		if disable {
			now := s.Now()
			at, action = &now, "user.disable"
		}
		if err := tx.SetDisabled(ctx, u.ID, at); err != nil {
			return err
		}
		u.DisabledAt = at
		return s.appendTx(ctx, tx, a, audit.Entry{Action: action, ResourceType: "user", ResourceID: u.ID, Severity: audit.High})
	})
	return u, err
}

// StaffLink makes a staff member a new one-time link: a reset, or another
// invitation if they never chose a password.
func (s *Service) StaffLink(ctx context.Context, a Actor, id string) (Link, error) {
	if err := s.allowClinic(ctx, a, opStaff, access.StaffAccounts, access.Write); err != nil {
		return Link{}, err
	}
	var l Link
	err := s.write(ctx, a, func(tx *store.Tx) error {
		u, err := s.staffMember(ctx, tx, a, id)
		if err != nil {
			return err
		}
		purpose := LinkReset
		if u.PasswordHash == "" {
			purpose = LinkInvite
		}
		if l, err = s.issueLink(ctx, tx, a, u, purpose); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "user." + purpose + "_link", ResourceType: "user", ResourceID: u.ID, Severity: audit.High})
	})
	if err != nil {
		return Link{}, err
	}
	return s.deliverLink(ctx, a, l, a.Clinic.Name), nil
}
