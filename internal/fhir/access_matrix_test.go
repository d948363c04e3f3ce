package fhir

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"

	"doorway/internal/store"
)

var updateMatrix = flag.Bool("update-fhir-matrix", false, "rewrite testdata/access_matrix.txt from what the API does")

const matrixFile = "testdata/access_matrix.txt"

// deniedStatus reports whether a status gave the caller nothing. 422 is a
// create refused (a subject the caller may not record for).
func deniedStatus(code int) bool {
	return code == 401 || code == 403 || code == 404 || code == 405 || code == 422
}

// cell names what a principal got: the status, and for a Bundle which of the
// fixture's clients it held (A, B, other, and +N for the five extra clients
// on the assigned therapist's care team).
func (f *fixture) cell(code int, body []byte) (string, []string) {
	if code != 200 {
		return fmt.Sprint(code), nil
	}
	var b struct {
		ResourceType string
		Entry        []struct {
			Resource struct {
				ResourceType, ID string
				Subject          *struct{ Reference string }
				Patient          *struct{ Reference string }                   // EpisodeOfCare, Consent
				Member           []struct{ Entity struct{ Reference string } } // Group: a couple
			}
		}
	}
	if json.Unmarshal(body, &b) != nil || b.ResourceType != "Bundle" {
		return "200", nil
	}
	var named []string
	extra := 0
	for _, e := range b.Entry {
		id := e.Resource.ID
		if e.Resource.ResourceType != "Patient" {
			// A resource about a client is named by its subject; one about
			// nobody (a Questionnaire) names no one.
			if e.Resource.Subject == nil && e.Resource.Patient != nil {
				e.Resource.Subject = e.Resource.Patient
			}
			// A couple names both its members.
			for _, m := range e.Resource.Member {
				if l := f.label(strings.TrimPrefix(m.Entity.Reference, "Patient/")); l == "A" || l == "B" || l == "other" {
					named = append(named, l)
				}
			}
			if e.Resource.Subject == nil {
				continue
			}
			id = strings.TrimPrefix(e.Resource.Subject.Reference, "Patient/")
		}
		switch l := f.label(id); l {
		case "A", "B", "other":
			named = append(named, l)
		default:
			extra++
		}
	}
	sort.Strings(named)
	items := append([]string(nil), named...)
	if extra > 0 {
		items = append(items, fmt.Sprintf("+%d", extra))
	}
	return "200[" + strings.Join(items, ",") + "]", named
}

// pathFor fills a route's wildcards with client A's id, or the id of a
// resource about client A.
func (f *fixture) pathFor(pattern string) string {
	id := f.clients["A"].ID
	switch {
	case strings.Contains(pattern, "/Questionnaire/"):
		id = "phq9"
	case strings.Contains(pattern, "/QuestionnaireResponse/"):
		id = f.responses["A"].ID
	case strings.Contains(pattern, "/Observation/"):
		id = scoreIDPrefix + f.responses["A"].ID
	case strings.Contains(pattern, "/EpisodeOfCare/"):
		id = f.prep.courseID
	case strings.Contains(pattern, "/CarePlan/"):
		id = carePlanPrefix + f.prep.courseID
	case strings.Contains(pattern, "/Consent/"):
		id = f.prep.signatureID
	case strings.Contains(pattern, "/Goal/"):
		id = f.prep.goalID
	case strings.Contains(pattern, "/MedicationRequest/"):
		id = f.dosing[len(f.dosing)-1]
	case strings.Contains(pattern, "/Encounter/"):
		id = f.sessions.encounter(f.sessions.doneAppt, f.clients["A"])
	case strings.Contains(pattern, "/MedicationAdministration/"):
		id = f.sessions.done
	case strings.Contains(pattern, "/AdverseEvent/"):
		id = f.sessions.adverseEvent
	case strings.Contains(pattern, "/DocumentReference/"):
		id = f.notes.integration
	case strings.Contains(pattern, "/Group/"):
		id = f.couple
	}
	return strings.ReplaceAll(pattern, "{id}", id)
}

