package fhir

import (
	"time"

	"doorway/internal/auth"
	"doorway/internal/practice"
	"doorway/internal/store"
)

// A client's sessions as FHIR (CLINICAL.md §6): each booked session is an
// Encounter (class AMB), and a medicine session's record adds the dose as a
// MedicationAdministration, its readings as vital-sign Observations and its
// adverse events as AdverseEvents. All of them are built from one load of
// the client's appointments and records (clientSessions), so a read, a
// search and Patient/$everything can only ever agree.

// Encounter is one client's part in one booked session.
type Encounter struct {
	ResourceType    string                 `json:"resourceType"`
	ID              string                 `json:"id"`
	Status          string                 `json:"status"`
	Class           Coding                 `json:"class"`
	Type            []CodeableConcept      `json:"type,omitempty"`
	Subject         *Reference             `json:"subject,omitempty"`
	EpisodeOfCare   []Reference            `json:"episodeOfCare,omitempty"`
	Participant     []EncounterParticipant `json:"participant,omitempty"`
	Period          *Period                `json:"period,omitempty"`
	ServiceProvider *Reference             `json:"serviceProvider,omitempty"`
}

// EncounterParticipant is a member of staff at the session. Staff are not
// served as Practitioners, so they are named, not referenced.
type EncounterParticipant struct {
	Type       []CodeableConcept `json:"type,omitempty"`
	Individual *Reference        `json:"individual,omitempty"`
}

const (
	actCodeSystem       = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	participationSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	// appointmentKindSystem codes what a session is for: preparation,
	// medicine or integration.
	appointmentKindSystem = "urn:doorway:appointment-kind"
	encounterStatusSystem = "http://hl7.org/fhir/encounter-status"
)

var ambulatory = Coding{System: actCodeSystem, Code: "AMB", Display: "ambulatory"}

// encounterID names one client's part in an appointment: a couple's joint
// session is two Encounters, one per partner, as each partner's record is
// their own. Both halves are fixed-length ids, so the id splits exactly.
func encounterID(appointmentID, clientID string) string { return appointmentID + "-" + clientID }

func splitEncounterID(id string) (appointmentID, clientID string, ok bool) {
	if len(id) != 2*auth.IDLen+1 || id[auth.IDLen] != '-' {
		return "", "", false
	}
	appointmentID, clientID = id[:auth.IDLen], id[auth.IDLen+1:]
	return appointmentID, clientID, auth.ValidID(appointmentID) && auth.ValidID(clientID)
}

// clientSessions is everything about one client's sessions that the FHIR
// resources are built from (practice.PartSessions).
type clientSessions struct {
	client store.Client
	clinic store.Clinic
	appts  []store.Appointment
	// records are the client's medicine session records by appointment id.
	records map[string]store.SessionRecord
	names   map[string]string // user id -> name
	now     time.Time
}

// staffRef names a member of staff.
func (cs clientSessions) staffRef(id string) Reference {
	if n := cs.names[id]; n != "" {
		return Reference{Display: n}
	}
	return Reference{Display: "Clinic staff"}
}

// encounterRef is the reference to a record's Encounter.
func encounterRef(m store.MedicineSession) *Reference {
	return &Reference{Reference: "Encounter/" + encounterID(m.AppointmentID, m.ClientID)}
}

// encounterStatus says where a session stands: from its record for a
// medicine session that has one, otherwise from the calendar and the clock.
func encounterStatus(a store.Appointment, rec *store.SessionRecord, now time.Time) string {
	switch {
	case rec != nil && rec.Session.State.Ended():
		return "finished"
	case rec != nil:
		return "in-progress"
	case a.Status == store.StatusCancelled:
		return "cancelled"
	case a.Status == store.StatusCompleted || !now.Before(a.EndsAt):
		return "finished"
	case !now.Before(a.StartsAt):
		return "in-progress"
	}
	return "planned"
}

// recordPeriod is a medicine session's period: from the record's opening
// (the client arrives; pre-dose checks) through the dose and the
// observation window to discharge. A session still under way, or held or
// stopped without a discharge, ends at the last thing recorded.
func recordPeriod(r store.SessionRecord) *Period {
	m := r.Session
	p := &Period{Start: fhirInstant(m.StartedAt)}
	switch {
	case m.Discharge != nil:
		p.End = fhirInstant(m.Discharge.At)
	case m.State.Ended():
		last := m.StartedAt
		for _, v := range r.Vitals {
			if v.TakenAt.After(last) {
				last = v.TakenAt
			}
		}
		for _, o := range r.Observations {
			if o.At.After(last) {
				last = o.At
			}
		}
		p.End = fhirInstant(last)
	}
	return p
}

