package fhir

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"doorway/internal/access"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
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
	ResourceType    string            `json:"resourceType"`
	ID              string            `json:"id"`
	LifecycleStatus string            `json:"lifecycleStatus"`
	Category        []CodeableConcept `json:"category,omitempty"`
	Description     CodeableConcept   `json:"description"`
	Subject         Reference         `json:"subject"`
	StartDate       string            `json:"startDate,omitempty"`
	Target          []GoalTarget      `json:"target,omitempty"`
	ExpressedBy     *Reference        `json:"expressedBy,omitempty"`
}

// GoalTarget is a measurable aim: an instrument's total and the value to reach.
type GoalTarget struct {
	Measure        *CodeableConcept `json:"measure,omitempty"`
	DetailQuantity *Quantity        `json:"detailQuantity,omitempty"`
}

const (
	consentScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope"
	goalCategorySystem = "http://terminology.hl7.org/CodeSystem/goal-category"
	// carePlanPrefix makes a CarePlan's id from its course's: one plan per course.
	carePlanPrefix = "plan-"
)

func patientRef(c store.Client) Reference {
	return Reference{Reference: "Patient/" + c.ID, Display: c.DisplayName()}
}

func fhirDate(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }

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
	case g.Status == "achieved":
		return "completed"
	case g.Status == "dropped":
		return "cancelled"
	case g.Kind == store.GoalIntention || g.Agreed():
		return "active"
	}
	return "proposed"
}

