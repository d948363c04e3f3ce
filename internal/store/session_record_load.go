package store

import "context"

// SessionRecordFrom loads the parts of a record whose session is already
// loaded and opened, as a list of a client's sessions gives them, so that
// the session is not read and unsealed a second time.
func (t *Tx) SessionRecordFrom(ctx context.Context, m MedicineSession) (SessionRecord, error) {
	r := SessionRecord{Session: m}
	var err error
	if r.Vitals, err = t.SessionVitals(ctx, m.ClinicID, m.ID); err != nil {
		return r, err
	}
	if r.Observations, err = t.SessionObservations(ctx, m.ClinicID, m.ID); err != nil {
		return r, err
	}
	if r.Acks, err = t.SessionAlertAcks(ctx, m.ClinicID, m.ID); err != nil {
		return r, err
	}
	if r.AdverseEvents, err = t.SessionAdverseEvents(ctx, m.ClinicID, m.ID); err != nil {
		return r, err
	}
	if r.Addenda, err = t.SessionAddenda(ctx, m.ClinicID, m.ID); err != nil {
		return r, err
	}
	r.Overrides, err = t.SessionOverrides(ctx, m.ClinicID, m.ID)
	return r, err
}
