package fhir

import (
	"strings"
	"time"

	"doorway/internal/practice"
	"doorway/internal/session"
	"doorway/internal/store"
)

// Vital signs taken at a medicine session, as Observations of category
// vital-signs (CLINICAL.md §6). One set of readings taken together is stored
// as one row; it is served as one Observation per measure, as FHIR's
// vital-signs profiles have them: the blood-pressure panel (85354-9, with
// systolic 8480-6 and diastolic 8462-4 as components), heart rate (8867-4)
// and SpO2 (59408-5). The day's weight is one body weight Observation
// (29463-7) of the session: the weight recorded before the dose, then the
// weight the dose was worked out from. A reading struck through is served
// with status entered-in-error.

// vitalIDPrefix starts the id of every vital-sign Observation:
// vs-<measure>-<reading id>, or vs-weight-<session record id>.
const vitalIDPrefix = "vs-"

// vitalSign is one kind of vital-sign Observation.
type vitalSign struct {
	key     string // in the id
	code    Coding
	unit    string // UCUM, and as shown
	display string
}

var (
	vitalBP = vitalSign{key: "bp", code: Coding{System: loincSystem, Code: "85354-9", Display: "Blood pressure panel with all children optional"}}
	vitalHR = vitalSign{key: "hr", code: Coding{System: loincSystem, Code: "8867-4", Display: "Heart rate"},
		unit: "/min", display: "beats/minute"}
	vitalSpO2 = vitalSign{key: "spo2", code: Coding{System: loincSystem, Code: "59408-5", Display: "Oxygen saturation in Arterial blood by Pulse oximetry"},
		unit: "%", display: "%"}
	vitalWeight = vitalSign{key: "weight", code: Coding{System: loincSystem, Code: "29463-7", Display: "Body weight"},
		unit: "kg", display: "kg"}
	systolicCode  = Coding{System: loincSystem, Code: "8480-6", Display: "Systolic blood pressure"}
	diastolicCode = Coding{System: loincSystem, Code: "8462-4", Display: "Diastolic blood pressure"}
	vitalSigns    = []vitalSign{vitalBP, vitalHR, vitalSpO2, vitalWeight}
)

// vitalSignsCategory is the category of every vital-sign Observation.
var vitalSignsCategory = CodeableConcept{Coding: []Coding{{System: observationCategorySystem, Code: "vital-signs", Display: "Vital Signs"}}}

func vitalID(v vitalSign, rowID string) string { return vitalIDPrefix + v.key + "-" + rowID }

func weightObservationID(sessionID string) string { return vitalID(vitalWeight, sessionID) }

// splitVitalID reads a vital sign's id into its kind and the id of the
// reading (or, for weight, of the session record).
func splitVitalID(id string) (vitalSign, string, bool) {
	rest, ok := strings.CutPrefix(id, vitalIDPrefix)
	if !ok {
		return vitalSign{}, "", false
	}
	key, rowID, ok := strings.Cut(rest, "-")
	for _, v := range vitalSigns {
		if ok && v.key == key {
			return v, rowID, true
		}
	}
	return vitalSign{}, "", false
}

func quantity(v vitalSign, value float64) *Quantity {
	return &Quantity{Value: value, Unit: v.display, System: ucumSystem, Code: v.unit}
}

func mmHg(n int) *Quantity {
	return &Quantity{Value: float64(n), Unit: "mmHg", System: ucumSystem, Code: "mm[Hg]"}
}

// vitalObservation is the frame every vital-sign Observation shares.
func vitalObservation(v vitalSign, id string, m store.MedicineSession) Observation {
	return Observation{ResourceType: "Observation", ID: id, Status: "final", Category: []CodeableConcept{vitalSignsCategory},
		Code: CodeableConcept{Coding: []Coding{v.code}, Text: v.code.Display},
		// As on a score Observation, the client is referenced, not named.
		Subject:   &Reference{Reference: "Patient/" + m.ClientID},
		Encounter: encounterRef(m)}
}

