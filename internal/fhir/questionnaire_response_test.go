package fhir

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

const phq9LOINC = loincQuestionnairePrefix + "44249-1"

// storedResponse loads a response by id straight from the store.
func (f *fixture) storedResponse(t *testing.T, id string) store.Response {
	t.Helper()
	ctx := context.Background()
	var rs []store.Response
	err := f.st.Read(ctx, func(tx *store.Tx) (err error) {
		rs, _, err = tx.SearchResponses(ctx, store.ResponseQuery{ClinicID: f.p.Clinic.ID, IDs: []string{id}, Limit: 1})
		return err
	})
	if err != nil || len(rs) != 1 {
		t.Fatalf("stored response %s: %v %v", id, rs, err)
	}
	return rs[0]
}

// asked is when the fixture's clinicians ask for questionnaires: before
// the authored time of responseBody.
var asked = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

// askFor gives a client an open assignment of an instrument, made by their
// therapist on 10 January: a client records through the API only what
// they have been asked for, as in the portal.
func (f *fixture) askFor(clientID, instrumentID string) store.Assignment {
	f.t.Helper()
	ctx := context.Background()
	asg := store.Assignment{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, ClientID: clientID, InstrumentID: instrumentID,
		Occasion: store.OccasionAssigned, DueAt: asked, AssignedBy: f.p.Users["assigned"].ID, CreatedAt: asked}
	if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.CreateAssignment(ctx, &asg) }); err != nil {
		f.t.Fatal(err)
	}
	return asg
}

// created checks a 201 and returns the created resource.
func created(t *testing.T, rec interface {
	Header() http.Header
}, code int, body []byte) map[string]any {
	t.Helper()
	if code != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", code, body)
	}
	m := mustFHIR(t, body)
	if loc := rec.Header().Get("Location"); loc != "http://example.com/fhir/r4/QuestionnaireResponse/"+m["id"].(string) {
		t.Errorf("Location %q for %v", loc, m["id"])
	}
	return m
}

func TestQuestionnaireResponseCreateByClient(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		f.askFor(a.ID, measures.PHQ9)
		// Items 1–9 scored 2,1,0,3,1,0,2,1,0: 10, moderate. LOINC answer codes.
		answers := phq9(2, 1, 0, 3, 1, 0, 2, 1, 0)
		rec := f.post("clientA", "/fhir/r4/QuestionnaireResponse", responseBody(phq9LOINC, a.ID, codedItems(answers)))
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		if m["questionnaire"] != "http://example.com/fhir/r4/Questionnaire/phq9" || m["status"] != "completed" ||
			m["subject"].(map[string]any)["reference"] != "Patient/"+a.ID || m["authored"] != "2026-01-15T10:00:00Z" {
			t.Errorf("created: %v", m)
		}
		if n := len(asList(m["item"])); n != 9 {
			t.Errorf("%d items echoed, want 9", n)
		}
		r := f.storedResponse(t, m["id"].(string))
		if r.ClientID != a.ID || r.InstrumentID != measures.PHQ9 || r.Total != 10 || r.BandKey != "moderate" ||
			r.EnteredBy != f.p.Users["clientA"].ID || r.OnPaper || !r.CompletedAt.Equal(time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("stored: %+v", r)
		}
		for k, v := range answers {
			if r.Answers[k] != v {
				t.Errorf("answer %s: %d, want %d", k, r.Answers[k], v)
			}
		}

		// Read back, as the client and as their therapist.
		qr := f.get(t, "assigned", "/fhir/r4/QuestionnaireResponse/"+r.ID, 200)
		first := asList(qr["item"])[0].(map[string]any)
		c := asList(first["answer"])[0].(map[string]any)["valueCoding"].(map[string]any)
		if first["linkId"] != "44250-9" || c["system"] != "http://loinc.org" || c["code"] != "LA6570-1" {
			t.Errorf("item 1 read back: %v", first)
		}
		f.get(t, "clientA", "/fhir/r4/QuestionnaireResponse/"+r.ID, 200)
		f.get(t, "clientB", "/fhir/r4/QuestionnaireResponse/"+r.ID, 404)

		// The score Observation exists at once.
		o := f.get(t, "clientA", "/fhir/r4/Observation/score-"+r.ID, 200)
		if o["valueInteger"] != float64(10) {
			t.Errorf("observation: %v", o)
		}

		// The create is audited against the client.
		ctx := context.Background()
		var es []audit.Entry
		f.st.Read(ctx, func(tx *store.Tx) (err error) {
			es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.questionnaireresponse.create", Limit: 10})
			return err
		})
		if len(es) != 1 || es[0].ClientID != a.ID || es[0].ResourceID != r.ID || es[0].ActorID != f.p.Users["clientA"].ID {
			t.Errorf("audit: %+v", es)
		}
	})
}

