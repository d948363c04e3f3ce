package demo_test

import (
	"testing"

	"doorway/internal/care"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// The demo's gates tell DEMO.md's story: Ruth waits on her consent and
// nothing else of her own (her screening decision is the screening part's:
// until that part seeds it, its gate fails too), Maya and the couple have
// signed, and the couple each have the joint preparation session.
func TestDemoPreparationGates(t *testing.T) {
	st, now := seeded(t, storetest.Engines(t)[0])
	gates := func(email string) map[string]care.Gate {
		t.Helper()
		out := map[string]care.Gate{}
		err := st.Read(ctx, func(tx *store.Tx) error {
			u, err := tx.UserByEmail(ctx, email)
			if err != nil {
				return err
			}
			cl, err := tx.ClientByUser(ctx, u.ID)
			if err != nil {
				return err
			}
			co, _, err := tx.CurrentCourse(ctx, cl.ClinicID, cl.ID)
			if err != nil {
				return err
			}
			in, err := tx.GateInput(ctx, co)
			for _, g := range care.CourseGates(in, care.Settings{}, now) {
				out[g.ID] = g
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ruth := gates("ruth@stillwater.example")
	for id, pass := range map[string]bool{"consent:kap": false, care.GateBaseline: true, care.GatePreparation: true, care.GateDosingOrder: true} {
		if g := ruth[id]; g.Pass != pass {
			t.Errorf("Ruth's %s: pass=%v, want %v (%s)", id, g.Pass, pass, g.Why)
		}
	}
	for _, email := range []string{"maya@stillwater.example", "priya@stillwater.example", "ben@stillwater.example", "noah@stillwater.example"} {
		g := gates(email)
		if !g["consent:kap"].Pass || !g[care.GatePreparation].Pass {
			t.Errorf("%s: consent %q, preparation %q", email, g["consent:kap"].Why, g[care.GatePreparation].Why)
		}
	}
}
