package demo_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/demo"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

var ctx = context.Background()

// seeded opens a database on e with the demo seeded in it at the moment the
// stories are told from, which it returns.
func seeded(t *testing.T, e storetest.Engine) (*store.Store, time.Time) {
	t.Helper()
	now := time.Date(2026, 5, 4, 17, 30, 0, 0, time.UTC)
	st := storetest.Open(t, e)
	if _, err := demo.Seed(ctx, st, auth.NewHasher(1), now); err != nil {
		t.Fatal(err)
	}
	return st, now
}

func TestSeedOnceOnEveryEngine(t *testing.T) {
	hasher := auth.NewHasher(1)
	now := time.Date(2026, 5, 4, 17, 30, 0, 0, time.UTC)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st := storetest.Open(t, e)
			logins, err := demo.Seed(ctx, st, hasher, now)
			if err != nil {
				t.Fatalf("seed: %v", err)
			}
			if len(logins) != 17 {
				t.Errorf("%d logins, want 4 + 10 Stillwater and 1 + 2 Harbor", len(logins))
			}
			for _, l := range logins {
				if err := auth.CheckPassword(l.Password, l.Email); err != nil {
					t.Errorf("%s: the demo password fails the policy: %v", l.Email, err)
				}
			}
			before, err := st.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}

			again, err := demo.Seed(ctx, st, hasher, now.Add(48*time.Hour))
			if err != nil {
				t.Fatalf("second seed: %v", err)
			}
			if !slices.Equal(again, logins) {
				t.Errorf("second seed gave other logins")
			}
			after, _ := st.RowCounts(ctx)
			if !maps.Equal(before, after) {
				t.Errorf("second seed wrote: %v, then %v", before, after)
			}

			checkPractice(t, st, hasher, now)
		})
	}
}

