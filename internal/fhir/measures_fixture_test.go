package fhir

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// phq9Keys are the PHQ-9 items 1–9 in form order (their LOINC codes).
var phq9Keys = []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"}

// phq9 makes PHQ-9 answers from nine scores, items 1–9.
func phq9(scores ...int) measures.Answers {
	a := measures.Answers{}
	for i, s := range scores {
		a[phq9Keys[i]] = s
	}
	return a
}

// seeded is one response seedResponses stores.
type seeded struct {
	client     string // fixture key
	instrument string
	daysAgo    int
	answers    measures.Answers
}

// seedResponses stores, through the store methods the portal uses:
//
//	client A: PHQ-9 60 days ago (2×9 = 18, moderately severe), 30 days ago
//	          (1×9 + 3 = 12, moderate), 2 days ago (6, mild);
//	          GAD-7 10 days ago (8, mild)
//	client B: PHQ-9 5 days ago (3, minimal)
//
// Item 9 is 0 throughout, so nothing is flagged. f.responses holds each
// client's first (oldest).
func (f *fixture) seedResponses() {
	f.t.Helper()
	gad7 := measures.Answers{}
	for i, k := range []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"} {
		gad7[k] = []int{2, 2, 1, 1, 1, 1, 0}[i]
	}
	f.seed(
		seeded{"A", measures.PHQ9, 60, phq9(3, 3, 2, 2, 2, 2, 2, 2, 0)},
		seeded{"A", measures.PHQ9, 30, phq9(3, 1, 1, 1, 1, 1, 1, 3, 0)},
		seeded{"A", measures.PHQ9, 2, phq9(1, 1, 1, 1, 1, 1, 0, 0, 0)},
		seeded{"A", measures.GAD7, 10, gad7},
		seeded{"B", measures.PHQ9, 5, phq9(1, 1, 1, 0, 0, 0, 0, 0, 0)},
	)
}

func (f *fixture) seed(list ...seeded) {
	f.t.Helper()
	ctx := context.Background()
	if f.responses == nil {
		f.responses = map[string]store.Response{}
	}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, s := range list {
			in, _ := measures.ByID(s.instrument)
			res, err := measures.Score(in, s.answers)
			if err != nil {
				return err
			}
			cl := f.clients[s.client]
			at := f.now.Add(-time.Duration(s.daysAgo) * 24 * time.Hour)
			asg := store.Assignment{ID: auth.NewID(), ClinicID: cl.ClinicID, ClientID: cl.ID, InstrumentID: in.ID,
				Occasion: store.OccasionAssigned, DueAt: at, CreatedAt: at}
			if err := tx.CreateAssignment(ctx, &asg); err != nil {
				return err
			}
			r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: cl.ClinicID, ClientID: cl.ID, InstrumentID: in.ID,
				Answers: s.answers, Total: res.Total, HasTotal: res.HasTotal, BandKey: res.Band.Key, EnteredBy: cl.UserID,
				CompletedAt: at, RecordedAt: at}
			if err := tx.SaveResponse(ctx, &r, nil); err != nil {
				return err
			}
			if _, ok := f.responses[s.client]; !ok {
				f.responses[s.client] = r
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatalf("seed responses: %v", err)
	}
}

// post sends a FHIR JSON body as a principal.
func (f *fixture) post(principal, path string, body []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.postType(principal, path, "application/fhir+json", body)
}

// postType sends a body of some content type as a principal.
func (f *fixture) postType(principal, path, contentType string, body []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if tok := f.tokens[principal]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// createBody is a valid body for a create route, about a client: for the
// access matrix.
func (f *fixture) createBody(pattern, clientID string) []byte {
	if strings.HasSuffix(pattern, "/QuestionnaireResponse") {
		f.askFor(clientID, measures.PHQ9) // what a client may answer
		return responseBody(loincQuestionnairePrefix+"44249-1", clientID, codedItems(phq9(1, 1, 0, 0, 0, 0, 0, 0, 0)))
	}
	if strings.HasSuffix(pattern, "/Observation") {
		// A heart rate in client A's session under way.
		f.seedMedicineSessions()
		return vitalBody("8867-4", clientID, f.sessions.encounter(f.sessions.liveAppt, f.clients["A"]))
	}
	f.t.Fatalf("no create body for %s", pattern)
	return nil
}

// item is one item of a response body.
type item map[string]any

// codedItems answers PHQ-9 items with their LOINC answer codes.
func codedItems(a measures.Answers) []item {
	in, _ := measures.ByID(measures.PHQ9)
	var out []item
	for _, it := range in.Items {
		if v, ok := a[it.Key]; ok {
			o, _ := it.OptionByScore(v)
			out = append(out, item{"linkId": it.Key, "answer": []any{map[string]any{
				"valueCoding": map[string]any{"system": "http://loinc.org", "code": o.LOINC, "display": o.Label}}}})
		}
	}
	return out
}

// scoredItems answers items with valueInteger scores, in key order given.
func scoredItems(keys []string, a measures.Answers) []item {
	var out []item
	for _, k := range keys {
		out = append(out, item{"linkId": k, "answer": []any{map[string]any{"valueInteger": a[k]}}})
	}
	return out
}

// responseBody is a QuestionnaireResponse to create.
func responseBody(questionnaire, clientID string, items []item, extra ...map[string]any) []byte {
	m := map[string]any{
		"resourceType":  "QuestionnaireResponse",
		"questionnaire": questionnaire,
		"status":        "completed",
		"subject":       map[string]any{"reference": "Patient/" + clientID},
		"authored":      "2026-01-15T10:00:00Z",
		"item":          items,
	}
	for _, e := range extra {
		for k, v := range e {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// stored counts what a create may write: responses, safety flags, open
// assignments and create audit entries of the main clinic.
type stored struct{ responses, flags, open, audits int }

func (f *fixture) stored() stored {
	f.t.Helper()
	ctx := context.Background()
	var s stored
	err := f.st.Read(ctx, func(tx *store.Tx) error {
		_, n, err := tx.SearchResponses(ctx, store.ResponseQuery{ClinicID: f.p.Clinic.ID})
		if err != nil {
			return err
		}
		s.responses = n
		fl, err := tx.OpenFlags(ctx, f.p.Clinic.ID)
		if err != nil {
			return err
		}
		s.flags = len(fl)
		var everyone []string
		for _, c := range f.p.Clients {
			everyone = append(everyone, c.ID)
		}
		open, err := tx.OpenAssignmentsOf(ctx, f.p.Clinic.ID, everyone)
		if err != nil {
			return err
		}
		s.open = len(open)
		es, err := tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.questionnaireresponse.create", Outcome: string(audit.OK), Limit: 1000})
		s.audits = len(es)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}
