package fhir

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/session"
)

// vitalSignsDoc is the CapabilityStatement's account of vital signs.
const vitalSignsDoc = "Vital signs taken at a medicine session (category vital-signs; ids vs-bp-, vs-hr-, vs-spo2- and vs-weight-): " +
	"the blood-pressure panel 85354-9 with systolic 8480-6 and diastolic 8462-4 as components in mm[Hg], heart rate 8867-4 in /min, " +
	"SpO2 59408-5 in %, and the day's weight, body weight 29463-7 in kg (one per session: the weight recorded before the dose, then " +
	"the weight the dose was worked out from); encounter is the session and a reading struck through is entered-in-error. Create one " +
	"with POST: status final, code one of 85354-9, 8867-4, 59408-5 or 29463-7, subject Patient/{id}, encounter that client's " +
	"medicine-session Encounter, and effectiveDateTime when it was taken (absent: now). A blood pressure, heart rate or SpO2 is taken " +
	"while the session is under way (dosed, not yet discharged), in whole numbers, and is stored as the session page stores a reading, " +
	"so alerts are raised on the live view alike. A body weight is taken before the dose, while the pre-dose checks are under way, " +
	"in kg to one decimal (valueQuantity.code kg; pounds as [lb_av] are converted exactly and rounded to 0.1 kg); a second weight " +
	"before the dose replaces the first, the session page's dose form starts from it, and once the dose is recorded it cannot change. " +
	"Only a therapist or prescriber on the client's care team may record one. A value that cannot be real, or a session that is not " +
	"at that point, is answered 422 naming the element, and nothing is stored."

// vitalInput is what a vital-sign Observation create may hold. As for a
// QuestionnaireResponse, decoding is strict and a few common fields are
// accepted and ignored.
type vitalInput struct {
	ResourceType      string            `json:"resourceType"`
	Status            string            `json:"status"`
	Category          []CodeableConcept `json:"category"`
	Code              *CodeableConcept  `json:"code"`
	Subject           *Reference        `json:"subject"`
	Encounter         *Reference        `json:"encounter"`
	EffectiveDateTime string            `json:"effectiveDateTime"`
	ValueQuantity     *quantityInput    `json:"valueQuantity"`
	Component         []componentInput  `json:"component"`

	// Ignored: the server assigns the id and keeps no narrative; the
	// performer is who the token says, and issued is when it is stored.
	ID        string          `json:"id"`
	Meta      json.RawMessage `json:"meta"`
	Text      json.RawMessage `json:"text"`
	Language  string          `json:"language"`
	Issued    string          `json:"issued"`
	Performer json.RawMessage `json:"performer"`
}

// componentInput is one component of a panel as sent.
type componentInput struct {
	Code          CodeableConcept `json:"code"`
	ValueQuantity *quantityInput  `json:"valueQuantity"`
}

// quantityInput is a measured value as sent.
type quantityInput struct {
	Value  *float64 `json:"value"`
	Unit   string   `json:"unit"`
	System string   `json:"system"`
	Code   string   `json:"code"`
}

// Where in an Observation a problem is, as FHIRPath.
const (
	atObsStatus    = "Observation.status"
	atObsCategory  = "Observation.category"
	atObsCode      = "Observation.code"
	atObsSubject   = "Observation.subject"
	atObsEncounter = "Observation.encounter"
	atObsEffective = "Observation.effectiveDateTime"
	atObsValue     = "Observation.valueQuantity"
)

func atComponent(c Coding) string {
	return "Observation.component.where(code.coding.code='" + c.Code + "').valueQuantity"
}

// createVitalObservation serves POST /Observation: a reading taken during
// a medicine session, recorded by the same use case as the live page's
// quick entry.
func (a *API) createVitalObservation(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	if err := onlyFormat(r); err != nil {
		a.problem(w, r, err)
		return
	}
	var in vitalInput
	if err := decodeStrict(w, r, &in, "Observation", "resourceType, status, category, code, subject, encounter, effectiveDateTime, and valueQuantity or component"); err != nil {
		a.createFailed(w, r, err)
		return
	}
	if in.ResourceType != "Observation" {
		a.createFailed(w, r, problem.Invalidf("resourceType", "This endpoint takes a resource with resourceType Observation."))
		return
	}
	kind, err := vitalKindFor(in)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	if kind == vitalWeight {
		a.createWeightObservation(w, r, c, in)
		return
	}
	target, err := sessionTarget(in)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	v, err := a.readVitals(in, kind)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	got, err := a.app.RecordVitals(ctx, c.actor, practice.VitalsInput{ClientID: target.clientID, AppointmentID: target.apptID, Vitals: v})
	if err != nil {
		a.createFailed(w, r, sessionWriteError(err, vitalPath(kind), underWayMsg))
		return
	}
	cs := clientSessions{client: got.Client, names: map[string]string{c.User.ID: c.User.Name}}
	for _, o := range cs.readingObservations(got.Session, got.Reading) {
		if o.ID == vitalID(kind, got.Reading.ID) {
			w.Header().Set("Location", a.base(r)+"/Observation/"+o.ID)
			a.writeResource(w, r, http.StatusCreated, o)
			return
		}
	}
	a.problem(w, r, errors.New("vital signs create: the stored reading has no Observation"))
}

