package fhir

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/store"
)

// QuestionnaireResponse is a client's completed instrument, in the HL7
// personal-health-record IG style: items linked by the LOINC item code (or
// the instrument's own key) and answers coded with LOINC answer codes.
type QuestionnaireResponse struct {
	ResourceType  string       `json:"resourceType"`
	ID            string       `json:"id,omitempty"`
	Questionnaire string       `json:"questionnaire"`
	Status        string       `json:"status"`
	Subject       *Reference   `json:"subject,omitempty"`
	Authored      string       `json:"authored,omitempty"`
	Author        *Reference   `json:"author,omitempty"`
	Source        *Reference   `json:"source,omitempty"`
	Item          []AnswerItem `json:"item,omitempty"`
}

// AnswerItem is one question answered.
type AnswerItem struct {
	LinkID string   `json:"linkId"`
	Text   string   `json:"text,omitempty"`
	Answer []Answer `json:"answer,omitempty"`
}

// Answer is an answer as a coding (what is sent out) or, on input only, as
// the item's score.
type Answer struct {
	ValueCoding  *Coding `json:"valueCoding,omitempty"`
	ValueInteger *int    `json:"valueInteger,omitempty"`
}

// toQuestionnaireResponse maps a stored response. The total is not an item:
// it is the score Observation's, worked out by the server.
func toQuestionnaireResponse(ctx context.Context, r store.Response) QuestionnaireResponse {
	in, _ := measures.ByID(r.InstrumentID)
	patient := &Reference{Reference: "Patient/" + r.ClientID}
	qr := QuestionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		ID:            r.ID,
		Questionnaire: questionnaireURL(ctx, in),
		Status:        "completed",
		Subject:       patient,
		Authored:      fhirInstant(r.CompletedAt),
		Author:        patient,
		Source:        patient,
	}
	if r.OnPaper {
		// Entered by staff on the client's behalf. Staff are not served as
		// Practitioners, so the author is named, not referenced.
		qr.Author = &Reference{Display: "Clinic staff, on the client's behalf"}
	}
	for _, it := range in.Items {
		score, ok := r.Answers[it.Key]
		o, valid := it.OptionByScore(score)
		if !ok || !valid {
			continue
		}
		c := optionCoding(in, o)
		qr.Item = append(qr.Item, AnswerItem{LinkID: it.Key, Text: it.Text, Answer: []Answer{{ValueCoding: &c}}})
	}
	return qr
}

// questionnaireResponseType registers QuestionnaireResponse: create, read
// and search.
func (a *API) questionnaireResponseType() *resourceType {
	return &resourceType{
		name: "QuestionnaireResponse",
		doc: "A client's completed questionnaire. Create one with POST: questionnaire names the instrument (its url here, " +
			"or http://loinc.org/q/<panel code>), subject is Patient/{id}, status is completed, each item.linkId is the LOINC item code " +
			"(or the Questionnaire's linkId) and each answer a valueCoding from the Questionnaire or a valueInteger holding the item's score. " +
			"The server scores it; a total-score item sent with it is ignored. A client records their own; staff record for " +
			"clients whose record they may change. Anything incomplete, unknown or out of range is answered 422 naming the item, and nothing is stored.",
		read: a.readQuestionnaireResponse,
		params: []searchParam{
			{"patient", "reference", "The client, as Patient/{id} or {id}; comma-separated values match any."},
			{"subject", "reference", "As patient."},
			{"questionnaire", "reference", "The instrument: its Questionnaire url, Questionnaire/{id}, or http://loinc.org/q/<panel code>; comma-separated values match any."},
			{"authored", "date", "When it was completed, as YYYY, YYYY-MM or YYYY-MM-DD in the clinic's time zone, with an optional prefix eq, ge, le, gt or lt; repeat for a range."},
			{"date", "date", "As authored, so every resource here is searched by date alike."},
		},
		sorts:  []string{"authored", "date"},
		search: a.searchQuestionnaireResponses,
		create: a.createQuestionnaireResponse,
	}
}

func responseHit(ctx context.Context, r store.Response) hit {
	return hit{resource: toQuestionnaireResponse(ctx, r), typ: "QuestionnaireResponse", id: r.ID, clientID: r.ClientID}
}

func (a *API) readQuestionnaireResponse(ctx context.Context, c *caller, q practice.Asked) (hit, error) {
	r, err := a.app.Response(ctx, c.actor, q, q.ID)
	if err != nil {
		return hit{}, err
	}
	return responseHit(ctx, r), nil
}

func (a *API) searchQuestionnaireResponses(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	rs, p, err := a.searchResponses(ctx, c, s, "authored", false, func(name string, alts []string, f *responseFilter) {
		if name == "questionnaire" {
			f.instruments(alts, func(v string, in *measures.Instrument) bool { return instrumentOf(ctx, v) == in })
		}
	})
	for _, r := range rs {
		p.hits = append(p.hits, responseHit(ctx, r))
	}
	return p, err
}