func (cs clientSessions) toEncounter(a store.Appointment) Encounter {
	var rec *store.SessionRecord
	if r, ok := cs.records[a.ID]; ok {
		rec = &r
	}
	e := Encounter{ResourceType: "Encounter", ID: encounterID(a.ID, cs.client.ID), Status: encounterStatus(a, rec, cs.now), Class: ambulatory,
		Type:    []CodeableConcept{{Coding: []Coding{{System: appointmentKindSystem, Code: string(a.Kind), Display: a.Kind.Label()}}, Text: a.Kind.Label()}},
		Subject: &Reference{Reference: "Patient/" + cs.client.ID, Display: cs.client.DisplayName()},
		Period:  &Period{Start: fhirInstant(a.StartsAt), End: fhirInstant(a.EndsAt)}}
	if rec != nil {
		e.Period = recordPeriod(*rec)
	}
	for _, c := range a.Clients {
		if c.ClientID == cs.client.ID && c.CourseID != "" {
			e.EpisodeOfCare = []Reference{{Reference: "EpisodeOfCare/" + c.CourseID}}
		}
	}
	if rec != nil && len(e.EpisodeOfCare) == 0 {
		e.EpisodeOfCare = []Reference{{Reference: "EpisodeOfCare/" + rec.Session.CourseID}}
	}
	// The staff booked, and for a medicine session the staff recorded as
	// present, each once.
	staff := append([]string(nil), a.Staff...)
	if rec != nil {
		staff = append(staff, rec.Session.Staff...)
	}
	seen := map[string]bool{}
	for _, id := range staff {
		if seen[id] {
			continue
		}
		seen[id] = true
		ref := cs.staffRef(id)
		e.Participant = append(e.Participant, EncounterParticipant{
			Type:       []CodeableConcept{{Coding: []Coding{{System: participationSystem, Code: "PART", Display: "Participation"}}}},
			Individual: &ref})
	}
	if cs.clinic.Name != "" {
		e.ServiceProvider = &Reference{Display: cs.clinic.Name}
	}
	return e
}

// encounters are the client's Encounters, with their period for date
// searches and their kind, class and status for token searches.
func (cs clientSessions) encounters() []prepRecord {
	var out []prepRecord
	for _, a := range cs.appts {
		e := cs.toEncounter(a)
		r := prepRecord{hit: hit{resource: e, typ: "Encounter", id: e.ID, clientID: cs.client.ID},
			tokens: map[string][]Coding{"type": e.Type[0].Coding, "class": {ambulatory}, "status": statusToken(encounterStatusSystem, e.Status)}}
		r.start, _ = parseInstant(e.Period.Start)
		if end, ok := parseInstant(e.Period.End); ok {
			r.end = &end
		}
		out = append(out, r)
	}
	return out
}

func (a *API) encounterType() *resourceType {
	return &resourceType{name: "Encounter",
		doc: "One client's part in a booked session (id {appointment id}-{client id}; a couple's joint session is one Encounter per partner): " +
			"class AMB, type " + appointmentKindSystem + "|preparation, medicine or integration, status planned, in-progress, finished or cancelled, " +
			"participant the staff (named, not referenced), episodeOfCare the course. The period of a medicine session with a record runs from the " +
			"record's opening through the dose and observation window to discharge; otherwise it is the booked time.",
		read: a.recordRead(func(id string) (practice.Ref, bool) {
			apptID, clientID, ok := splitEncounterID(id)
			return practice.Ref{Kind: practice.KindAppointment, ID: apptID, ClientID: clientID}, ok
		}, a.sessionRecords(clientSessions.encounters)),
		params: sessionParams("Sessions whose period overlaps the date",
			searchParam{"type", "token", "What the session is for: " + appointmentKindSystem + "|preparation, medicine or integration, or the bare code."},
			statusParam(encounterStatusSystem),
			searchParam{"class", "token", "AMB (" + actCodeSystem + "|AMB): every Encounter here."}),
		sorts:  []string{"date"},
		search: a.prepSearch(a.sessionRecords(clientSessions.encounters))}
}

// parseInstant reads back a time written by fhirInstant; ok is false for "".
func parseInstant(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
