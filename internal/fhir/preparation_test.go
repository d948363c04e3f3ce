package fhir

import (
	"context"
	"net/http"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
)

// prepIDs are client A's preparation records in the fixture.
type prepIDs struct {
	courseID, signatureID, withdrawnID, goalID, intentionID string
}

// seedPreparation gives client A a course in preparation, a signed and a
// withdrawn consent, a measurable goal and an intention with the marker.
// Client B gets nothing.
func (f *fixture) seedPreparation() {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	now := f.now
	clinic := f.p.Clinic.ID
	co := store.Course{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, State: care.Preparation, StartedAt: now.AddDate(0, 0, -5), CreatedAt: now}
	f.prep.courseID, f.prep.goalID, f.prep.intentionID = co.ID, auth.NewID(), auth.NewID()
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &co); err != nil {
			return err
		}
		couples := store.ConsentSignature{ClinicID: clinic, ClientID: a.ID, Kind: care.ConsentCouples, TypedName: "Avery", Agreed: true, SignedAt: now.Add(-3 * time.Hour)}
		if _, err := tx.SignConsent(ctx, &couples, 1); err != nil {
			return err
		}
		if _, err := tx.WithdrawConsent(ctx, clinic, a.ID, couples.ID, "", now.Add(-2*time.Hour)); err != nil {
			return err
		}
		kap := store.ConsentSignature{ClinicID: clinic, ClientID: a.ID, Kind: care.ConsentKAP, TypedName: "Avery " + marker, Agreed: true, SignedAt: now.Add(-time.Hour)}
		if _, err := tx.SignConsent(ctx, &kap, 1); err != nil {
			return err
		}
		f.prep.signatureID, f.prep.withdrawnID = kap.ID, couples.ID
		goal := store.Goal{ID: f.prep.goalID, ClinicID: clinic, ClientID: a.ID, CourseID: co.ID, Kind: store.GoalGoal, Text: "Lift the low mood",
			Measure: "phq9<10", CreatedBy: f.p.Users["assigned"].ID, CreatedAt: now, AgreedByTherapistAt: &now, AgreedByTherapist: f.p.Users["assigned"].ID}
		if err := tx.AddGoal(ctx, &goal); err != nil {
			return err
		}
		intention := store.Goal{ID: f.prep.intentionID, ClinicID: clinic, ClientID: a.ID, CourseID: co.ID, Kind: store.GoalIntention,
			Text: "Rest " + marker, CreatedBy: f.p.Users["clientA"].ID, CreatedAt: now, AgreedByClientAt: &now}
		return tx.AddGoal(ctx, &intention)
	})
	if err != nil {
		f.t.Fatalf("preparation fixture: %v", err)
	}
}

