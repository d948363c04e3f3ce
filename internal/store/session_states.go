package store

import (
	"context"
	"time"
)

// This file holds the narrow reads of the caseload board and the measures
// schedule: what they need of the medicine sessions, without opening any
// sealed text.

// SessionsUnderWay lists a clinic's medicine sessions under way (checks begun
// or dosed, not yet ended) that were opened at or after since, oldest first.
// Sealed text (a state's reason, the intention, a dose confirmation's
// reason, the companion, the lot, the setting's note, who the client left
// with) is left blank and the staff list empty: the board shows neither.
func (t *Tx) SessionsUnderWay(ctx context.Context, clinicID string, since time.Time) ([]MedicineSession, error) {
	rows, err := t.query(ctx, `SELECT `+medicineSessionCols+` FROM medicine_sessions
		WHERE clinic_id = ? AND state IN ('checklist', 'dosed') AND started_at >= ? ORDER BY started_at, id`, clinicID, since)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(m *MedicineSession) (err error) {
		*m, err = scanMedicineSession(rows)
		m.StateReason, m.Checklist.Intention = "", ""
		m.Checklist.CompanionName, m.Checklist.CompanionPhone, m.Setting.Other = "", "", ""
		if m.DoseConfirm != nil {
			m.DoseConfirm.Reason = ""
		}
		if m.Dose != nil {
			m.Dose.Lot = ""
		}
		if m.Discharge != nil {
			m.Discharge.ReleasedTo = ""
		}
		return err
	})
}

// SessionKey names a medicine session by its appointment and client (an
// appointment may have several clients, each with their own record).
type SessionKey struct{ AppointmentID, ClientID string }

// SessionStates is the state of each medicine session opened for these
// appointments; a client with no session yet is absent.
func (t *Tx) SessionStates(ctx context.Context, clinicID string, appointmentIDs []string) (map[SessionKey]SessionState, error) {
	out := map[SessionKey]SessionState{}
	if len(appointmentIDs) == 0 {
		return out, nil
	}
	args := []any{clinicID}
	for _, id := range appointmentIDs {
		args = append(args, id)
	}
	rows, err := t.query(ctx, `SELECT appointment_id, client_id, state FROM medicine_sessions
		WHERE clinic_id = ? AND appointment_id IN (`+placeholders(len(appointmentIDs))+`)`, args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var k SessionKey
		var state string
		if err := rows.Scan(&k.AppointmentID, &k.ClientID, &state); err != nil {
			return err
		}
		out[k] = SessionState(state)
		return nil
	})
	return out, err
}
