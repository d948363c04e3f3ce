package fhir

import (
	"context"
	"slices"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/measures"
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

// Observation is a measurement about a client. Today every Observation is
// the score of a completed questionnaire (category survey), derived from the
// stored response rather than stored itself, with an id of scoreIDPrefix and
// the response's id. Vital signs (the medicine sessions issue) will be
// stored Observations of category vital-signs: they add their own id prefix
// to readObservation, their category to the category parameter (today only
// survey matches anything), a create, and, for searches that span both, a
// merge of the two ordered sources by date.
type Observation struct {
	ResourceType         string            `json:"resourceType"`
	ID                   string            `json:"id"`
	Status               string            `json:"status"`
	Category             []CodeableConcept `json:"category"`
	Code                 CodeableConcept   `json:"code"`
	Subject              *Reference        `json:"subject,omitempty"`
	EffectiveDateTime    string            `json:"effectiveDateTime,omitempty"`
	Issued               string            `json:"issued,omitempty"`
	ValueInteger         *int              `json:"valueInteger,omitempty"`
	ValueCodeableConcept *CodeableConcept  `json:"valueCodeableConcept,omitempty"`
	Interpretation       []CodeableConcept `json:"interpretation,omitempty"`
	DerivedFrom          []Reference       `json:"derivedFrom,omitempty"`
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

// observationType registers Observation: read and search of score
// Observations. POST (vital signs) belongs to the medicine sessions issue.
func (a *API) observationType() *resourceType {
	return &resourceType{
		name: "Observation",
		doc: "The score of a completed questionnaire (category survey), derived from its QuestionnaireResponse: " +
			"the LOINC total-score code (PHQ-9 44261-6, GAD-7 70274-6, PCL-5 101698-9; the C-SSRS risk level 93374-7; " +
			"QIDS-SR16 has no LOINC total and uses " + localScoreSystem + "|qids_sr16.total), the total as valueInteger, " +
			"the severity band as interpretation, and derivedFrom the response.",
		read: a.readObservation,
		params: []searchParam{
			{"patient", "reference", "The client, as Patient/{id} or {id}; comma-separated values match any."},
			{"subject", "reference", "As patient."},
			{"code", "token", "The score's code as system|code or a bare code, such as http://loinc.org|44261-6; comma-separated values match any."},
			{"category", "token", "survey (or " + observationCategorySystem + "|survey)."},
			{"date", "date", "When the questionnaire was completed, as YYYY, YYYY-MM or YYYY-MM-DD in the clinic's time zone, with an optional prefix eq, ge, le, gt or lt; repeat for a range."},
		},
		sorts:  []string{"date"},
		search: a.searchObservations,
	}
}

// wellFormedID reports whether an id from a URL is spelt as this server
// spells ids (a record id, a score Observation's, an instrument's), so that
// it may go into the audit log: anything else is the caller's text.
func wellFormedID(id string) bool {
	if _, ok := instrumentByQuestionnaireID(id); ok {
		return true
	}
	return auth.ValidID(strings.TrimPrefix(id, scoreIDPrefix))
}

func scoreHit(r store.Response) hit {
	return hit{resource: toScoreObservation(r), typ: "Observation", id: scoreIDPrefix + r.ID, clientID: r.ClientID}
}

func (a *API) readObservation(ctx context.Context, c *caller, id string) (hit, error) {
	rid, ok := strings.CutPrefix(id, scoreIDPrefix)
	if !ok || !auth.ValidID(rid) {
		return hit{}, problem.New(problem.NotFound, "There is no such record.")
	}
	r, err := a.responseInScope(ctx, c, rid)
	if err != nil {
		return hit{}, err
	}
	return scoreHit(r), nil
}

func (a *API) searchObservations(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	rs, p, err := a.searchResponses(ctx, c, s, "date", func(name string, alts []string, f *responseFilter) {
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
