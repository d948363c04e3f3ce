package fhir

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The course and its preparation as FHIR (CLINICAL.md §6): a course is an
// EpisodeOfCare and a CarePlan whose activities are the three phases; a
// signature on a consent document is a Consent (scope treatment); intentions
// and goals are Goals. Each is read like the client's record and searched by
// patient.

// EpisodeOfCare is a course.
type EpisodeOfCare struct {
	ResourceType         string            `json:"resourceType"`
	ID                   string            `json:"id"`
	Status               string            `json:"status"`
	Type                 []CodeableConcept `json:"type,omitempty"`
	Patient              Reference         `json:"patient"`
	ManagingOrganization *Reference        `json:"managingOrganization,omitempty"`
	Period               *Period           `json:"period,omitempty"`
}

// CarePlan is a course's plan: its phases as activities and its goals.
type CarePlan struct {
	ResourceType string             `json:"resourceType"`
	ID           string             `json:"id"`
	Status       string             `json:"status"`
	Intent       string             `json:"intent"`
	Title        string             `json:"title,omitempty"`
	Subject      Reference          `json:"subject"`
	Period       *Period            `json:"period,omitempty"`
	Goal         []Reference        `json:"goal,omitempty"`
	Activity     []CarePlanActivity `json:"activity,omitempty"`
}

// CarePlanActivity is one phase of the course.
type CarePlanActivity struct {
	Detail CarePlanDetail `json:"detail"`
}

// CarePlanDetail describes a phase and where it stands.
type CarePlanDetail struct {
	Status      string `json:"status"`
	Description string `json:"description,omitempty"`
}

// Consent is a client's signature on one version of a consent document.
type Consent struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id"`
	Status       string            `json:"status"`
	Scope        CodeableConcept   `json:"scope"`
	Category     []CodeableConcept `json:"category"`
	Patient      Reference         `json:"patient"`
	DateTime     string            `json:"dateTime,omitempty"`
	Performer    []Reference       `json:"performer,omitempty"`
	PolicyRule   *CodeableConcept  `json:"policyRule,omitempty"`
	Provision    *ConsentProvision `json:"provision,omitempty"`
}

// ConsentProvision says what the consent permits and for how long.
type ConsentProvision struct {
	Type   string  `json:"type"`
	Period *Period `json:"period,omitempty"`
}

// Goal is an intention or a goal of a course.
type Goal struct {
	ResourceType      string            `json:"resourceType"`
	ID                string            `json:"id"`
	LifecycleStatus   string            `json:"lifecycleStatus"`
	AchievementStatus *CodeableConcept  `json:"achievementStatus,omitempty"`
	Category          []CodeableConcept `json:"category,omitempty"`
	Description       CodeableConcept   `json:"description"`
	Subject           Reference         `json:"subject"`
	StartDate         string            `json:"startDate,omitempty"`
	Target            []GoalTarget      `json:"target,omitempty"`
	StatusDate        string            `json:"statusDate,omitempty"`
	ExpressedBy       *Reference        `json:"expressedBy,omitempty"`
}

// GoalTarget is a measurable aim: an instrument's total and the value to reach.
type GoalTarget struct {
	Measure        *CodeableConcept `json:"measure,omitempty"`
	DetailQuantity *Quantity        `json:"detailQuantity,omitempty"`
}

const (
	consentScopeSystem    = "http://terminology.hl7.org/CodeSystem/consentscope"
	goalCategorySystem    = "http://terminology.hl7.org/CodeSystem/goal-category"
	goalAchievementSystem = "http://terminology.hl7.org/CodeSystem/goal-achievement"
	// The status value sets of the four types, for token searches on status.
	episodeStatusSystem = "http://hl7.org/fhir/episode-of-care-status"
	requestStatusSystem = "http://hl7.org/fhir/request-status"
	consentStatusSystem = "http://hl7.org/fhir/consent-state-codes"
	goalLifecycleSystem = "http://hl7.org/fhir/goal-status"
	// carePlanPrefix makes a CarePlan's id from its course's: one plan per course.
	carePlanPrefix = "plan-"
)

