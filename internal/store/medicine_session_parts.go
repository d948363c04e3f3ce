package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/seal"
	"doorway/internal/session"
	"doorway/internal/timefmt"
)

// What is added to a medicine session record as the session goes on: vital
// signs, observations, acknowledgements of alerts, adverse events, and after
// the lock, addenda. Each part is only ever added (a reading entered in error
// is struck through with a reason, an adverse event's outcome filled in once
// known); the database refuses anything else, and everything once the record
// is locked, except addenda.

func partBinding(clinicID, table, column, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: table, Column: column, RowID: id}
}

// sealedColumn is one sealed text column of a row, and where its text goes.
type sealedColumn struct {
	name string
	text *string
	// since0020 marks a column sealed by migration 0020, whose older rows
	// hold their text in clear (and cannot be rewritten: see openOrClear).
	since0020 bool
}

// sessionParts lists one part of a record: the rows q selects from table,
// each filled in by scan, then opened: sealed names each row's id and its
// sealed columns. Sealed columns are opened only once the rows are closed
// (see scanAll).
func sessionParts[T any](ctx context.Context, t *Tx, clinicID, table, q string, args []any,
	scan func(rows *sql.Rows, v *T) error, sealed func(v *T) (id string, cols []sealedColumn)) ([]T, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(v *T) error { return scan(rows, v) })
	if err != nil {
		return nil, err
	}
	for i := range out {
		id, cols := sealed(&out[i])
		for _, c := range cols {
			open := t.openText
			if c.since0020 {
				open = t.openOrClear
			}
			if *c.text, err = open(ctx, partBinding(clinicID, table, c.name, id), *c.text); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// SessionVitals is one set of readings taken together.
type SessionVitals struct {
	ID        string
	SessionID string
	ClinicID  string
	// PreDose marks the reading taken before the dose, during the checklist.
	PreDose bool
	session.Vitals
	TakenAt   time.Time // the same as Vitals.At
	EnteredBy string
	EnteredAt time.Time
	// ConfirmedBy is who confirmed values far from usual as entered
	// (session.Vitals.Confirmed): the one entering them unless given; ""
	// for a reading that needed no confirmation.
	ConfirmedBy string
	// A reading entered in error is struck through, not deleted.
	StruckAt     *time.Time
	StruckBy     string
	StruckReason string // sealed at rest
}

// Struck reports whether the reading was struck through.
func (v SessionVitals) Struck() bool { return v.StruckAt != nil }

// Readings are the readings that count (not struck through), as the session
// package reads them.
func Readings(vs []SessionVitals) []session.Vitals {
	var out []session.Vitals
	for _, v := range vs {
		if !v.Struck() {
			out = append(out, v.Vitals)
		}
	}
	return out
}

// LatestPreDose is the latest pre-dose reading that counts, or nil.
func LatestPreDose(vs []SessionVitals) *SessionVitals {
	var best *SessionVitals
	for i := range vs {
		v := &vs[i]
		if v.PreDose && !v.Struck() && (best == nil || !v.TakenAt.Before(best.TakenAt)) {
			best = v
		}
	}
	return best
}

// LatestReading is the latest reading after the dose that counts, as the
// discharge check reads it; zero when there is none.
func LatestReading(vs []SessionVitals) session.Vitals {
	var best session.Vitals
	for _, v := range vs {
		if !v.PreDose && !v.Struck() && (best.At.IsZero() || !v.TakenAt.Before(best.At)) {
			best = v.Vitals
		}
	}
	return best
}

// AddSessionVitals stores a reading (SessionClaim.AddVitals).
func (t *Tx) AddSessionVitals(ctx context.Context, v *SessionVitals) error {
	claim, err := t.claimSession(ctx, v.ClinicID, v.SessionID)
	if err != nil {
		return err
	}
	return claim.AddVitals(ctx, v)
}

// AddVitals stores a reading. A pre-dose reading belongs to the checklist;
// any other reading needs the dose to have been given. The reading is
// checked by session.Vitals.Validate.
func (c *SessionClaim) AddVitals(ctx context.Context, v *SessionVitals) error {
	part := session.PartReading
	if v.PreDose {
		part = session.PartPreDoseReading
	}
	if err := c.Session.Record().Change(part); err != nil {
		return err
	}
	v.ClinicID, v.SessionID = c.Session.ClinicID, c.Session.ID
	if v.TakenAt.IsZero() {
		v.TakenAt = v.At
	}
	v.At = v.TakenAt
	if err := v.Validate(); err != nil {
		return err
	}
	if v.ID == "" {
		v.ID = auth.NewID()
	}
	var sedation any
	if v.Sedation != nil {
		sedation = int(*v.Sedation)
	}
	switch {
	case len(v.Unusual()) == 0:
		v.ConfirmedBy = ""
	case v.ConfirmedBy == "":
		v.ConfirmedBy = v.EnteredBy
	}
	v.Confirmed = v.ConfirmedBy != ""
	_, err := c.t.exec(ctx, `INSERT INTO medicine_session_vitals (id, session_id, clinic_id, taken_at, pre_dose, systolic, diastolic, heart_rate, spo2,
		sedation, entered_by, entered_at, confirmed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.SessionID, v.ClinicID, v.TakenAt, b2i(v.PreDose), nonZero(int64(v.Systolic)), nonZero(int64(v.Diastolic)), nonZero(int64(v.HeartRate)), nonZero(int64(v.SpO2)),
		sedation, v.EnteredBy, v.EnteredAt, v.ConfirmedBy)
	return err
}

// StrikeSessionVitals strikes a reading through (SessionClaim.StrikeVitals).
func (t *Tx) StrikeSessionVitals(ctx context.Context, clinicID, sessionID, vitalsID, by, reason string, at time.Time) error {
	claim, err := t.claimSession(ctx, clinicID, sessionID)
	if err != nil {
		return err
	}
	return claim.StrikeVitals(ctx, vitalsID, by, reason, at)
}

// StrikeVitals strikes a reading through, with who, when and why. It stays
// in the record, shown struck through, and no longer counts for the
// timetable, alerts or discharge.
func (c *SessionClaim) StrikeVitals(ctx context.Context, vitalsID, by, reason string, at time.Time) error {
	if err := c.Session.Record().Change(session.PartStrike); err != nil {
		return err
	}
	clinicID, sessionID := c.Session.ClinicID, c.Session.ID
	reason, err := checkText("strike_reason", reason)
	if err != nil {
		return err
	}
	if reason == "" {
		return problem.Invalidf("strike_reason", "Say why the reading is struck through (for example, entered for the wrong client).")
	}
	sealed, err := c.t.sealText(ctx, partBinding(clinicID, "medicine_session_vitals", "struck_reason", vitalsID), reason)
	if err != nil {
		return err
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_session_vitals SET struck_at = ?, struck_by = ?, struck_reason = ?
		WHERE clinic_id = ? AND session_id = ? AND id = ? AND struck_at IS NULL`, at, by, sealed, clinicID, sessionID, vitalsID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "That reading is already struck through, or is not part of this record.")
	}
	return nil
}

// SessionVitals lists a record's readings in time order, struck ones too.
func (t *Tx) SessionVitals(ctx context.Context, clinicID, sessionID string) ([]SessionVitals, error) {
	return t.sessionVitalsOf(ctx, clinicID, []string{sessionID})
}

// sessionVitalsOf lists the readings of several sessions in one statement,
// each session's in the order SessionVitals gives them.
func (t *Tx) sessionVitalsOf(ctx context.Context, clinicID string, sessionIDs []string) ([]SessionVitals, error) {
	in, args := inList("session_id", sessionIDs)
	return sessionParts(ctx, t, clinicID, "medicine_session_vitals",
		`SELECT session_id, `+vitalsCols+` FROM medicine_session_vitals
		WHERE clinic_id = ? AND `+in+` ORDER BY taken_at, entered_at, id`, append([]any{clinicID}, args...),
		func(rows *sql.Rows, v *SessionVitals) error {
			var sessionID string
			if err := scanVitals(rows, v, clinicID, "", &sessionID); err != nil {
				return err
			}
			v.SessionID = sessionID
			return nil
		}, vitalsSealed)
}

const vitalsCols = `id, taken_at, pre_dose, systolic, diastolic, heart_rate, spo2, sedation,
		entered_by, entered_at, struck_at, struck_by, struck_reason, confirmed_by`

// scanVitals reads vitalsCols (after any columns of extra) into v, a
// reading of the session sessionID.
func scanVitals(rows *sql.Rows, v *SessionVitals, clinicID, sessionID string, extra ...any) error {
	var pre int
	var sys, dia, hr, spo2, sed sql.NullInt64
	var struck sql.NullTime
	if err := rows.Scan(append(extra, &v.ID, &v.TakenAt, &pre, &sys, &dia, &hr, &spo2, &sed,
		&v.EnteredBy, &v.EnteredAt, &struck, &v.StruckBy, &v.StruckReason, &v.ConfirmedBy)...); err != nil {
		return err
	}
	v.ClinicID, v.SessionID = clinicID, sessionID
	v.TakenAt, v.EnteredAt, v.PreDose, v.StruckAt = v.TakenAt.UTC(), v.EnteredAt.UTC(), pre == 1, nullTime(struck)
	v.Vitals = session.Vitals{At: v.TakenAt, Systolic: int(sys.Int64), Diastolic: int(dia.Int64), HeartRate: int(hr.Int64), SpO2: int(spo2.Int64),
		Confirmed: v.ConfirmedBy != ""}
	v.Sedation = nullSedation(sed)
	return nil
}

func vitalsSealed(v *SessionVitals) (string, []sealedColumn) {
	return v.ID, []sealedColumn{{name: "struck_reason", text: &v.StruckReason}}
}

// SessionAlertReadings reads, in one statement, what a record's alerts
// are evaluated from: its readings, struck ones too, as SessionVitals
// gives them, and its observations that hold a MOAA/S score, with only
// their time and score (session.SedationReadings), so a loader that does
// not show the observations (the live panel, refreshed every few seconds)
// reads them at no extra cost and leaves their text sealed.
func (t *Tx) SessionAlertReadings(ctx context.Context, clinicID, sessionID string) ([]SessionVitals, []SessionObservation, error) {
	var obs []SessionObservation
	vs, err := sessionParts(ctx, t, clinicID, "medicine_session_vitals",
		`SELECT 1, `+vitalsCols+` FROM medicine_session_vitals WHERE clinic_id = ? AND session_id = ?
		UNION ALL
		SELECT 2, id, observed_at, 0, NULL, NULL, NULL, NULL, sedation, entered_by, entered_at, NULL, '', '', ''
		FROM medicine_session_observations WHERE clinic_id = ? AND session_id = ? AND sedation IS NOT NULL
		ORDER BY 3, 11, 2`, []any{clinicID, sessionID, clinicID, sessionID},
		func(rows *sql.Rows, v *SessionVitals) error {
			var part int
			if err := scanVitals(rows, v, clinicID, sessionID, &part); err != nil {
				return err
			}
			if part == 2 {
				obs = append(obs, SessionObservation{ID: v.ID, SessionID: sessionID, ClinicID: clinicID,
					Observation: session.Observation{At: v.TakenAt, Sedation: v.Sedation}, EnteredBy: v.EnteredBy, EnteredAt: v.EnteredAt})
				v.ID = "" // not a reading: dropped below
			}
			return nil
		}, vitalsSealed)
	if err != nil {
		return nil, nil, err
	}
	vs = slices.DeleteFunc(vs, func(v SessionVitals) bool { return v.ID == "" })
	return vs, obs, nil
}

// nullSedation is a sedation score as stored, nil when none was given.
func nullSedation(n sql.NullInt64) *session.Sedation {
	if !n.Valid {
		return nil
	}
	s := session.Sedation(n.Int64)
	return &s
}

// SessionObservation is a clinician's observation during the session.
type SessionObservation struct {
	ID        string
	SessionID string
	ClinicID  string
	session.Observation
	EnteredBy string
	EnteredAt time.Time
}

// AddSessionObservation stores an observation (SessionClaim.AddObservation).
func (t *Tx) AddSessionObservation(ctx context.Context, o *SessionObservation) error {
	claim, err := t.claimSession(ctx, o.ClinicID, o.SessionID)
	if err != nil {
		return err
	}
	return claim.AddObservation(ctx, o)
}

// AddObservation stores an observation (session.Observation.Validate
// checks it). Observations are made after the dose.
func (c *SessionClaim) AddObservation(ctx context.Context, o *SessionObservation) error {
	if err := c.Session.Record().Change(session.PartObservation); err != nil {
		return err
	}
	o.ClinicID, o.SessionID = c.Session.ClinicID, c.Session.ID
	o.Dissociation, o.Note = strings.TrimSpace(o.Dissociation), strings.TrimSpace(o.Note)
	if err := o.Validate(); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = auth.NewID()
	}
	dis, err := c.t.sealText(ctx, partBinding(o.ClinicID, "medicine_session_observations", "dissociation", o.ID), o.Dissociation)
	if err != nil {
		return err
	}
	note, err := c.t.sealText(ctx, partBinding(o.ClinicID, "medicine_session_observations", "note", o.ID), o.Note)
	if err != nil {
		return err
	}
	var sedation any
	if o.Sedation != nil {
		sedation = int(*o.Sedation)
	}
	_, err = c.t.exec(ctx, `INSERT INTO medicine_session_observations (id, session_id, clinic_id, observed_at, sedation, dissociation, note,
		entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.SessionID, o.ClinicID, o.At, sedation, dis, note, o.EnteredBy, o.EnteredAt)
	return err
}

// SessionObservations lists a record's observations in time order.
func (t *Tx) SessionObservations(ctx context.Context, clinicID, sessionID string) ([]SessionObservation, error) {
	return t.sessionObservationsOf(ctx, clinicID, []string{sessionID})
}

func (t *Tx) sessionObservationsOf(ctx context.Context, clinicID string, sessionIDs []string) ([]SessionObservation, error) {
	in, args := inList("session_id", sessionIDs)
	return sessionParts(ctx, t, clinicID, "medicine_session_observations",
		`SELECT id, session_id, clinic_id, observed_at, sedation, dissociation, note, entered_by, entered_at
		FROM medicine_session_observations WHERE clinic_id = ? AND `+in+` ORDER BY observed_at, entered_at, id`, append([]any{clinicID}, args...),
		func(rows *sql.Rows, o *SessionObservation) error {
			var sed sql.NullInt64
			if err := rows.Scan(&o.ID, &o.SessionID, &o.ClinicID, &o.At, &sed, &o.Dissociation, &o.Note, &o.EnteredBy, &o.EnteredAt); err != nil {
				return err
			}
			o.At, o.EnteredAt, o.Sedation = o.At.UTC(), o.EnteredAt.UTC(), nullSedation(sed)
			return nil
		},
		func(o *SessionObservation) (string, []sealedColumn) {
			return o.ID, []sealedColumn{{name: "dissociation", text: &o.Dissociation}, {name: "note", text: &o.Note}}
		})
}

// SessionAlertAck is a clinician's acknowledgement of an alert, by the
// alert's key (session.Alert.Key), with the alert's message as it read.
type SessionAlertAck struct {
	ID        string
	SessionID string
	ClinicID  string
	AlertKey  string
	Message   string
	Note      string // sealed at rest
	By        string // user id
	ByName    string // filled when read
	At        time.Time
}

// AckSessionAlert stores an acknowledgement (SessionClaim.AckAlert).
func (t *Tx) AckSessionAlert(ctx context.Context, a *SessionAlertAck) error {
	claim, err := t.claimSession(ctx, a.ClinicID, a.SessionID)
	if err != nil {
		return err
	}
	return claim.AckAlert(ctx, a)
}

// AckAlert stores an acknowledgement. The caller evaluated the alerts and
// found this key open; an alert is acknowledged once, by whoever is first,
// and a second acknowledgement is refused so neither note is lost.
func (c *SessionClaim) AckAlert(ctx context.Context, a *SessionAlertAck) error {
	if err := c.Session.Record().Change(session.PartAlertAck); err != nil {
		return err
	}
	a.ClinicID, a.SessionID = c.Session.ClinicID, c.Session.ID
	var err error
	if a.Note, err = checkText("note", a.Note); err != nil {
		return err
	}
	if err := (session.Ack{By: a.By, Note: a.Note, At: a.At}).Validate(); err != nil {
		return err
	}
	if a.AlertKey == "" || a.Message == "" {
		return problem.Invalidf("alert", "Choose the alert to acknowledge.")
	}
	if a.ID == "" {
		a.ID = auth.NewID()
	}
	note, err := c.t.sealText(ctx, partBinding(a.ClinicID, "medicine_session_alert_acks", "note", a.ID), a.Note)
	if err != nil {
		return err
	}
	// The alert's message states the finding ("Blood pressure 182/112
	// for 5 minutes"): sealed like the note.
	message, err := c.t.sealText(ctx, partBinding(a.ClinicID, "medicine_session_alert_acks", "message", a.ID), a.Message)
	if err != nil {
		return err
	}
	_, err = c.t.exec(ctx, `INSERT INTO medicine_session_alert_acks (id, session_id, clinic_id, alert_key, message, note, by_user, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.SessionID, a.ClinicID, a.AlertKey, message, note, a.By, a.At)
	if isUniqueViolation(err) {
		return problem.New(problem.Conflict, "Someone has already acknowledged this alert; reload to see their note.")
	}
	return err
}

// SessionAlertAcks lists a record's acknowledgements, oldest first.
func (t *Tx) SessionAlertAcks(ctx context.Context, clinicID, sessionID string) ([]SessionAlertAck, error) {
	return t.sessionAlertAcksOf(ctx, clinicID, []string{sessionID})
}

func (t *Tx) sessionAlertAcksOf(ctx context.Context, clinicID string, sessionIDs []string) ([]SessionAlertAck, error) {
	in, args := inList("a.session_id", sessionIDs)
	return sessionParts(ctx, t, clinicID, "medicine_session_alert_acks",
		`SELECT a.id, a.session_id, a.clinic_id, a.alert_key, a.message, a.note, a.by_user, COALESCE(u.name, ''), a.at
		FROM medicine_session_alert_acks a LEFT JOIN users u ON u.id = a.by_user
		WHERE a.clinic_id = ? AND `+in+` ORDER BY a.at, a.id`, append([]any{clinicID}, args...),
		func(rows *sql.Rows, a *SessionAlertAck) error {
			err := rows.Scan(&a.ID, &a.SessionID, &a.ClinicID, &a.AlertKey, &a.Message, &a.Note, &a.By, &a.ByName, &a.At)
			a.At = a.At.UTC()
			return err
		},
		func(a *SessionAlertAck) (string, []sealedColumn) {
			return a.ID, []sealedColumn{{name: "note", text: &a.Note}, {name: "message", text: &a.Message, since0020: true}}
		})
}

// AckMap is the acknowledgements as session.MergeAcks takes them.
func AckMap(acks []SessionAlertAck) map[string]session.Ack {
	out := map[string]session.Ack{}
	for _, a := range acks {
		by := a.ByName
		if by == "" {
			by = a.By
		}
		out[a.AlertKey] = session.Ack{By: by, Note: a.Note, At: a.At}
	}
	return out
}

// SessionAdverseEvent is an adverse event during the session.
type SessionAdverseEvent struct {
	ID        string
	SessionID string
	ClinicID  string
	session.AdverseEvent
	EnteredBy string
	EnteredAt time.Time
}

// AddSessionAdverseEvent stores an adverse event
// (SessionClaim.AddAdverseEvent).
func (t *Tx) AddSessionAdverseEvent(ctx context.Context, e *SessionAdverseEvent) error {
	claim, err := t.claimSession(ctx, e.ClinicID, e.SessionID)
	if err != nil {
		return err
	}
	return claim.AddAdverseEvent(ctx, e)
}

// AddAdverseEvent stores an adverse event, checked by
// session.AdverseEvent.Validate. Description and action are sealed.
func (c *SessionClaim) AddAdverseEvent(ctx context.Context, e *SessionAdverseEvent) error {
	if err := c.Session.Record().Change(session.PartAdverseEvent); err != nil {
		return err
	}
	e.ClinicID, e.SessionID = c.Session.ClinicID, c.Session.ID
	e.Description, e.Action = strings.TrimSpace(e.Description), strings.TrimSpace(e.Action)
	if err := e.Validate(); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = auth.NewID()
	}
	desc, err := c.t.sealText(ctx, partBinding(e.ClinicID, "medicine_session_adverse_events", "description", e.ID), e.Description)
	if err != nil {
		return err
	}
	action, err := c.t.sealText(ctx, partBinding(e.ClinicID, "medicine_session_adverse_events", "action", e.ID), e.Action)
	if err != nil {
		return err
	}
	_, err = c.t.exec(ctx, `INSERT INTO medicine_session_adverse_events (id, session_id, clinic_id, occurred_at, kind, description, severity, action,
		outcome, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.SessionID, e.ClinicID, e.At, string(e.Kind), desc, string(e.Severity), action, string(e.Outcome), e.EnteredBy, e.EnteredAt)
	return err
}

// SetAdverseEventOutcome fills in (or updates) the outcome of an event
// before the record is signed.
func (t *Tx) SetAdverseEventOutcome(ctx context.Context, clinicID, sessionID, eventID string, o session.Outcome) error {
	claim, err := t.claimSession(ctx, clinicID, sessionID)
	if err != nil {
		return err
	}
	if err := claim.Session.Record().Change(session.PartAdverseEvent); err != nil {
		return err
	}
	if !o.Valid() {
		return problem.Invalidf("outcome", "Choose an outcome from the list.")
	}
	res, err := t.exec(ctx, `UPDATE medicine_session_adverse_events SET outcome = ? WHERE clinic_id = ? AND session_id = ? AND id = ?`,
		string(o), clinicID, sessionID, eventID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "The adverse event was not found.")
	}
	return nil
}

// SessionAdverseEvents lists a record's adverse events in time order.
func (t *Tx) SessionAdverseEvents(ctx context.Context, clinicID, sessionID string) ([]SessionAdverseEvent, error) {
	return t.sessionAdverseEventsOf(ctx, clinicID, []string{sessionID})
}

func (t *Tx) sessionAdverseEventsOf(ctx context.Context, clinicID string, sessionIDs []string) ([]SessionAdverseEvent, error) {
	in, args := inList("session_id", sessionIDs)
	return sessionParts(ctx, t, clinicID, "medicine_session_adverse_events",
		`SELECT id, session_id, clinic_id, occurred_at, kind, description, severity, action, outcome, entered_by, entered_at
		FROM medicine_session_adverse_events WHERE clinic_id = ? AND `+in+` ORDER BY occurred_at, entered_at, id`, append([]any{clinicID}, args...),
		func(rows *sql.Rows, e *SessionAdverseEvent) error {
			var kind, severity, outcome string
			if err := rows.Scan(&e.ID, &e.SessionID, &e.ClinicID, &e.At, &kind, &e.Description, &severity, &e.Action, &outcome,
				&e.EnteredBy, &e.EnteredAt); err != nil {
				return err
			}
			e.At, e.EnteredAt = e.At.UTC(), e.EnteredAt.UTC()
			e.Kind, e.Severity, e.Outcome = session.AdverseKind(kind), session.Severity(severity), session.Outcome(outcome)
			return nil
		},
		func(e *SessionAdverseEvent) (string, []sealedColumn) {
			return e.ID, []sealedColumn{{name: "description", text: &e.Description}, {name: "action", text: &e.Action}}
		})
}

// SessionAddendum is a correction or addition to a signed record.
type SessionAddendum struct {
	ID        string
	SessionID string
	ClinicID  string
	Body      string // sealed at rest
	By        string
	ByName    string // filled when read
	At        time.Time
}

// AddSessionAddendum adds an addendum (SessionClaim.AddAddendum).
func (t *Tx) AddSessionAddendum(ctx context.Context, a *SessionAddendum) error {
	claim, err := t.claimSession(ctx, a.ClinicID, a.SessionID)
	if err != nil {
		return err
	}
	return claim.AddAddendum(ctx, a)
}

// AddAddendum adds an addendum to a signed record; before the signature
// the record itself is still open to change.
func (c *SessionClaim) AddAddendum(ctx context.Context, a *SessionAddendum) error {
	if err := c.Session.Record().Change(session.PartAddendum); err != nil {
		return err
	}
	a.ClinicID, a.SessionID = c.Session.ClinicID, c.Session.ID
	var err error
	if a.Body, err = checkText("body", a.Body); err != nil {
		return err
	}
	if a.Body == "" {
		return problem.Invalidf("body", "Write the addendum.")
	}
	if a.ID == "" {
		a.ID = auth.NewID()
	}
	body, err := c.t.sealText(ctx, partBinding(a.ClinicID, "medicine_session_addenda", "body", a.ID), a.Body)
	if err != nil {
		return err
	}
	_, err = c.t.exec(ctx, `INSERT INTO medicine_session_addenda (id, session_id, clinic_id, body, by_user, at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, a.SessionID, a.ClinicID, body, a.By, a.At)
	return err
}

// SessionAddenda lists a record's addenda, oldest first.
func (t *Tx) SessionAddenda(ctx context.Context, clinicID, sessionID string) ([]SessionAddendum, error) {
	return t.sessionAddendaOf(ctx, clinicID, []string{sessionID})
}

func (t *Tx) sessionAddendaOf(ctx context.Context, clinicID string, sessionIDs []string) ([]SessionAddendum, error) {
	in, args := inList("a.session_id", sessionIDs)
	return sessionParts(ctx, t, clinicID, "medicine_session_addenda",
		`SELECT a.id, a.session_id, a.clinic_id, a.body, a.by_user, COALESCE(u.name, ''), a.at
		FROM medicine_session_addenda a LEFT JOIN users u ON u.id = a.by_user
		WHERE a.clinic_id = ? AND `+in+` ORDER BY a.at, a.id`, append([]any{clinicID}, args...),
		func(rows *sql.Rows, a *SessionAddendum) error {
			err := rows.Scan(&a.ID, &a.SessionID, &a.ClinicID, &a.Body, &a.By, &a.ByName, &a.At)
			a.At = a.At.UTC()
			return err
		},
		func(a *SessionAddendum) (string, []sealedColumn) {
			return a.ID, []sealedColumn{{name: "body", text: &a.Body}}
		})
}

// SessionRecord is a whole medicine session record with everything added
// to it: what the record page, the PDF and the FHIR resources read.
type SessionRecord struct {
	Session       MedicineSession
	Vitals        []SessionVitals // struck ones too, in time order
	Observations  []SessionObservation
	Acks          []SessionAlertAck
	AdverseEvents []SessionAdverseEvent
	Addenda       []SessionAddendum
	// Overrides are the gate overrides prescribers made for this session.
	Overrides []GateOverride
}

// SessionRecordOf loads a whole record by its id.
func (t *Tx) SessionRecordOf(ctx context.Context, clinicID, id string) (SessionRecord, error) {
	m, err := t.MedicineSession(ctx, clinicID, id)
	if err != nil {
		return SessionRecord{Session: m}, err
	}
	return t.SessionRecordFrom(ctx, m)
}

// Alerts evaluates the record's alerts from the readings that count, with
// their acknowledgements; messages give times in UTC on the 24-hour clock.
// Acknowledgements whose alert no longer evaluates (a reading was struck
// through) stay in r.Acks for the record.
func (r SessionRecord) Alerts(l session.AlertLimits) []session.AlertState {
	return r.AlertsIn(l, timefmt.New(time.UTC, timefmt.Clock24))
}

// AlertsIn is Alerts with the messages' times written as tf does (the
// clinic's zone and clock). An alert's key depends on neither.
//
// A MOAA/S score noted as an observation raises the sedation alert as one
// taken with the vital signs does (session.SedationReadings).
func (r SessionRecord) AlertsIn(l session.AlertLimits, tf timefmt.Format) []session.AlertState {
	obs := make([]session.Observation, len(r.Observations))
	for i, o := range r.Observations {
		obs[i] = o.Observation
	}
	rs := append(Readings(r.Vitals), session.SedationReadings(obs)...)
	return session.MergeAcks(session.EvaluateAlerts(rs, l, tf), AckMap(r.Acks))
}

// AckMessage is how an acknowledgement reads on the record, the page and the
// PDF alike: while its alert is among states, the alert's message as it is
// written now (on the clinic's present clock); once a struck reading has
// lowered the alert, the words acknowledged then, saying so.
func AckMessage(a SessionAlertAck, states []session.AlertState) string {
	if i := slices.IndexFunc(states, func(s session.AlertState) bool { return s.Key == a.AlertKey }); i >= 0 {
		return states[i].Message
	}
	return a.Message + " (no longer raised: a reading was struck through)"
}

// OrphanAcks are acknowledgements whose alert no longer evaluates.
func (r SessionRecord) OrphanAcks(states []session.AlertState) []SessionAlertAck {
	var out []SessionAlertAck
	for _, a := range r.Acks {
		if !slices.ContainsFunc(states, func(s session.AlertState) bool { return s.Key == a.AlertKey }) {
			out = append(out, a)
		}
	}
	return out
}

// SessionRecordFrom loads the parts of a record whose session is already
// loaded and opened, as a list of a client's sessions gives them, so that
// the session is not read and unsealed a second time.
func (t *Tx) SessionRecordFrom(ctx context.Context, m MedicineSession) (SessionRecord, error) {
	recs, err := t.SessionRecordsFrom(ctx, m.ClinicID, []MedicineSession{m})
	return recs[m.ID], err
}

// SessionRecordsFrom loads the parts of the records of several sessions of
// one clinic, already loaded and opened: each kind of part in one statement
// for them all, rather than six statements a session (a client's FHIR
// search reads every record of theirs). The records are by session id.
func (t *Tx) SessionRecordsFrom(ctx context.Context, clinicID string, ms []MedicineSession) (map[string]SessionRecord, error) {
	// Each part is filed under its session's record in the order its
	// statement gives, which is each session's own order.
	recs := make(map[string]*SessionRecord, len(ms))
	ids := make([]string, len(ms))
	for i, m := range ms {
		recs[m.ID], ids[i] = &SessionRecord{Session: m}, m.ID
	}
	if len(ms) == 0 {
		return map[string]SessionRecord{}, nil
	}
	vitals, err := t.sessionVitalsOf(ctx, clinicID, ids)
	if err != nil {
		return nil, err
	}
	for _, v := range vitals {
		recs[v.SessionID].Vitals = append(recs[v.SessionID].Vitals, v)
	}
	obs, err := t.sessionObservationsOf(ctx, clinicID, ids)
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		recs[o.SessionID].Observations = append(recs[o.SessionID].Observations, o)
	}
	acks, err := t.sessionAlertAcksOf(ctx, clinicID, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range acks {
		recs[a.SessionID].Acks = append(recs[a.SessionID].Acks, a)
	}
	events, err := t.sessionAdverseEventsOf(ctx, clinicID, ids)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		recs[e.SessionID].AdverseEvents = append(recs[e.SessionID].AdverseEvents, e)
	}
	addenda, err := t.sessionAddendaOf(ctx, clinicID, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range addenda {
		recs[a.SessionID].Addenda = append(recs[a.SessionID].Addenda, a)
	}
	in, args := inList("o.session_id", ids)
	overrides, err := t.overrides(ctx, clinicID, in, args...)
	if err != nil {
		return nil, err
	}
	for _, o := range overrides {
		recs[o.SessionID].Overrides = append(recs[o.SessionID].Overrides, o)
	}
	out := make(map[string]SessionRecord, len(recs))
	for id, r := range recs {
		out[id] = *r
	}
	return out, nil
}

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