// TestQuestionnaireResponseAnswersAssignment: a client's response answers
// the open assignment of that instrument, as the portal form would.
func TestQuestionnaireResponseAnswersAssignment(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		asg := f.askFor(a.ID, measures.PHQ9)
		rec := f.post("clientA", "/fhir/r4/QuestionnaireResponse", responseBody(phq9LOINC, a.ID, codedItems(phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))))
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		if r := f.storedResponse(t, m["id"].(string)); r.AssignmentID != asg.ID {
			t.Errorf("answered assignment %s, want %s", r.AssignmentID, asg.ID)
		}
		if s := f.stored(); s.open != 0 {
			t.Errorf("%d assignments still open", s.open)
		}
	})
}

func TestQuestionnaireResponseCreateByStaff(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		// valueInteger scores, linked by our keys, PCL-5: 20 items of 2 = 40.
		in, _ := measures.ByID(measures.PCL5)
		answers := measures.Answers{}
		var keys []string
		for _, it := range in.Items {
			answers[it.Key] = 2
			keys = append(keys, it.Key)
		}
		body := responseBody("Questionnaire/pcl5", a.ID, scoredItems(keys, answers), map[string]any{"authored": "2026-01-14"})
		rec := f.post("assigned", "/fhir/r4/QuestionnaireResponse", body)
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		if m["author"].(map[string]any)["reference"] != nil {
			t.Errorf("staff entry names the client as author: %v", m["author"])
		}
		r := f.storedResponse(t, m["id"].(string))
		// A date alone is taken at noon in the clinic's zone (Los Angeles: 20:00 UTC in January).
		if r.Total != 40 || !r.OnPaper || r.EnteredBy != f.p.Users["assigned"].ID || !r.CompletedAt.Equal(time.Date(2026, 1, 14, 20, 0, 0, 0, time.UTC)) {
			t.Errorf("stored: %+v", r)
		}
		// PCL-5 has no bands: no interpretation.
		o := f.get(t, "assigned", "/fhir/r4/Observation/score-"+r.ID, 200)
		code := o["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)
		if o["valueInteger"] != float64(40) || o["interpretation"] != nil || code["code"] != "101698-9" {
			t.Errorf("PCL-5 observation: %v", o)
		}
	})
}

// TestQuestionnaireResponseTotalIgnored: a total item sent by the caller is
// never trusted. It is ignored (PHR apps send it) and the stored total is
// the one worked out from the answers.
func TestQuestionnaireResponseTotalIgnored(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		f.askFor(a.ID, measures.PHQ9)
		items := codedItems(phq9(1, 1, 1, 1, 0, 0, 0, 0, 0)) // 4: minimal
		items = append(items, item{"linkId": "44261-6", "answer": []any{map[string]any{"valueInteger": 27}}})
		rec := f.post("clientA", "/fhir/r4/QuestionnaireResponse", responseBody(phq9LOINC, a.ID, items))
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		r := f.storedResponse(t, m["id"].(string))
		if r.Total != 4 || r.BandKey != "minimal" {
			t.Errorf("stored total %d %s, want 4 minimal", r.Total, r.BandKey)
		}
		if _, ok := r.Answers["44261-6"]; ok {
			t.Error("the total was stored as an answer")
		}
		o := f.get(t, "clientA", "/fhir/r4/Observation/score-"+r.ID, 200)
		if o["valueInteger"] != float64(4) {
			t.Errorf("observation total %v", o["valueInteger"])
		}
	})
}