// TestAccessMatrix sends every API route × every principal of SECURITY.md
// and compares what happened with the committed table. A route missing from
// the table fails, so every new route must be thought about. It also proves
// that client A's planted marker reaches nobody who may not see A, and that
// every response is valid FHIR.
func TestAccessMatrix(t *testing.T) {
	f := newFixture(t, store.Config{DataDir: t.TempDir()})
	f.seedResponses()
	f.seedPreparation()
	f.seedDosing()
	f.seedMedicineSessions()
	f.seedNotes()
	f.seedCouple()
	got := map[string]string{}
	var routes []string
	leaks, checks := 0, 0
	for _, rt := range f.api.Routes() {
		key := rt.Method + " " + rt.Pattern
		routes = append(routes, key)
		var cells []string
		for _, p := range principals {
			var rec *httptest.ResponseRecorder
			if rt.Method == http.MethodPost {
				// A create changes what later requests see: each principal
				// gets a practice of their own, and creates for client A.
				fresh := newFixture(t, store.Config{DataDir: t.TempDir()})
				rec = fresh.post(p, rt.Pattern, fresh.createBody(rt.Pattern, fresh.clients["A"].ID))
			} else {
				rec = f.do(p, rt.Method, f.pathFor(rt.Pattern))
			}
			body := rec.Body.Bytes()
			mustFHIR(t, body)
			o, named := f.cell(rec.Code, body)
			cells = append(cells, p+"="+o)
			checks++
			seesA := rec.Code == 200 && (strings.Contains(rt.Pattern, "{id}") || contains(named, "A"))
			if !seesA && strings.Contains(string(body), marker) {
				leaks++
				t.Errorf("%s as %s: %s, but the body holds client A's data", key, p, o)
			}
		}
		got[key] = strings.Join(cells, " ")
	}
	sort.Strings(routes)
	if *updateMatrix {
		var b strings.Builder
		b.WriteString("# Every FHIR API route x every principal: the outcome expected.\n" +
			"# 401 = no valid token; 404 = refused as if absent; 200[...] = a Bundle holding resources about these clients\n" +
			"# (A, B, other; +N = the extra clients on the assigned therapist's care team; one letter per resource).\n" +
			"# POST: 201 = created for client A; 422 = refused, client A is not the caller's to record for.\n")
		for _, k := range routes {
			fmt.Fprintf(&b, "%s | %s\n", k, got[k])
		}
		if err := os.WriteFile(matrixFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readMatrix(t)
	unexpectedAllows := 0
	for _, k := range routes {
		w, ok := want[k]
		if !ok {
			t.Errorf("route %s is not in %s: decide who may use it and add it (go test -run TestAccessMatrix -update-fhir-matrix, then review the diff)", k, matrixFile)
			continue
		}
		wc, gc := strings.Fields(w), strings.Fields(got[k])
		if len(wc) != len(gc) {
			t.Errorf("%s: %s has %d principals, the test has %d", k, matrixFile, len(wc), len(gc))
			continue
		}
		for i := range gc {
			if wc[i] == gc[i] {
				continue
			}
			if widens(wc[i], gc[i]) {
				unexpectedAllows++
			}
			t.Errorf("%s: expected %s, got %s", k, wc[i], gc[i])
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s lists %s, which is no longer a route", matrixFile, k)
		}
	}
	if unexpectedAllows > 0 {
		t.Errorf("%d unexpected allows", unexpectedAllows)
	}
	t.Logf("FHIR access matrix: %d routes x %d principals = %d requests; %d unexpected allows; %d leaks of the planted marker",
		len(routes), len(principals), checks, unexpectedAllows, leaks)
}

// widens reports whether got gives more than want: a refusal became an
// answer, or a Bundle holds something the table does not allow.
func widens(want, got string) bool {
	_, wo, _ := strings.Cut(want, "=")
	_, g, _ := strings.Cut(got, "=")
	wStatus, wItems, _ := strings.Cut(wo, "[")
	gStatus, gItems, _ := strings.Cut(g, "[")
	var wCode, gCode int
	fmt.Sscan(wStatus, &wCode)
	fmt.Sscan(gStatus, &gCode)
	if deniedStatus(wCode) {
		return !deniedStatus(gCode)
	}
	allowed := strings.Split(strings.TrimSuffix(wItems, "]"), ",")
	for _, it := range strings.Split(strings.TrimSuffix(gItems, "]"), ",") {
		if it != "" && !contains(allowed, it) {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func readMatrix(t *testing.T) map[string]string {
	data, err := os.ReadFile(matrixFile)
	if err != nil {
		t.Fatalf("read %s: %v", matrixFile, err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, " | ")
		if !ok {
			t.Fatalf("%s: malformed line %q", matrixFile, line)
		}
		out[k] = v
	}
	return out
}
