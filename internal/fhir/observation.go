package fhir

import (
	"context"
	"slices"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Coding is one code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// Extension is an extension with the one value type Doorway uses.
type Extension struct {
	URL          string   `json:"url"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
}

// Observation is a measurement about a client: the score of a completed
// questionnaire (category survey), derived from the stored response rather
// than stored itself, with an id of scoreIDPrefix and the response's id; or
// a vital sign taken at a medicine session (category vital-signs, ids of
// vitalIDPrefix; observation_vitals.go). A search spanning both merges the
// two ordered sources by date.
type Observation struct {
	ResourceType         string                 `json:"resourceType"`
	ID                   string                 `json:"id"`
	Status               string                 `json:"status"`
	Category             []CodeableConcept      `json:"category"`
	Code                 CodeableConcept        `json:"code"`
	Subject              *Reference             `json:"subject,omitempty"`
	Encounter            *Reference             `json:"encounter,omitempty"`
	EffectiveDateTime    string                 `json:"effectiveDateTime,omitempty"`
	Issued               string                 `json:"issued,omitempty"`
	Performer            []Reference            `json:"performer,omitempty"`
	ValueQuantity        *Quantity              `json:"valueQuantity,omitempty"`
	ValueInteger         *int                   `json:"valueInteger,omitempty"`
	ValueCodeableConcept *CodeableConcept       `json:"valueCodeableConcept,omitempty"`
	Interpretation       []CodeableConcept      `json:"interpretation,omitempty"`
	Note                 []Annotation           `json:"note,omitempty"`
	DerivedFrom          []Reference            `json:"derivedFrom,omitempty"`
	Component            []ObservationComponent `json:"component,omitempty"`
}

// ObservationComponent is one part of a panel: systolic or diastolic
// pressure in a blood-pressure panel.
type ObservationComponent struct {
	Code          CodeableConcept `json:"code"`
	ValueQuantity *Quantity       `json:"valueQuantity,omitempty"`
}

const observationCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category"

// surveyCategory is the category of every score Observation.
var surveyCategory = CodeableConcept{Coding: []Coding{{System: observationCategorySystem, Code: "survey", Display: "Survey"}}}

// scoreIDPrefix marks the id of a score Observation: the prefix and the id
// of the response it is derived from. Another kind of Observation takes
// another prefix, so an id says where to look.
const scoreIDPrefix = "score-"

// localScoreSystem codes the totals LOINC has no code for (QIDS-SR16).
const localScoreSystem = "urn:doorway:measures:score"

// bandSystem codes an instrument's severity bands, which have no standard
// codes: the code is the band's key.
func bandSystem(in *measures.Instrument) string { return "urn:doorway:measures:" + in.ID + ":band" }

// scoreCode is the code of an instrument's score Observation: LOINC's total
// score code; for the C-SSRS, which has no total, LOINC's derived suicide
// risk level; for an instrument with neither, a local code.
func scoreCode(in *measures.Instrument) Coding {
	switch {
	case in.LOINCTotal != "":
		return Coding{System: loincSystem, Code: in.LOINCTotal, Display: in.ShortTitle + " total score"}
	case in.ID == measures.CSSRSScreen || in.ID == measures.CSSRSScreenSLC:
		return Coding{System: loincSystem, Code: measures.CSSRSRiskLevelLOINC, Display: "C-SSRS suicide risk level"}
	}
	return Coding{System: localScoreSystem, Code: in.ID + ".total", Display: in.ShortTitle + " total score"}
}

// toScoreObservation derives the score Observation of a stored response.
func toScoreObservation(r store.Response) Observation {
	in, _ := measures.ByID(r.InstrumentID)
	code := scoreCode(in)
	o := Observation{
		ResourceType:      "Observation",
		ID:                scoreIDPrefix + r.ID,
		Status:            "final",
		Category:          []CodeableConcept{surveyCategory},
		Code:              CodeableConcept{Coding: []Coding{code}, Text: code.Display},
		Subject:           &Reference{Reference: "Patient/" + r.ClientID},
		EffectiveDateTime: fhirInstant(r.CompletedAt),
		Issued:            fhirInstant(r.RecordedAt),
		DerivedFrom:       []Reference{{Reference: "QuestionnaireResponse/" + r.ID}},
	}
	switch {
	case r.HasTotal:
		o.ValueInteger = ptr(r.Total)
		if b, ok := in.BandFor(r.Total); ok && len(in.Bands) > 0 {
			o.Interpretation = []CodeableConcept{{Coding: []Coding{{System: bandSystem(in), Code: b.Key, Display: b.Label}}, Text: b.Label}}
		}
	case r.Tier != "":
		tier := measures.Tier(r.Tier)
		c := Coding{System: loincSystem, Code: tier.LOINCAnswer(), Display: "Risk tier: " + r.Tier}
		if c.Code == "" { // "none" has no LOINC answer
			c.System, c.Code = bandSystem(in), r.Tier
		}
		o.ValueCodeableConcept = &CodeableConcept{Coding: []Coding{c}, Text: c.Display}
	}
	return o
}

// fhirInstant writes a time as FHIR's dateTime/instant, in UTC to the second.
func fhirInstant(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// observationType registers Observation: read and search of score and
// vital-sign Observations, and the create of vital signs during a medicine
// session (observation_vitals_create.go).
func (a *API) observationType() *resourceType {
	return &resourceType{
		name: "Observation",
		doc: "The score of a completed questionnaire (category survey), derived from its QuestionnaireResponse: " +
			"the LOINC total-score code (PHQ-9 44261-6, GAD-7 70274-6, PCL-5 101698-9; the C-SSRS risk level 93374-7; " +
			"QIDS-SR16 has no LOINC total and uses " + localScoreSystem + "|qids_sr16.total), the total as valueInteger, " +
			"the severity band as interpretation, and derivedFrom the response. " + vitalSignsDoc,
		read: a.readObservation,
		params: []searchParam{
			{"patient", "reference", "The client, as Patient/{id} or {id}; comma-separated values match any."},
			{"subject", "reference", "As patient."},
			{"code", "token", "The score's or vital sign's code as system|code or a bare code, such as http://loinc.org|44261-6 or 8867-4; comma-separated values match any."},
			{"category", "token", "survey or vital-signs (or " + observationCategorySystem + "|survey)."},
			{"date", "date", "When the questionnaire was completed or the vital sign taken, as YYYY, YYYY-MM or YYYY-MM-DD in the clinic's time zone, with an optional prefix eq, ge, le, gt or lt; repeat for a range."},
		},
		sorts:  []string{"date"},
		search: a.searchObservations,
		create: a.createVitalObservation,
	}
}

// wellFormedID reports whether an id from a URL is spelt as this server
// spells ids (a record id, a score Observation's, a CarePlan's, an
// instrument's), so that it may go into the audit log: anything else is the
// caller's text.
func wellFormedID(id string) bool {
	if _, ok := instrumentByQuestionnaireID(id); ok {
		return true
	}
	return auth.ValidID(strings.TrimPrefix(id, scoreIDPrefix)) || auth.ValidID(strings.TrimPrefix(id, carePlanPrefix)) ||
		sessionResourceID(id)
}

func scoreHit(r store.Response) hit {
	return hit{resource: toScoreObservation(r), typ: "Observation", id: scoreIDPrefix + r.ID, clientID: r.ClientID}
}

func (a *API) readObservation(ctx context.Context, c *caller, q practice.Asked) (hit, error) {
	if strings.HasPrefix(q.ID, vitalIDPrefix) {
		return a.recordRead(vitalRef, a.sessionRecords(clientSessions.vitalSigns))(ctx, c, q)
	}
	rid, ok := strings.CutPrefix(q.ID, scoreIDPrefix)
	if !ok {
		return hit{}, problem.New(problem.NotFound, "There is no such record.")
	}
	r, err := a.app.Response(ctx, c.actor, q, rid)
	if err != nil {
		return hit{}, err
	}
	return scoreHit(r), nil
}

// searchObservations searches scores and vital signs together. Each source
// is asked for its first offset+count matches in date order; the merge of
// the two in the same order holds the page asked for.
func (a *API) searchObservations(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	newest := len(s.sort) > 0 && s.sort[0].desc
	head := *s
	head.offset, head.count, head.sort = 0, s.offset+s.count, []sortKey{{key: "date", desc: newest}}
	var vitals page
	if vitalsMayMatch(s) {
		var err error
		if vitals, err = a.prepSearch(a.sessionRecords(clientSessions.vitalSigns))(ctx, c, &head); err != nil {
			return page{}, err
		}
	}
	scores, err := a.searchScores(ctx, c, &head)
	if err != nil {
		return page{}, err
	}
	all := append(scores.hits, vitals.hits...)
	when := func(h hit) time.Time { t, _ := parseInstant(h.resource.(Observation).EffectiveDateTime); return t }
	slices.SortStableFunc(all, func(x, y hit) int {
		if newest {
			return when(y).Compare(when(x))
		}
		return when(x).Compare(when(y))
	})
	return page{total: scores.total + vitals.total, hits: window(all, s.offset, s.count)}, nil
}

// vitalsMayMatch reports whether a search's category and code leave room
// for a vital sign, so that a search for scores alone does not load every
// client's session records. A value that does not parse is left to the
// searches to refuse.
func vitalsMayMatch(s *searchQuery) bool {
	names := map[string]func(token string) bool{
		"category": func(t string) bool { return tokenMatches(t, observationCategorySystem, "vital-signs") },
		"code": func(t string) bool {
			return slices.ContainsFunc(vitalSigns, func(v vitalSign) bool { return tokenMatches(t, v.code.System, v.code.Code) })
		},
	}
	for name, vital := range names {
		for _, v := range s.values[name] {
			alts, err := splitValues(name, v)
			if err != nil {
				return true
			}
			// Repeats are ANDed: one value naming no vital sign rules them out.
			if !slices.ContainsFunc(alts, vital) {
				return false
			}
		}
	}
	return true
}

// searchScores searches the score Observations, derived from responses.
func (a *API) searchScores(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	rs, p, err := a.searchResponses(ctx, c, s, "date", true, func(name string, alts []string, f *responseFilter) {
		switch name {
		case "code":
			f.instruments(alts, func(token string, in *measures.Instrument) bool {
				code := scoreCode(in)
				return tokenMatches(token, code.System, code.Code)
			})
		case "category":
			f.keepIf(slices.ContainsFunc(alts, func(t string) bool { return tokenMatches(t, observationCategorySystem, "survey") }))
		}
	})
	for _, r := range rs {
		p.hits = append(p.hits, scoreHit(r))
	}
	return p, err
}