// TestQuestionnaireResponseSafetyFlag: item 9 above 0 through the API raises
// the flag the portal raises, where the caseload looks for it, with the
// same audit entry.
func TestQuestionnaireResponseSafetyFlag(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		f.askFor(a.ID, measures.PHQ9)
		answers := phq9(0, 0, 0, 0, 0, 0, 0, 0, 1)
		rec := f.post("clientA", "/fhir/r4/QuestionnaireResponse", responseBody(phq9LOINC, a.ID, scoredItems(phq9Keys, answers)))
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		in, _ := measures.ByID(measures.PHQ9)
		want, _ := measures.Score(in, answers)
		ctx := context.Background()
		var open []store.SafetyFlag
		var es []audit.Entry
		f.st.Read(ctx, func(tx *store.Tx) (err error) {
			if open, err = tx.OpenFlags(ctx, f.p.Clinic.ID); err != nil {
				return err
			}
			es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "safety_flag.raise", Limit: 10})
			return err
		})
		if len(open) != 1 || len(want.Flags) != 1 {
			t.Fatalf("open flags %+v, scoring raises %+v", open, want.Flags)
		}
		fl := open[0]
		if fl.ClientID != a.ID || fl.ResponseID != m["id"] || fl.Kind != string(want.Flags[0].Kind) ||
			fl.Severity != string(want.Flags[0].Severity) || fl.Reason != want.Flags[0].Reason {
			t.Errorf("flag %+v, want %+v", fl, want.Flags[0])
		}
		if len(es) != 1 || es[0].ResourceID != fl.ID || es[0].Severity != audit.High || es[0].ClientID != a.ID {
			t.Errorf("flag audit: %+v", es)
		}
	})
}

