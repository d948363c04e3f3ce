package demo_test

import (
	"testing"

	"doorway/internal/demo"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestPriyaAndBenAreACouple: the demo's couple is linked, their joint
// medicine session two weeks ago left a signed record each in the same
// appointment, their shared space holds a reflection from each, and each
// keeps one private journal entry.
func TestPriyaAndBenAreACouple(t *testing.T) {
	e := storetest.Engines(t)[0]
	st, _ := seeded(t, e)
	err := st.Read(ctx, func(tx *store.Tx) error {
		clinic, err := tx.ClinicByRef(ctx, demo.ShortName)
		if err != nil {
			return err
		}
		clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: clinic.ID})
		if err != nil {
			return err
		}
		by := map[string]store.Client{}
		for _, c := range clients {
			by[c.GivenName] = c
		}
		priya, ben := by["Priya"], by["Ben"]
		c, ok, err := tx.LiveCoupleOf(ctx, clinic.ID, priya.ID)
		if err != nil || !ok || c.Partner(priya.ID) != ben.ID {
			t.Fatalf("Priya's couple: %+v %v %v", c, ok, err)
		}
		appts := map[string]int{}
		for _, cl := range []store.Client{priya, ben} {
			ms, err := tx.ClientMedicineSessions(ctx, clinic.ID, cl.ID)
			if err != nil {
				return err
			}
			if len(ms) != 1 || !ms[0].Locked() || ms[0].State != store.SessionDischarged {
				t.Errorf("%s's joint session records: %+v", cl.GivenName, ms)
			}
			for _, m := range ms {
				appts[m.AppointmentID]++
			}
			entries, err := tx.JournalEntries(ctx, store.JournalFilter{ClinicID: clinic.ID, ClientID: cl.ID})
			if err != nil || len(entries) != 1 || entries[0].Shared() {
				t.Errorf("%s's private journal: %+v %v", cl.GivenName, entries, err)
			}
		}
		if len(appts) != 1 {
			t.Errorf("the partners' records are not of one joint session: %v", appts)
		}
		rs, err := tx.CoupleReflections(ctx, clinic.ID, c.ID)
		if err != nil || len(rs) != 2 || rs[0].AuthorID != priya.ID || rs[1].AuthorID != ben.ID {
			t.Errorf("the shared space: %+v %v", rs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