// checkPractice reads the seeded practice back.
func checkPractice(t *testing.T, st *store.Store, hasher *auth.Hasher, now time.Time) {
	t.Helper()
	staff := map[string]store.User{}
	err := st.Read(ctx, func(tx *store.Tx) error {
		first, err := tx.FirstClinic(ctx)
		if err != nil {
			return err
		}
		if first.ShortName != "stillwater" || first.Name != "Stillwater Ketamine Therapy" || first.TimeZone != "America/Los_Angeles" || !first.Demo {
			t.Errorf("first clinic %+v", first)
		}
		harbor, err := tx.ClinicByRef(ctx, "harbor")
		if err != nil || harbor.Name != "Harbor Psychiatry" || !harbor.Demo {
			t.Errorf("harbor clinic %+v, %v", harbor, err)
		}

		for _, email := range []string{"alex", "jordan", "sam", "robin"} {
			u, err := tx.UserByEmail(ctx, email+"@stillwater.example")
			if err != nil {
				return err
			}
			if !u.Demo || u.Kind != "staff" || u.ClinicID != first.ID {
				t.Errorf("%s: %+v", email, u)
			}
			staff[email] = u
		}
		if !staff["alex"].HasRole(store.RoleAdmin) || !staff["jordan"].HasRole(store.RolePrescriber) ||
			!staff["sam"].HasRole(store.RoleTherapist) || !staff["robin"].HasRole(store.RoleTherapist) {
			t.Error("a demo staff member lacks their role")
		}

		caseload := func(who string) []string {
			cs, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: first.ID, CareTeamOf: staff[who].ID})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cs {
				names = append(names, c.GivenName)
				if c.UserID == "" {
					t.Errorf("%s has no portal account", c.GivenName)
				}
			}
			slices.Sort(names)
			return names
		}
		if got := caseload("jordan"); len(got) != 10 {
			t.Errorf("Dr. Lee's caseload %v, want all 10 clients", got)
		}
		if got := caseload("robin"); !slices.Equal(got, []string{"Ben", "Priya"}) {
			t.Errorf("Robin's caseload %v, want the Sharmas", got)
		}
		if got := caseload("sam"); len(got) != 8 || slices.Contains(got, "Priya") || slices.Contains(got, "Ben") {
			t.Errorf("Sam's caseload %v, want the 8 clients who are not the Sharmas", got)
		}
		if got := caseload("alex"); len(got) != 0 {
			t.Errorf("the admin is on care teams: %v", got)
		}
		if _, total, _ := tx.Clients(ctx, store.ClientFilter{ClinicID: harbor.ID}); total != 2 {
			t.Errorf("Harbor has %d clients, want 2", total)
		}

		maya, err := tx.UserByEmail(ctx, "maya@stillwater.example")
		if err != nil {
			return err
		}
		if ok, err := hasher.Verify(ctx, demo.Password, maya.PasswordHash); !ok || err != nil {
			t.Errorf("the demo password does not sign Maya in: %v", err)
		}
		if _, err := tx.UserByEmail(ctx, "ivy@stillwater.example"); err == nil {
			t.Error("Ivy Nakamura is an inquiry, not a client")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	checkHistory(t, st, staff, now)
}

// checkHistory reads the demo's audit log back: one valid chain, written as
// the practice would have written it, each entry by the person who did the
// thing and dated when it happened, oldest first; only setting up the
// clinics (the clinic and its first admin, made from the command line) is
// the system's.
func checkHistory(t *testing.T, st *store.Store, staff map[string]store.User, now time.Time) {
	t.Helper()
	var maya store.User
	if err := st.Read(ctx, func(tx *store.Tx) (err error) {
		maya, err = tx.UserByEmail(ctx, "maya@stillwater.example")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	v := audit.NewVerifier()
	var entries []audit.Entry
	if err := st.EachAudit(ctx, 1, func(e audit.Entry) error {
		entries = append(entries, e)
		return v.Add(e)
	}); err != nil {
		t.Fatal(err)
	}
	if res, err := v.Finish(); err != nil || res.Count < 100 {
		t.Fatalf("seed audit trail: %+v, %v", res, err)
	}
	// by finds the entries of an action by an actor.
	by := func(action, actorID string) (n int) {
		for _, e := range entries {
			if e.Action == action && e.ActorID == actorID {
				n++
			}
		}
		return n
	}
	var system []string
	for i, e := range entries {
		if i > 0 && e.Time.Before(entries[i-1].Time) {
			t.Errorf("entry %d (%s, %s) is dated before entry %d (%s)", e.Seq, e.Action, e.Time, e.Seq-1, entries[i-1].Time)
		}
		if e.Time.After(now) {
			t.Errorf("entry %d (%s) is dated %s, after the seed's now %s", e.Seq, e.Action, e.Time, now)
		}
		if e.ActorKind == audit.ActorSystem {
			system = append(system, e.Action)
		}
	}
	if want := []string{"clinic.create", "user.create", "clinic.create", "user.create"}; !slices.Equal(system, want) {
		t.Errorf("the system's entries %v, want %v (each clinic and its admin)", system, want)
	}
	// Stillwater was founded 400 days ago, the oldest event.
	if first := entries[0]; first.Action != "clinic.create" || !first.Time.Equal(now.Add(-400*24*time.Hour)) {
		t.Errorf("first entry %s at %s, want clinic.create 400 days before %s", first.Action, first.Time, now)
	}
	// Alex added the ten Stillwater clients; Maya signed her own consent
	// and wrote her own journal; Sam entered her sessions' vitals; Dr.
	// Lee wrote the dosing orders and signed the session records.
	for _, c := range []struct {
		action, who string
		id          string
		atLeast     int
	}{
		{"client.create", "Alex", staff["alex"].ID, 10},
		{"consent.sign", "Maya", maya.ID, 1},
		{"journal.write", "Maya", maya.ID, 6},
		{"medicine_session.vitals", "Sam", staff["sam"].ID, 10},
		{"dosing_order.write", "Dr. Lee", staff["jordan"].ID, 1},
		{"medicine_session.sign", "Dr. Lee", staff["jordan"].ID, 5},
	} {
		if n := by(c.action, c.id); n < c.atLeast {
			t.Errorf("%d %s entries by %s, want at least %d", n, c.action, c.who, c.atLeast)
		}
	}
}