func TestPreparationResources(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedPreparation()
		get := func(principal, path string) map[string]any {
			t.Helper()
			rec := f.do(principal, "GET", path)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s as %s: %d %s", path, principal, rec.Code, rec.Body)
			}
			return mustFHIR(t, rec.Body.Bytes())
		}
		ep := get("assigned", "/fhir/r4/EpisodeOfCare/"+f.prep.courseID)
		if ep["status"] != "active" || ep["patient"].(map[string]any)["reference"] != "Patient/"+f.clients["A"].ID {
			t.Errorf("EpisodeOfCare: %v", ep)
		}
		plan := get("prescriber", "/fhir/r4/CarePlan/"+carePlanPrefix+f.prep.courseID)
		acts := plan["activity"].([]any)
		first := acts[0].(map[string]any)["detail"].(map[string]any)["status"]
		if plan["intent"] != "plan" || plan["status"] != "active" || len(acts) != 3 || first != "in-progress" || len(plan["goal"].([]any)) != 2 {
			t.Errorf("CarePlan: %v", plan)
		}
		consent := get("clientA", "/fhir/r4/Consent/"+f.prep.signatureID)
		scope := consent["scope"].(map[string]any)["coding"].([]any)[0].(map[string]any)
		if consent["status"] != "active" || scope["system"] != consentScopeSystem || scope["code"] != "treatment" {
			t.Errorf("Consent: %v", consent)
		}
		if w := get("clientA", "/fhir/r4/Consent/"+f.prep.withdrawnID); w["status"] != "inactive" {
			t.Errorf("withdrawn Consent: %v", w)
		}
		goal := get("assigned", "/fhir/r4/Goal/"+f.prep.goalID)
		target := goal["target"].([]any)[0].(map[string]any)
		q := target["detailQuantity"].(map[string]any)
		code := target["measure"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"]
		if goal["lifecycleStatus"] != "proposed" || q["value"] != 10.0 || q["comparator"] != "<" || code != "44261-6" {
			t.Errorf("Goal: %v", goal)
		}
		if g := get("clientA", "/fhir/r4/Goal/"+f.prep.intentionID); g["lifecycleStatus"] != "active" {
			t.Errorf("intention: %v", g)
		}
		// Search by patient, with paging.
		b := get("assigned", "/fhir/r4/Consent?patient=Patient/"+f.clients["A"].ID+"&_count=1")
		if b["total"] != 2.0 || len(b["entry"].([]any)) != 1 {
			t.Errorf("Consent search: %v", b)
		}
		if b := get("assigned", "/fhir/r4/Goal?subject="+f.clients["B"].ID); b["total"] != 0.0 {
			t.Errorf("a search for a client outside the care team found %v", b["total"])
		}
		// Outside scope: 404, as if absent.
		for _, path := range []string{"/fhir/r4/Goal/" + f.prep.goalID, "/fhir/r4/EpisodeOfCare/" + f.prep.courseID, "/fhir/r4/CarePlan/plan-nonsense"} {
			if rec := f.do("unassigned", "GET", path); rec.Code != http.StatusNotFound {
				t.Errorf("%s as unassigned: %d", path, rec.Code)
			}
		}
		// $everything carries them all.
		ev := get("clientA", "/fhir/r4/Patient/"+f.clients["A"].ID+"/$everything")
		kinds := map[string]int{}
		for _, e := range ev["entry"].([]any) {
			kinds[e.(map[string]any)["resource"].(map[string]any)["resourceType"].(string)]++
		}
		if kinds["EpisodeOfCare"] != 1 || kinds["CarePlan"] != 1 || kinds["Consent"] != 2 || kinds["Goal"] != 2 {
			t.Errorf("$everything: %v", kinds)
		}
	})
}

// A refused CarePlan read is audited with its id as out of scope: the
// plan- prefix is how this server spells a plan's id, not the caller's text.
func TestCarePlanDenialAudited(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.seedPreparation()
		id := carePlanPrefix + f.prep.courseID
		if rec := f.do("unassigned", "GET", "/fhir/r4/CarePlan/"+id); rec.Code != http.StatusNotFound {
			t.Fatalf("CarePlan as unassigned: %d", rec.Code)
		}
		var es []audit.Entry
		err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
			es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.careplan.read", Limit: 10})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Outcome != audit.Denied || es[0].ResourceID != id || es[0].Detail != "out of scope" {
			t.Errorf("denial entries: %+v", es)
		}
	})
}

// A goal written and marked in the evening, Pacific time, is dated on the
// clinic's day, the day its date search finds it on, not the next day in
// UTC.
func TestGoalDatesInClinicZone(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.seedPreparation()
		a := f.clients["A"]
		loc := f.p.Clinic.Location()
		if loc.String() != "America/Los_Angeles" {
			t.Fatalf("the fixture clinic is in %s", loc)
		}
		evening := time.Date(2026, 3, 10, 20, 30, 0, 0, loc) // 2026-03-11 in UTC
		goal := store.Goal{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, ClientID: a.ID, CourseID: f.prep.courseID, Kind: store.GoalIntention,
			Text: "Sleep well", CreatedBy: f.p.Users["clientA"].ID, CreatedAt: evening, AgreedByClientAt: &evening}
		err := f.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.AddGoal(ctx, &goal); err != nil {
				return err
			}
			return tx.SetGoalStatus(ctx, f.p.Clinic.ID, a.ID, goal.ID, store.GoalAchieved, f.p.Users["assigned"].ID, evening.Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := f.do("clientA", "GET", "/fhir/r4/Goal/"+goal.ID)
		if rec.Code != http.StatusOK {
			t.Fatalf("Goal read: %d %s", rec.Code, rec.Body)
		}
		g := mustFHIR(t, rec.Body.Bytes())
		if g["startDate"] != "2026-03-10" || g["statusDate"] != "2026-03-10" {
			t.Errorf("startDate %v, statusDate %v; want 2026-03-10", g["startDate"], g["statusDate"])
		}
		rec = f.do("clientA", "GET", "/fhir/r4/Goal?patient="+a.ID+"&date=2026-03-10")
		b := mustFHIR(t, rec.Body.Bytes())
		if rec.Code != http.StatusOK || b["total"] != 1.0 {
			t.Errorf("Goal search on the clinic's day: %d %v", rec.Code, b["total"])
		}
	})
}
