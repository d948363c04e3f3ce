package demo

import (
	"context"
	"fmt"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/store"
)

// The foundation: the clinics, their staff, the clients with their portal
// accounts, and the care teams. Names, addresses and stories are invented
// (DEMO.md); the .example domains can never receive mail.

type staffSpec struct {
	key   string
	name  string
	email string
	roles []store.Role
}

type clientSpec struct {
	key       string
	given     string
	family    string
	dob       string
	email     string
	sinceDays int      // when the client was first seen, in days before now
	team      []string // staff keys
}

type clinicSpec struct {
	short   string
	name    string
	tz      string
	ageDays int // the clinic's age; Stillwater is older so it is the first clinic
	contact string
	phone   string
	address string
	staff   []staffSpec
	clients []clientSpec
}

var stillwater = clinicSpec{
	short: ShortName, name: "Stillwater Ketamine Therapy", tz: "America/Los_Angeles", ageDays: 400,
	contact: "hello@stillwater.example", phone: "(541) 555-0142", address: "210 Alder Street, Suite 3, Portland, OR 97204",
	staff: []staffSpec{
		{"alex", "Alex Rivera", "alex@stillwater.example", []store.Role{store.RoleAdmin}},
		{"jordan", "Dr. Jordan Lee", "jordan@stillwater.example", []store.Role{store.RolePrescriber}},
		{"sam", "Sam Okafor", "sam@stillwater.example", []store.Role{store.RoleTherapist}},
		{"robin", "Robin Castillo", "robin@stillwater.example", []store.Role{store.RoleTherapist}},
	},
	// Sam is on most care teams, Robin on the couple's, and Dr. Lee, who
	// prescribes for everyone, on all of them. Ivy Nakamura is an inquiry,
	// not yet a client, so she is not here.
	clients: []clientSpec{
		{"maya", "Maya", "Chen", "1988-06-14", "maya@stillwater.example", 95, []string{"sam", "jordan"}},
		{"daniel", "Daniel", "Brooks", "1979-11-02", "daniel@stillwater.example", 60, []string{"sam", "jordan"}},
		{"lena", "Lena", "Fischer", "1993-03-27", "lena@stillwater.example", 48, []string{"sam", "jordan"}},
		{"tom", "Tom", "Adeyemi", "1985-09-09", "tom@stillwater.example", 52, []string{"sam", "jordan"}},
		{"ruth", "Ruth", "Gallagher", "1961-01-30", "ruth@stillwater.example", 24, []string{"sam", "jordan"}},
		{"omar", "Omar", "Haddad", "1975-07-18", "omar@stillwater.example", 9, []string{"sam", "jordan"}},
		{"grace", "Grace", "Kim", "1969-12-05", "grace@stillwater.example", 30, []string{"sam", "jordan"}},
		{"priya", "Priya", "Sharma", "1987-04-22", "priya@stillwater.example", 40, []string{"robin", "jordan"}},
		{"ben", "Ben", "Sharma", "1986-08-15", "ben@stillwater.example", 40, []string{"robin", "jordan"}},
		{"noah", "Noah", "Williams", "1990-02-11", "noah@stillwater.example", 150, []string{"sam", "jordan"}},
	},
}

// harbor exists only to prove that nothing crosses between clinics.
var harbor = clinicSpec{
	short: "harbor", name: "Harbor Psychiatry", tz: "America/New_York", ageDays: 399,
	contact: "front.desk@harbor.example", phone: "(617) 555-0190", address: "88 Wharf Road, Boston, MA 02110",
	staff: []staffSpec{
		{"morgan", "Morgan Blake", "admin@harbor.example", []store.Role{store.RoleAdmin, store.RoleTherapist}},
	},
	clients: []clientSpec{
		{"elena", "Elena", "Marsh", "1982-05-03", "elena@harbor.example", 70, []string{"morgan"}},
		{"victor", "Victor", "Santos", "1977-10-21", "victor@harbor.example", 35, []string{"morgan"}},
	},
}

