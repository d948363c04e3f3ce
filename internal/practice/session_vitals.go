package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

// VitalsInput is one set of vital signs taken during a medicine session,
// after the dose.
type VitalsInput struct {
	ClientID      string
	AppointmentID string
	// Vitals are the measurements; At is when they were taken (zero: now).
	Vitals session.Vitals
}

// SessionReading is a reading as stored, with the session it belongs to.
type SessionReading struct {
	Client  store.Client
	Session store.MedicineSession
	Reading store.SessionVitals
}

var opVitals = op{action: "medicine_session.vitals", fhirType: "Observation", fhirVerb: "create"}

// RecordVitals records a reading on a session under way (dosed, not yet
// discharged): the live view's quick entry and a vital-sign Observation
// through the API alike, so alerts rise on the live view the same way. A
// clinician on the client's care team records it. The write reads only
// what its checks need: the client and care team, the session (read and
// claimed in one statement), and the audit head.
func (s *Service) RecordVitals(ctx context.Context, a Actor, in VitalsInput) (SessionReading, error) {
	var out SessionReading
	now := s.Now()
	if in.Vitals.At.IsZero() {
		in.Vitals.At = now
	}
	err := s.write(ctx, a, func(tx *store.Tx) error {
		rec, err := s.claimSessionFor(ctx, tx, a, opVitals, SessionTarget{in.ClientID, in.AppointmentID}, access.ClinicalCare, access.Write)
		if err != nil {
			return err
		}
		if err := rec.mustBeStarted(); err != nil {
			return err
		}
		m := rec.Session
		if m.State != store.SessionDosed || m.Dose == nil {
			if m.Locked() {
				return errLocked()
			}
			return problem.Invalidf(FieldSession, "Readings are taken after the dose, while the session is under way; the session is now %s.", lower(m.State.Label()))
		}
		if err := in.Vitals.Validate(); err != nil {
			return err
		}
		if in.Vitals.At.Before(m.Dose.GivenAt) {
			return problem.Invalidf(FieldAt, "That time is before the dose; readings before the dose belong to the pre-dose checks.")
		}
		v := store.SessionVitals{ClinicID: m.ClinicID, SessionID: m.ID, TakenAt: in.Vitals.At, Vitals: in.Vitals, EnteredBy: a.P.UserID, EnteredAt: now}
		if err := rec.claim.AddVitals(ctx, &v); err != nil {
			return err
		}
		out = SessionReading{Client: rec.Client, Session: m, Reading: v}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: a.actionOf(opVitals), ResourceType: ReadingType(in.Vitals), ResourceID: v.ID,
			ClientID: rec.Client.ID, Detail: ReadingDetail(in.Vitals)})
	})
	return out, err
}

// ReadingType is how the audit log names a reading: by the one vital sign
// it holds, or as a set when it holds several (the live view's form).
func ReadingType(v session.Vitals) string {
	n, typ := 0, "session_vitals"
	for _, m := range []struct {
		has bool
		typ string
	}{{v.Systolic != 0, "session_vitals.bp"}, {v.HeartRate != 0, "session_vitals.hr"}, {v.SpO2 != 0, "session_vitals.spo2"}} {
		if m.has {
			n, typ = n+1, m.typ
		}
	}
	if n == 1 {
		return typ
	}
	return "session_vitals"
}

// ReadingDetail says in the log what was recorded, without the values.
func ReadingDetail(v session.Vitals) string {
	switch ReadingType(v) {
	case "session_vitals.bp":
		return "Blood pressure during a medicine session"
	case "session_vitals.hr":
		return "Heart rate during a medicine session"
	case "session_vitals.spo2":
		return "Oxygen saturation during a medicine session"
	}
	return "Vital signs during a medicine session"
}
