package fhir

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"doorway/internal/measures"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// FuzzSearchParameters reads any query string as a search of every
// resource type. It never panics; a refusal is a problem the caller can
// act on (Invalid, so 400), never an internal error; and what is accepted
// names only the type's own parameters, each with a value, and reads back
// the same from the links the server would write for it.
func FuzzSearchParameters(f *testing.F) {
	for _, q := range []string{"patient=abc", "patient=", "patient=a,b&_count=5&_sort=-date", "name=che&birthdate=ge1980-01&_offset=50",
		"_format=json&code=http://loinc.org|44261-6", "date=ge2026-01-01&date=le2026-03-31", "_count=999999999999999999999", "%zz", "a=1;b=2",
		"subject=Patient/x&_sort=date,date", "status=active,,stopped"} {
		f.Add(q)
	}
	api := New(Config{})
	f.Fuzz(func(t *testing.T, raw string) {
		for _, typ := range api.types {
			if typ.search == nil {
				continue
			}
			q, err := parseSearch(&http.Request{URL: &url.URL{RawQuery: raw}}, typ)
			if err != nil {
				if problem.CodeOf(err) != problem.Invalid {
					t.Fatalf("%s?%s: %v is not a refusal the caller can act on", typ.name, raw, err)
				}
				continue
			}
			known := map[string]bool{}
			for _, p := range typ.params {
				known[p.name] = true
			}
			for name, vals := range q.values {
				for _, v := range vals {
					if !known[name] || v == "" {
						t.Fatalf("%s?%s: accepted %s=%q", typ.name, raw, name, v)
					}
				}
			}
			if q.count < 0 || q.count > maxCount || q.offset < 0 || q.offset > maxOffset {
				t.Fatalf("%s?%s: count %d, offset %d", typ.name, raw, q.count, q.offset)
			}
			again := url.Values{}
			for k, v := range q.link {
				again[k] = v
			}
			again.Set(paramCount, strconv.Itoa(q.count))
			again.Set(paramOffset, strconv.Itoa(q.offset))
			q2, err := parseSearch(&http.Request{URL: &url.URL{RawQuery: again.Encode()}}, typ)
			if err != nil {
				t.Fatalf("%s?%s: its own link %s is refused: %v", typ.name, raw, again.Encode(), err)
			}
			if !reflect.DeepEqual(q.values, q2.values) || q.count != q2.count || q.offset != q2.offset || !reflect.DeepEqual(q.sort, q2.sort) {
				t.Fatalf("%s?%s reads back from its link %s differently", typ.name, raw, again.Encode())
			}
		}
	})
}

// fuzzCreate sends any body to a create route as the assigned therapist,
// on a practice with a medicine session under way and a questionnaire
// asked for. Whatever the body, the answer is never a server error and is
// FHIR JSON: a refusal is an OperationOutcome, and only a 201 carries the
// resource made.
func fuzzCreate(f *testing.F, path string, seeds ...[]byte) {
	fx := newFixture(f, store.Config{DataDir: f.TempDir()})
	fx.seedMedicineSessions()
	a := fx.clients["A"]
	fx.askFor(a.ID, measures.PHQ9)
	live := fx.sessions.encounter(fx.sessions.liveAppt, a)
	for _, s := range [][]byte{
		vitalBody("8867-4", a.ID, live), vitalBody("85354-9", a.ID, live), vitalBody("59408-5", a.ID, live),
		responseBody(loincQuestionnairePrefix+"44249-1", a.ID, codedItems(phq9(1, 1, 0, 0, 0, 0, 0, 0, 0))),
		[]byte(`{"resourceType":"Observation"}`), []byte(`{`), []byte(`[]`), []byte("{\"resourceType\":\"Observation\",\"status\":\"fin\xffal\"}"),
	} {
		f.Add(s)
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/fhir+json")
		req.Header.Set("Authorization", "Bearer "+fx.tokens["assigned"])
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body)
		}
		var res struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("%d is not JSON: %s", rec.Code, rec.Body)
		}
		switch {
		case rec.Code == http.StatusCreated && res.ResourceType == "OperationOutcome",
			rec.Code != http.StatusCreated && res.ResourceType != "OperationOutcome",
			rec.Code != http.StatusCreated && rec.Code < 400:
			t.Fatalf("%d with a %s for %q", rec.Code, res.ResourceType, body)
		}
	})
}

// FuzzObservationCreate: any body posted as a vital sign.
func FuzzObservationCreate(f *testing.F) {
	fuzzCreate(f, "/fhir/r4/Observation")
}

// FuzzQuestionnaireResponseCreate: any body posted as a completed
// questionnaire.
func FuzzQuestionnaireResponseCreate(f *testing.F) {
	fuzzCreate(f, "/fhir/r4/QuestionnaireResponse",
		[]byte(`{"resourceType":"QuestionnaireResponse","status":"completed","questionnaire":"Questionnaire/phq9","item":[{"linkId":"44250-9","answer":[{"valueInteger":3}]}]}`))
}