// TestQuestionnaireResponseRejected: everything wrong with a response is
// 422 naming the element (400 for a body that is not a response at all),
// and nothing is stored: no response, assignment, flag or create entry.
func TestQuestionnaireResponseRejected(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a, b := f.clients["A"], f.clients["B"]
		full := phq9(1, 1, 1, 1, 1, 1, 1, 1, 3) // item 9 would raise a flag if it were stored
		withItem := func(extra item) []item { return append(codedItems(full), extra) }
		without9 := codedItems(full)[:8]
		outOfRange := scoredItems(phq9Keys, full)
		outOfRange[3]["answer"] = []any{map[string]any{"valueInteger": 4}}
		badCode := codedItems(full)
		badCode[2]["answer"] = []any{map[string]any{"valueCoding": map[string]any{"system": "http://loinc.org", "code": "LA33-6"}}}
		twoAnswers := codedItems(full)
		twoAnswers[0]["answer"] = []any{map[string]any{"valueInteger": 1}, map[string]any{"valueInteger": 2}}
		bothKinds := codedItems(full)
		bothKinds[0]["answer"] = []any{map[string]any{"valueInteger": 1, "valueCoding": map[string]any{"system": "http://loinc.org", "code": "LA6569-3"}}}
		cssrs := []item{{"linkId": "93246-7", "answer": []any{map[string]any{"valueInteger": 0}}}}

		before := f.stored()
		for _, tc := range []struct {
			name      string
			principal string
			body      []byte
			status    int
			at        string // expected expression, 422 only
		}{
			{"incomplete", "clientA", responseBody(phq9LOINC, a.ID, without9), 422, "QuestionnaireResponse.item.where(linkId='44260-8')"},
			{"unknown linkId", "clientA", responseBody(phq9LOINC, a.ID, withItem(item{"linkId": "12345-6", "answer": []any{map[string]any{"valueInteger": 0}}})), 422, "QuestionnaireResponse.item.where(linkId='12345-6')"},
			{"out of range", "assigned", responseBody(phq9LOINC, a.ID, outOfRange), 422, "QuestionnaireResponse.item.where(linkId='44254-1')"},
			{"answer code of another list", "clientA", responseBody(phq9LOINC, a.ID, badCode), 422, "QuestionnaireResponse.item.where(linkId='44259-0')"},
			{"two answers", "clientA", responseBody(phq9LOINC, a.ID, twoAnswers), 422, "QuestionnaireResponse.item.where(linkId='44250-9')"},
			{"coding and integer", "clientA", responseBody(phq9LOINC, a.ID, bothKinds), 422, "QuestionnaireResponse.item.where(linkId='44250-9')"},
			{"item twice", "clientA", responseBody(phq9LOINC, a.ID, withItem(codedItems(full)[0])), 422, "QuestionnaireResponse.item.where(linkId='44250-9')"},
			{"another client's subject", "clientA", responseBody(phq9LOINC, b.ID, codedItems(full)), 422, "QuestionnaireResponse.subject"},
			{"client not on the care team", "unassigned", responseBody(phq9LOINC, a.ID, codedItems(full)), 422, "QuestionnaireResponse.subject"},
			{"another clinic's admin", "foreignAdmin", responseBody(phq9LOINC, a.ID, codedItems(full)), 422, "QuestionnaireResponse.subject"},
			{"no such client", "admin", responseBody(phq9LOINC, auth.NewID(), codedItems(full)), 422, "QuestionnaireResponse.subject"},
			{"no subject", "admin", responseBody(phq9LOINC, a.ID, codedItems(full), map[string]any{"subject": nil}), 422, "QuestionnaireResponse.subject"},
			{"switched off", "clientA", responseBody(loincQuestionnairePrefix+"93373-9", a.ID, cssrs), 422, "QuestionnaireResponse.questionnaire"},
			{"unknown questionnaire", "clientA", responseBody("http://loinc.org/q/00000-0", a.ID, codedItems(full)), 422, "QuestionnaireResponse.questionnaire"},
			{"in progress", "clientA", responseBody(phq9LOINC, a.ID, codedItems(full), map[string]any{"status": "in-progress"}), 422, "QuestionnaireResponse.status"},
			{"in the future", "clientA", responseBody(phq9LOINC, a.ID, codedItems(full), map[string]any{"authored": f.now.Add(time.Hour).Format(time.RFC3339)}), 422, "QuestionnaireResponse.authored"},
			{"unknown top-level field", "clientA", responseBody(phq9LOINC, a.ID, codedItems(full), map[string]any{"total": 27}), 400, ""},
			{"unknown item field", "clientA", responseBody(phq9LOINC, a.ID, withItem(item{"linkId": "44261-6", "item": []any{}})), 400, ""},
			{"another resource", "clientA", responseBody(phq9LOINC, a.ID, codedItems(full), map[string]any{"resourceType": "Observation"}), 400, ""},
			{"not JSON", "clientA", []byte("linkId=44260-8"), 400, ""},
		} {
			rec := f.post(tc.principal, "/fhir/r4/QuestionnaireResponse", tc.body)
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
				continue
			}
			m := mustFHIR(t, rec.Body.Bytes())
			issue := asList(m["issue"])[0].(map[string]any)
			if tc.at != "" {
				if ex := asList(issue["expression"]); len(ex) != 1 || ex[0] != tc.at {
					t.Errorf("%s: expression %v, want %s (%v)", tc.name, ex, tc.at, issue["diagnostics"])
				}
			}
			if strings.Contains(rec.Body.String(), marker) {
				t.Errorf("%s: the refusal holds client A's data", tc.name)
			}
		}
		if after := f.stored(); after != before {
			t.Errorf("something was stored: before %+v, after %+v", before, after)
		}

		// A refused subject is audited as a denial; absent and out of scope
		// read the same to the caller.
		ctx := context.Background()
		var es []audit.Entry
		f.st.Read(ctx, func(tx *store.Tx) (err error) {
			es, err = tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.questionnaireresponse.create", Outcome: "denied", Limit: 10})
			return err
		})
		// Client A for B, the unassigned therapist, the absent client; the
		// foreign admin's denial is in their own clinic's log.
		if len(es) != 3 {
			t.Errorf("denials: %+v", es)
		}

		// Wrong content type.
		req := responseBody(phq9LOINC, a.ID, codedItems(full))
		rec := f.postType("clientA", "/fhir/r4/QuestionnaireResponse", "text/plain", req)
		if rec.Code != 400 {
			t.Errorf("text/plain: %d", rec.Code)
		}
	})
}

