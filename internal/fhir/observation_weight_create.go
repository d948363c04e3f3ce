package fhir

import (
	"context"
	"math"
	"net/http"
	"strings"
	"time"

	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

// The day's weight (CLINICAL.md §2), created as a body weight Observation
// (29463-7) of a medicine session before its dose. It is stored on the
// session record with RecordSessionWeight, and the dose form on the session
// page starts from it; the dose keeps the weight it was worked out from.

const atObsValueCode = atObsValue + ".code"

// weighingWindow is how long before a session's record was opened a
// weighing may have been taken and still be that day's weight.
const weighingWindow = 12 * time.Hour

// lbAv is one avoirdupois pound, exactly 0.45359237 kg, in units of
// 10⁻⁸ kg.
const lbAv = 45359237

// createWeightObservation serves POST /Observation for body weight: checked
// as any vital sign's subject and encounter, stored with the audit entry in
// one transaction, answered 201 with the session's body weight Observation.
func (a *API) createWeightObservation(w http.ResponseWriter, r *http.Request, c *caller, in vitalInput) {
	ctx := r.Context()
	cl, m, kg, at, err := a.checkWeight(ctx, r, c, in)
	if err != nil {
		a.createFailed(w, r, err)
		return
	}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RecordSessionWeight(ctx, cl.ClinicID, m.ID, kg, c.User.ID, at); err != nil {
			return err
		}
		e := audit.Entry{Action: actionFor("Observation", "create"), ResourceType: "Observation", ResourceID: weightObservationID(m.ID),
			ClientID: cl.ID, Detail: "Body weight " + kg.String() + " before the dose of a medicine session"}
		a.fillAudit(r, c, &e)
		return tx.AppendAudit(ctx, &e)
	})
	if err != nil {
		a.createFailed(w, r, storedWeightError(err))
		return
	}
	if err := a.st.Read(ctx, func(tx *store.Tx) (err error) { m, err = tx.MedicineSession(ctx, cl.ClinicID, m.ID); return err }); err != nil {
		a.problem(w, r, err)
		return
	}
	cs := clientSessions{client: cl, names: map[string]string{c.User.ID: c.User.Name}}
	o := cs.weightObservation(m)
	w.Header().Set("Location", a.base(r)+"/Observation/"+o.ID)
	a.writeResource(w, r, http.StatusCreated, o)
}

// checkWeight turns the input into the day's weight to store, or says what
// is wrong with it. It stores nothing (but the audit entry of a refused
// subject).
func (a *API) checkWeight(ctx context.Context, r *http.Request, c *caller, in vitalInput) (store.Client, store.MedicineSession, session.Kg, time.Time, error) {
	var m store.MedicineSession
	cl, err := a.subjectFor(ctx, r, c, in.Subject, "Observation", atObsSubject,
		"subject must be Patient/{id} of a client on whose care team you are a therapist or prescriber.", mayDocument)
	if err != nil {
		return cl, m, 0, time.Time{}, err
	}
	const msg = "encounter must be Encounter/{id} of this client's medicine session before its dose: pre-dose checks under way, record not signed."
	if m, err = a.encounterSession(ctx, cl, in.Encounter, msg); err != nil {
		return cl, m, 0, time.Time{}, err
	}
	if d := m.Dose; d != nil {
		return cl, m, 0, time.Time{}, reject(atObsEncounter, "The dose was worked out from %s at %s; the day's weight cannot change after the dose.",
			d.Weight, d.GivenAt.In(c.Clinic.Location()).Format("15:04"))
	}
	if m.State != store.SessionChecklist {
		return cl, m, 0, time.Time{}, reject(atObsEncounter, "This session is %s; the day's weight is recorded before the dose, while the pre-dose checks are under way.",
			strings.ToLower(m.State.Label()))
	}
	if len(in.Component) > 0 {
		return cl, m, 0, time.Time{}, reject("Observation.component", "A body weight has no components; send it as valueQuantity.")
	}
	kg, err := weightValue(in.ValueQuantity)
	if err != nil {
		return cl, m, 0, time.Time{}, err
	}
	if err := session.ValidateWeight(kg); err != nil {
		return cl, m, 0, time.Time{}, storedWeightError(err)
	}
	at, err := a.takenAt(in.EffectiveDateTime, m.StartedAt.Add(-weighingWindow),
		"effectiveDateTime is more than 12 hours before this session's record was opened; the dose is worked out from the weight taken that day.")
	return cl, m, kg, at, err
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

// storedWeightError turns what the store refused into a 422 naming the
// element: a weight out of range, or a session that moved on (dosed,
// signed) between the check and the write.
func storedWeightError(err error) error {
	switch problem.CodeOf(err) {
	case problem.Invalid:
		at := atObsValue
		if problem.FieldOf(err) != "weight_kg" {
			at = atObsEffective
		}
		return reject(at, "%s", problem.MessageOf(err))
	case problem.Conflict:
		return reject(atObsEncounter, "%s", problem.MessageOf(err))
	}
	return err
}
