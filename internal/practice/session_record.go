package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// The record of one client's medicine session is reached by the client and
// the appointment (the pages' URL; the FHIR Encounter id is the same pair).

// Medicine-session problems name the part of the request they are about,
// so each adapter can say it in its own terms: the pages by the form, the
// API by the element (encounter, effectiveDateTime…).
const (
	FieldSession = "session" // the session itself: not started, not under way, locked
	FieldAt      = "at"      // when a reading or an event was taken
)

// sessionRecord is a client's medicine session, once access has allowed
// the actor to act on the client's record.
type sessionRecord struct {
	chart
	Session store.MedicineSession
	// Started is false before the pre-dose checks are first saved.
	Started bool
}

// sessionFor loads the client's medicine session in the appointment, after
// asking access whether the actor may act on the record as t. A client out
// of scope is a refusal; a session not yet started is Started false.
func (s *Service) sessionFor(ctx context.Context, tx *store.Tx, a Actor, o op, clientID, apptID string, t access.Type, act access.Action) (sessionRecord, error) {
	ch, err := s.chartFor(ctx, tx, a, o, clientID, t, act)
	if err != nil {
		return sessionRecord{}, err
	}
	m, ok, err := tx.MedicineSessionFor(ctx, ch.Client.ClinicID, apptID, ch.Client.ID)
	if err != nil {
		return sessionRecord{}, err
	}
	return sessionRecord{chart: ch, Session: m, Started: ok}, nil
}

// mustBeStarted refuses a change to a record whose checks have not begun.
func (r sessionRecord) mustBeStarted() error {
	if !r.Started {
		return problem.Invalidf(FieldSession, "Save the pre-dose checks first: the record starts with them.")
	}
	return nil
}

// errLocked refuses a change to a signed record. It names the session, so
// the API can say which element is at fault.
func errLocked() error {
	return &problem.Error{Code: problem.Conflict, Field: FieldSession,
		Message: "This session record is signed and locked; corrections are added as addenda."}
}
