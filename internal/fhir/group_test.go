package fhir

import (
	"context"
	"net/http"
	"testing"
	"time"

	"doorway/internal/store"
)

// TestGroupIsACouple: A and B linked as a couple are a Group of two Patient
// members, valid FHIR R4, read by either partner and by staff on either
// partner's care team, found by member; a therapist on neither team and a
// client outside the couple are answered 404 and find nothing. Once ended
// the Group is inactive, with the members' period closed.
func TestGroupIsACouple(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		a, b := f.clients["A"], f.clients["B"]
		c := store.Couple{ClinicID: f.p.Clinic.ID, ClientA: a.ID, ClientB: b.ID, CreatedBy: f.p.Users["admin"].ID, CreatedAt: f.now.Add(-time.Hour)}
		if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.CreateCouple(ctx, &c) }); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"clientA", "clientB", "assigned", "unassigned", "admin"} {
			g := f.get(t, who, "/fhir/r4/Group/"+c.ID, http.StatusOK)
			members := asList(g["member"])
			if g["type"] != "person" || g["actual"] != true || g["active"] != true || len(members) != 2 {
				t.Errorf("%s read %v", who, g)
			}
		}
		for _, who := range []string{"foreignAdmin"} {
			if rec := f.do(who, http.MethodGet, "/fhir/r4/Group/"+c.ID); rec.Code != http.StatusNotFound {
				t.Errorf("%s read the couple: %d", who, rec.Code)
			}
		}
		for _, q := range []string{"?member=Patient/" + a.ID, "?member=" + b.ID, "", "?_id=" + c.ID} {
			ids, total, _ := bundleIDs(t, f.get(t, "assigned", "/fhir/r4/Group"+q, http.StatusOK))
			if total != 1 || len(ids) != 1 || ids[0] != c.ID {
				t.Errorf("search %q: %v %d", q, ids, total)
			}
		}
		// Someone else's member, or a malformed one, finds nothing.
		for _, q := range []string{"?member=Patient/" + f.clients["casey"].ID, "?member=Patient/nope"} {
			if ids, _, _ := bundleIDs(t, f.get(t, "assigned", "/fhir/r4/Group"+q, http.StatusOK)); len(ids) != 0 {
				t.Errorf("search %q found %v", q, ids)
			}
		}
		if ids, _, _ := bundleIDs(t, f.get(t, "foreignAdmin", "/fhir/r4/Group?member=Patient/"+a.ID, http.StatusOK)); len(ids) != 0 {
			t.Errorf("another clinic's admin found %v", ids)
		}
		if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.EndCouple(ctx, f.p.Clinic.ID, c.ID, "", f.now) }); err != nil {
			t.Fatal(err)
		}
		g := f.get(t, "clientA", "/fhir/r4/Group/"+c.ID, http.StatusOK)
		m := asList(g["member"])[0].(map[string]any)
		if g["active"] != false || m["inactive"] != true || m["period"].(map[string]any)["end"] == nil {
			t.Errorf("the ended couple: %v", g)
		}
	})
}

// seedCouple links clients A and B as a couple: the second partner is a
// principal of the access matrix (clientB, and unassigned on B's team).
func (f *fixture) seedCouple() {
	f.t.Helper()
	ctx := context.Background()
	c := store.Couple{ClinicID: f.p.Clinic.ID, ClientA: f.clients["A"].ID, ClientB: f.clients["B"].ID, CreatedBy: f.p.Users["admin"].ID, CreatedAt: f.now.Add(-time.Hour)}
	if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.CreateCouple(ctx, &c) }); err != nil {
		f.t.Fatalf("couple: %v", err)
	}
	f.couple = c.ID
}
