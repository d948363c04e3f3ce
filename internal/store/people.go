package store

import (
	"context"
	"database/sql"
	"maps"
	"strings"
	"sync"
	"time"

	"doorway/internal/access"
	"doorway/internal/problem"
)

// Clinic is one tenant. Nothing of one clinic's data is ever shown to another.
type Clinic struct {
	ID           string
	ShortName    string
	Name         string
	TimeZone     string
	ContactEmail string
	ContactPhone string
	Address      string
	Demo         bool
	CreatedAt    time.Time
}

// Location returns the clinic's time zone, UTC if it cannot be loaded.
func (c Clinic) Location() *time.Location {
	if loc, ok := zones.Load(c.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(c.TimeZone, loc)
	return loc
}

// zones holds each time zone loaded, by name. time.LoadLocation reads and
// parses the zone's file on every call, and a clinic's zone is wanted for
// every booking and most pages; a loaded Location never changes.
var zones sync.Map

// Role is a staff role. One person may hold several.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleTherapist  Role = "therapist"
	RolePrescriber Role = "prescriber"
)

// Roles lists the staff roles in display order.
var Roles = []Role{RoleAdmin, RoleTherapist, RolePrescriber}

// ParseRole accepts a role name as typed on the command line or a form.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if strings.EqualFold(strings.TrimSpace(s), string(r)) {
			return r, nil
		}
	}
	return "", problem.Invalidf("role", "The role must be admin, therapist or prescriber.")
}

// User is someone who signs in: a staff member or a client with a portal account.
type User struct {
	ID            string
	ClinicID      string
	Email         string
	Name          string
	Kind          string // "staff" or "client"
	PasswordHash  string
	TOTPSecret    string
	TOTPLastStep  int64
	TOTPEnabledAt *time.Time
	DisabledAt    *time.Time
	Demo          bool
	CreatedAt     time.Time
	Roles         []Role
}