func patientRef(c store.Client) Reference {
	return Reference{Reference: "Patient/" + c.ID, Display: c.DisplayName()}
}

// fhirDate is the day t falls on in loc: a date is read as the clinic's
// day, as the date search parameters compare it.
func fhirDate(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

func coursePeriod(co store.Course) *Period {
	p := &Period{Start: fhirInstant(co.StartedAt)}
	if co.EndedAt != nil {
		p.End = fhirInstant(*co.EndedAt)
	}
	return p
}

// episodeStatus maps a course's state to EpisodeOfCare.status.
func episodeStatus(s care.State) string {
	switch s {
	case care.Inquiry, care.Intake, care.Screening:
		return "planned"
	case care.Paused:
		return "onhold"
	case care.Completed:
		return "finished"
	case care.Declined:
		return "cancelled"
	}
	return "active"
}

func toEpisode(co store.Course, cl store.Client, clinic store.Clinic) EpisodeOfCare {
	e := EpisodeOfCare{ResourceType: "EpisodeOfCare", ID: co.ID, Status: episodeStatus(co.State), Patient: patientRef(cl),
		Type:   []CodeableConcept{{Text: "Ketamine-assisted psychotherapy: " + co.State.Label()}},
		Period: coursePeriod(co)}
	if clinic.Name != "" {
		e.ManagingOrganization = &Reference{Display: clinic.Name}
	}
	return e
}

// phaseStatuses says where each phase (preparation, medicine sessions,
// integration) stands for a course in a state, as CarePlan activity statuses.
func phaseStatuses(s care.State) [3]string {
	switch s {
	case care.Preparation:
		return [3]string{"in-progress", "not-started", "not-started"}
	case care.Active, care.Maintenance:
		return [3]string{"completed", "in-progress", "in-progress"}
	case care.Paused:
		return [3]string{"completed", "on-hold", "on-hold"}
	case care.Completed:
		return [3]string{"completed", "completed", "completed"}
	case care.Declined:
		return [3]string{"cancelled", "cancelled", "cancelled"}
	}
	return [3]string{"not-started", "not-started", "not-started"}
}

func carePlanStatus(s care.State) string {
	switch s {
	case care.Inquiry, care.Intake, care.Screening:
		return "draft"
	case care.Paused:
		return "on-hold"
	case care.Completed:
		return "completed"
	case care.Declined:
		return "revoked"
	}
	return "active"
}

func toCarePlan(co store.Course, cl store.Client, goals []store.Goal) CarePlan {
	p := CarePlan{ResourceType: "CarePlan", ID: carePlanPrefix + co.ID, Status: carePlanStatus(co.State), Intent: "plan",
		Title: "Ketamine-assisted psychotherapy", Subject: patientRef(cl), Period: coursePeriod(co)}
	st := phaseStatuses(co.State)
	for i, d := range []string{
		"Preparation: goals and intentions, screening, consent, practical and emotional preparation sessions.",
		"Medicine sessions: ketamine with the therapist present throughout, vital signs monitored, discharge to a companion.",
		"Integration: sessions, journaling and repeated measures to carry what was learned into daily life.",
	} {
		p.Activity = append(p.Activity, CarePlanActivity{Detail: CarePlanDetail{Status: st[i], Description: d}})
	}
	for _, g := range goals {
		if g.CourseID == co.ID {
			p.Goal = append(p.Goal, Reference{Reference: "Goal/" + g.ID})
		}
	}
	return p
}

func toConsent(sg store.ConsentSignature, doc store.ConsentDocument, cl store.Client) Consent {
	c := Consent{ResourceType: "Consent", ID: sg.ID, Status: "active",
		Scope:    CodeableConcept{Coding: []Coding{{System: consentScopeSystem, Code: "treatment", Display: "Treatment"}}},
		Category: []CodeableConcept{{Coding: []Coding{{System: loincSystem, Code: "59284-0", Display: "Patient Consent"}}}},
		Patient:  patientRef(cl), DateTime: fhirInstant(sg.SignedAt), Performer: []Reference{patientRef(cl)},
		// The rule consented to is the document at the version signed,
		// named in the clinic's own code system.
		PolicyRule: &CodeableConcept{Coding: []Coding{{System: "urn:doorway:clinic:" + sg.ClinicID + ":consent-document",
			Code: sg.Kind + ":" + strconv.Itoa(sg.Version), Display: doc.Title + ", version " + strconv.Itoa(sg.Version)}}},
		Provision: &ConsentProvision{Type: "permit", Period: &Period{Start: fhirInstant(sg.SignedAt)}}}
	if sg.WithdrawnAt != nil {
		c.Status = "inactive"
		c.Provision.Period.End = fhirInstant(*sg.WithdrawnAt)
	}
	return c
}

func goalStatus(g store.Goal) string {
	switch {
	case g.Status == store.GoalAchieved:
		return "completed"
	case g.Status == store.GoalDropped:
		return "cancelled"
	case g.Kind == store.GoalIntention || g.Agreed():
		return "active"
	}
	return "proposed"
}

// toGoal builds a Goal; its dates are days in loc, the clinic's zone.
func toGoal(g store.Goal, cl store.Client, loc *time.Location) Goal {
	out := Goal{ResourceType: "Goal", ID: g.ID, LifecycleStatus: goalStatus(g), Description: CodeableConcept{Text: g.Text},
		Subject: patientRef(cl), StartDate: fhirDate(g.CreatedAt, loc)}
	if g.Kind == store.GoalIntention {
		out.Category = []CodeableConcept{{Text: "Intention"}}
		ref := patientRef(cl)
		out.ExpressedBy = &ref
	} else {
		out.Category = []CodeableConcept{{Coding: []Coding{{System: goalCategorySystem, Code: "behavioral", Display: "Behavioral"}}}}
	}
	// A goal marked achieved or dropped says so, and on which day; an
	// active goal's achievement is the care team's to judge, so it is left
	// unsaid rather than guessed from the latest score.
	switch g.Status {
	case store.GoalAchieved:
		out.AchievementStatus = &CodeableConcept{Coding: []Coding{{System: goalAchievementSystem, Code: "achieved", Display: "Achieved"}}}
	case store.GoalDropped:
		out.AchievementStatus = &CodeableConcept{Coding: []Coding{{System: goalAchievementSystem, Code: "not-achieved", Display: "Not Achieved"}}}
	}
	if g.StatusAt != nil {
		out.StatusDate = fhirDate(*g.StatusAt, loc)
	}
	if t, ok, _ := care.ParseTarget(g.Measure); ok {
		if in, found := measures.ByID(t.Instrument); found {
			code := scoreCode(in)
			out.Target = []GoalTarget{{Measure: &CodeableConcept{Coding: []Coding{code}, Text: t.Describe(in.ShortTitle)},
				DetailQuantity: &Quantity{Value: float64(t.Value), Comparator: t.Op, Unit: "score"}}}
		}
	}
	return out
}

// prepParams are the search parameters every preparation type takes; each
// type adds its own date and token parameters.
var prepParams = []searchParam{
	{"patient", "reference", "The client, as Patient/{id} or {id}; comma-separated values match any."},
	{"subject", "reference", "As patient."},
}

// prepDateDoc explains the date parameters of the preparation types.
const prepDateDoc = " as YYYY, YYYY-MM or YYYY-MM-DD in the clinic's time zone, with an optional prefix eq, ge, le, gt or lt; repeat for a range."

func withParams(extra ...searchParam) []searchParam {
	return append(slices.Clone(prepParams), extra...)
}

func statusParam(system string) searchParam {
	return searchParam{"status", "token", "The status, as a bare code or " + system + "|code; comma-separated values match any."}
}

func (a *API) episodeOfCareType() *resourceType {
	return &resourceType{name: "EpisodeOfCare",
		doc:  "A course of ketamine-assisted psychotherapy; status follows the course's phase (planned until preparation, onhold while paused, finished, cancelled when declined at screening).",
		read: a.recordRead(byID(practice.KindCourse), episodesOf),
		params: withParams(
			searchParam{"date", "date", "Courses whose period (start to end, or to now while open) overlaps the date," + prepDateDoc},
			statusParam(episodeStatusSystem)),
		sorts: []string{"date"}, search: a.prepSearch(episodesOf)}
}

func (a *API) carePlanType() *resourceType {
	return &resourceType{name: "CarePlan",
		doc: "One plan per course (id plan-{course id}): the three phases as activities, with their status, and the course's goals.",
		read: a.recordRead(func(id string) (practice.Ref, bool) {
			cid, ok := strings.CutPrefix(id, carePlanPrefix)
			return practice.Ref{Kind: practice.KindCourse, ID: cid}, ok
		}, plansOf),
		params: withParams(
			searchParam{"date", "date", "Plans whose period (the course's) overlaps the date," + prepDateDoc},
			statusParam(requestStatusSystem)),
		sorts: []string{"date"}, search: a.prepSearch(plansOf)}
}

func (a *API) consentType() *resourceType {
	return &resourceType{name: "Consent",
		doc:  "A client's signature on one version of a consent document (scope treatment); inactive once withdrawn. policyRule names the document and version.",
		read: a.recordRead(byID(practice.KindConsentSignature), consentsOf),
		params: withParams(
			searchParam{"date", "date", "When the client signed," + prepDateDoc},
			statusParam(consentStatusSystem),
			searchParam{"scope", "token", "treatment (or " + consentScopeSystem + "|treatment)."},
			searchParam{"category", "token", "59284-0 (or " + loincSystem + "|59284-0), patient consent."}),
		sorts: []string{"date"}, search: a.prepSearch(consentsOf)}
}

func (a *API) goalType() *resourceType {
	return &resourceType{name: "Goal",
		doc: "An intention (the client's own words; category Intention) or a goal agreed between client and therapist, with its measurable target as the instrument's total-score code and a comparator. " +
			"A goal marked achieved is completed with achievementStatus achieved; one marked dropped is cancelled with not-achieved; statusDate is the day it was marked.",
		read: a.recordRead(byID(practice.KindGoal), goalsOf),
		params: withParams(
			searchParam{"date", "date", "When the goal was written (startDate)," + prepDateDoc},
			searchParam{"start-date", "date", "As date."},
			searchParam{"code", "token", "The target's measure: an instrument's total-score code as system|code or a bare code, such as http://loinc.org|44261-6 (PHQ-9)."},
			searchParam{"lifecycle-status", "token", "proposed, active, completed or cancelled (" + goalLifecycleSystem + ")."},
			searchParam{"achievement-status", "token", "achieved or not-achieved (" + goalAchievementSystem + ")."},
			searchParam{"category", "token", "behavioral (" + goalCategorySystem + "|behavioral) for goals; intentions have the text Intention and no code."}),
		sorts: []string{"date"}, search: a.prepSearch(goalsOf)}
}

func episodeHit(co store.Course, cl store.Client, clinic store.Clinic) hit {
	return hit{resource: toEpisode(co, cl, clinic), typ: "EpisodeOfCare", id: co.ID, clientID: cl.ID}
}

func planHit(co store.Course, cl store.Client, goals []store.Goal) hit {
	return hit{resource: toCarePlan(co, cl, goals), typ: "CarePlan", id: carePlanPrefix + co.ID, clientID: cl.ID}
}

func consentHit(sg store.ConsentSignature, doc store.ConsentDocument, cl store.Client) hit {
	return hit{resource: toConsent(sg, doc, cl), typ: "Consent", id: sg.ID, clientID: cl.ID}
}

func goalHit(g store.Goal, cl store.Client, loc *time.Location) hit {
	return hit{resource: toGoal(g, cl, loc), typ: "Goal", id: g.ID, clientID: cl.ID}
}

// recordRead reads one resource by id: ref names the record the id is
// made from (false: the id names nothing of this type); the use case finds
// whose it is, asks access about that client as for Patient, and loads the
// client's records, from which the resource is built exactly as a search
// builds it. Absent and out of scope look alike.
func (a *API) recordRead(ref func(id string) (practice.Ref, bool), of recordsOf) func(context.Context, *caller, practice.Asked) (hit, error) {
	return func(ctx context.Context, c *caller, q practice.Asked) (hit, error) {
		rf, ok := ref(q.ID)
		if !ok {
			return hit{}, problem.New(problem.NotFound, "There is no such record.")
		}
		rec, err := a.app.RecordsOf(ctx, c.actor, q, rf, of.parts)
		if err != nil {
			return hit{}, err
		}
		for _, r := range of.build(c, rec) {
			if r.id == q.ID {
				return r.hit, nil
			}
		}
		return hit{}, problem.New(problem.NotFound, "There is no such record.")
	}
}

// byID is the ref of a resource whose id is its record's.
func byID(kind practice.RecordKind) func(id string) (practice.Ref, bool) {
	return func(id string) (practice.Ref, bool) { return practice.Ref{Kind: kind, ID: id}, true }
}

// prepRecord is one resource about a client with what its search
// parameters read: its date or period, and its codes by parameter name.
type prepRecord struct {
	hit
	start time.Time
	// end closes a period; nil for a period still open. A point in time
	// (a signature, a goal written) has end == &start.
	end    *time.Time
	tokens map[string][]Coding
}

// recordsOf is how one type's resources about a client are built from the
// client's records, for a read, a search or Patient/$everything: parts
// are the records they are built from.
type recordsOf struct {
	parts practice.Parts
	build func(c *caller, rec practice.ClientRecords) []prepRecord
}

func point(h hit, at time.Time, tokens map[string][]Coding) prepRecord {
	return prepRecord{hit: h, start: at, end: &at, tokens: tokens}
}

// episodesOf are a client's courses as EpisodeOfCares.
var episodesOf = recordsOf{parts: practice.PartCourses, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
	var out []prepRecord
	for _, co := range rec.Courses {
		out = append(out, prepRecord{hit: episodeHit(co, rec.Client, c.Clinic), start: co.StartedAt, end: co.EndedAt,
			tokens: map[string][]Coding{"status": {{System: episodeStatusSystem, Code: episodeStatus(co.State)}}}})
	}
	return out
}}