// readingObservations are the Observations of one set of readings.
func (cs clientSessions) readingObservations(m store.MedicineSession, r store.SessionVitals) []Observation {
	var out []Observation
	add := func(v vitalSign, fill func(*Observation)) {
		o := vitalObservation(v, vitalID(v, r.ID), m)
		o.EffectiveDateTime, o.Issued = fhirInstant(r.TakenAt), fhirInstant(r.EnteredAt)
		if r.EnteredBy != "" {
			o.Performer = []Reference{cs.staffRef(r.EnteredBy)}
		}
		if r.PreDose {
			o.Note = append(o.Note, Annotation{Text: "Taken before the dose."})
		}
		if r.Struck() {
			o.Status = "entered-in-error"
			o.Note = append(o.Note, Annotation{Text: "Struck through by " + cs.staffRef(r.StruckBy).Display + ": " + r.StruckReason})
		}
		fill(&o)
		out = append(out, o)
	}
	if r.Has(session.BP) {
		add(vitalBP, func(o *Observation) {
			o.Component = []ObservationComponent{
				{Code: CodeableConcept{Coding: []Coding{systolicCode}, Text: systolicCode.Display}, ValueQuantity: mmHg(r.Systolic)},
				{Code: CodeableConcept{Coding: []Coding{diastolicCode}, Text: diastolicCode.Display}, ValueQuantity: mmHg(r.Diastolic)},
			}
		})
	}
	if r.Has(session.HR) {
		add(vitalHR, func(o *Observation) { o.ValueQuantity = quantity(vitalHR, float64(r.HeartRate)) })
	}
	if r.Has(session.SpO2) {
		add(vitalSpO2, func(o *Observation) { o.ValueQuantity = quantity(vitalSpO2, float64(r.SpO2)) })
	}
	return out
}

// weightObservation is the day's weight: before the dose, the weight
// recorded for it; once dosed, the weight the dose was worked out from. It
// is dated and attributed to the weighing when the dose kept the weighed
// weight (or there is no dose yet), and to the dose when the weight came
// only with the dose. The session has a weight or a dose.
func (cs clientSessions) weightObservation(m store.MedicineSession) Observation {
	o := vitalObservation(vitalWeight, weightObservationID(m.ID), m)
	wt, d := m.Weight, m.Dose
	var kg session.Kg
	var at time.Time
	var by, note string
	switch {
	case d == nil:
		kg, at, by = wt.Kg, wt.At, wt.By
		note = "The day's weight, taken before the dose; the dose is worked out from it."
	case wt != nil && wt.Kg == d.Weight:
		kg, at, by = d.Weight, wt.At, wt.By
		note = "The weight the dose was worked out from."
	default:
		kg, at, by = d.Weight, d.GivenAt, d.GivenBy
		note = "The weight the dose was worked out from."
		if wt != nil {
			note += " It was entered with the dose, in place of the " + wt.Kg.String() + " weighed by " + cs.staffRef(wt.By).Display +
				" at " + fhirInstant(wt.At) + "."
		}
	}
	o.EffectiveDateTime = fhirInstant(at)
	o.ValueQuantity = quantity(vitalWeight, float64(kg)/10)
	o.Performer = []Reference{cs.staffRef(by)}
	o.Note = []Annotation{{Text: note}}
	return o
}

// vitalSigns are every vital-sign Observation of the client's records.
func (cs clientSessions) vitalSigns() []prepRecord {
	var out []prepRecord
	rec := func(o Observation) {
		at, _ := parseInstant(o.EffectiveDateTime)
		out = append(out, point(hit{resource: o, typ: "Observation", id: o.ID, clientID: cs.client.ID}, at,
			map[string][]Coding{"code": o.Code.Coding, "category": vitalSignsCategory.Coding}))
	}
	for _, a := range cs.appts {
		r, ok := cs.records[a.ID]
		if !ok {
			continue
		}
		if r.Session.Dose != nil || r.Session.Weight != nil {
			rec(cs.weightObservation(r.Session))
		}
		for _, v := range r.Vitals {
			for _, o := range cs.readingObservations(r.Session, v) {
				rec(o)
			}
		}
	}
	return out
}

// vitalRef is the record a vital sign's id is made from: a set of readings,
// or for the day's weight the session record.
func vitalRef(id string) (practice.Ref, bool) {
	v, rowID, ok := splitVitalID(id)
	if v == vitalWeight {
		return practice.Ref{Kind: practice.KindMedicineSession, ID: rowID}, ok
	}
	return practice.Ref{Kind: practice.KindSessionVitals, ID: rowID}, ok
}
