package fhir

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
)

// maxCreateBody bounds a created resource. A 20-item questionnaire with
// LOINC codings is about 6 kB.
const maxCreateBody = 256 << 10

// responseInput is what a QuestionnaireResponse create may hold. Decoding is
// strict (SECURITY.md): a field not listed here is refused by name. A few
// fields FHIR clients commonly send are accepted and ignored; they are
// listed so that they are a decision, not an accident.
type responseInput struct {
	ResourceType  string     `json:"resourceType"`
	Questionnaire string     `json:"questionnaire"`
	Status        string     `json:"status"`
	Subject       *Reference `json:"subject"`
	Authored      string     `json:"authored"`
	Item          []struct {
		LinkID string `json:"linkId"`
		Text   string `json:"text"` // ignored: the instrument's wording is ours
		Answer []struct {
			ValueCoding  *Coding `json:"valueCoding"`
			ValueInteger *int    `json:"valueInteger"`
		} `json:"answer"`
	} `json:"item"`

	// Ignored: the server assigns the id and keeps no narrative; author and
	// source are who the token says they are.
	ID       string          `json:"id"`
	Meta     json.RawMessage `json:"meta"`
	Text     json.RawMessage `json:"text"`
	Language string          `json:"language"`
	Author   json.RawMessage `json:"author"`
	Source   json.RawMessage `json:"source"`
}

// Where in a QuestionnaireResponse a problem is, as FHIRPath.
const (
	atQuestionnaire = "QuestionnaireResponse.questionnaire"
	atSubject       = "QuestionnaireResponse.subject"
	atStatus        = "QuestionnaireResponse.status"
	atAuthored      = "QuestionnaireResponse.authored"
	atResource      = "QuestionnaireResponse"
)

// atItem names an item by its linkId; the linkId is the caller's text, so
// only a plain one is quoted back.
func atItem(linkID string) string {
	return "QuestionnaireResponse.item.where(linkId='" + safeToken(linkID) + "')"
}

// reject is a 422 naming the element at fault: the one error type, with
// the element as its field.
func reject(at, format string, args ...any) error {
	return &problem.Error{Code: problem.Unprocessable, Field: at, Message: fmt.Sprintf(format, args...)}
}

// createQuestionnaireResponse serves POST /QuestionnaireResponse: it reads
// a completed instrument and submits it through the one use case the
// portal uses, which scores it and stores it with its safety flags, and
// answers 201 with the stored response. The score Observation exists from
// then on, derived from it.
func (a *API) createQuestionnaireResponse(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	if err := onlyFormat(r); err != nil {
		a.problem(w, r, err)
		return
	}
	in, err := decodeResponse(w, r)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	sub, err := a.readResponse(ctx, c, in)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	got, err := a.app.SubmitQuestionnaire(ctx, c.actor, sub)
	if err != nil {
		a.createFailed(w, r, submitError(err, sub))
		return
	}
	w.Header().Set("Location", a.base(r)+"/QuestionnaireResponse/"+got.Response.ID)
	a.writeResource(w, r, http.StatusCreated, toQuestionnaireResponse(ctx, got.Response))
}

// submitError says what the use case refused as the element at fault.
func submitError(err error, sub practice.QuestionnaireInput) error {
	switch {
	case problem.CodeOf(err) == problem.NotFound && problem.FieldOf(err) == practice.FieldInstrument:
		in, _ := measures.ByID(sub.InstrumentID)
		return reject(atQuestionnaire, "The %s is not used at this clinic.", in.ShortTitle)
	case problem.CodeOf(err) == problem.NotFound:
		return reject(atSubject, "%s", responseSubjectMsg)
	case problem.CodeOf(err) == problem.Invalid && problem.FieldOf(err) == practice.FieldAt:
		return reject(atAuthored, "%s", problem.MessageOf(err))
	case problem.CodeOf(err) == problem.Invalid:
		return reject(atItem(problem.FieldOf(err)), "%s", problem.MessageOf(err))
	case problem.CodeOf(err) == problem.Conflict:
		// A client's answers to nothing their care team or schedule asks
		// of them just now.
		return reject(atQuestionnaire, "%s", notDueMsg)
	}
	return err
}