// HasRole reports whether the user holds r.
func (u User) HasRole(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Client is a person in care at a clinic. A client may or may not have a
// portal account (UserID).
type Client struct {
	ID            string
	ClinicID      string
	UserID        string
	GivenName     string
	FamilyName    string
	PreferredName string
	DateOfBirth   string // YYYY-MM-DD, or empty
	Email         string
	Phone         string
	CreatedAt     time.Time
	// Portal is the state of the client's portal account: "none", "invited"
	// (no password chosen yet), "active" or "disabled".
	Portal string
}

// DisplayName is how the client is named on pages.
func (c Client) DisplayName() string {
	given := c.GivenName
	if c.PreferredName != "" {
		given = c.PreferredName
	}
	return strings.TrimSpace(given + " " + c.FamilyName)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NormalizeEmail lower-cases and trims an address; it is how emails are stored
// and looked up.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail is a plain check: something@something.something, no spaces.
func ValidateEmail(s string) error {
	s = NormalizeEmail(s)
	at := strings.LastIndex(s, "@")
	if len(s) > 254 || at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>\"") ||
		!strings.Contains(s[at+1:], ".") {
		return problem.Invalidf("email", "Please enter an email address such as name@example.org.")
	}
	return nil
}

// --- clinics ---

// CreateClinic stores a new clinic.
func (t *Tx) CreateClinic(ctx context.Context, c *Clinic) error {
	if strings.TrimSpace(c.Name) == "" {
		return problem.Invalidf("name", "The clinic needs a name.")
	}
	if err := problem.Line("name", "The clinic's name", c.Name, maxNameRunes); err != nil {
		return err
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		return problem.Invalidf("time_zone", "The time zone must be a name such as America/Los_Angeles.")
	}
	_, err := t.exec(ctx, `INSERT INTO clinics (id, short_name, name, time_zone, contact_email, contact_phone, address, demo, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ShortName, c.Name, c.TimeZone, c.ContactEmail, c.ContactPhone, c.Address, b2i(c.Demo), c.CreatedAt)
	if isUniqueViolation(err) {
		return problem.Invalidf("short_name", "A clinic with the short name %q already exists.", c.ShortName)
	}
	return err
}

// UpdateClinic saves the editable settings of a clinic.
func (t *Tx) UpdateClinic(ctx context.Context, c *Clinic) error {
	if strings.TrimSpace(c.Name) == "" {
		return problem.Invalidf("name", "The clinic needs a name.")
	}
	if err := problem.Line("name", "The clinic's name", c.Name, maxNameRunes); err != nil {
		return err
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		return problem.Invalidf("time_zone", "The time zone must be a name such as America/Los_Angeles.")
	}
	_, err := t.exec(ctx, `UPDATE clinics SET name = ?, time_zone = ?, contact_email = ?, contact_phone = ?, address = ? WHERE id = ?`,
		c.Name, c.TimeZone, c.ContactEmail, c.ContactPhone, c.Address, c.ID)
	return err
}

const clinicCols = `id, short_name, name, time_zone, contact_email, contact_phone, address, demo, created_at`

func scanClinic(sc interface{ Scan(...any) error }) (Clinic, error) {
	var c Clinic
	dest, finish := clinicFields(&c)
	err := sc.Scan(dest...)
	finish()
	return c, err
}

// clinicFields are the destinations of clinicCols for c, and the step that
// converts what they read once the row is scanned.
func clinicFields(c *Clinic) ([]any, func()) {
	var demo int
	return []any{&c.ID, &c.ShortName, &c.Name, &c.TimeZone, &c.ContactEmail, &c.ContactPhone, &c.Address, &demo, &c.CreatedAt},
		func() { c.Demo = demo == 1 }
}

// Clinic loads a clinic by id.
func (t *Tx) Clinic(ctx context.Context, id string) (Clinic, error) {
	c, err := scanClinic(t.queryRow(ctx, `SELECT `+clinicCols+` FROM clinics WHERE id = ?`, id))
	return c, notFound(err, "The clinic")
}

// ClinicByRef finds a clinic by id or short name.
func (t *Tx) ClinicByRef(ctx context.Context, ref string) (Clinic, error) {
	c, err := scanClinic(t.queryRow(ctx, `SELECT `+clinicCols+` FROM clinics WHERE id = ? OR short_name = ?`, ref, ref))
	return c, notFound(err, "The clinic "+ref)
}

// FirstClinic is the clinic created first; commands default to it.
func (t *Tx) FirstClinic(ctx context.Context) (Clinic, error) {
	c, err := scanClinic(t.queryRow(ctx, `SELECT `+clinicCols+` FROM clinics ORDER BY created_at, id LIMIT 1`))
	return c, notFound(err, "A clinic")
}

// Clinics lists every clinic.
func (t *Tx) Clinics(ctx context.Context) ([]Clinic, error) {
	rows, err := t.query(ctx, `SELECT `+clinicCols+` FROM clinics ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	var out []Clinic
	err = eachRow(rows, func() error {
		c, err := scanClinic(rows)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// --- users ---

// CreateUser stores a user and their roles.
func (t *Tx) CreateUser(ctx context.Context, u *User) error {
	u.Email = NormalizeEmail(u.Email)
	if err := ValidateEmail(u.Email); err != nil {
		return err
	}
	if strings.TrimSpace(u.Name) == "" {
		return problem.Invalidf("name", "Please give the person's name.")
	}
	if err := problem.Line("name", "The name", strings.TrimSpace(u.Name), maxNameRunes); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO users (id, clinic_id, email, name, kind, password_hash, demo, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.ClinicID, u.Email, strings.TrimSpace(u.Name), u.Kind, u.PasswordHash, b2i(u.Demo), u.CreatedAt)
	if isUniqueViolation(err) {
		return problem.Invalidf("email", "The email address %s is already in use.", u.Email)
	}
	if err != nil {
		return err
	}
	if u.Kind == "staff" {
		if err := t.staffNamesChanged(ctx, `?`, u.ClinicID); err != nil {
			return err
		}
	}
	return t.SetRoles(ctx, u.ID, u.Roles)
}

// SetRoles replaces a user's roles.
func (t *Tx) SetRoles(ctx context.Context, userID string, roles []Role) error {
	if _, err := t.exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := ParseRole(string(r)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, userID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

const userCols = `id, clinic_id, email, name, kind, password_hash, totp_secret, totp_last_step, totp_enabled_at, disabled_at, demo, created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	dest, finish := userFields(&u)
	err := sc.Scan(dest...)
	finish()
	return u, err
}

// userFields are the destinations of userCols for u, and the step that
// converts what they read once the row is scanned.
func userFields(u *User) ([]any, func()) {
	var en, dis sql.NullTime
	var demo int
	return []any{&u.ID, &u.ClinicID, &u.Email, &u.Name, &u.Kind, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &en, &dis, &demo, &u.CreatedAt},
		func() {
			u.TOTPEnabledAt = nullTime(en)
			u.DisabledAt = nullTime(dis)
			u.Demo = demo == 1
		}
}

func nullTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

func (t *Tx) loadRoles(ctx context.Context, u *User) error {
	one := []User{*u}
	err := t.loadRolesOf(ctx, one)
	*u = one[0]
	return err
}

// loadRolesOf fills in the roles of each user, in one statement for them all.
func (t *Tx) loadRolesOf(ctx context.Context, users []User) error {
	if len(users) == 0 {
		return nil
	}
	index := make(map[string]int, len(users))
	ids := make([]string, len(users))
	for i := range users {
		users[i].Roles = nil
		index[users[i].ID], ids[i] = i, users[i].ID
	}
	in, args := inList("user_id", ids)
	rows, err := t.query(ctx, `SELECT user_id, role FROM user_roles WHERE `+in+` ORDER BY user_id, role`, args...)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var id, r string
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		u := &users[index[id]]
		u.Roles = append(u.Roles, Role(r))
		return nil
	})
	return err
}

// User loads a user with roles.
func (t *Tx) User(ctx context.Context, id string) (User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, notFound(err, "The user")
	}
	return u, t.loadRoles(ctx, &u)
}

// UserByEmail loads a user by email address.
func (t *Tx) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, NormalizeEmail(email)))
	if err != nil {
		return u, notFound(err, "The user")
	}
	return u, t.loadRoles(ctx, &u)
}

// Staff lists a clinic's staff, disabled ones too.
func (t *Tx) Staff(ctx context.Context, clinicID string) ([]User, error) {
	return t.users(ctx, `clinic_id = ? AND kind = 'staff'`, clinicID)
}

// StaffNames are the names of a clinic's staff by id, disabled ones too:
// what a page needs to say who wrote, signed or acknowledged something,
// without reading every account's roles and secrets.
func (t *Tx) StaffNames(ctx context.Context, clinicID string) (map[string]string, error) {
	// The names are kept between requests with the clinic's count of
	// changes to them, read in the same snapshot: while the count stands,
	// the names are the same. Only a read-only snapshot, which sees only
	// what is committed, keeps what it read; a write may yet roll back.
	// Each caller gets a copy of its own to change.
	var version int64
	err := t.queryRow(ctx, `SELECT staff_names_version FROM clinics WHERE id = ?`, clinicID).Scan(&version)
	if err == sql.ErrNoRows {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	if kept, ok := t.s.staffNames.Load(clinicID); ok && kept.(staffNamesAt).version == version {
		return maps.Clone(kept.(staffNamesAt).names), nil
	}
	names, err := t.readStaffNames(ctx, clinicID)
	if err != nil {
		return nil, err
	}
	if t.readOnly {
		t.s.staffNames.Store(clinicID, staffNamesAt{version: version, names: names})
	}
	return maps.Clone(names), nil
}

// staffNamesAt is a clinic's staff names as they stood at a count of
// changes to them.
type staffNamesAt struct {
	version int64
	names   map[string]string
}

// readStaffNames reads a clinic's staff names from the database.
func (t *Tx) readStaffNames(ctx context.Context, clinicID string) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT id, name FROM users WHERE clinic_id = ? AND kind = 'staff'`, clinicID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	err = eachRow(rows, func() error {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = name
		return nil
	})
	return out, err
}

// StaffNamed lists those of a clinic's staff whose ids are given (a care
// team), disabled ones too.
func (t *Tx) StaffNamed(ctx context.Context, clinicID string, ids []string) ([]User, error) {
	// Read by id alone, so the database goes to the few rows by their key
	// (SQLite, without statistics, would otherwise walk the clinic's
	// users); the clinic is checked here instead.
	in, args := inList("id", ids)
	all, err := t.users(ctx, in, args...)
	var out []User
	for _, u := range all {
		if u.ClinicID == clinicID && u.Kind == "staff" {
			out = append(out, u)
		}
	}
	return out, err
}

// users lists the users a condition selects, by name, with their roles.
func (t *Tx) users(ctx context.Context, where string, args ...any) ([]User, error) {
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users WHERE `+where+` ORDER BY name, id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(u *User) (err error) {
		*u, err = scanUser(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, t.loadRolesOf(ctx, out)
}

// SetPassword stores a new password hash.
func (t *Tx) SetPassword(ctx context.Context, userID, hash string) error {
	_, err := t.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	return err
}

// SetUserName renames a user.
func (t *Tx) SetUserName(ctx context.Context, userID, name string) error {
	if strings.TrimSpace(name) == "" {
		return problem.Invalidf("name", "Please give the person's name.")
	}
	if err := problem.Line("name", "The name", strings.TrimSpace(name), maxNameRunes); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE users SET name = ? WHERE id = ?`, strings.TrimSpace(name), userID); err != nil {
		return err
	}
	return t.staffNamesChanged(ctx, `(SELECT clinic_id FROM users WHERE id = ?)`, userID)
}

// staffNamesChanged counts a change to the staff names of the clinic that
// clinic (an id, or a subquery giving it) names, in the transaction that
// makes it, so that every server reads the names again (StaffNames).
func (t *Tx) staffNamesChanged(ctx context.Context, clinic string, args ...any) error {
	_, err := t.exec(ctx, `UPDATE clinics SET staff_names_version = staff_names_version + 1 WHERE id = `+clinic, args...)
	return err
}

// SetDisabled disables or re-enables an account; disabling also ends its
// sessions and revokes its API tokens, so access stops at once.
func (t *Tx) SetDisabled(ctx context.Context, userID string, at *time.Time) error {
	if _, err := t.exec(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, at, userID); err != nil {
		return err
	}
	if at == nil {
		return nil
	}
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, *at, userID)
	return err
}

// SetTOTP stores a TOTP secret; enabledAt nil means set up but not yet confirmed.
func (t *Tx) SetTOTP(ctx context.Context, userID, secret string, enabledAt *time.Time) error {
	_, err := t.exec(ctx, `UPDATE users SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = 0 WHERE id = ?`, secret, enabledAt, userID)
	return err
}

// UseTOTPStep records the time step of an accepted code. It refuses a step not
// newer than the last one, so a code cannot be replayed.
func (t *Tx) UseTOTPStep(ctx context.Context, userID string, step int64) error {
	res, err := t.exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.Unauthorized, "That code has already been used. Wait for the next one.")
	}
	return nil
}

// ReplaceRecoveryCodes stores fresh recovery-code hashes, dropping the old ones.
func (t *Tx) ReplaceRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	if _, err := t.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := t.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// UnusedRecoveryCodes lists the hashes of codes not yet used.
func (t *Tx) UnusedRecoveryCodes(ctx context.Context, userID string) ([]string, error) {
	rows, err := t.query(ctx, `SELECT code_hash FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID)
	if err != nil {
		return nil, err
	}
	var out []string
	err = eachRow(rows, func() error {
		var h string
		if err := rows.Scan(&h); err != nil {
			return err
		}
		out = append(out, h)
		return nil
	})
	return out, err
}

// UseRecoveryCode marks a code used; it fails if it was used already.
func (t *Tx) UseRecoveryCode(ctx context.Context, userID, hash string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, at, userID, hash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.Unauthorized, "That recovery code is not valid.")
	}
	return nil
}

// --- clients and care teams ---

// CreateClient stores a client.
func (t *Tx) CreateClient(ctx context.Context, c *Client) error {
	if err := checkClientDetails(c); err != nil {
		return err
	}
	var uid any
	if c.UserID != "" {
		uid = c.UserID
	}
	_, err := t.exec(ctx, `INSERT INTO clients (id, clinic_id, user_id, given_name, family_name, preferred_name, date_of_birth, email, phone, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ClinicID, uid, strings.TrimSpace(c.GivenName), strings.TrimSpace(c.FamilyName), c.PreferredName, c.DateOfBirth, c.Email, c.Phone, c.CreatedAt)
	return err
}

// maxNameRunes is the most characters a person's or a clinic's name may
// have: more than any real name, far less than a page can show.
const maxNameRunes = 200

// checkClientDetails trims a client's details and refuses what cannot be
// kept: a missing name, an email that is not one, a date of birth that is
// not a date.
func checkClientDetails(c *Client) error {
	c.GivenName, c.FamilyName = strings.TrimSpace(c.GivenName), strings.TrimSpace(c.FamilyName)
	c.PreferredName, c.Phone = strings.TrimSpace(c.PreferredName), strings.TrimSpace(c.Phone)
	c.DateOfBirth = strings.TrimSpace(c.DateOfBirth)
	if c.GivenName == "" {
		return problem.Invalidf("given_name", "Please give the client's first name.")
	}
	if c.FamilyName == "" {
		return problem.Invalidf("family_name", "Please give the client's last name.")
	}
	for _, f := range []struct{ name, label, v string }{{"given_name", "The first name", c.GivenName}, {"family_name", "The last name", c.FamilyName},
		{"preferred_name", "The preferred name", c.PreferredName}, {"phone", "The phone number", c.Phone}} {
		if err := problem.Line(f.name, f.label, f.v, maxNameRunes); err != nil {
			return err
		}
	}
	if c.Email != "" {
		c.Email = NormalizeEmail(c.Email)
		if err := ValidateEmail(c.Email); err != nil {
			return err
		}
	}
	if c.DateOfBirth != "" {
		if _, err := time.Parse("2006-01-02", c.DateOfBirth); err != nil {
			return problem.Invalidf("date_of_birth", "The date of birth must be a date such as 1980-04-23.")
		}
	}
	return nil
}

// UpdateClientDetails changes a client's name, preferred name, date of
// birth, email and phone on their record, checked as when the client was
// added. The email is the record's contact address; the portal's sign-in
// address is the account's and does not change here.
func (t *Tx) UpdateClientDetails(ctx context.Context, c *Client) error {
	if err := checkClientDetails(c); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE clients SET given_name = ?, family_name = ?, preferred_name = ?, date_of_birth = ?, email = ?, phone = ?
		WHERE clinic_id = ? AND id = ?`, c.GivenName, c.FamilyName, c.PreferredName, c.DateOfBirth, c.Email, c.Phone, c.ClinicID, c.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "The client was not found.")
	}
	return nil
}

// LinkClientUser attaches a portal account to a client.
func (t *Tx) LinkClientUser(ctx context.Context, clientID, userID string) error {
	_, err := t.exec(ctx, `UPDATE clients SET user_id = ? WHERE id = ?`, userID, clientID)
	return err
}

// clientCols are a client's columns with the state of their portal account,
// read FROM clientFrom.
const clientCols = `SELECT c.id, c.clinic_id, c.user_id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth,
	c.email, c.phone, c.created_at,
	CASE WHEN u.id IS NULL THEN 'none' WHEN u.disabled_at IS NOT NULL THEN 'disabled'
	     WHEN u.password_hash = '' THEN 'invited' ELSE 'active' END`

const clientFrom = ` FROM clients c LEFT JOIN users u ON u.id = c.user_id`

// clientSelect reads clients with the state of their portal account.
const clientSelect = clientCols + clientFrom

func scanClient(sc interface{ Scan(...any) error }) (Client, error) {
	var c Client
	var uid sql.NullString
	err := sc.Scan(&c.ID, &c.ClinicID, &uid, &c.GivenName, &c.FamilyName, &c.PreferredName, &c.DateOfBirth, &c.Email, &c.Phone, &c.CreatedAt, &c.Portal)
	c.UserID = uid.String
	return c, err
}

// Client loads a client by id, within a clinic: a client of another clinic is
// not found.
func (t *Tx) Client(ctx context.Context, clinicID, id string) (Client, error) {
	c, err := scanClient(t.queryRow(ctx, clientSelect+` WHERE c.id = ? AND c.clinic_id = ?`, id, clinicID))
	return c, notFound(err, "The client")
}

// ClientByUser loads the client record behind a portal account.
func (t *Tx) ClientByUser(ctx context.Context, userID string) (Client, error) {
	c, err := scanClient(t.queryRow(ctx, clientSelect+` WHERE c.user_id = ?`, userID))
	return c, notFound(err, "The client")
}

// ClientFilter narrows a client listing.
type ClientFilter struct {
	ClinicID string
	// CareTeamOf, when set, keeps only clients on that staff member's care teams.
	CareTeamOf string
	// Name matches given, family or preferred name (case-insensitive prefix).
	Name   string
	Limit  int
	Offset int
}

// Clients lists clients, ordered by family then given name: the simple
// form of SearchClients the caseload and the booking form use.
func (t *Tx) Clients(ctx context.Context, f ClientFilter) ([]Client, int, error) {
	q := ClientQuery{ClinicID: f.ClinicID, CareTeamOf: f.CareTeamOf, Limit: f.Limit, Offset: f.Offset}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 1000
	}
	if f.Name != "" {
		q.Names = [][]string{{f.Name}}
	}
	return t.SearchClients(ctx, q)
}

// AddToCareTeam puts a staff member on a client's care team (idempotent).
func (t *Tx) AddToCareTeam(ctx context.Context, clientID, userID string, at time.Time) error {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND user_id = ?`, clientID, userID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO care_team (client_id, user_id, added_at) VALUES (?, ?, ?)`, clientID, userID, at)
	return err
}

// RemoveFromCareTeam takes a staff member off a client's care team.
func (t *Tx) RemoveFromCareTeam(ctx context.Context, clientID, userID string) error {
	_, err := t.exec(ctx, `DELETE FROM care_team WHERE client_id = ? AND user_id = ?`, clientID, userID)
	return err
}

// CareTeam lists the staff ids on a client's care team.
func (t *Tx) CareTeam(ctx context.Context, clientID string) ([]string, error) {
	rows, err := t.query(ctx, `SELECT user_id FROM care_team WHERE client_id = ? ORDER BY user_id`, clientID)
	if err != nil {
		return nil, err
	}
	var out []string
	err = eachRow(rows, func() error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	return out, err
}

// Principal is who this user is to the access decision. clientID is the
// client record behind a client's account (empty for staff).
func (u User) Principal(clientID string) access.Principal {
	p := access.Principal{UserID: u.ID, ClinicID: u.ClinicID}
	if u.Kind == "client" {
		p.Kind, p.ClientID = access.Client, clientID
		return p
	}
	p.Kind = access.Staff
	for _, r := range u.Roles {
		p.Roles = append(p.Roles, access.Role(r))
	}
	return p
}
