package fhir

import (
	"fmt"
	"strings"
	"time"

	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/session"
	"doorway/internal/store"
)

// A prescriber's dosing order is a MedicationRequest (CLINICAL.md §6). Orders
// are versioned, never edited: each version is its own MedicationRequest,
// the one in force active and the ones it replaced stopped, each later
// version naming the one before as its priorPrescription.

// MedicationRequest is one version of a dosing order.
type MedicationRequest struct {
	ResourceType              string           `json:"resourceType"`
	ID                        string           `json:"id"`
	Status                    string           `json:"status"`
	StatusReason              *CodeableConcept `json:"statusReason,omitempty"`
	Intent                    string           `json:"intent"`
	MedicationCodeableConcept CodeableConcept  `json:"medicationCodeableConcept"`
	Subject                   Reference        `json:"subject"`
	SupportingInformation     []Reference      `json:"supportingInformation,omitempty"`
	AuthoredOn                string           `json:"authoredOn"`
	Requester                 *Reference       `json:"requester,omitempty"`
	Note                      []Annotation     `json:"note,omitempty"`
	DosageInstruction         []Dosage         `json:"dosageInstruction"`
	PriorPrescription         *Reference       `json:"priorPrescription,omitempty"`
}

// Dosage says how the medicine is given.
type Dosage struct {
	Text                     string           `json:"text,omitempty"`
	Timing                   *Timing          `json:"timing,omitempty"`
	Route                    *CodeableConcept `json:"route,omitempty"`
	DoseAndRate              []DoseAndRate    `json:"doseAndRate,omitempty"`
	MaxDosePerAdministration *Quantity        `json:"maxDosePerAdministration,omitempty"`
}

// Timing holds an infusion's duration.
type Timing struct {
	Repeat *TimingRepeat `json:"repeat,omitempty"`
}

// TimingRepeat is how long one administration lasts.
type TimingRepeat struct {
	Duration     float64 `json:"duration,omitempty"`
	DurationUnit string  `json:"durationUnit,omitempty"`
}

// DoseAndRate is the dose ordered, in mg or mg/kg.
type DoseAndRate struct {
	DoseQuantity *Quantity `json:"doseQuantity,omitempty"`
}

// medicationRequestStatusSystem is the value set of MedicationRequest.status.
const medicationRequestStatusSystem = "http://hl7.org/fhir/CodeSystem/medicationrequest-status"

// orderStatus is a version's status: the versions replaced are stopped; the
// one in force follows its course, since an order outlives nothing of the
// course it belongs to.
func orderStatus(o store.DosingOrder, course care.State) string {
	if o.SupersededAt != nil {
		return "stopped"
	}
	switch course {
	case care.Paused:
		return "on-hold"
	case care.Completed:
		return "completed"
	case care.Declined:
		return "stopped"
	}
	return "active"
}

