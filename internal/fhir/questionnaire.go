package fhir

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
)

// Questionnaire is one instrument of internal/measures, as FHIR describes a
// form (CLINICAL.md §4). Its id is the instrument id (see questionnaireID)
// and its url a canonical URL this server serves.
type Questionnaire struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id"`
	URL          string              `json:"url"`
	Name         string              `json:"name,omitempty"`
	Title        string              `json:"title,omitempty"`
	Status       string              `json:"status"`
	SubjectType  []string            `json:"subjectType,omitempty"`
	Publisher    string              `json:"publisher,omitempty"`
	Description  string              `json:"description,omitempty"`
	Copyright    string              `json:"copyright,omitempty"`
	Code         []Coding            `json:"code,omitempty"`
	Item         []QuestionnaireItem `json:"item"`
}

// QuestionnaireItem is one question.
type QuestionnaireItem struct {
	LinkID       string         `json:"linkId"`
	Code         []Coding       `json:"code,omitempty"`
	Prefix       string         `json:"prefix,omitempty"`
	Text         string         `json:"text"`
	Type         string         `json:"type"`
	EnableWhen   []EnableWhen   `json:"enableWhen,omitempty"`
	Required     bool           `json:"required"`
	AnswerOption []AnswerOption `json:"answerOption"`
}

// EnableWhen is skip logic: the item is asked when this answer was given.
type EnableWhen struct {
	Question     string  `json:"question"`
	Operator     string  `json:"operator"`
	AnswerCoding *Coding `json:"answerCoding"`
}

// AnswerOption is one permitted answer, carrying its score as the
// ordinalValue extension so that a sender of valueInteger knows what to send.
type AnswerOption struct {
	Extension   []Extension `json:"extension,omitempty"`
	ValueCoding Coding      `json:"valueCoding"`
}

// Code systems and extensions the measures resources use.
const (
	loincSystem = "http://loinc.org"
	// loincQuestionnairePrefix names a Questionnaire by its LOINC panel, the
	// HL7 personal-health-record IG style.
	loincQuestionnairePrefix = "http://loinc.org/q/"
	ordinalValueExtension    = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
)

// answerSystem is the local code system of an instrument's answers where
// LOINC has none: the code is the answer's score, which is unambiguous
// within one item.
func answerSystem(in *measures.Instrument) string { return "urn:doorway:measures:" + in.ID + ":answer" }

// questionnaireID is an instrument's Questionnaire id: its id with
// hyphens for underscores, which FHIR ids may not hold ("qids-sr16").
func questionnaireID(in *measures.Instrument) string { return strings.ReplaceAll(in.ID, "_", "-") }

// instrumentByQuestionnaireID reverses questionnaireID.
func instrumentByQuestionnaireID(id string) (*measures.Instrument, bool) {
	for _, in := range measures.All() {
		if questionnaireID(in) == id {
			return in, true
		}
	}
	return nil, false
}

// questionnaireURL is an instrument's canonical URL, as served here.
func questionnaireURL(ctx context.Context, in *measures.Instrument) string {
	return baseOf(ctx) + "/Questionnaire/" + questionnaireID(in)
}

// optionCoding is how an answer is coded: LOINC's answer code where it has
// one, the local system otherwise.
func optionCoding(in *measures.Instrument, o measures.Option) Coding {
	if o.LOINC != "" {
		return Coding{System: loincSystem, Code: o.LOINC, Display: o.Label}
	}
	return Coding{System: answerSystem(in), Code: strconv.Itoa(o.Score), Display: o.Label}
}

// toQuestionnaire maps an instrument to its Questionnaire.
func toQuestionnaire(ctx context.Context, in *measures.Instrument) Questionnaire {
	q := Questionnaire{
		ResourceType: "Questionnaire",
		ID:           questionnaireID(in),
		URL:          questionnaireURL(ctx, in),
		Name:         computableName(in.ShortTitle),
		Title:        in.Title,
		Status:       "active",
		SubjectType:  []string{"Patient"},
		Publisher:    "Doorway",
		Description:  strings.TrimSpace(in.Instructions + " " + in.Stem),
		Copyright:    in.Licence,
	}
	if in.LOINCPanel != "" {
		q.Code = []Coding{{System: loincSystem, Code: in.LOINCPanel, Display: in.Title}}
	}
	for i := range in.Items {
		it := &in.Items[i]
		qi := QuestionnaireItem{LinkID: it.Key, Prefix: it.Number, Text: it.Text, Type: "choice",
			Required: !it.Optional, EnableWhen: enableWhen(in, i)}
		if it.LOINC != "" {
			qi.Code = []Coding{{System: loincSystem, Code: it.LOINC}}
		}
		for _, o := range it.Options {
			qi.AnswerOption = append(qi.AnswerOption, AnswerOption{
				Extension:   []Extension{{URL: ordinalValueExtension, ValueDecimal: ptr(float64(o.Score))}},
				ValueCoding: optionCoding(in, o),
			})
		}
		q.Item = append(q.Item, qi)
	}
	return q
}

