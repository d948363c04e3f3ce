package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

// WeightInput is the day's weight, taken before the dose (CLINICAL.md §2).
type WeightInput struct {
	ClientID      string
	AppointmentID string
	Kg            session.Kg
	At            time.Time // when it was taken; zero: now
}

// weighingWindow is how long before a session's record was opened a
// weighing may have been taken and still be that day's weight.
const weighingWindow = 12 * time.Hour

var opWeight = op{action: "medicine_session.weight", fhirType: "Observation", fhirVerb: "create"}

// RecordWeight records the day's weight on a session whose pre-dose checks
// are under way; the dose form starts from it, and once the dose is given
// it cannot change. A clinician on the client's care team records it.
func (s *Service) RecordWeight(ctx context.Context, a Actor, in WeightInput) (SessionReading, error) {
	var out SessionReading
	if in.At.IsZero() {
		in.At = s.Now()
	}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		rec, err := s.claimSessionFor(ctx, tx, a, opWeight, SessionTarget{in.ClientID, in.AppointmentID}, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		if err := rec.mustBeStarted(); err != nil {
			return err
		}
		m := rec.Session
		switch {
		case m.Locked():
			return errLocked()
		case m.Dose != nil:
			st, err := s.settings(ctx, tx, a)
			if err != nil {
				return err
			}
			return problem.New(problem.Conflict, "The dose was worked out from %s at %s; the day's weight cannot change after the dose.",
				m.Dose.Weight, st.Time.Time(m.Dose.GivenAt))
		case m.State != store.SessionChecklist:
			return problem.New(problem.Conflict, "This session is %s; the day's weight is recorded before the dose, while the pre-dose checks are under way.",
				lower(m.State.Label()))
		}
		if err := session.ValidateWeight(in.Kg); err != nil {
			return err
		}
		if in.At.Before(m.StartedAt.Add(-weighingWindow)) {
			return problem.Invalidf(FieldAt, "That weighing is more than 12 hours before this session's record was opened; the dose is worked out from the weight taken that day.")
		}
		if err := rec.claim.RecordWeight(ctx, in.Kg, a.P.UserID, in.At); err != nil {
			return err
		}
		out.Client, out.Session = rec.Client, rec.record()
		return s.appendTx(ctx, tx, a, audit.Entry{Action: a.actionOf(opWeight), ResourceType: "session_weight", ResourceID: m.ID,
			ClientID: rec.Client.ID, Detail: "Body weight before the dose of a medicine session"})
	})
	return out, err
}
