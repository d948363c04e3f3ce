package fhir

import (
	"fmt"

	"doorway/internal/practice"
	"doorway/internal/store"
)

// MedicationAdministration is the dose given at a medicine session. Its id
// is the session record's.
type MedicationAdministration struct {
	ResourceType          string       `json:"resourceType"`
	ID                    string       `json:"id"`
	Contained             []Medication `json:"contained,omitempty"`
	Status                string       `json:"status"`
	MedicationReference   *Reference   `json:"medicationReference,omitempty"`
	Subject               Reference    `json:"subject"`
	Context               *Reference   `json:"context,omitempty"`
	SupportingInformation []Reference  `json:"supportingInformation,omitempty"`
	// Effective is effectiveDateTime, the dose time, until the end of
	// administration is recorded; then effectivePeriod, from the dose to
	// that end. FHIR allows one of the two.
	EffectiveDateTime string                `json:"effectiveDateTime,omitempty"`
	EffectivePeriod   *Period               `json:"effectivePeriod,omitempty"`
	Performer         []AdministrationActor `json:"performer,omitempty"`
	Request           *Reference            `json:"request,omitempty"`
	Note              []Annotation          `json:"note,omitempty"`
	Dosage            *AdministrationDosage `json:"dosage,omitempty"`
}

// Medication is the medicine as given, contained in the administration
// because the lot belongs to this dose alone.
type Medication struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Code         *CodeableConcept `json:"code,omitempty"`
	Batch        *MedicationBatch `json:"batch,omitempty"`
}

// MedicationBatch is the package's lot.
type MedicationBatch struct {
	LotNumber string `json:"lotNumber,omitempty"`
}

// AdministrationActor is who gave the dose.
type AdministrationActor struct {
	Function *CodeableConcept `json:"function,omitempty"`
	Actor    Reference        `json:"actor"`
}

// AdministrationDosage is the route and amount, and an IV infusion's rate
// in mg/kg/h (UCUM), worked out from the dose, the weight and the time it
// ran over.
type AdministrationDosage struct {
	Text         string           `json:"text,omitempty"`
	Route        *CodeableConcept `json:"route,omitempty"`
	Dose         *Quantity        `json:"dose,omitempty"`
	RateQuantity *Quantity        `json:"rateQuantity,omitempty"`
}

const (
	// containedMedicationID is the local id of the contained Medication.
	containedMedicationID      = "medication"
	performerFunctionSystem    = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function"
	administrationStatusSystem = "http://terminology.hl7.org/CodeSystem/medication-admin-status"
)

// doseText says the dose as the record does: "300 mg (3 tablets);
// 4.23 mg/kg at 71 kg".
func doseText(d store.SessionDose) string {
	s := d.Route.Label() + ": " + d.Mg.String()
	if d.Units > 0 && d.Route.Counted() {
		noun := d.Route.UnitNoun()
		if d.Units != 1 {
			noun += "s"
		}
		s += fmt.Sprintf(" (%d %s)", d.Units, noun)
	}
	s += "; " + d.PerKg.String() + " at " + d.Weight.String()
	if d.InfusionMinutes > 0 {
		s += fmt.Sprintf("; infused over %d min, %s", d.InfusionMinutes, d.Administration().Rate())
	}
	return s
}

func (cs clientSessions) toAdministration(r store.SessionRecord) MedicationAdministration {
	m, d := r.Session, *r.Session.Dose
	med := medicationConcept(d.Route)
	ma := MedicationAdministration{ResourceType: "MedicationAdministration", ID: m.ID,
		Contained:           []Medication{{ResourceType: "Medication", ID: containedMedicationID, Code: &med, Batch: &MedicationBatch{LotNumber: d.Lot}}},
		Status:              "completed",
		MedicationReference: &Reference{Reference: "#" + containedMedicationID, Display: med.Text},
		Subject:             Reference{Reference: "Patient/" + m.ClientID, Display: cs.client.DisplayName()},
		Context:             encounterRef(m),
		// The weight the mg/kg was worked out from.
		SupportingInformation: []Reference{{Reference: "Observation/" + weightObservationID(m.ID)}},
		EffectiveDateTime:     fhirInstant(d.GivenAt),
		Performer: []AdministrationActor{{Function: &CodeableConcept{Coding: []Coding{{System: performerFunctionSystem, Code: "performer", Display: "Performer"}}},
			Actor: cs.staffRef(d.GivenBy)}},
		Dosage: &AdministrationDosage{Text: doseText(d), Route: ptr(routeConcept(d.Route)), Dose: mgQuantity(d.Mg)},
	}
	if d.EndedAt != nil {
		ma.EffectiveDateTime = ""
		ma.EffectivePeriod = &Period{Start: fhirInstant(d.GivenAt), End: fhirInstant(*d.EndedAt)}
	}
	if rate := d.Administration().Rate(); rate > 0 {
		ma.Dosage.RateQuantity = &Quantity{Value: float64(rate) / 100, Unit: "mg/kg/h", System: ucumSystem, Code: "mg/kg/h"}
	}
	if d.OrderID != "" {
		ma.Request = &Reference{Reference: "MedicationRequest/" + d.OrderID, Display: fmt.Sprintf("Dosing order, version %d", d.OrderVersion)}
	}
	if c := m.DoseConfirm; c != nil {
		ma.Note = append(ma.Note, Annotation{
			Text: fmt.Sprintf("%s confirmed by %s, prescriber, at %s: %s", c.Mg, cs.staffRef(c.By).Display, fhirInstant(c.At), c.Reason)})
	}
	return ma
}

// administrations are the doses given, one per record that has one, dated
// when given and coded by the drug.
func (cs clientSessions) administrations() []prepRecord {
	var out []prepRecord
	for _, a := range cs.appts {
		r, ok := cs.records[a.ID]
		if !ok || r.Session.Dose == nil {
			continue
		}
		ma := cs.toAdministration(r)
		out = append(out, point(hit{resource: ma, typ: "MedicationAdministration", id: ma.ID, clientID: cs.client.ID},
			r.Session.Dose.GivenAt, map[string][]Coding{"code": ma.Contained[0].Code.Coding, "status": statusToken(administrationStatusSystem, ma.Status)}))
	}
	return out
}

func (a *API) medicationAdministrationType() *resourceType {
	return &resourceType{name: "MedicationAdministration",
		doc: "The dose given at a medicine session (id: the session record's): status completed; the medicine (RxNorm ketamine 6130 or esketamine nasal spray " +
			"2201623) as a contained Medication with the lot as batch.lotNumber; dosage.route as SNOMED CT, dosage.dose in mg, " +
			"and dosage.text with the form, units, mg/kg and the weight used (the body-weight Observation in supportingInformation); an IV " +
			"infusion's rate as dosage.rateQuantity in mg/kg/h; effectiveDateTime the dose time, or effectivePeriod from it to the end of " +
			"administration once that is recorded (the end of the infusion, the last device, the lozenge spat out); performer " +
			"who gave it; context the Encounter; request the MedicationRequest of the dosing order version the dose was checked against; a " +
			"prescriber's confirmation of a dose outside the usual range as a note.",
		read: a.recordRead(byID(practice.KindMedicineSession), a.sessionRecords(clientSessions.administrations)),
		params: sessionParams("When the dose was given",
			searchParam{"code", "token", "The medicine as system|code or a bare code, such as " + rxNormSystem + "|6130 (ketamine); comma-separated values match any."},
			statusParam(administrationStatusSystem)),
		sorts:  []string{"date"},
		search: a.prepSearch(a.sessionRecords(clientSessions.administrations))}
}