// computableName is FHIR's machine-friendly name: "PHQ-9" becomes "PHQ9".
func computableName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// enableWhen expresses an item's skip logic, which internal/measures keeps
// as a Go function, as FHIR's enableWhen. It probes the function: the item
// is conditional on a single earlier answer when it is not asked with no
// answers and is asked once that one answer is given. The C-SSRS "ask only
// after a Yes to question 2" has this shape; a rule that has not gives no
// enableWhen, and TestEnableWhenMatchesSkipLogic proves every rule of the
// catalogue has it.
func enableWhen(in *measures.Instrument, index int) []EnableWhen {
	it := &in.Items[index]
	if it.EnableIf == nil || it.EnableIf(measures.Answers{}) {
		return nil
	}
	for _, earlier := range in.Items[:index] {
		for _, o := range earlier.Options {
			if it.EnableIf(measures.Answers{earlier.Key: o.Score}) {
				c := optionCoding(in, o)
				c.Display = ""
				return []EnableWhen{{Question: earlier.Key, Operator: "=", AnswerCoding: &c}}
			}
		}
	}
	return nil
}

// questionnaireType registers Questionnaire: read and search. Only the
// instruments the caller's clinic has switched on are served: the others
// (C-SSRS, QIDS-SR16 by default) wait for the clinic to confirm a licence
// for electronic use, and serving their text is such a use.
func (a *API) questionnaireType() *resourceType {
	return &resourceType{
		name: "Questionnaire",
		doc: "One standard instrument (PHQ-9, GAD-7, PCL-5; QIDS-SR16 and the C-SSRS screener once the clinic switches them on). " +
			"The id is the instrument's id; items are linked by their LOINC item code where there is one. Any signed-in user may read them.",
		read: a.readQuestionnaire,
		params: []searchParam{
			{"url", "uri", "The canonical URL, exactly; comma-separated values match any."},
			{"code", "token", "The LOINC panel code, as system|code or a bare code; comma-separated values match any."},
		},
		search:     a.searchQuestionnaires,
		aboutNoOne: true,
	}
}

func questionnaireHit(ctx context.Context, in *measures.Instrument) hit {
	return hit{resource: toQuestionnaire(ctx, in), typ: "Questionnaire", id: questionnaireID(in)}
}

func (a *API) readQuestionnaire(ctx context.Context, c *caller, q practice.Asked) (hit, error) {
	ins, err := a.app.Instruments(ctx, c.actor)
	if err != nil {
		return hit{}, err
	}
	for _, in := range ins {
		if questionnaireID(in) == q.ID {
			return questionnaireHit(ctx, in), nil
		}
	}
	return hit{}, problem.New(problem.NotFound, "There is no such questionnaire.")
}

func (a *API) searchQuestionnaires(ctx context.Context, c *caller, s *searchQuery) (page, error) {
	ins, err := a.app.Instruments(ctx, c.actor)
	if err != nil {
		return page{}, err
	}
	for _, name := range slices.Sorted(maps.Keys(s.values)) {
		for _, v := range s.values[name] {
			alts, err := splitValues(name, v)
			if err != nil {
				return page{}, err
			}
			ins = slices.DeleteFunc(ins, func(in *measures.Instrument) bool {
				switch name {
				case "url":
					return !slices.Contains(alts, questionnaireURL(ctx, in))
				case "code":
					return !slices.ContainsFunc(alts, func(t string) bool { return tokenMatches(t, loincSystem, in.LOINCPanel) })
				}
				return true
			})
		}
	}
	p := page{total: len(ins)}
	for _, in := range window(ins, s.offset, s.count) {
		p.hits = append(p.hits, questionnaireHit(ctx, in))
	}
	return p, nil
}

// tokenMatches reports whether a token search value (system|code, |code
// for no system, or a bare code for any system) names this coding.
func tokenMatches(token, system, code string) bool {
	if code == "" {
		return false
	}
	sys, c, hasSystem := strings.Cut(token, "|")
	if !hasSystem {
		return token == code
	}
	return sys == system && c == code
}

// window is one page of an in-memory list.
func window[T any](list []T, offset, count int) []T {
	if offset >= len(list) {
		return nil
	}
	return list[offset:min(offset+count, len(list))]
}

func ptr[T any](v T) *T { return &v }