func toGoal(g store.Goal, cl store.Client) Goal {
	out := Goal{ResourceType: "Goal", ID: g.ID, LifecycleStatus: goalStatus(g), Description: CodeableConcept{Text: g.Text},
		Subject: patientRef(cl), StartDate: fhirDate(g.CreatedAt)}
	if g.Kind == store.GoalIntention {
		out.Category = []CodeableConcept{{Text: "Intention"}}
		ref := patientRef(cl)
		out.ExpressedBy = &ref
	} else {
		out.Category = []CodeableConcept{{Coding: []Coding{{System: goalCategorySystem, Code: "behavioral", Display: "Behavioral"}}}}
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

// prepParams are the search parameters of the preparation types.
var prepParams = []searchParam{
	{"patient", "reference", "The client, as Patient/{id} or {id}; comma-separated values match any."},
	{"subject", "reference", "As patient."},
}

func (a *API) episodeOfCareType() *resourceType {
	return &resourceType{name: "EpisodeOfCare",
		doc: "A course of ketamine-assisted psychotherapy; status follows the course's phase (planned until preparation, onhold while paused, finished, cancelled when declined at screening).",
		read: a.prepRead(func(ctx context.Context, tx *store.Tx, c *caller, id string) (string, func(store.Client) hit, error) {
			co, err := tx.Course(ctx, c.P.ClinicID, id)
			return co.ClientID, func(cl store.Client) hit { return episodeHit(co, cl, c.Clinic) }, err
		}),
		params: prepParams, search: a.prepSearch(a.episodesOf)}
}

func (a *API) carePlanType() *resourceType {
	return &resourceType{name: "CarePlan",
		doc: "One plan per course (id plan-{course id}): the three phases as activities, with their status, and the course's goals.",
		read: a.prepRead(func(ctx context.Context, tx *store.Tx, c *caller, id string) (string, func(store.Client) hit, error) {
			cid, ok := strings.CutPrefix(id, carePlanPrefix)
			if !ok {
				return "", nil, problem.New(problem.NotFound, "There is no such record.")
			}
			co, err := tx.Course(ctx, c.P.ClinicID, cid)
			if err != nil {
				return "", nil, err
			}
			goals, err := tx.Goals(ctx, c.P.ClinicID, co.ID)
			return co.ClientID, func(cl store.Client) hit { return planHit(co, cl, goals) }, err
		}),
		params: prepParams, search: a.prepSearch(a.plansOf)}
}

func (a *API) consentType() *resourceType {
	return &resourceType{name: "Consent",
		doc: "A client's signature on one version of a consent document (scope treatment); inactive once withdrawn. policyRule names the document and version.",
		read: a.prepRead(func(ctx context.Context, tx *store.Tx, c *caller, id string) (string, func(store.Client) hit, error) {
			sg, err := tx.ConsentSignature(ctx, c.P.ClinicID, id)
			if err != nil {
				return "", nil, err
			}
			doc, err := tx.ConsentDocumentByID(ctx, c.P.ClinicID, sg.DocumentID)
			return sg.ClientID, func(cl store.Client) hit { return consentHit(sg, doc, cl) }, err
		}),
		params: prepParams, search: a.prepSearch(a.consentsOf)}
}

func (a *API) goalType() *resourceType {
	return &resourceType{name: "Goal",
		doc: "An intention (the client's own words; category Intention) or a goal agreed between client and therapist, with its measurable target as the instrument's total-score code and a comparator.",
		read: a.prepRead(func(ctx context.Context, tx *store.Tx, c *caller, id string) (string, func(store.Client) hit, error) {
			g, err := tx.GoalByID(ctx, c.P.ClinicID, id)
			return g.ClientID, func(cl store.Client) hit { return goalHit(g, cl) }, err
		}),
		params: prepParams, search: a.prepSearch(a.goalsOf)}
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

func goalHit(g store.Goal, cl store.Client) hit {
	return hit{resource: toGoal(g, cl), typ: "Goal", id: g.ID, clientID: cl.ID}
}

// prepRead reads one record by id: load finds it and names its client, the
// access decision is asked about that client as for Patient, and only then
// is the resource built. Absent and out of scope look alike.
func (a *API) prepRead(load func(ctx context.Context, tx *store.Tx, c *caller, id string) (string, func(store.Client) hit, error)) func(context.Context, *caller, string) (hit, error) {
	return func(ctx context.Context, c *caller, id string) (hit, error) {
		if !auth.ValidID(strings.TrimPrefix(id, carePlanPrefix)) {
			return hit{}, problem.New(problem.NotFound, "There is no such record.")
		}
		var clientID string
		var build func(store.Client) hit
		err := a.st.Read(ctx, func(tx *store.Tx) (err error) { clientID, build, err = load(ctx, tx, c, id); return err })
		if err != nil {
			return hit{}, err
		}
		cl, err := a.clientInScope(ctx, c, clientID)
		if err != nil {
			return hit{}, err
		}
		return build(cl), nil
	}
}

// recordsOf gathers one type's resources about a client, for a search or
// Patient/$everything.
type recordsOf func(ctx context.Context, tx *store.Tx, c *caller, cl store.Client) ([]hit, error)

func (a *API) episodesOf(ctx context.Context, tx *store.Tx, c *caller, cl store.Client) ([]hit, error) {
	cos, err := tx.ClientCourses(ctx, cl.ClinicID, cl.ID)
	var out []hit
	for _, co := range cos {
		out = append(out, episodeHit(co, cl, c.Clinic))
	}
	return out, err
}

func (a *API) plansOf(ctx context.Context, tx *store.Tx, c *caller, cl store.Client) ([]hit, error) {
	cos, err := tx.ClientCourses(ctx, cl.ClinicID, cl.ID)
	if err != nil {
		return nil, err
	}
	goals, err := tx.ClientGoals(ctx, cl.ClinicID, cl.ID)
	var out []hit
	for _, co := range cos {
		out = append(out, planHit(co, cl, goals))
	}
	return out, err
}

func (a *API) consentsOf(ctx context.Context, tx *store.Tx, c *caller, cl store.Client) ([]hit, error) {
	sigs, err := tx.ConsentSignatures(ctx, cl.ClinicID, cl.ID)
	var out []hit
	docs := map[string]store.ConsentDocument{}
	for _, sg := range sigs {
		doc, ok := docs[sg.DocumentID]
		if !ok {
			if doc, err = tx.ConsentDocumentByID(ctx, cl.ClinicID, sg.DocumentID); err != nil {
				return nil, err
			}
			docs[sg.DocumentID] = doc
		}
		out = append(out, consentHit(sg, doc, cl))
	}
	return out, err
}

func (a *API) goalsOf(ctx context.Context, tx *store.Tx, c *caller, cl store.Client) ([]hit, error) {
	gs, err := tx.ClientGoals(ctx, cl.ClinicID, cl.ID)
	var out []hit
	for _, g := range gs {
		out = append(out, goalHit(g, cl))
	}
	return out, err
}

// prepSearch searches one type by patient within the caller's scope. The
// clients in scope are found as for Patient, each is put to the access
// decision, and their records are gathered and paged in memory: a client
// has a handful of these records, not thousands.
func (a *API) prepSearch(of recordsOf) func(context.Context, *caller, *searchQuery) (page, error) {
	return func(ctx context.Context, c *caller, s *searchQuery) (page, error) {
		q, none, err := patientScope(c)
		if err != nil {
			return page{}, err
		}
		for _, name := range []string{"patient", "subject"} {
			for _, v := range s.values[name] {
				alts, err := splitValues(name, v)
				if err != nil {
					return page{}, err
				}
				var ids []string
				for _, alt := range alts {
					if id := strings.TrimPrefix(alt, "Patient/"); auth.ValidID(id) && (q.IDs == nil || slices.Contains(q.IDs, id)) {
						ids = append(ids, id)
					}
				}
				q.IDs = ids
				none = none || len(ids) == 0
			}
		}
		if none {
			return page{}, nil
		}
		q.Limit = maxOffset + maxCount
		var all []hit
		err = a.st.Read(ctx, func(tx *store.Tx) error {
			clients, _, err := tx.SearchClients(ctx, q)
			if err != nil {
				return err
			}
			ids := make([]string, len(clients))
			for i, cl := range clients {
				ids[i] = cl.ID
			}
			teams, err := tx.CareTeams(ctx, ids)
			if err != nil {
				return err
			}
			for _, cl := range clients {
				if !access.Allow(c.P, access.Read, access.Resource{Type: access.ClientRecord, ClinicID: cl.ClinicID, ClientID: cl.ID, CareTeam: teams[cl.ID]}) {
					return errors.New("preparation search: a client outside the caller's scope reached the access check")
				}
				hs, err := of(ctx, tx, c, cl)
				if err != nil {
					return err
				}
				all = append(all, hs...)
			}
			return nil
		})
		if err != nil {
			return page{}, err
		}
		p := page{total: len(all)}
		if s.offset < len(all) {
			p.hits = all[s.offset:min(len(all), s.offset+s.count)]
		}
		return p, nil
	}
}

// prepEverything adds a client's courses, plans, consents and goals to
// Patient/$everything.
func (a *API) prepEverything(ctx context.Context, c *caller, cl store.Client) ([]hit, error) {
	var out []hit
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		for _, of := range []recordsOf{a.episodesOf, a.plansOf, a.consentsOf, a.goalsOf} {
			hs, err := of(ctx, tx, c, cl)
			if err != nil {
				return err
			}
			out = append(out, hs...)
		}
		return nil
	})
	return out, err
}