// toMedicationRequest maps one version; prior is the id of the version it
// replaced, "" for the first.
func toMedicationRequest(o store.DosingOrder, cl store.Client, course care.State, prior string, loc *time.Location) MedicationRequest {
	ord := o.Order
	med := medicationConcept(ord.Route)
	// "Ketamine: Rapid-dissolving tablet (RDT)"; "Intranasal esketamine"
	// already names its drug.
	med.Text = ord.Route.Label()
	if !strings.Contains(strings.ToLower(med.Text), ord.Route.Drug()) {
		med.Text = session.Capitalise(ord.Route.Drug()) + ": " + med.Text
	}
	route := routeConcept(ord.Route)
	mr := MedicationRequest{ResourceType: "MedicationRequest", ID: o.ID, Status: orderStatus(o, course), Intent: "order",
		MedicationCodeableConcept: med,
		Subject:                   patientRef(cl),
		SupportingInformation:     []Reference{{Reference: "EpisodeOfCare/" + o.CourseID, Display: "The course of care"}},
		AuthoredOn:                fhirInstant(o.WrittenAt),
		// Staff are not served as Practitioners, so the prescriber is named.
		Requester: &Reference{Display: o.WrittenByName},
	}
	d := Dosage{Text: ord.String(), Route: &route,
		MaxDosePerAdministration: mgQuantity(ord.MaxMg)}
	if ord.WeightBased() {
		d.DoseAndRate = []DoseAndRate{{DoseQuantity: &Quantity{Value: float64(ord.MgPerKg) / 100, Unit: "mg/kg", System: ucumSystem, Code: "mg/kg"}}}
	} else {
		d.DoseAndRate = []DoseAndRate{{DoseQuantity: mgQuantity(ord.Mg)}}
	}
	if ord.OverMinutes > 0 {
		d.Timing = &Timing{Repeat: &TimingRepeat{Duration: float64(ord.OverMinutes), DurationUnit: "min"}}
	}
	mr.DosageInstruction = []Dosage{d}
	if ord.Notes != "" {
		mr.Note = []Annotation{{Text: ord.Notes}}
	}
	if prior != "" {
		mr.PriorPrescription = &Reference{Reference: "MedicationRequest/" + prior, Display: fmt.Sprintf("Version %d of this order", o.Version-1)}
	}
	if o.SupersededAt != nil {
		mr.StatusReason = &CodeableConcept{Text: "Replaced by a later version of the order on " + fhirDate(*o.SupersededAt, loc) + "."}
	}
	return mr
}

func medicationHit(o store.DosingOrder, cl store.Client, course care.State, prior string, loc *time.Location) hit {
	return hit{resource: toMedicationRequest(o, cl, course, prior, loc), typ: "MedicationRequest", id: o.ID, clientID: cl.ID}
}

// medicationRecord is a version with what its search parameters read: when
// it was written, its status and its medication.
func medicationRecord(o store.DosingOrder, cl store.Client, course care.State, prior string, loc *time.Location) prepRecord {
	h := medicationHit(o, cl, course, prior, loc)
	m := h.resource.(MedicationRequest)
	return point(h, o.WrittenAt, map[string][]Coding{
		"status": {{System: medicationRequestStatusSystem, Code: m.Status}},
		"code":   m.MedicationCodeableConcept.Coding,
	})
}

func (a *API) medicationRequestType() *resourceType {
	return &resourceType{name: "MedicationRequest",
		doc: "A prescriber's dosing order for a course, one resource per version: the version in force is active (on-hold, completed or stopped " +
			"when the course is paused, completed or declined), earlier versions are stopped, and each later version names the one it replaced " +
			"as priorPrescription. The medication is coded in RxNorm as for MedicationAdministration (ketamine 6130; esketamine nasal spray 2201623). The route is a SNOMED CT " +
			"route code; the dose is in mg or mg/kg (UCUM), with the most per session as maxDosePerAdministration and an infusion's length " +
			"as timing.repeat.duration. The prescriber is named in requester.",
		read: a.recordRead(byID(practice.KindDosingOrder), medicationRequestsOf),
		params: withParams(
			searchParam{"date", "date", "When the version was written (authoredOn)," + prepDateDoc},
			statusParam(medicationRequestStatusSystem),
			searchParam{"code", "token", "The medication as system|code or a bare code, such as " + rxNormSystem + "|6130 (ketamine); comma-separated values match any."}),
		sorts: []string{"date"}, search: a.prepSearch(medicationRequestsOf),
	}
}

// medicationRequestsOf are every version of every order of a client.
var medicationRequestsOf = recordsOf{parts: practice.PartDosingOrders | practice.PartCourses, build: func(c *caller, rec practice.ClientRecords) []prepRecord {
	state := map[string]care.State{}
	for _, co := range rec.Courses {
		state[co.ID] = co.State
	}
	// Orders come oldest first, so the version before is already seen.
	type version struct {
		course string
		n      int
	}
	ids := map[version]string{}
	var out []prepRecord
	for _, o := range rec.DosingOrders {
		out = append(out, medicationRecord(o, rec.Client, state[o.CourseID], ids[version{o.CourseID, o.Version - 1}], c.Clinic.Location()))
		ids[version{o.CourseID, o.Version}] = o.ID
	}
	return out
}}
