package fhir

import (
	"context"
	"net/url"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/store"
)

// obsTotals returns the valueInteger of each Observation of a searchset, in order.
func obsTotals(t *testing.T, m map[string]any) []int {
	t.Helper()
	var out []int
	for _, e := range asList(m["entry"]) {
		r := e.(map[string]any)["resource"].(map[string]any)
		out = append(out, int(r["valueInteger"].(float64)))
	}
	return out
}

func TestObservationRead(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedResponses()
		r := f.responses["A"] // PHQ-9, 18: moderately severe
		o := f.get(t, "prescriber", "/fhir/r4/Observation/score-"+r.ID, 200)
		cat := asList(asList(o["category"])[0].(map[string]any)["coding"])[0].(map[string]any)
		code := asList(o["code"].(map[string]any)["coding"])[0].(map[string]any)
		interp := asList(asList(o["interpretation"])[0].(map[string]any)["coding"])[0].(map[string]any)
		derived := asList(o["derivedFrom"])[0].(map[string]any)
		switch {
		case o["status"] != "final" || o["id"] != "score-"+r.ID:
			t.Errorf("observation: %v", o)
		case cat["system"] != "http://terminology.hl7.org/CodeSystem/observation-category" || cat["code"] != "survey":
			t.Errorf("category: %v", cat)
		case code["system"] != "http://loinc.org" || code["code"] != "44261-6":
			t.Errorf("code: %v", code)
		case o["valueInteger"] != float64(18):
			t.Errorf("value: %v", o["valueInteger"])
		case interp["system"] != "urn:doorway:measures:phq9:band" || interp["code"] != "moderately_severe" || interp["display"] != "Moderately severe":
			t.Errorf("interpretation: %v", interp)
		case derived["reference"] != "QuestionnaireResponse/"+r.ID:
			t.Errorf("derivedFrom: %v", derived)
		case o["subject"].(map[string]any)["reference"] != "Patient/"+f.clients["A"].ID:
			t.Errorf("subject: %v", o["subject"])
		case o["effectiveDateTime"] != fhirInstant(r.CompletedAt):
			t.Errorf("effective: %v", o["effectiveDateTime"])
		}
		// The derivedFrom reference resolves.
		f.get(t, "prescriber", "/fhir/r4/"+derived["reference"].(string), 200)
		// Out of scope, malformed and absent are the same 404.
		f.get(t, "unassigned", "/fhir/r4/Observation/score-"+r.ID, 404)
		f.get(t, "admin", "/fhir/r4/Observation/"+r.ID, 404)
		f.get(t, "admin", "/fhir/r4/Observation/score-nope", 404)
		f.get(t, "admin", "/fhir/r4/Observation/vitals-"+r.ID, 404)
	})
}

func TestObservationSearch(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedResponses()
		a := f.clients["A"].ID
		day := func(n int) string { return f.now.AddDate(0, 0, -n).In(f.p.Clinic.Location()).Format("2006-01-02") }
		// Seeded (days ago: total): A PHQ-9 60:18, 30:12, 2:6; A GAD-7 10:8; B PHQ-9 5:3.
		for _, tc := range []struct {
			principal, query string
			want             []int
		}{
			{"admin", "", []int{18, 12, 8, 3, 6}},
			{"admin", "_sort=-date", []int{6, 3, 8, 12, 18}},
			{"admin", "code=44261-6", []int{18, 12, 3, 6}},
			{"admin", "code=http://loinc.org|44261-6", []int{18, 12, 3, 6}},
			{"admin", "code=http://loinc.org|70274-6", []int{8}},
			{"admin", "code=44261-6,70274-6&patient=" + a, []int{18, 12, 8, 6}},
			{"admin", "code=http://snomed.info/sct|44261-6", nil},
			{"admin", "code=|44261-6", nil},
			{"admin", "subject=Patient/" + a + "&code=44261-6&_sort=-date", []int{6, 12, 18}},
			{"admin", "date=ge" + day(30) + "&date=le" + day(5), []int{12, 8, 3}},
			{"admin", "date=gt" + day(30), []int{8, 3, 6}},
			{"admin", "date=lt" + day(30), []int{18}},
			{"admin", "date=" + day(10), []int{8}},
			{"admin", "date=ge" + day(5) + "&date=le" + day(30), nil},
			{"admin", "category=survey", []int{18, 12, 8, 3, 6}},
			{"admin", "category=http://terminology.hl7.org/CodeSystem/observation-category|survey", []int{18, 12, 8, 3, 6}},
			{"admin", "category=vital-signs", nil},
			// Scope: a client sees their own, a therapist their care team's.
			{"clientB", "", []int{3}},
			{"clientB", "patient=" + a, nil},
			{"unassigned", "", []int{3}},
			{"assigned", "code=44261-6", []int{18, 12, 6}},
			{"foreignAdmin", "", nil},
		} {
			m := f.get(t, tc.principal, "/fhir/r4/Observation?"+tc.query, 200)
			got := obsTotals(t, m)
			if len(got) != len(tc.want) || int(m["total"].(float64)) != len(tc.want) {
				t.Errorf("%s %s: %v (total %v), want %v", tc.principal, tc.query, got, m["total"], tc.want)
				continue
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("%s %s: %v, want %v", tc.principal, tc.query, got, tc.want)
					break
				}
			}
		}
		for _, bad := range []string{"code:text=PHQ", "value-quantity=5", "date=yesterday", "date=ge2026-01-01,le2026-02-01", "_sort=code"} {
			f.get(t, "admin", "/fhir/r4/Observation?"+bad, 400)
		}

		// Paging: two at a time through five, newest first.
		m := f.get(t, "admin", "/fhir/r4/Observation?_sort=-date&_count=2", 200)
		_, total, links := bundleIDs(t, m)
		if total != 5 || len(obsTotals(t, m)) != 2 || links["next"] == "" || links["previous"] != "" {
			t.Fatalf("page 1: total %d, links %v", total, links)
		}
		next, _ := url.Parse(links["next"])
		m = f.get(t, "admin", next.RequestURI(), 200)
		_, _, links = bundleIDs(t, m)
		if got := obsTotals(t, m); len(got) != 2 || got[0] != 8 || got[1] != 12 || links["previous"] == "" || links["next"] == "" {
			t.Errorf("page 2: %v, links %v", got, links)
		}

		// A search is audited once per client it returned.
		ctx := context.Background()
		var es []audit.Entry
		f.st.Read(ctx, func(tx *store.Tx) (err error) {
			es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.observation.search", ActorID: f.p.Users["clientB"].ID, Limit: 10})
			return err
		})
		if len(es) != 2 || es[0].ClientID != "" && es[0].ClientID != f.clients["B"].ID {
			t.Errorf("client B's searches audited: %+v", es)
		}
	})
}

