package fhir

import (
	"doorway/internal/session"
)

// How the medicine and its route are coded, for every resource that names
// them (MedicationAdministration; a dosing order's MedicationRequest).
const (
	rxNormSystem = "http://www.nlm.nih.gov/research/umls/rxnorm"
	snomedSystem = "http://snomed.info/sct"
	ucumSystem   = "http://unitsofmeasure.org"
)

// rxNormConcept is the RxNorm concept of each drug Doorway records. Ketamine
// is given by several routes, so it is the ingredient (6130). Esketamine is
// given only as the nasal spray, so it is that clinical drug form (2201623,
// "esketamine Nasal Spray"), a concept we could confirm in RxNorm's current
// prescribable content.
var rxNormConcept = map[string]Coding{
	"ketamine":   {System: rxNormSystem, Code: "6130", Display: "ketamine"},
	"esketamine": {System: rxNormSystem, Code: "2201623", Display: "esketamine Nasal Spray"},
}

// medicationConcept is the drug a route gives, coded in RxNorm.
func medicationConcept(r session.Route) CodeableConcept {
	drug := r.Drug()
	return CodeableConcept{Coding: []Coding{rxNormConcept[drug]}, Text: drug}
}

// snomedRoute is each route as SNOMED CT's route of administration (the
// codes of FHIR's route-codes value set). Both sublingual forms are the
// sublingual route; the form itself is in the text.
var snomedRoute = map[session.Route]Coding{
	session.Lozenge:    {System: snomedSystem, Code: "37839007", Display: "Sublingual route"},
	session.RDT:        {System: snomedSystem, Code: "37839007", Display: "Sublingual route"},
	session.IM:         {System: snomedSystem, Code: "78421000", Display: "Intramuscular route"},
	session.IV:         {System: snomedSystem, Code: "47625008", Display: "Intravenous route"},
	session.Intranasal: {System: snomedSystem, Code: "46713006", Display: "Nasal route"},
}

// routeConcept is a route as SNOMED CT, with Doorway's name for the form.
func routeConcept(r session.Route) CodeableConcept {
	return CodeableConcept{Coding: []Coding{snomedRoute[r]}, Text: r.Label()}
}

// mgQuantity is an amount of medicine in UCUM milligrams.
func mgQuantity(mg session.Mg) *Quantity {
	return &Quantity{Value: float64(mg) / 10, Unit: "mg", System: ucumSystem, Code: "mg"}
}