// plansOf are a client's courses as CarePlans, each with its goals.
var plansOf = recordsOf{parts: practice.PartCourses | practice.PartGoals, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
	var out []prepRecord
	for _, co := range rec.Courses {
		out = append(out, prepRecord{hit: planHit(co, rec.Client, rec.Goals), start: co.StartedAt, end: co.EndedAt,
			tokens: map[string][]Coding{"status": {{System: requestStatusSystem, Code: carePlanStatus(co.State)}}}})
	}
	return out
}}

// consentsOf are a client's signatures as Consents.
var consentsOf = recordsOf{parts: practice.PartConsents, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
	var out []prepRecord
	for _, sc := range rec.Consents {
		h := consentHit(sc.Signature, sc.Document, rec.Client)
		res := h.resource.(Consent)
		out = append(out, point(h, sc.Signature.SignedAt, map[string][]Coding{
			"status":   {{System: consentStatusSystem, Code: res.Status}},
			"scope":    res.Scope.Coding,
			"category": res.Category[0].Coding,
		}))
	}
	return out
}}

// goalsOf are a client's intentions and goals as Goals.
var goalsOf = recordsOf{parts: practice.PartGoals, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
	var out []prepRecord
	for _, g := range rec.Goals {
		h := goalHit(g, rec.Client, c.Clinic.Location())
		res := h.resource.(Goal)
		tokens := map[string][]Coding{"lifecycle-status": {{System: goalLifecycleSystem, Code: res.LifecycleStatus}}}
		for _, t := range res.Target {
			tokens["code"] = append(tokens["code"], t.Measure.Coding...)
		}
		if res.AchievementStatus != nil {
			tokens["achievement-status"] = res.AchievementStatus.Coding
		}
		for _, cat := range res.Category {
			tokens["category"] = append(tokens["category"], cat.Coding...)
		}
		out = append(out, point(h, g.CreatedAt, tokens))
	}
	return out
}}