// notDueMsg refuses a client's response that answers nothing open.
const notDueMsg = "This questionnaire is not open for the client just now: a client records a questionnaire their care team has asked for, or one their schedule has due, as in the portal."

// responseSubjectMsg refuses a response's subject.
const responseSubjectMsg = "subject must be Patient/{id} of a client whose questionnaires you may record."

// createFailed answers a refused create: 422 naming the element for what
// the content got wrong, the usual mapping for everything else.
func (a *API) createFailed(w http.ResponseWriter, r *http.Request, err error) {
	if problem.CodeOf(err) == problem.Unprocessable {
		a.writeResource(w, r, http.StatusUnprocessableEntity, OperationOutcome{ResourceType: "OperationOutcome",
			Issue: []Issue{{Severity: "error", Code: issueProcessing, Diagnostics: problem.MessageOf(err), Expression: []string{problem.FieldOf(err)}}}})
		return
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		a.fail(w, r, http.StatusRequestEntityTooLarge, issueInvalid, "The resource is too large: send at most "+strconv.Itoa(maxCreateBody>>10)+" kB.")
		return
	}
	a.problem(w, r, err)
}

// decodeResponse reads the body strictly: JSON (application/fhir+json or
// application/json), one object, no field outside responseInput.
func decodeResponse(w http.ResponseWriter, r *http.Request) (responseInput, error) {
	var in responseInput
	if err := decodeStrict(w, r, &in, "QuestionnaireResponse", "resourceType, questionnaire, status, subject, authored and item (linkId and answer)"); err != nil {
		return in, err
	}
	if in.ResourceType != "QuestionnaireResponse" {
		return in, problem.Invalidf("resourceType", "This endpoint takes a resource with resourceType QuestionnaireResponse.")
	}
	return in, nil
}