// The refusals of a vital sign's subject and encounter.
const (
	subjectMsg  = "subject must be Patient/{id} of a client on whose care team you are a therapist or prescriber."
	underWayMsg = "encounter must be Encounter/{id} of this client's medicine session under way: dosed, not yet discharged or signed."
)

// sessionTarget is the client and appointment a vital sign is about: its
// subject, and its encounter, which must be that client's.
type target struct{ clientID, apptID string }

func sessionTarget(in vitalInput) (target, error) {
	if in.Subject == nil {
		return target{}, reject(atObsSubject, "%s", subjectMsg)
	}
	clientID, ok := strings.CutPrefix(in.Subject.Reference, "Patient/")
	if !ok || !auth.ValidID(clientID) {
		return target{}, reject(atObsSubject, "%s", subjectMsg)
	}
	if in.Encounter == nil {
		return target{}, reject(atObsEncounter, "%s", underWayMsg)
	}
	id, _ := strings.CutPrefix(in.Encounter.Reference, "Encounter/")
	apptID, encClient, ok := splitEncounterID(id)
	if !ok || encClient != clientID {
		return target{}, reject(atObsEncounter, "%s", underWayMsg)
	}
	return target{clientID: clientID, apptID: apptID}, nil
}

// sessionWriteError turns what a medicine-session use case refused into a
// 422 naming the element: the subject for a client the caller may not
// document (or who does not exist), the encounter (said as encounterMsg)
// for a session not at that point, and path for the rest.
func sessionWriteError(err error, path func(field string) string, encounterMsg string) error {
	if u, ok := session.AsUnusual(err); ok {
		// A value far from usual is recorded only once the person at the
		// chair confirms it (CLINICAL.md §3). FHIR R4 has no element that
		// says "the sender confirms this value is right", and an extension
		// or a repeated POST would let a system confirm what nobody looked
		// at, so the API refuses it and says where it can be confirmed.
		msgs := make([]string, len(u.Unusual))
		for i, x := range u.Unusual {
			msgs[i] = x.Message
		}
		return reject(path(u.Unusual[0].Field), "%s A reading this far from usual is recorded only once a clinician confirms it on the session's live view; the API does not take confirmations. Check the reading and send it again, or enter it on the live view.",
			strings.Join(msgs, " "))
	}
	switch {
	case problem.CodeOf(err) == problem.NotFound:
		return reject(atObsSubject, "%s", subjectMsg)
	case problem.FieldOf(err) == practice.FieldSession:
		return reject(atObsEncounter, "%s", encounterMsg)
	case problem.CodeOf(err) == problem.Conflict:
		return reject(atObsEncounter, "%s", problem.MessageOf(err))
	case problem.CodeOf(err) == problem.Invalid:
		return reject(path(problem.FieldOf(err)), "%s", problem.MessageOf(err))
	}
	return err
}

// vitalPath names where in the Observation a field of session.Vitals is.
func vitalPath(v vitalSign) func(field string) string {
	return func(field string) string {
		switch {
		case field == "systolic":
			return atComponent(systolicCode)
		case field == "diastolic":
			return atComponent(diastolicCode)
		case field == practice.FieldAt:
			return atObsEffective
		case v == vitalBP:
			return "Observation.component"
		}
		return atObsValue
	}
}