func TestQuestionnaireResponseSearch(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedResponses()
		a := f.clients["A"].ID
		day := func(n int) string { return f.now.AddDate(0, 0, -n).In(f.p.Clinic.Location()).Format("2006-01-02") }
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"", 5},
			{"patient=" + a, 4},
			{"questionnaire=http://loinc.org/q/44249-1", 4},
			{"questionnaire=http://example.com/fhir/r4/Questionnaire/gad7", 1},
			{"questionnaire=Questionnaire/gad7,Questionnaire/phq9&patient=Patient/" + a, 4},
			{"questionnaire=http://elsewhere.example/Questionnaire/phq9", 0},
			{"authored=ge" + day(10), 3},
			{"authored=le" + day(30) + "&questionnaire=Questionnaire/phq9", 2},
			// date is authored by the name every type shares.
			{"date=ge" + day(10), 3},
			{"date=le" + day(30) + "&questionnaire=Questionnaire/phq9", 2},
		} {
			_, total, _ := bundleIDs(t, f.get(t, "admin", "/fhir/r4/QuestionnaireResponse?"+tc.query, 200))
			if total != tc.want {
				t.Errorf("%s: %d, want %d", tc.query, total, tc.want)
			}
		}
		for _, sort := range []string{"-authored", "-date"} {
			ids, _, _ := bundleIDs(t, f.get(t, "assigned", "/fhir/r4/QuestionnaireResponse?_count=1&_sort="+sort, 200))
			if len(ids) != 1 || ids[0] == f.responses["A"].ID {
				t.Errorf("_sort=%s, newest first: %v", sort, ids)
			}
		}
		f.get(t, "admin", "/fhir/r4/QuestionnaireResponse?_sort=questionnaire", 400)
		f.get(t, "admin", "/fhir/r4/QuestionnaireResponse?code=44249-1", 400)
	})
}

// TestEverythingIncludesMeasures: $everything holds the client's responses
// and their score Observations, and nobody else's.
func TestEverythingIncludesMeasures(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedResponses()
		m := f.get(t, "clientA", "/fhir/r4/Patient/"+f.clients["A"].ID+"/$everything", 200)
		count := map[string]int{}
		for _, e := range asList(m["entry"]) {
			r := e.(map[string]any)["resource"].(map[string]any)
			count[r["resourceType"].(string)]++
			if s, ok := r["subject"].(map[string]any); ok && s["reference"] != "Patient/"+f.clients["A"].ID {
				t.Errorf("another client's resource: %v", r)
			}
		}
		if count["Patient"] != 1 || count["QuestionnaireResponse"] != 4 || count["Observation"] != 4 {
			t.Errorf("$everything: %v", count)
		}
	})
}

// The vital signs are only searched when category and code leave room for one.
func TestVitalsMayMatch(t *testing.T) {
	for q, want := range map[string]bool{
		"":                                     true,
		"patient=x":                            true,
		"category=vital-signs":                 true,
		"category=survey":                      false,
		"category=survey,vital-signs":          true,
		"category=vital-signs&category=survey": false,
		"code=8867-4":                          true,
		"code=" + url.QueryEscape(loincSystem+"|29463-7"): true,
		"code=44261-6":                      false,
		"code=44261-6,59408-5":              true,
		"category=vital-signs&code=44261-6": false,
		"category=survey&code=8867-4":       false,
	} {
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		if got := vitalsMayMatch(&searchQuery{values: v}); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}
