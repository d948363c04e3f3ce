package store

import (
	"context"
	"fmt"
)

// SessionPart names a table of what is added to a medicine session record,
// for finding the record a part belongs to by the part's id alone (a FHIR
// Observation or AdverseEvent is read by its own id).
type SessionPart string

const (
	PartVitals        SessionPart = "medicine_session_vitals"
	PartAdverseEvents SessionPart = "medicine_session_adverse_events"
)

// SessionOfPart returns the id of the session record a part belongs to, or
// NotFound. The table name comes from the fixed list above, never from a
// request.
func (t *Tx) SessionOfPart(ctx context.Context, clinicID string, part SessionPart, id string) (string, error) {
	switch part {
	case PartVitals, PartAdverseEvents:
	default:
		return "", fmt.Errorf("store: %q is not a part of a session record", part)
	}
	var sessionID string
	err := t.queryRow(ctx, `SELECT session_id FROM `+string(part)+` WHERE clinic_id = ? AND id = ?`, clinicID, id).Scan(&sessionID)
	return sessionID, notFound(err, "The record")
}