// clinics is every demo clinic, in the order their logins are printed.
var clinics = []clinicSpec{stillwater, harbor}

func seedStillwater(ctx context.Context, s *seeder) error { return s.clinic(ctx, stillwater) }

func seedHarbor(ctx context.Context, s *seeder) error { return s.clinic(ctx, harbor) }

// clinic creates a clinic with its staff, clients and care teams. Staff and
// client keys are unique across the demo, so later parts can name anyone.
func (s *seeder) clinic(ctx context.Context, spec clinicSpec) error {
	c := store.Clinic{ID: auth.NewID(), ShortName: spec.short, Name: spec.name, TimeZone: spec.tz,
		ContactEmail: spec.contact, ContactPhone: spec.phone, Address: spec.address, Demo: true,
		CreatedAt: s.now.Add(-days(spec.ageDays))}
	if err := s.tx.CreateClinic(ctx, &c); err != nil {
		return fmt.Errorf("demo clinic %s: %w", spec.short, err)
	}
	s.clinics[spec.short] = c
	s.record(c.ID, theSystem, c.CreatedAt, audit.Entry{Action: "clinic.create", ResourceType: "clinic", ResourceID: c.ID})
	// The first staff member, the clinic's admin, was made at set-up from
	// the command line, by the system; the admin added the rest, and every
	// client.
	creator := theSystem
	for _, p := range spec.staff {
		u := store.User{ID: auth.NewID(), ClinicID: c.ID, Email: p.email, Name: p.name, Kind: "staff",
			PasswordHash: s.hash, Demo: true, Roles: p.roles, CreatedAt: c.CreatedAt.Add(days(1))}
		if err := s.tx.CreateUser(ctx, &u); err != nil {
			return fmt.Errorf("demo staff %s: %w", p.key, err)
		}
		s.staff[p.key] = u
		s.record(c.ID, creator, u.CreatedAt, audit.Entry{Action: "user.create", ResourceType: "user", ResourceID: u.ID,
			Severity: audit.High, Detail: "roles " + roleText(p.roles)})
		if creator == theSystem {
			creator = s.staffMember(p.key)
		}
	}
	for _, p := range spec.clients {
		if err := s.client(ctx, c, p, creator); err != nil {
			return fmt.Errorf("demo client %s: %w", p.key, err)
		}
	}
	return nil
}

// client creates a client, their portal account and their care team, as the
// admin did.
func (s *seeder) client(ctx context.Context, c store.Clinic, p clientSpec, admin actor) error {
	since := s.now.Add(-days(p.sinceDays))
	u := store.User{ID: auth.NewID(), ClinicID: c.ID, Email: p.email, Name: p.given + " " + p.family, Kind: "client",
		PasswordHash: s.hash, Demo: true, CreatedAt: since}
	if err := s.tx.CreateUser(ctx, &u); err != nil {
		return err
	}
	cl := store.Client{ID: auth.NewID(), ClinicID: c.ID, UserID: u.ID, GivenName: p.given, FamilyName: p.family,
		DateOfBirth: p.dob, Email: p.email, CreatedAt: since}
	if err := s.tx.CreateClient(ctx, &cl); err != nil {
		return err
	}
	s.clients[p.key] = cl
	s.record(c.ID, admin, since, audit.Entry{Action: "client.create", ResourceType: "client", ResourceID: cl.ID, ClientID: cl.ID})
	s.record(c.ID, admin, since, audit.Entry{Action: "user.create", ResourceType: "user", ResourceID: u.ID, ClientID: cl.ID,
		Detail: "portal account"})
	for _, key := range p.team {
		staff, ok := s.staff[key]
		if !ok {
			return fmt.Errorf("care team member %q is not demo staff", key)
		}
		if err := s.tx.AddToCareTeam(ctx, cl.ID, staff.ID, since); err != nil {
			return err
		}
		s.record(c.ID, admin, since, audit.Entry{Action: "care_team.add", ResourceType: "user", ResourceID: staff.ID,
			ClientID: cl.ID, Severity: audit.High})
	}
	return nil
}
