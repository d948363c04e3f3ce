package fhir

import (
	"context"
	"encoding/base64"
	"time"

	"doorway/internal/integration"
	"doorway/internal/practice"
	"doorway/internal/store"
)

// The care team's signed session notes as FHIR: each preparation and
// integration session note, and each addendum to one, is a
// DocumentReference (status current, docStatus final: a signed note never
// changes) whose attachment is the note's text. An integration note names
// the Encounter of the medicine session it integrates; an addendum
// appends to its note. Psychotherapy notes are not the client's record and
// are never served: the records this is built from cannot hold them.

// DocumentReference is one signed note.
type DocumentReference struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id"`
	Status       string              `json:"status"`
	DocStatus    string              `json:"docStatus"`
	Type         CodeableConcept     `json:"type"`
	Category     []CodeableConcept   `json:"category"`
	Subject      Reference           `json:"subject"`
	Date         string              `json:"date"`
	Author       []Reference         `json:"author,omitempty"`
	Description  string              `json:"description,omitempty"`
	RelatesTo    []DocumentRelatesTo `json:"relatesTo,omitempty"`
	Content      []DocumentContent   `json:"content"`
	Context      *DocumentContext    `json:"context,omitempty"`
}

// DocumentRelatesTo links an addendum to the note it appends to.
type DocumentRelatesTo struct {
	Code   string    `json:"code"`
	Target Reference `json:"target"`
}

// DocumentContent is the note itself.
type DocumentContent struct {
	Attachment Attachment `json:"attachment"`
}

// Attachment is a note's text, inline.
type Attachment struct {
	ContentType string `json:"contentType"`
	Data        string `json:"data"`
	Title       string `json:"title"`
	Creation    string `json:"creation,omitempty"`
}

// DocumentContext says which session a note is about and when it was.
type DocumentContext struct {
	Encounter []Reference `json:"encounter,omitempty"`
	Period    *Period     `json:"period,omitempty"`
}

const (
	// noteKindSystem tells Doorway's kinds of note apart beside their
	// LOINC type, so a search by type can ask for one kind.
	noteKindSystem      = "urn:doorway:note-kind"
	docCategorySystem   = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
	progressNoteLOINC   = "11506-3"
	noteContentType     = "text/plain; charset=utf-8"
	kindIntegrationNote = "integration"
	kindPreparationNote = "preparation"
)

var clinicalNote = []CodeableConcept{{Coding: []Coding{{System: docCategorySystem, Code: "clinical-note", Display: "Clinical Note"}}}}

// noteType is a note's type: a LOINC progress note, and Doorway's kind.
func noteType(kind, label string) CodeableConcept {
	return CodeableConcept{Coding: []Coding{{System: loincSystem, Code: progressNoteLOINC, Display: "Progress note"},
		{System: noteKindSystem, Code: kind, Display: label}}, Text: label}
}

// signedNote is what both kinds of note have in common, as a resource.
type signedNote struct {
	id, kind, label, title, text string
	occurred, signed             time.Time
	author, addendumTo           string
	encounter                    string // the Encounter id, or ""
}

func (n signedNote) resource(cl store.Client, names map[string]string) DocumentReference {
	d := DocumentReference{ResourceType: "DocumentReference", ID: n.id, Status: "current", DocStatus: "final", Type: noteType(n.kind, n.label),
		Category: clinicalNote, Subject: patientRef(cl), Date: fhirInstant(n.signed), Description: n.title,
		Content: []DocumentContent{{Attachment: Attachment{ContentType: noteContentType, Data: base64.StdEncoding.EncodeToString([]byte(n.text)),
			Title: n.title, Creation: fhirInstant(n.signed)}}},
		Context: &DocumentContext{Period: &Period{Start: fhirInstant(n.occurred), End: fhirInstant(n.occurred)}}}
	author := names[n.author]
	if author == "" {
		author = "Clinic staff"
	}
	d.Author = []Reference{{Display: author}}
	if n.addendumTo != "" {
		d.RelatesTo = []DocumentRelatesTo{{Code: "appends", Target: Reference{Reference: "DocumentReference/" + n.addendumTo}}}
	}
	if n.encounter != "" {
		d.Context.Encounter = []Reference{{Reference: "Encounter/" + n.encounter}}
	}
	return d
}

// notesOf are a client's signed preparation and integration notes, and
// their addenda, as DocumentReferences, dated when signed.
var notesOf = recordsOf{parts: practice.PartNotes, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
	loc := c.Clinic.Location()
	var notes []signedNote
	for _, n := range rec.PrepNotes {
		sn := signedNote{id: n.ID, kind: kindPreparationNote, label: "Preparation session note", text: n.Body, occurred: n.OccurredAt,
			signed: n.SignedAt, author: n.AuthorID, addendumTo: n.AddendumTo}
		sn.title = "Preparation session note, " + fhirDate(n.OccurredAt, loc)
		if n.AddendumTo != "" {
			sn.title = "Addendum to a preparation session note, " + fhirDate(n.SignedAt, loc)
		}
		notes = append(notes, sn)
	}
	for _, n := range rec.IntegrationNotes {
		t, _ := integration.TemplateByKey(n.Template)
		sn := signedNote{id: n.ID, kind: kindIntegrationNote, label: "Integration session note", text: t.PlainText(n.Sections),
			occurred: n.OccurredAt, signed: n.SignedAt, author: n.AuthorID, addendumTo: n.AddendumTo}
		sn.title = "Integration session note (" + t.Title + "), " + fhirDate(n.OccurredAt, loc)
		if n.AddendumTo != "" {
			sn.title = "Addendum to an integration session note, " + fhirDate(n.SignedAt, loc)
		}
		if appt, ok := rec.SessionAppointments[n.MedicineSessionID]; ok {
			sn.encounter = encounterID(appt, rec.Client.ID)
		}
		notes = append(notes, sn)
	}
	var out []prepRecord
	for _, n := range notes {
		d := n.resource(rec.Client, rec.StaffNames)
		h := hit{resource: d, typ: "DocumentReference", id: d.ID, clientID: rec.Client.ID}
		out = append(out, point(h, n.signed, map[string][]Coding{"type": d.Type.Coding, "category": d.Category[0].Coding}))
	}
	return out
}}

func (a *API) documentReferenceType() *resourceType {
	return &resourceType{name: "DocumentReference",
		doc: "A signed preparation or integration session note, or an addendum to one (relatesTo appends): status current, docStatus final, " +
			"type LOINC 11506-3 (progress note) with the kind of note in " + noteKindSystem + " (preparation, integration), category clinical-note. " +
			"The note's text is the attachment, text/plain in UTF-8, base64 in data; an integration note's context names the Encounter of the medicine session it integrates. " +
			"A client's token reads their own notes (the HIPAA right of access). Psychotherapy notes are never served.",
		read: a.recordRead(byID(practice.KindSessionNote), notesOf),
		params: withParams(
			searchParam{"date", "date", "When the note was signed," + prepDateDoc},
			searchParam{"type", "token", "11506-3 (or " + loincSystem + "|11506-3), or the kind of note: " + noteKindSystem + "|integration or |preparation."},
			searchParam{"category", "token", "clinical-note (or " + docCategorySystem + "|clinical-note)."}),
		sorts: []string{"date"}, search: a.prepSearch(notesOf)}
}

// notesEverything adds a client's signed notes to Patient/$everything.
func (a *API) notesEverything(_ context.Context, c *caller, rec practice.ClientRecords) []hit {
	var out []hit
	for _, r := range notesOf.build(c, rec) {
		out = append(out, r.hit)
	}
	return out
}