// vitalKindFor reads the status, category and code every vital-sign create
// shares, and says which vital sign it is.
func vitalKindFor(in vitalInput) (vitalSign, error) {
	if in.Status != "final" {
		return vitalSign{}, reject(atObsStatus, "A reading is recorded as taken: status must be final.")
	}
	if in.Category != nil && !slices.ContainsFunc(in.Category, func(cc CodeableConcept) bool {
		return slices.ContainsFunc(cc.Coding, func(x Coding) bool { return x.System == observationCategorySystem && x.Code == "vital-signs" })
	}) {
		return vitalSign{}, reject(atObsCategory, "Only vital signs can be created: category must include %s|vital-signs.", observationCategorySystem)
	}
	kind, ok := vitalKindOf(in.Code)
	if !ok {
		return vitalSign{}, reject(atObsCode, "code must be a LOINC vital sign this server records: 85354-9 (blood pressure panel), 8867-4 (heart rate), "+
			"59408-5 (SpO2) or 29463-7 (body weight).")
	}
	return kind, nil
}

// readVitals reads the reading an Observation carries, and when it was
// taken; whether it may be recorded is the use case's to say.
func (a *API) readVitals(in vitalInput, kind vitalSign) (session.Vitals, error) {
	var v session.Vitals
	at, err := a.takenAt(in.EffectiveDateTime)
	if err != nil {
		return v, err
	}
	v.At = at
	switch kind {
	case vitalBP:
		if in.ValueQuantity != nil {
			return v, reject(atObsValue, "A blood-pressure panel carries its values as components (8480-6 systolic, 8462-4 diastolic), not valueQuantity.")
		}
		for _, part := range []struct {
			code Coding
			into *int
		}{{systolicCode, &v.Systolic}, {diastolicCode, &v.Diastolic}} {
			i := slices.IndexFunc(in.Component, func(x componentInput) bool {
				return slices.ContainsFunc(x.Code.Coding, func(cd Coding) bool { return cd.System == loincSystem && cd.Code == part.code.Code })
			})
			if i < 0 {
				return v, reject("Observation.component", "The panel needs a component with code %s|%s (%s).", loincSystem, part.code.Code, part.code.Display)
			}
			n, err := wholeValue(in.Component[i].ValueQuantity, "mm[Hg]", atComponent(part.code))
			if err != nil {
				return v, err
			}
			*part.into = n
		}
		if len(in.Component) != 2 {
			return v, reject("Observation.component", "A blood-pressure panel has exactly two components: systolic 8480-6 and diastolic 8462-4.")
		}
	default:
		if len(in.Component) > 0 {
			return v, reject("Observation.component", "A %s reading has no components; send its value as valueQuantity.", strings.ToLower(kind.code.Display))
		}
		n, err := wholeValue(in.ValueQuantity, kind.unit, atObsValue)
		if err != nil {
			return v, err
		}
		if kind == vitalHR {
			v.HeartRate = n
		} else {
			v.SpO2 = n
		}
	}
	return v, nil
}

// vitalKindOf finds the vital sign a code names (LOINC only).
func vitalKindOf(cc *CodeableConcept) (vitalSign, bool) {
	if cc == nil {
		return vitalSign{}, false
	}
	for _, x := range cc.Coding {
		for _, v := range vitalSigns {
			if x.System == loincSystem && x.Code == v.code.Code {
				return v, true
			}
		}
	}
	return vitalSign{}, false
}

// wholeValue reads a quantity that must be a whole number in ucum (when
// the sender codes the unit at all).
func wholeValue(q *quantityInput, ucum, at string) (int, error) {
	if q == nil || q.Value == nil {
		return 0, reject(at, "Give the value, as a number in %s.", ucum)
	}
	if q.Code != "" && (q.Code != ucum || (q.System != "" && q.System != ucumSystem)) {
		return 0, reject(at, "The unit must be %s (UCUM).", ucum)
	}
	f := *q.Value
	if f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, reject(at, "The value must be a whole number.")
	}
	if f == 0 {
		return 0, reject(at, "%s", session.ZeroReading)
	}
	return int(f), nil
}

// takenAt reads when the reading was taken: a dateTime with its zone, not
// in the future (beyond a fast clock); absent means now. Whether it is too
// early for the session is the use case's to say.
func (a *API) takenAt(v string) (time.Time, error) {
	now := a.now()
	if v == "" {
		return now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, reject(atObsEffective, "effectiveDateTime must be a date and time with its zone, such as 2026-03-02T09:30:00-08:00.")
	}
	t = t.UTC()
	switch {
	case t.After(now.Add(clockSkew)):
		return time.Time{}, reject(atObsEffective, "effectiveDateTime is in the future.")
	case t.After(now):
		t = now
	}
	return t, nil
}
