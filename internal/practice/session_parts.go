package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// What is added to the record as the session goes on, besides vital signs
// (session_vitals.go): a reading struck through, observations, alert
// acknowledgements, adverse events. A clinician on the care team adds them.

var (
	opVitalsStrike  = op{action: "medicine_session.vitals_strike"}
	opObservation   = op{action: "medicine_session.observation"}
	opAlertAck      = op{action: "medicine_session.alert_ack"}
	opAdverseEvent  = op{action: "medicine_session.adverse_event"}
	errAlertMissing = problem.New(problem.Conflict, "That alert is already acknowledged, or no longer stands; the page shows where things are now.")
)

// StrikeInput strikes a reading entered in error through.
type StrikeInput struct {
	SessionTarget
	ReadingID string
	Reason    string
}

// StrikeReading strikes a reading through with the reason: it stays in the
// record, shown struck through, and no longer counts for the timetable,
// alerts or discharge.
func (s *Service) StrikeReading(ctx context.Context, a Actor, in StrikeInput) error {
	return s.changeSession(ctx, a, opVitalsStrike, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartStrike); err != nil {
			return err
		}
		if err := c.claim.StrikeVitals(ctx, in.ReadingID, a.P.UserID, in.Reason, s.Now()); err != nil {
			return err
		}
		c.log(a, opVitalsStrike, in.ReadingID, false)
		return nil
	})
}

// ObservationInput is a clinician's observation after the dose.
type ObservationInput struct {
	SessionTarget
	Observation session.Observation
}

// RecordObservation records an observation (sedation, dissociation, a
// note) on a session under way.
func (s *Service) RecordObservation(ctx context.Context, a Actor, in ObservationInput) error {
	return s.changeSession(ctx, a, opObservation, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartObservation); err != nil {
			return err
		}
		o := store.SessionObservation{Observation: in.Observation, EnteredBy: a.P.UserID, EnteredAt: s.Now()}
		if err := c.claim.AddObservation(ctx, &o); err != nil {
			return err
		}
		c.log(a, opObservation, o.ID, false)
		return nil
	})
}

// AckInput acknowledges an open alert, with what was done.
type AckInput struct {
	SessionTarget
	Key  string // session.Alert.Key
	Note string
}

// AcknowledgeAlert acknowledges an alert. The alerts are evaluated again
// now, from the readings that count: only an open alert that still stands
// is acknowledged, once, by whoever is first.
func (s *Service) AcknowledgeAlert(ctx context.Context, a Actor, in AckInput) error {
	now := s.Now()
	return s.changeSession(ctx, a, opAlertAck, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if !c.Started {
			// A record not started has no readings, so no alert stands.
			return errAlertMissing
		}
		if err := c.rules().Change(session.PartAlertAck); err != nil {
			return err
		}
		rec, st, err := s.readingsOf(ctx, tx, a, c.record())
		if err != nil {
			return err
		}
		var open *session.AlertState
		for _, al := range sessionAlerts(rec, st.Session, st.Time) {
			if al.Key == in.Key && al.Open() {
				open = &al
			}
		}
		if open == nil {
			return errAlertMissing
		}
		ack := store.SessionAlertAck{AlertKey: open.Key, Message: open.Message, Note: in.Note, By: a.P.UserID, At: now}
		if err := c.claim.AckAlert(ctx, &ack); err != nil {
			return err
		}
		c.log(a, opAlertAck, ack.ID, true)
		return nil
	})
}

// readingsOf reads what the alerts and the discharge criteria judge: the
// record's readings, the sedation scores of its observations (which raise
// the sedation alert too) and its acknowledgements, with the clinic's
// settings.
func (s *Service) readingsOf(ctx context.Context, tx *store.Tx, a Actor, m store.MedicineSession) (store.SessionRecord, *Settings, error) {
	rec := store.SessionRecord{Session: m}
	var err error
	if rec.Vitals, rec.Observations, err = tx.SessionAlertReadings(ctx, m.ClinicID, m.ID); err != nil {
		return rec, nil, err
	}
	if rec.Acks, err = tx.SessionAlertAcks(ctx, m.ClinicID, m.ID); err != nil {
		return rec, nil, err
	}
	st, err := s.settings(ctx, tx, a)
	return rec, st, err
}

// sessionAlerts are the record's alerts, evaluated from the readings that
// count, with their acknowledgements; their messages write times as tf
// does, on the clinic's clock.
func sessionAlerts(rec store.SessionRecord, rules store.SessionRules, tf timefmt.Format) []session.AlertState {
	return rec.AlertsIn(rules.Settings.Alerts, tf)
}

// AdverseEventInput is an adverse event during the session.
type AdverseEventInput struct {
	SessionTarget
	Event session.AdverseEvent
}

// RecordAdverseEvent records an adverse event, in any state until the
// record is signed: an event can come before the dose, in a held session,
// or be reported after discharge. A severe event's entry is marked high.
func (s *Service) RecordAdverseEvent(ctx context.Context, a Actor, in AdverseEventInput) error {
	return s.changeSession(ctx, a, opAdverseEvent, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartAdverseEvent); err != nil {
			return err
		}
		e := store.SessionAdverseEvent{AdverseEvent: in.Event, EnteredBy: a.P.UserID, EnteredAt: s.Now()}
		if err := c.claim.AddAdverseEvent(ctx, &e); err != nil {
			return err
		}
		c.log(a, opAdverseEvent, e.ID, e.Severity == session.Severe)
		return nil
	})
}
