// Package synth fills a database with a synthetic practice for benchmarks
// (`doorway seed`, CONTRACT.md): N clients of invented people with the
// histories a real practice accumulates, courses in every phase, measures
// every two weeks, medicine sessions with their vital signs, preparation
// notes and journal entries. The same seed gives the same practice, so a
// benchmark can be run again on the same data.
//
// It writes through the store's own calls, so every sealed column is sealed
// and every rule the store keeps (a signed record is locked) holds; a few
// hundred clients go in one transaction, and each transaction appends one
// audit entry saying what it added, so the audit chain stays whole.
package synth

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Config says what to make.
type Config struct {
	Clients int
	// Seed picks the practice: the same seed, the same practice.
	Seed uint64
	// Now anchors every date: histories run back from it.
	Now time.Time
	// Progress, when set, is told how far the seeding has come.
	Progress io.Writer
	// PasswordHash is every synthetic account's password hash (made once by
	// the caller: argon2 is slow on purpose).
	PasswordHash string
	// Batch, when set, is how many clients go in one transaction instead of
	// defaultBatch. The practice is the same whatever it is; only the
	// audit entries, one a transaction, differ.
	Batch int
}

// Result says what was made.
type Result struct {
	Clinic   store.Clinic
	Staff    int
	Clients  int
	Sessions int
	Elapsed  time.Duration
	// Logins are accounts to measure the pages with: a therapist, their
	// first client (with a portal account and a medicine session under
	// way), and the clinic's admin.
	Therapist, Client, Admin string
	// ClientID and SessionAppointment name that client and the appointment
	// of their session under way, for the session's pages.
	ClientID, SessionAppointment string
}

// defaultBatch is how many clients go in one transaction: big enough that
// commits are rare, small enough that a transaction stays short (about a
// second at 10,000 clients on a 2-core machine). A commit writes every page
// the transaction changed, and the ids that key the indexes are random, so
// at thousands of clients nearly every leaf of each index changes in every
// transaction whatever its size: fewer, larger transactions write each page
// fewer times. 500 seeds 10,000 clients a sixth faster than 250 did.
const defaultBatch = 500

// Seed adds cfg.Clients synthetic clients to the first clinic, creating the
// clinic and its staff when there is none.
func Seed(ctx context.Context, st *store.Store, cfg Config) (Result, error) {
	start := time.Now()
	if cfg.Clients < 1 {
		return Result{}, problem.New(problem.Invalid, "give at least one client")
	}
	now := cfg.Now.UTC().Truncate(time.Second)
	p := &practice{cfg: cfg, now: now, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed))} // #nosec G404 -- made-up demo and load data from a fixed seed, so a run can be repeated; no secret comes from it
	batch := cfg.Batch
	if batch < 1 {
		batch = defaultBatch
	}
	err := st.BulkLoad(ctx, func() error { return p.seed(ctx, st, batch) })
	if err != nil {
		return Result{}, err
	}
	res := p.res
	res.Clinic, res.Staff, res.Clients, res.Sessions, res.Elapsed = p.clinic, len(p.therapists)+len(p.prescribers)+1, cfg.Clients, p.sessions, time.Since(start)
	res.Therapist = p.therapists[0].Email
	return res, nil
}

// seed writes the foundation, then the clients, batch of them to a
// transaction, showing the progress after each.
func (p *practice) seed(ctx context.Context, st *store.Store, batch int) error {
	cfg := p.cfg
	if err := st.Write(ctx, func(tx *store.Tx) error { return p.foundation(ctx, tx) }); err != nil {
		return err
	}
	for done := 0; done < cfg.Clients; {
		n := min(batch, cfg.Clients-done)
		err := st.Write(ctx, func(tx *store.Tx) error {
			for i := range n {
				if err := p.client(ctx, tx, done+i); err != nil {
					return fmt.Errorf("synthetic client %d: %w", done+i+1, err)
				}
			}
			e := audit.Entry{Time: time.Now().UTC(), ActorKind: audit.ActorSystem, ClinicID: p.clinic.ID, Action: "synthetic.seed",
				ResourceType: "clinic", ResourceID: p.clinic.ID, Outcome: audit.OK, Severity: audit.Info,
				Detail: fmt.Sprintf("clients %d to %d of a synthetic practice", done+1, done+n)}
			return tx.AppendAudit(ctx, &e)
		})
		if err != nil {
			return err
		}
		done += n
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "\rseeding: %d of %d clients (%d%%)", done, cfg.Clients, done*100/cfg.Clients)
		}
	}
	if cfg.Progress != nil {
		fmt.Fprintln(cfg.Progress)
	}
	return nil
}

