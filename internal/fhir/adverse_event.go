package fhir

import (
	"doorway/internal/practice"
	"doorway/internal/session"
	"doorway/internal/store"
)

// AdverseEvent is an adverse event during a medicine session. Its id is
// the event's.
type AdverseEvent struct {
	ResourceType  string                `json:"resourceType"`
	ID            string                `json:"id"`
	Actuality     string                `json:"actuality"`
	Event         *CodeableConcept      `json:"event,omitempty"`
	Subject       Reference             `json:"subject"`
	Encounter     *Reference            `json:"encounter,omitempty"`
	Date          string                `json:"date,omitempty"`
	RecordedDate  string                `json:"recordedDate,omitempty"`
	Recorder      *Reference            `json:"recorder,omitempty"`
	Severity      *CodeableConcept      `json:"severity,omitempty"`
	Outcome       *CodeableConcept      `json:"outcome,omitempty"`
	SuspectEntity []AdverseEventSuspect `json:"suspectEntity,omitempty"`
}

// AdverseEventSuspect is what may have caused the event: the dose.
type AdverseEventSuspect struct {
	Instance Reference `json:"instance"`
}

const (
	// adverseEventSystem codes the picklist of CLINICAL.md §3 by its stored key.
	adverseEventSystem = "urn:doorway:session:adverse-event"
	aeSeveritySystem   = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
	aeOutcomeSystem    = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
)

// aeOutcome maps an outcome to FHIR's adverse-event-outcome codes; the
// text keeps Doorway's own words (a transfer to other care is ongoing as
// far as this record knows).
var aeOutcome = map[session.Outcome]Coding{
	session.Resolved:    {System: aeOutcomeSystem, Code: "resolved", Display: "Resolved"},
	session.Improving:   {System: aeOutcomeSystem, Code: "recovering", Display: "Recovering"},
	session.NotResolved: {System: aeOutcomeSystem, Code: "ongoing", Display: "Ongoing"},
	session.Transferred: {System: aeOutcomeSystem, Code: "ongoing", Display: "Ongoing"},
}

func (cs clientSessions) toAdverseEvent(r store.SessionRecord, e store.SessionAdverseEvent) AdverseEvent {
	m := r.Session
	text := e.Kind.Label()
	if e.Description != "" {
		text += ": " + e.Description
	}
	out := AdverseEvent{ResourceType: "AdverseEvent", ID: e.ID, Actuality: "actual",
		Event:        &CodeableConcept{Coding: []Coding{{System: adverseEventSystem, Code: string(e.Kind), Display: e.Kind.Label()}}, Text: text},
		Subject:      Reference{Reference: "Patient/" + m.ClientID, Display: cs.client.DisplayName()},
		Encounter:    encounterRef(m),
		Date:         fhirInstant(e.At),
		RecordedDate: fhirInstant(e.EnteredAt),
		Severity: &CodeableConcept{Coding: []Coding{{System: aeSeveritySystem, Code: string(e.Severity), Display: severityLabel(e.Severity)}},
			Text: severityLabel(e.Severity)},
	}
	if e.EnteredBy != "" {
		out.Recorder = ptr(cs.staffRef(e.EnteredBy))
	}
	if c, ok := aeOutcome[e.Outcome]; ok {
		out.Outcome = &CodeableConcept{Coding: []Coding{c}, Text: e.Outcome.Label()}
	}
	if m.Dose != nil {
		out.SuspectEntity = []AdverseEventSuspect{{Instance: Reference{Reference: "MedicationAdministration/" + m.ID}}}
	}
	return out
}

func severityLabel(s session.Severity) string {
	switch s {
	case session.Mild:
		return "Mild"
	case session.Moderate:
		return "Moderate"
	case session.Severe:
		return "Severe"
	}
	return string(s)
}

// adverseEvents are the events of every record, dated when they happened
// and coded by kind and severity.
func (cs clientSessions) adverseEvents() []prepRecord {
	var out []prepRecord
	for _, a := range cs.appts {
		r, ok := cs.records[a.ID]
		if !ok {
			continue
		}
		for _, e := range r.AdverseEvents {
			ae := cs.toAdverseEvent(r, e)
			out = append(out, point(hit{resource: ae, typ: "AdverseEvent", id: ae.ID, clientID: cs.client.ID}, e.At,
				map[string][]Coding{"event": ae.Event.Coding, "severity": ae.Severity.Coding}))
		}
	}
	return out
}

func (a *API) adverseEventType() *resourceType {
	return &resourceType{name: "AdverseEvent",
		doc: "An adverse event during a medicine session: actuality actual; event coded by the picklist (" + adverseEventSystem +
			"|nausea, hypertension, …) with the description as text; severity mild, moderate or severe; outcome resolved, recovering or " +
			"ongoing (absent while unknown); encounter the session; suspectEntity the MedicationAdministration when the dose had been given.",
		read: a.recordRead(byID(practice.KindAdverseEvent), a.sessionRecords(clientSessions.adverseEvents)),
		params: sessionParams("When the event happened",
			searchParam{"event", "token", "The kind of event, as " + adverseEventSystem + "|<kind> or the bare kind (nausea, vomiting, hypertension, …)."},
			searchParam{"severity", "token", "mild, moderate or severe (" + aeSeveritySystem + ")."}),
		sorts:  []string{"date"},
		search: a.prepSearch(a.sessionRecords(clientSessions.adverseEvents))}
}
