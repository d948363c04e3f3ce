package fhir

import (
	"math"
	"net/http"

	"doorway/internal/practice"
	"doorway/internal/session"
)

// The day's weight (CLINICAL.md §2), created as a body weight Observation
// (29463-7) of a medicine session before its dose. It is stored on the
// session record with RecordSessionWeight, and the dose form on the session
// page starts from it; the dose keeps the weight it was worked out from.

const atObsValueCode = atObsValue + ".code"

// lbAv is one avoirdupois pound, exactly 0.45359237 kg, in units of
// 10⁻⁸ kg.
const lbAv = 45359237

// createWeightObservation serves POST /Observation for body weight, by the
// use case that records the day's weight, answered 201 with the session's
// body weight Observation.
func (a *API) createWeightObservation(w http.ResponseWriter, r *http.Request, c *caller, in vitalInput) {
	ctx := r.Context()
	target, err := sessionTarget(in)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	if len(in.Component) > 0 {
		a.createFailed(w, r, reject("Observation.component", "A body weight has no components; send it as valueQuantity."))
		return
	}
	kg, err := weightValue(in.ValueQuantity)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	at, err := a.takenAt(in.EffectiveDateTime)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	got, err := a.app.RecordWeight(ctx, c.actor, practice.WeightInput{ClientID: target.clientID, AppointmentID: target.apptID, Kg: kg, At: at})
	if err != nil {
		a.createFailed(w, r, sessionWriteError(err, weightPath, beforeDoseMsg))
		return
	}
	cs := clientSessions{client: got.Client, names: map[string]string{c.User.ID: c.User.Name}}
	o := cs.weightObservation(got.Session)
	w.Header().Set("Location", a.base(r)+"/Observation/"+o.ID)
	a.writeResource(w, r, http.StatusCreated, o)
}

// beforeDoseMsg refuses a weight whose encounter is not a session before
// its dose.
const beforeDoseMsg = "encounter must be Encounter/{id} of this client's medicine session before its dose: pre-dose checks under way, record not signed."

// weightPath names where in the Observation a weight's problem is.
func weightPath(field string) string {
	if field == "weight_kg" {
		return atObsValue
	}
	return atObsEffective
}

// weightValue reads a body weight in kg (UCUM kg), to at most a tenth of a
// kilogram, or in pounds (UCUM [lb_av]) to at most a tenth of a pound,
// converted exactly (1 [lb_av] = 0.45359237 kg) and rounded half up to a
// tenth of a kilogram: 176.4 [lb_av] is 80.0 kg. A weight without its unit
// is refused, since it could be either.
func weightValue(q *quantityInput) (session.Kg, error) {
	if q == nil || q.Value == nil {
		return 0, reject(atObsValue, "Give the weight as valueQuantity: a number in kg, with code kg.")
	}
	if q.Code == "" || (q.System != "" && q.System != ucumSystem) || (q.Code != "kg" && q.Code != "[lb_av]") {
		return 0, reject(atObsValueCode, "The unit must be kg (UCUM %s|kg), or [lb_av] for pounds; a weight is not taken without its unit.", ucumSystem)
	}
	f := *q.Value
	tenths := math.Round(f * 10)
	if f < 0 || f > 1e5 || math.Abs(f*10-tenths) > 1e-6 {
		return 0, reject(atObsValue, "The weight must be a number with at most one decimal place, such as 80.4.")
	}
	if q.Code == "[lb_av]" {
		return session.Kg((int64(tenths)*lbAv + 50_000_000) / 100_000_000), nil
	}
	return session.Kg(tenths), nil
}
