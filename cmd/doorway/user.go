package main

import (
	"fmt"
	"slices"
	"strings"

	"doorway/internal/app"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// roleFlag collects --role, given several times or as a comma-separated list.
type roleFlag []store.Role

func (r *roleFlag) String() string {
	if r == nil {
		return ""
	}
	s := make([]string, len(*r))
	for i, x := range *r {
		s[i] = string(x)
	}
	return strings.Join(s, ",")
}

func (r *roleFlag) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		role, err := store.ParseRole(part)
		if err != nil {
			return fmt.Errorf("%q is not a role: use admin, therapist or prescriber", strings.TrimSpace(part))
		}
		if !slices.Contains(*r, role) {
			*r = append(*r, role)
		}
	}
	return nil
}

const userAddAbout = `Creates a staff user in a clinic and prints a one-time link, valid for
7 days, where they choose their password. The clinic is named by id or short
name; without --clinic it is the first clinic created. On a database with no
clinic yet, the first clinic is created (name it with --clinic-name and
--time-zone, or later on its settings page).`

func cmdUserAdd(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	cfg.LinkFlags(fs)
	var in app.NewStaff
	var roles roleFlag
	fs.StringVar(&in.Email, "email", "", "the person's email `address` (required)")
	fs.Var(&roles, "role", "`role`: admin, therapist or prescriber; repeat the flag or separate with commas for several (required)")
	fs.StringVar(&in.Clinic, "clinic", "", "the clinic's id or short `name` (default: the first clinic)")
	fs.StringVar(&in.Name, "name", "", "the person's `name` as shown to others (default: the email's local part)")
	fs.StringVar(&in.NewClinicName, "clinic-name", "", "if there is no clinic yet: the new clinic's `name`")
	fs.StringVar(&in.NewClinicTimeZone, "time-zone", "", "if there is no clinic yet: the new clinic's time `zone`, such as America/Los_Angeles (default UTC)")
	if err := parse(fs, "--email E --role R [--clinic C] [--name N]", userAddAbout, args); err != nil {
		return err
	}
	switch {
	case in.Email == "":
		return usageErrorf("--email is required")
	case len(roles) == 0:
		return usageErrorf("--role is required: admin, therapist or prescriber")
	}
	if err := store.ValidateEmail(in.Email); err != nil {
		return usageErrorf("--email: %s", problem.MessageOf(err))
	}
	if err := validate(cfg); err != nil {
		return err
	}
	in.Roles = roles

	m := c.newMain(cfg)
	if err := m.Open(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	inv, err := m.AddStaff(c.ctx, in)
	if err != nil {
		return err
	}
	if inv.ClinicCreated {
		fmt.Fprintf(c.stdout, "Created the first clinic, %q (short name %s, time zone %s).\n", inv.Clinic.Name, inv.Clinic.ShortName, inv.Clinic.TimeZone)
	}
	fmt.Fprintf(c.stdout, "Added %s <%s> to %s as %s.\n", inv.User.Name, inv.User.Email, inv.Clinic.Name,
		strings.ReplaceAll(roles.String(), ",", ", "))
	fmt.Fprintf(c.stdout, "Send them this one-time setup link (it works once, until %s):\n%s\n",
		inv.Expires.Format("2006-01-02 15:04 MST"), inv.URL)
	return nil
}

// tokenCreateAbout is the help text of token create.
// #nosec G101 -- words about a token, not a credential
const tokenCreateAbout = `Prints a new API bearer token for the user with that email, alone on the
last line of standard output. The token sees exactly what its user sees. It
is shown only this once; only its hash is stored. Users revoke tokens on their
account page.`

func cmdTokenCreate(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	var email, label string
	fs.StringVar(&email, "email", "", "the user's email `address` (required)")
	fs.StringVar(&label, "name", "", "a `label` for the token, shown in the user's token list (default \"command line\")")
	if err := parse(fs, "--email E [--name N]", tokenCreateAbout, args); err != nil {
		return err
	}
	if email == "" {
		return usageErrorf("--email is required")
	}
	if err := validate(cfg); err != nil {
		return err
	}
	m := c.newMain(cfg)
	if err := m.Open(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	tok, err := m.CreateToken(c.ctx, email, label)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "API token %q for %s <%s>; it is shown only once:\n%s\n", tok.Token.Name, tok.User.Name, tok.User.Email, tok.Secret)
	return nil
}