// prepFilter is a search of preparation records being built from
// parameters: a range of days (in the clinic's zone, inclusive) and the
// codes each token parameter accepts, ANDed across repeats.
type prepFilter struct {
	from, to string // YYYY-MM-DD; "" is open
	tokens   []tokenFilter
	loc      *time.Location
}

// tokenFilter is one token parameter: the record must have a code that one
// of the alternatives names.
type tokenFilter struct {
	name string
	alts []string
}

// matches reports whether a record's date or period overlaps the range
// and each token parameter names one of its codes.
func (f *prepFilter) matches(r prepRecord) bool {
	day := func(t time.Time) string { return t.In(f.loc).Format(time.DateOnly) }
	if f.to != "" && day(r.start) > f.to {
		return false
	}
	if f.from != "" && r.end != nil && day(*r.end) < f.from {
		return false
	}
	for _, tk := range f.tokens {
		if !slices.ContainsFunc(r.tokens[tk.name], func(c Coding) bool {
			return slices.ContainsFunc(tk.alts, func(v string) bool { return tokenMatches(v, c.System, c.Code) })
		}) {
			return false
		}
	}
	return true
}

// prepSearch searches one type within the caller's scope. The clients in
// scope are found as for Patient, and their records are gathered, filtered
// by date and codes, sorted and paged in memory: a client has a handful of
// these records, not thousands.
func (a *API) prepSearch(of recordsOf) func(context.Context, *caller, *searchQuery) (page, error) {
	return func(ctx context.Context, c *caller, s *searchQuery) (page, error) {
		var q store.ClientQuery
		none := false
		f := &prepFilter{loc: c.Clinic.Location()}
		for _, name := range slices.Sorted(maps.Keys(s.values)) {
			for _, v := range s.values[name] {
				switch name {
				case "date", "start-date":
					if err := narrowDays(name, v, &f.from, &f.to); err != nil {
						return page{}, err
					}
					continue
				}
				alts, err := splitValues(name, v)
				if err != nil {
					return page{}, err
				}
				if name != "patient" && name != "subject" {
					f.tokens = append(f.tokens, tokenFilter{name, alts})
					continue
				}
				q.IDs = narrowIDs(q.IDs, alts, "Patient/")
				none = none || len(q.IDs) == 0
			}
		}
		if none || (f.from != "" && f.to != "" && f.from > f.to) {
			return page{}, nil
		}
		q.Limit = maxOffset + maxCount
		recs, err := a.app.RecordsInScope(ctx, c.actor, s.scope, q, of.parts)
		if err != nil {
			return page{}, err
		}
		var all []prepRecord
		for _, rec := range recs {
			for _, r := range of.build(c, rec) {
				if f.matches(r) {
					all = append(all, r)
				}
			}
		}
		for _, k := range s.sort { // "date" is the only key the types allow
			slices.SortStableFunc(all, func(x, y prepRecord) int {
				if k.desc {
					return y.start.Compare(x.start)
				}
				return x.start.Compare(y.start)
			})
		}
		p := page{total: len(all)}
		for _, r := range window(all, s.offset, s.count) {
			p.hits = append(p.hits, r.hit)
		}
		return p, nil
	}
}

// prepEverything adds a client's courses, plans, consents, goals and dosing
// orders to Patient/$everything.
func (a *API) prepEverything(_ context.Context, c *caller, rec practice.ClientRecords) []hit {
	var out []hit
	for _, of := range []recordsOf{episodesOf, plansOf, consentsOf, goalsOf, medicationRequestsOf} {
		for _, r := range of.build(c, rec) {
			out = append(out, r.hit)
		}
	}
	return out
}
