package main

import (
	"fmt"
	"strconv"

	"doorway/internal/synth"
)

const seedAbout = `Fills the database with a synthetic practice of N invented clients for
benchmarks: courses in every phase, PHQ-9 and GAD-7 every two weeks, signed
medicine sessions with their vital signs, preparation notes and journal
entries. The same --seed gives the same practice. The clients join the first
clinic, which is created if there is none; every synthetic account's password
is "synthetic practice". Never run it on a real practice's database.`

// seedPassword is every synthetic account's password.
const seedPassword = "synthetic practice"

func cmdSeed(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	var clients int
	var seed uint64
	fs.IntVar(&clients, "clients", 0, "how many synthetic `clients` to add (required)")
	fs.Uint64Var(&seed, "seed", 1, "the `number` that picks the practice")
	if err := parse(fs, "--clients N [--seed S]", seedAbout, args); err != nil {
		return err
	}
	if clients < 1 {
		return usageErrorf("--clients must be a whole number of at least 1")
	}
	if err := validate(cfg); err != nil {
		return err
	}
	// A seed of many clients takes long enough to profile while it runs,
	// which is how one finds out why it slows as the database grows.
	if addr := c.getenv(profileEnv); addr != "" {
		if err := startProfiler(addr); err != nil {
			return err
		}
	}
	m := c.newMain(cfg)
	if err := m.Open(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	hash, err := m.Hasher.Hash(c.ctx, seedPassword)
	if err != nil {
		return err
	}
	res, err := synth.Seed(c.ctx, m.Store, synth.Config{Clients: clients, Seed: seed, Now: m.Now(), Progress: c.stderr, PasswordHash: hash})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Added %s clients (%d signed medicine sessions) and %d staff to %s in %.1f s.\n",
		strconv.Itoa(res.Clients), res.Sessions, res.Staff, res.Clinic.Name, res.Elapsed.Seconds())
	fmt.Fprintf(c.stdout, "Sign in with the password %q as:\n  therapist %s\n  client    %s (a medicine session under way: /clients/%s/sessions/%s)\n  admin     %s\n",
		seedPassword, res.Therapist, res.Client, res.ClientID, res.SessionAppointment, res.Admin)
	return nil
}
