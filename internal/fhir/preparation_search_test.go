package fhir

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/store"
)

// TestPreparationSearch searches the preparation types by date, status and
// code, sorts and pages them, refuses what it does not know, and marks a
// goal achieved as FHIR says it: every answer validates against the schema.
func TestPreparationSearch(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedPreparation()
		ctx := context.Background()
		a := f.clients["A"]
		loc := f.p.Clinic.Location()
		day := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }
		// An earlier course of client A: started 400 days ago, ended 300
		// days ago. The current one (the fixture's) began 5 days ago.
		oldStart, oldEnd := f.now.AddDate(0, 0, -400), f.now.AddDate(0, 0, -300)
		old := store.Course{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, ClientID: a.ID, State: care.Completed, StartedAt: oldStart, EndedAt: &oldEnd, CreatedAt: oldStart}
		err := f.st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCourse(ctx, &old); err != nil {
				return err
			}
			return tx.SetGoalStatus(ctx, f.p.Clinic.ID, a.ID, f.prep.goalID, store.GoalAchieved, f.p.Users["assigned"].ID, f.now)
		})
		if err != nil {
			t.Fatal(err)
		}
		search := func(path string) map[string]any {
			t.Helper()
			rec := f.do("assigned", "GET", path)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
			}
			b := mustFHIR(t, rec.Body.Bytes())
			if b["type"] != "searchset" {
				t.Fatalf("%s: not a searchset", path)
			}
			return b
		}
		ids := func(b map[string]any) []string {
			var out []string
			entries, _ := b["entry"].([]any)
			for _, e := range entries {
				out = append(out, e.(map[string]any)["resource"].(map[string]any)["id"].(string))
			}
			return out
		}
		expect := func(path string, want ...string) {
			t.Helper()
			b := search(path)
			got := ids(b)
			if int(b["total"].(float64)) != len(want) || strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: total %v, ids %v; want %v", path, b["total"], got, want)
			}
		}
		cur := f.prep.courseID
		ep := "/fhir/r4/EpisodeOfCare?patient=" + a.ID
		// Periods overlap the date: the open current course reaches today;
		// the old one covers 350 days ago and ended 300 days ago.
		expect(ep+"&date=ge"+day(f.now), cur)
		expect(ep+"&date=le"+day(f.now.AddDate(0, 0, -350)), old.ID)
		expect(ep+"&date=eq"+day(f.now.AddDate(0, 0, -350)), old.ID)
		expect(ep+"&date="+day(f.now.AddDate(0, 0, -350)), old.ID)
		expect(ep+"&date=gt"+day(oldEnd), cur)
		expect(ep + "&date=lt" + day(oldStart))
		expect(ep+"&date=ge"+day(f.now.AddDate(0, 0, -350))+"&date=le"+day(f.now.AddDate(0, 0, -10)), old.ID)
		expect(ep+"&status=finished", old.ID)
		expect(ep+"&status="+url.QueryEscape(episodeStatusSystem+"|active"), cur)
		expect(ep+"&status=finished,active&_sort=date", old.ID, cur)
		expect(ep+"&_sort=-date", cur, old.ID)
		expect("/fhir/r4/CarePlan?subject=Patient/"+a.ID+"&status=completed", carePlanPrefix+old.ID)
		expect("/fhir/r4/CarePlan?subject=Patient/"+a.ID+"&date=ge"+day(f.now)+"&status=active", carePlanPrefix+cur)

		// Paging: one a page, next and previous links, the total each time.
		b := search(ep + "&_sort=date&_count=1")
		links := map[string]string{}
		for _, l := range b["link"].([]any) {
			links[l.(map[string]any)["relation"].(string)] = l.(map[string]any)["url"].(string)
		}
		if got := ids(b); len(got) != 1 || got[0] != old.ID || b["total"] != 2.0 || links["next"] == "" || links["previous"] != "" {
			t.Fatalf("first page: %v %v", got, links)
		}
		next, _ := url.Parse(links["next"])
		b = search(next.RequestURI())
		if got := ids(b); len(got) != 1 || got[0] != cur || b["total"] != 2.0 {
			t.Errorf("second page: %v", got)
		}

		co := "/fhir/r4/Consent?patient=" + a.ID
		expect(co+"&status=inactive", f.prep.withdrawnID)
		expect(co+"&status=active&scope=treatment", f.prep.signatureID)
		expect(co+"&category="+url.QueryEscape(loincSystem+"|59284-0")+"&_sort=-date", f.prep.signatureID, f.prep.withdrawnID)
		expect(co + "&category=12345-6")
		expect(co+"&date=ge"+day(f.now.AddDate(0, 0, -1))+"&_sort=date", f.prep.withdrawnID, f.prep.signatureID)

		g := "/fhir/r4/Goal?patient=" + a.ID
		expect(g+"&code="+url.QueryEscape(loincSystem+"|44261-6"), f.prep.goalID)
		expect(g + "&code=70274-6") // GAD-7: no goal aims at it
		expect(g+"&lifecycle-status=completed&achievement-status=achieved", f.prep.goalID)
		expect(g+"&lifecycle-status=active", f.prep.intentionID)
		expect(g+"&category=behavioral", f.prep.goalID)
		// Both were written at the same moment, so only the count is certain.
		if b := search(g + "&date=le" + day(f.now) + "&_sort=date"); b["total"] != 2.0 || len(ids(b)) != 2 {
			t.Errorf("goals written by today: %v", ids(b))
		}
		expect(g + "&start-date=gt" + day(f.now))

		// The achieved goal, read: completed, achieved, on the day marked.
		rec := f.do("clientA", "GET", "/fhir/r4/Goal/"+f.prep.goalID)
		goal := mustFHIR(t, rec.Body.Bytes())
		ach := goal["achievementStatus"].(map[string]any)["coding"].([]any)[0].(map[string]any)
		if goal["lifecycleStatus"] != "completed" || ach["code"] != "achieved" || ach["system"] != goalAchievementSystem || goal["statusDate"] != day(f.now) {
			t.Errorf("achieved goal: %v", goal)
		}

		// What the search does not know is refused, by name.
		for path, want := range map[string]string{
			"/fhir/r4/Goal?colour=blue":                    "Unknown or unsupported search parameter for Goal: colour",
			"/fhir/r4/EpisodeOfCare?code=1":                "Unknown or unsupported search parameter for EpisodeOfCare: code",
			"/fhir/r4/Consent?date=2026-13-01":             "date must be a date",
			"/fhir/r4/Consent?date=ge2026-01-01,le2026-02": "takes one date per parameter",
			"/fhir/r4/CarePlan?date=sa2026-01-01":          "The prefix sa is not supported",
			"/fhir/r4/Goal?_sort=status":                   "Cannot sort by status",
			"/fhir/r4/Goal?_count=many":                    "_count must be a whole number",
		} {
			rec := f.do("assigned", "GET", path)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
			}
			mustFHIR(t, rec.Body.Bytes())
		}
		// Outside the care team, a search finds nothing.
		if rec := f.do("unassigned", "GET", ep+"&status=finished"); !strings.Contains(rec.Body.String(), `"total":0`) {
			t.Errorf("unassigned found: %s", rec.Body)
		}
		// The CapabilityStatement lists exactly these parameters.
		cs := mustFHIR(t, f.do("anonymous", "GET", "/fhir/r4/metadata").Body.Bytes())
		params := map[string][]string{}
		for _, r := range cs["rest"].([]any)[0].(map[string]any)["resource"].([]any) {
			res := r.(map[string]any)
			sp, _ := res["searchParam"].([]any)
			for _, p := range sp {
				params[res["type"].(string)] = append(params[res["type"].(string)], p.(map[string]any)["name"].(string))
			}
		}
		for typ, want := range map[string]string{
			"EpisodeOfCare": "patient,subject,date,status",
			"CarePlan":      "patient,subject,date,status",
			"Consent":       "patient,subject,date,status,scope,category",
			"Goal":          "patient,subject,date,start-date,code,lifecycle-status,achievement-status,category",
		} {
			if got := strings.Join(params[typ], ","); got != want {
				t.Errorf("%s search parameters: %s, want %s", typ, got, want)
			}
		}
	})
}