// TestQuestionnaireResponseOptIn covers the two instruments a clinic
// switches on: the C-SSRS (skip logic; a risk tier instead of a total) and
// the QIDS-SR16 (local linkIds, answer codes and total code).
func TestQuestionnaireResponseOptIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		f.enableClinicSetting(t, store.SettingCSSRSEnabled)
		f.enableClinicSetting(t, store.SettingQIDSEnabled)
		f.askFor(a.ID, measures.CSSRSScreen)
		yes := map[string]any{"valueCoding": map[string]any{"system": "http://loinc.org", "code": "LA33-6"}}
		no := map[string]any{"valueCoding": map[string]any{"system": "http://loinc.org", "code": "LA32-8"}}
		cssrs := func(answers ...any) []item {
			var out []item
			for i, k := range []string{"93246-7", "93247-5", "93267-3", "93248-3"}[:len(answers)] {
				out = append(out, item{"linkId": k, "answer": []any{answers[i]}})
			}
			return out
		}
		// Item 3 is asked only after a Yes to item 2: answered after a No it is refused, naming it.
		rec := f.post("clientA", "/fhir/r4/QuestionnaireResponse", responseBody("Questionnaire/cssrs-screen", a.ID, cssrs(yes, no, no, no)))
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "linkId='93248-3'") {
			t.Errorf("item 3 after a No to item 2: %d %s", rec.Code, rec.Body)
		}
		// Yes to item 1 only: low risk, no flag; the Observation is the risk level.
		rec = f.post("clientA", "/fhir/r4/QuestionnaireResponse", responseBody("Questionnaire/cssrs-screen", a.ID, cssrs(yes, no, no)))
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		o := f.get(t, "clientA", "/fhir/r4/Observation/score-"+m["id"].(string), 200)
		code := asList(o["code"].(map[string]any)["coding"])[0].(map[string]any)
		val := asList(o["valueCodeableConcept"].(map[string]any)["coding"])[0].(map[string]any)
		if code["code"] != "93374-7" || val["code"] != "LA9194-7" || o["valueInteger"] != nil {
			t.Errorf("C-SSRS observation: %v", o)
		}

		// QIDS-SR16, every item scored 1 by valueInteger: nine domains of 1 = 9, mild; item 12 > 0 flags.
		var items []item
		for n := 1; n <= 16; n++ {
			items = append(items, item{"linkId": fmt.Sprintf("qids_sr16.%d", n), "answer": []any{map[string]any{"valueInteger": 1}}})
		}
		// Item 16 by its local answer code instead.
		items[15]["answer"] = []any{map[string]any{"valueCoding": map[string]any{"system": "urn:doorway:measures:qids_sr16:answer", "code": "1"}}}
		rec = f.post("assigned", "/fhir/r4/QuestionnaireResponse", responseBody("http://example.com/fhir/r4/Questionnaire/qids-sr16", a.ID, items))
		m = created(t, rec, rec.Code, rec.Body.Bytes())
		o = f.get(t, "assigned", "/fhir/r4/Observation/score-"+m["id"].(string), 200)
		code = asList(o["code"].(map[string]any)["coding"])[0].(map[string]any)
		interp := asList(asList(o["interpretation"])[0].(map[string]any)["coding"])[0].(map[string]any)
		if o["valueInteger"] != float64(9) || code["system"] != "urn:doorway:measures:score" || code["code"] != "qids_sr16.total" || interp["code"] != "mild" {
			t.Errorf("QIDS-SR16 observation: %v", o)
		}
		_, total, _ := bundleIDs(t, f.get(t, "assigned", "/fhir/r4/Observation?code=urn:doorway:measures:score|qids_sr16.total", 200))
		if total != 1 {
			t.Errorf("QIDS-SR16 by its local code: %d", total)
		}
		if s := f.stored(); s.flags != 1 {
			t.Errorf("%d open flags, want 1 (QIDS-SR16 item 12)", s.flags)
		}
	})
}

// TestQuestionnaireResponseDatedToday: a response authored with today's
// date alone is stored on today, never in the future, at every hour of the
// clinic's day and across daylight-saving changes; tomorrow is refused.
func TestQuestionnaireResponseDatedToday(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			storetest.EachClock(t, func(t *testing.T, now time.Time) {
				f := newFixtureAt(t, e.Config(t), now)
				a := f.clients["A"]
				loc := f.p.Clinic.Location()
				today := calendar.Of(now, loc)
				full := measures.Answers{}
				in, _ := measures.ByID(measures.GAD7)
				var keys []string
				for _, it := range in.Items {
					full[it.Key] = 1
					keys = append(keys, it.Key)
				}
				tomorrow := responseBody("Questionnaire/gad7", a.ID, scoredItems(keys, full), map[string]any{"authored": today.AddDays(1).String()})
				if rec := f.post("assigned", "/fhir/r4/QuestionnaireResponse", tomorrow); rec.Code != 422 || !strings.Contains(rec.Body.String(), "QuestionnaireResponse.authored") {
					t.Fatalf("tomorrow: %d %s", rec.Code, rec.Body)
				}
				body := responseBody("Questionnaire/gad7", a.ID, scoredItems(keys, full), map[string]any{"authored": today.String()})
				rec := f.post("assigned", "/fhir/r4/QuestionnaireResponse", body)
				m := created(t, rec, rec.Code, rec.Body.Bytes())
				r := f.storedResponse(t, m["id"].(string))
				if r.CompletedAt.After(now) || calendar.Of(r.CompletedAt, loc) != today {
					t.Errorf("authored %s stored at %s (now %s)", today, r.CompletedAt.In(loc), now.In(loc))
				}
			})
		})
	}
}