// instrumentOf reads how a questionnaire is named: our canonical URL,
// Questionnaire/{id}, or LOINC's http://loinc.org/q/<panel code>. nil when
// it names none of ours.
func instrumentOf(ctx context.Context, v string) *measures.Instrument {
	if code, ok := strings.CutPrefix(v, loincQuestionnairePrefix); ok {
		in, _ := measures.ByLOINCPanel(code)
		return in
	}
	id, ok := strings.CutPrefix(v, baseOf(ctx)+"/Questionnaire/")
	if !ok {
		id, ok = strings.CutPrefix(v, "Questionnaire/")
	}
	if !ok {
		return nil
	}
	in, _ := instrumentByQuestionnaireID(id)
	return in
}

// responseFilter is a search of responses being built from parameters.
type responseFilter struct {
	q    store.ResponseQuery
	none bool // the parameters can match nothing
	// handled is set by a type's own parameter handler, so a declared
	// parameter that nothing reads fails instead of widening the search.
	handled bool
}

// instruments narrows to the instruments any value matches. Repeated
// parameters are ANDed, so a second call narrows further.
func (f *responseFilter) instruments(values []string, match func(string, *measures.Instrument) bool) {
	f.handled = true
	var ids []string
	for _, in := range measures.All() {
		if slices.ContainsFunc(values, func(v string) bool { return match(v, in) }) {
			ids = append(ids, in.ID)
		}
	}
	if f.q.InstrumentIDs != nil {
		ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(f.q.InstrumentIDs, id) })
	}
	f.q.InstrumentIDs = ids
	f.none = f.none || len(ids) == 0
}

// keepIf makes the search match nothing unless ok.
func (f *responseFilter) keepIf(ok bool) {
	f.handled = true
	f.none = f.none || !ok
}

// searchResponses runs a search of stored responses within the caller's
// scope (s.scope). It reads patient/subject and the date parameter named dateParam,
// or "date" whatever the type calls it (sorted by _sort on either name); own
// handles the type's other parameters. The page it returns has the total; the caller adds the hits.
// With totalsOnly the responses come without their answers, for resources
// built from the totals.
func (a *API) searchResponses(ctx context.Context, c *caller, s *searchQuery, dateParam string, totalsOnly bool,
	own func(name string, values []string, f *responseFilter)) ([]store.Response, page, error) {
	f := &responseFilter{q: store.ResponseQuery{TotalsOnly: totalsOnly}}
	loc := c.Clinic.Location()
	for _, name := range slices.Sorted(maps.Keys(s.values)) {
		for _, v := range s.values[name] {
			if name == dateParam || name == "date" {
				if err := f.dateBound(name, v, loc); err != nil {
					return nil, page{}, err
				}
				continue
			}
			alts, err := splitValues(name, v)
			if err != nil {
				return nil, page{}, err
			}
			if name == "patient" || name == "subject" {
				f.patients(alts)
				continue
			}
			f.handled = false
			own(name, alts, f)
			if !f.handled {
				return nil, page{}, fmt.Errorf("response search: parameter %s is declared but not handled", name)
			}
		}
	}
	for _, k := range s.sort {
		f.q.Newest = (k.key == dateParam || k.key == "date") && k.desc
	}
	if f.none || (!f.q.From.IsZero() && !f.q.To.IsZero() && !f.q.From.Before(f.q.To)) {
		return nil, page{}, nil
	}
	f.q.Limit, f.q.Offset = s.count, s.offset
	rs, total, err := a.app.SearchResponses(ctx, c.actor, s.scope, f.q)
	return rs, page{total: total}, err
}

// patients narrows to the clients named, as Patient/{id} or {id}.
func (f *responseFilter) patients(values []string) {
	f.q.ClientIDs = narrowIDs(f.q.ClientIDs, values, "Patient/")
	f.none = f.none || len(f.q.ClientIDs) == 0
}

// dateBound narrows the completion time by one date value. Dates are days
// in the clinic's time zone, which is where its clients answer.
func (f *responseFilter) dateBound(name, v string, loc *time.Location) error {
	var from, to string
	if err := narrowDays(name, v, &from, &to); err != nil {
		return err
	}
	day := func(s string) time.Time { t, _ := time.ParseInLocation(time.DateOnly, s, loc); return t }
	if from != "" {
		if t := day(from); t.After(f.q.From) {
			f.q.From = t
		}
	}
	if to != "" {
		if t := day(to).AddDate(0, 0, 1); f.q.To.IsZero() || t.Before(f.q.To) {
			f.q.To = t
		}
	}
	return nil
}

// responsesEverything is the $everything part for measures: each of the
// client's responses and the score Observation derived from it.
func (a *API) responsesEverything(ctx context.Context, c *caller, rec practice.ClientRecords) []hit {
	var hits []hit
	for _, r := range rec.Responses {
		hits = append(hits, responseHit(ctx, r), scoreHit(r))
	}
	return hits
}
