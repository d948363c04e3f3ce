// Package demo seeds the demo practice of DEMO.md: Stillwater Ketamine
// Therapy with its staff and clients, and Harbor Psychiatry beside it to
// show that nothing crosses between clinics. The seed runs once; later calls
// find it and only report the logins.
//
// The seed is built in parts, one function each, run in order in a single
// transaction. A later part (screening, courses, sessions, measures,
// journals) adds its data to the same people, reaching them through the
// seeder's maps by their short keys ("maya", "sam").
package demo

import (
	"context"
	"slices"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Password is every demo account's password. It passes the password policy.
const Password = "stillwater-demo"

// ShortName is the main demo clinic's short name; its presence means the
// demo is seeded.
const ShortName = "stillwater"

// Login is one demo account, printed when the demo starts.
type Login struct {
	Clinic   string // the clinic's name
	Role     string // "admin", "prescriber", "therapist", "admin, therapist" or "client"
	Name     string
	Email    string
	Password string
}

// part is one piece of the seed.
type part func(ctx context.Context, s *seeder) error

// parts run in this order; each part of the practice appends its own.
var parts = []part{
	seedStillwater,
	seedHarbor,
	seedMeasures,    // measures.go
	seedSchedule,    // schedule.go
	seedSessions,    // sessions.go
	seedPreparation, // preparation.go
	seedFrontDoor,   // front_door.go
	seedIntegration, // integration.go
	seedCouples,     // couples.go
	seedReminders,   // reminders.go: last, so its first sweep sees every booking
}

// seeder carries what the parts share.
type seeder struct {
	tx   *store.Tx
	now  time.Time
	hash string // the demo password's hash, made once: argon2 is slow on purpose

	clinics map[string]store.Clinic // by short name
	staff   map[string]store.User   // by key, such as "sam"
	clients map[string]store.Client // by key, such as "maya"

	history []audit.Entry // what record noted, chained by writeHistory
}

// Seed creates the demo practice unless it exists, and returns its logins
// either way. now anchors every date, so the demo always looks current.
func Seed(ctx context.Context, st *store.Store, hasher *auth.Hasher, now time.Time) ([]Login, error) {
	now = now.UTC().Truncate(time.Microsecond)
	seeded := false
	err := st.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.ClinicByRef(ctx, ShortName)
		if err == nil {
			seeded = true
			return nil
		}
		if problem.CodeOf(err) != problem.NotFound {
			return err
		}
		// A real practice's database is no place for invented people.
		if cs, err := tx.Clinics(ctx); err != nil || len(cs) > 0 {
			if err != nil {
				return err
			}
			return problem.New(problem.Conflict,
				"this database already holds a clinic that is not the demo; give the demo a data directory (or database) of its own")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !seeded {
		hash, err := hasher.Hash(ctx, Password)
		if err != nil {
			return nil, err
		}
		err = st.Write(ctx, func(tx *store.Tx) error {
			s := &seeder{tx: tx, now: now, hash: hash,
				clinics: map[string]store.Clinic{}, staff: map[string]store.User{}, clients: map[string]store.Client{}}
			for _, p := range parts {
				if err := p(ctx, s); err != nil {
					return err
				}
			}
			return s.writeHistory(ctx)
		})
		if err != nil {
			return nil, err
		}
	}
	return Logins(), nil
}

// Logins lists every demo account, staff first, in the order of DEMO.md.
func Logins() []Login {
	var out []Login
	for _, c := range clinics {
		for _, p := range c.staff {
			out = append(out, Login{Clinic: c.name, Role: roleText(p.roles), Name: p.name, Email: p.email, Password: Password})
		}
		for _, p := range c.clients {
			out = append(out, Login{Clinic: c.name, Role: "client", Name: p.given + " " + p.family, Email: p.email, Password: Password})
		}
	}
	return out
}

func roleText(roles []store.Role) string {
	s := ""
	for i, r := range roles {
		if i > 0 {
			s += ", "
		}
		s += string(r)
	}
	return s
}

// days is a duration of whole days, for dates relative to now.
func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// actor is who did something in the demo's history.
type actor struct {
	id   string
	kind audit.ActorKind
}

// theSystem is the clinic's system: what the server did of itself, such as
// creating the clinic and the accounts the demo signs in with.
var theSystem = actor{kind: audit.ActorSystem}

// staffMember is the demo staff member with this key, as an actor.
func (s *seeder) staffMember(key string) actor {
	return actor{id: s.staff[key].ID, kind: audit.ActorStaff}
}

// clientActor is a client acting through their portal account.
func clientActor(cl store.Client) actor { return actor{id: cl.UserID, kind: audit.ActorClient} }

// record notes one event of the demo's history: what was done, by whom and
// when it happened, so that a client's "who has looked at my record" and the
// audit log read as the practice would have written them, not as one burst
// at the moment of seeding. A time after the seed's now (an appointment
// booked for next week was booked before today) is taken as now. The
// entries are chained at the end, in time order (writeHistory).
func (s *seeder) record(clinicID string, by actor, at time.Time, e audit.Entry) {
	e.Time = at.UTC().Truncate(time.Microsecond)
	if at.IsZero() || e.Time.After(s.now) {
		e.Time = s.now
	}
	e.ActorID, e.ActorKind = by.id, by.kind
	e.ClinicID = clinicID
	e.Outcome = audit.OK
	if e.Severity == "" {
		e.Severity = audit.Info
	}
	s.history = append(s.history, e)
}

// writeHistory chains the recorded history onto the audit log, oldest
// first. The times go back weeks; the server signs a checkpoint over them
// as soon as the seed is written (see cmd/doorway), as an instance running
// through those weeks would have, so that audit verification finds them
// covered.
func (s *seeder) writeHistory(ctx context.Context) error {
	slices.SortStableFunc(s.history, func(a, b audit.Entry) int { return a.Time.Compare(b.Time) })
	for i := range s.history {
		if err := s.tx.AppendAudit(ctx, &s.history[i]); err != nil {
			return err
		}
	}
	return nil
}