// practice is the seeding's state: the clinic, its staff, the randomness.
type practice struct {
	cfg         Config
	now         time.Time
	rng         *rand.Rand
	clinic      store.Clinic
	therapists  []store.User
	prescribers []store.User
	// slots counts each therapist's booked sessions, so no two of theirs
	// overlap (the store refuses a clinician in two places at once).
	slots    map[string]int
	sessions int
	res      Result
	// run tells apart the staff and e-mails of one seeding from another's
	// in the same database.
	run string
}

// foundation finds the first clinic (or creates one) and adds the staff
// the caseloads need: a therapist for every 60 clients, a prescriber for
// every 500, and an admin.
func (p *practice) foundation(ctx context.Context, tx *store.Tx) error {
	clinics, err := tx.Clinics(ctx)
	if err != nil {
		return err
	}
	if len(clinics) > 0 {
		p.clinic = clinics[0]
	} else {
		p.clinic = store.Clinic{ID: auth.NewID(), ShortName: "synthetic", Name: "Synthetic Practice", TimeZone: "America/Los_Angeles", CreatedAt: p.now}
		if err := tx.CreateClinic(ctx, &p.clinic); err != nil {
			return err
		}
	}
	// The accounts' e-mails carry the seed, so a benchmark knows them.
	p.run = fmt.Sprintf("s%d", p.cfg.Seed)
	p.slots = map[string]int{}
	staff := func(i int, role store.Role) (store.User, error) {
		u := store.User{ID: auth.NewID(), ClinicID: p.clinic.ID, Email: fmt.Sprintf("%s%d.%s@synthetic.example", role, i+1, p.run),
			Name: fmt.Sprintf("%s %s", pick(p.rng, givenNames), pick(p.rng, familyNames)), Kind: "staff",
			PasswordHash: p.cfg.PasswordHash, Roles: []store.Role{role}, CreatedAt: p.now.AddDate(-2, 0, 0)}
		return u, tx.CreateUser(ctx, &u)
	}
	admin, err := staff(0, store.RoleAdmin)
	if err != nil {
		return err
	}
	p.res.Admin = admin.Email
	for i := range max(2, p.cfg.Clients/60) {
		u, err := staff(i, store.RoleTherapist)
		if err != nil {
			return err
		}
		p.therapists = append(p.therapists, u)
	}
	for i := range max(1, p.cfg.Clients/500) {
		u, err := staff(i, store.RolePrescriber)
		if err != nil {
			return err
		}
		p.prescribers = append(p.prescribers, u)
	}
	return nil
}

// phases is how a practice's clients spread over the journey, in
// hundredths: most are active or done, some wait at each door.
var phases = []struct {
	state care.State
	share int
}{
	{care.Intake, 5}, {care.Screening, 5}, {care.Declined, 3}, {care.Preparation, 15},
	{care.Active, 35}, {care.Paused, 5}, {care.Completed, 27}, {care.Maintenance, 5},
}

// phaseFor picks a client's phase.
func (p *practice) phaseFor() care.State {
	n := p.rng.IntN(100)
	for _, ph := range phases {
		if n < ph.share {
			return ph.state
		}
		n -= ph.share
	}
	return care.Active
}

// sessionsIn is how many medicine sessions a course in state has had.
func (p *practice) sessionsIn(state care.State) int {
	switch state {
	case care.Active:
		return 1 + p.rng.IntN(4)
	case care.Paused:
		return 1 + p.rng.IntN(2)
	case care.Completed, care.Maintenance:
		return 4 + p.rng.IntN(3)
	}
	return 0
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