// TestQuestionnaireResponseClientAnswersOnlyWhatIsAsked: with a token of
// their own, a client records what the portal would offer them and
// nothing else: not a response nobody asked for, not a second answer to
// one assignment, not one dated before it was asked for. Each refusal is
// 422 naming the element, and stores nothing.
func TestQuestionnaireResponseClientAnswersOnlyWhatIsAsked(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		body := func(authored string) []byte {
			return responseBody(phq9LOINC, a.ID, codedItems(phq9(3, 3, 3, 3, 3, 3, 3, 3, 0)), map[string]any{"authored": authored})
		}
		refused := func(name string, rec *httptest.ResponseRecorder, at string) {
			t.Helper()
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"expression":["`+at+`"]`) {
				t.Errorf("%s: %d %s, want 422 at %s", name, rec.Code, rec.Body, at)
			}
		}
		unchanged := func(before stored) {
			t.Helper()
			if after := f.stored(); after != before {
				t.Errorf("a refused response stored something: %+v, then %+v", before, after)
			}
		}
		before := f.stored()
		refused("nothing asked", f.post("clientA", "/fhir/r4/QuestionnaireResponse", body("2026-01-15T10:00:00Z")), atQuestionnaire)
		unchanged(before)
		f.askFor(a.ID, measures.PHQ9)
		before = f.stored()
		refused("dated before it was asked for", f.post("clientA", "/fhir/r4/QuestionnaireResponse", body("2001-01-15T10:00:00Z")), atAuthored)
		unchanged(before)
		rec := f.post("clientA", "/fhir/r4/QuestionnaireResponse", body("2026-01-15T10:00:00Z"))
		created(t, rec, rec.Code, rec.Body.Bytes())
		refused("a second answer", f.post("clientA", "/fhir/r4/QuestionnaireResponse", body("2026-01-16T10:00:00Z")), atQuestionnaire)
		if after := f.stored(); after.responses != before.responses+1 || after.open != before.open-1 {
			t.Errorf("stored %+v after one answer, from %+v", after, before)
		}
	})
}

// TestQuestionnaireResponseDatedWithinItsCourse: a response is dated on or
// after the day its course began, in the clinic's calendar, and never in
// the future, whoever sends it; a paper form dated 1999 does not become
// the course's baseline.
func TestQuestionnaireResponseDatedWithinItsCourse(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		a := f.clients["A"]
		ctx := context.Background()
		loc := f.p.Clinic.Location()
		// The course began at 09:00 on 2 March in the clinic's zone.
		began := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
		co := store.Course{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: began.UTC(), CreatedAt: began.UTC()}
		if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.CreateCourse(ctx, &co) }); err != nil {
			t.Fatal(err)
		}
		body := func(authored string) []byte {
			return responseBody(phq9LOINC, a.ID, codedItems(phq9(0, 0, 0, 0, 0, 0, 0, 0, 0)), map[string]any{"authored": authored})
		}
		before := f.stored()
		for _, authored := range []string{"1999-03-02", "2026-03-01", "2026-03-01T23:59:00-08:00"} {
			rec := f.post("assigned", "/fhir/r4/QuestionnaireResponse", body(authored))
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"expression":["`+atAuthored+`"]`) || !strings.Contains(rec.Body.String(), "2026-03-02") {
				t.Errorf("authored %s, before the course: %d %s", authored, rec.Code, rec.Body)
			}
		}
		if after := f.stored(); after != before {
			t.Errorf("a refused response stored something: %+v, then %+v", before, after)
		}
		// The course's first day, before the hour it began, is within it.
		rec := f.post("assigned", "/fhir/r4/QuestionnaireResponse", body("2026-03-02T07:00:00-08:00"))
		m := created(t, rec, rec.Code, rec.Body.Bytes())
		if r := f.storedResponse(t, m["id"].(string)); r.CourseID != co.ID {
			t.Errorf("stored in course %q, want %q", r.CourseID, co.ID)
		}
	})
}