// decodeStrict reads a created resource of type typ into v: JSON
// (application/fhir+json or application/json), one object, no field v does
// not list. accepted names the fields, for the message refusing another.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any, typ, accepted string) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != "application/fhir+json" && mt != "application/json") {
		return problem.Invalidf("Content-Type", "Send the resource as JSON, with Content-Type: application/fhir+json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCreateBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return err // the caller's 413
	case err != nil:
		// Most often a body shorter than its Content-Length: the sender
		// stopped, or the connection dropped, part way.
		return problem.Invalidf("", "The body could not be read in full: it ended before the length its Content-Length gave. Nothing was stored; send the %s again.", typ)
	case !utf8.Valid(body):
		// encoding/json would turn the bytes into U+FFFD and store that.
		return problem.Invalidf("", "The body is not UTF-8, which FHIR JSON must be. Nothing was stored.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name := safeToken(strings.Trim(field, `"`))
			return problem.Invalidf(name, "The field %s is not accepted in a %s here. Send %s.", name, typ, accepted)
		}
		return problem.Invalidf("", "The body could not be read as a %s: it is not well-formed JSON, or a value has the wrong type.", typ)
	}
	if dec.More() {
		return problem.Invalidf("", "Send one %s, with nothing after it.", typ)
	}
	return nil
}

// readResponse reads a completed instrument into the use case's input, or
// says what is wrong with its form; whether the caller may record it, and
// for whom, is the use case's to say.
func (a *API) readResponse(ctx context.Context, c *caller, in responseInput) (practice.QuestionnaireInput, error) {
	var sub practice.QuestionnaireInput
	if in.Status != "completed" {
		return sub, reject(atStatus, "Only a completed questionnaire can be recorded: status must be completed.")
	}
	instrument := instrumentOf(ctx, in.Questionnaire)
	if instrument == nil {
		return sub, reject(atQuestionnaire, "questionnaire must name one of this server's Questionnaires: its url, Questionnaire/{id}, or http://loinc.org/q/<panel code>.")
	}
	if in.Subject == nil {
		return sub, reject(atSubject, "%s", responseSubjectMsg)
	}
	clientID, ok := strings.CutPrefix(in.Subject.Reference, "Patient/")
	if !ok || !auth.ValidID(clientID) {
		return sub, reject(atSubject, "%s", responseSubjectMsg)
	}
	at, err := a.authoredAt(in.Authored, c.Clinic.Location())
	if err != nil {
		return sub, err
	}
	answers, err := answersOf(instrument, in)
	if err != nil {
		return sub, err
	}
	return practice.QuestionnaireInput{ClientID: clientID, InstrumentID: instrument.ID, Answers: answers, At: at}, nil
}

// clockSkew is how far in the future authored may be, for a device whose
// clock runs a little fast; such a time is taken as now.
const clockSkew = 5 * time.Minute

// authoredAt reads when the questionnaire was completed: a dateTime with
// its zone, or a day of the clinic's calendar (placed as a paper form's date
// is: calendar.Day.At). Absent means now.
func (a *API) authoredAt(v string, loc *time.Location) (time.Time, error) {
	now := a.now()
	if v == "" {
		return now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		day, dayErr := calendar.Parse(v)
		if dayErr != nil {
			return time.Time{}, reject(atAuthored, "authored must be a date and time with its zone, such as 2026-03-02T09:30:00-08:00, or a date such as 2026-03-02.")
		}
		if day.After(calendar.Of(now, loc)) {
			return time.Time{}, reject(atAuthored, "authored is in the future.")
		}
		t = day.At(now, loc)
	}
	t = t.UTC()
	if t.After(now.Add(clockSkew)) {
		return time.Time{}, reject(atAuthored, "authored is in the future.")
	}
	if t.After(now) {
		t = now
	}
	return t, nil
}

// answersOf reads the items into answers. Each linkId is the item's key
// (the LOINC item code where there is one); each answer a coding from the
// item's options or a valueInteger score, checked for range when scored.
//
// A total-score item (the instrument's LOINC total, or "<id>.total") is
// ignored, whatever it says: the total is always worked out here from the
// answers, and personal-health-record apps commonly send the total with the
// items, so refusing it would refuse their responses.
func answersOf(in *measures.Instrument, input responseInput) (measures.Answers, error) {
	answers := measures.Answers{}
	seen := map[string]bool{}
	for _, item := range input.Item {
		link := item.LinkID
		if link == "" {
			return nil, reject(atResource+".item", "Every item needs its linkId.")
		}
		if (in.LOINCTotal != "" && link == in.LOINCTotal) || link == in.ID+".total" {
			continue
		}
		it, ok := in.ItemByKey(link)
		if !ok {
			it, ok = in.ItemByLOINC(link)
		}
		if !ok {
			return nil, reject(atItem(link), "The %s has no question with linkId %s.", in.ShortTitle, safeToken(link))
		}
		if seen[it.Key] {
			return nil, reject(atItem(link), "Question %s of the %s appears twice.", it.Number, in.ShortTitle)
		}
		seen[it.Key] = true
		switch len(item.Answer) {
		case 0:
			continue // unanswered: scoring says whether that is allowed
		case 1:
		default:
			return nil, reject(atItem(link), "Question %s of the %s takes one answer.", it.Number, in.ShortTitle)
		}
		ans := item.Answer[0]
		switch {
		case ans.ValueCoding != nil && ans.ValueInteger != nil:
			return nil, reject(atItem(link), "Give the answer to question %s as a valueCoding or a valueInteger, not both.", it.Number)
		case ans.ValueInteger != nil:
			// Range is checked by scoring, which names the item.
			answers[it.Key] = *ans.ValueInteger
		case ans.ValueCoding != nil:
			o, ok := optionOf(in, it, *ans.ValueCoding)
			if !ok {
				return nil, reject(atItem(link), "The answer to question %s of the %s is not one of its answers; the Questionnaire lists them.", it.Number, in.ShortTitle)
			}
			answers[it.Key] = o.Score
		default:
			return nil, reject(atItem(link), "Give the answer to question %s as a valueCoding or a valueInteger.", it.Number)
		}
	}
	return answers, nil
}

// optionOf finds the option a coding names: a LOINC answer code of the
// item, or the score in the instrument's local answer system.
func optionOf(in *measures.Instrument, it *measures.Item, c Coding) (measures.Option, bool) {
	switch c.System {
	case loincSystem:
		return it.OptionByLOINC(c.Code)
	case answerSystem(in):
		n, err := strconv.Atoi(c.Code)
		if err != nil || strconv.Itoa(n) != c.Code {
			return measures.Option{}, false
		}
		return it.OptionByScore(n)
	}
	return measures.Option{}, false
}
