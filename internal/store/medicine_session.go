package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/seal"
	"doorway/internal/session"
)

// The record of a medicine session (DESIGN.md §3, CLINICAL.md §3): one per
// (appointment, client), so each partner of a couple's joint session has a
// record of their own. This file holds the record itself and its moves from
// state to state; medicine_session_parts.go holds what is added to it during
// the session (vitals, observations, alert acknowledgements, adverse events,
// addenda). Which moves and which changes each state allows are the session
// package's rules (session.Record); the store keeps the state.
//
// Every change goes through a claim of the record (SessionClaim): a no-op
// UPDATE of the row while it is unlocked, which returns the row as it then
// stands. On PostgreSQL that takes the row's lock until the transaction
// ends, so two clinicians pressing at once are served one after the other
// and the second sees the first's change; on SQLite the single writer does
// the same. A move from state to state is an UPDATE … WHERE state = old, so
// a move made by someone else in between fails rather than being
// overwritten; and the database's triggers refuse any change to a signed
// record whatever the code above does.

// SessionState is where a medicine session stands: session.State, whose
// rules say which moves it allows. The values are stored.
type SessionState = session.State

const (
	SessionChecklist  = session.Checklist
	SessionDosed      = session.Dosed
	SessionDischarged = session.Discharged
	SessionHeld       = session.Held
	SessionStopped    = session.Stopped
)

// Limits on the record's free text.
const (
	maxSessionTextRunes = 4000
	maxCompanionRunes   = 200
	maxLotRunes         = 60
)

// PreDoseChecklist is the checklist of the day (CLINICAL.md §3). A nil
// yes/no answer means the question has not been asked yet.
type PreDoseChecklist struct {
	CompanionName       string
	CompanionPhone      string
	RideConfirmed       bool
	LastFoodAt          *time.Time
	NoSubstances        *bool // no alcohol or other drugs for 24 hours
	StimulantsPaused    *bool // no stimulant taken today
	MedicationsReviewed bool
	Intention           string // the client's intention for this session; sealed at rest
	By                  string // who last saved it; "" until saved
	At                  *time.Time
}

// SessionWeight is the day's weight, taken before the dose (CLINICAL.md
// §2). The dose form starts from it; the dose keeps the weight it was
// actually worked out from (SessionDose.Weight), which the clinician may
// have changed.
type SessionWeight struct {
	Kg session.Kg
	By string // who weighed the client (user id)
	At time.Time
}

// SessionDose is the dose as given.
type SessionDose struct {
	Route  session.Route
	Weight session.Kg // the weight taken today
	Mg     session.Mg
	// PerKg is Mg ÷ Weight (session.PerKg), the figure the record shows.
	PerKg session.MgPerKg
	// Units is the number of lozenges, tablets or devices; 0 for IM and IV.
	Units   int
	Lot     string
	GivenBy string // user id
	GivenAt time.Time
	// OrderID and OrderVersion are the dosing order the dose was checked
	// against.
	OrderID      string
	OrderVersion int
	RecordedBy   string // who entered it, if not the one who gave it
	// InfusionMinutes, for IV only, is how long the infusion was set to
	// run (the order's, unless run over another time); zero otherwise.
	InfusionMinutes int
	// EndedAt is when administration ended, as recorded (the end of the
	// infusion, the last device, the lozenge spat out), by EndedBy; nil
	// until recorded, when the session package assumes it by route.
	EndedAt *time.Time
	EndedBy string
}

// Administration is the dose as the session package's rules read it: the
// infusion's rate, and the end of administration from which the minimum
// observation counts.
func (d SessionDose) Administration() session.Administration {
	a := session.Administration{Route: d.Route, Mg: d.Mg, Weight: d.Weight, Started: d.GivenAt, InfusionMinutes: d.InfusionMinutes}
	if d.EndedAt != nil {
		a.EndedAt = *d.EndedAt
	}
	return a
}

// DoseConfirmation is a prescriber's confirmation of a dose that
// session.CheckDose said needs one (outside the usual range, or above what
// the order works out to). It covers exactly Mg.
type DoseConfirmation struct {
	Mg     session.Mg
	Reason string // sealed at rest
	By     string
	At     time.Time
}

// SessionSetting is the room as the client had it.
type SessionSetting struct {
	Music   bool
	EyeMask bool
	Other   string
}

// SessionDischarge is how the client left.
type SessionDischarge struct {
	At            time.Time
	ReleasedTo    string
	AlertOriented bool
	By            string
}

// MedicineSession is the record of one client's medicine session.
type MedicineSession struct {
	ID            string
	ClinicID      string
	AppointmentID string
	ClientID      string
	CourseID      string
	State         SessionState
	// StateReason says why the session was held or stopped; sealed at rest.
	StateReason string
	StartedBy   string
	StartedAt   time.Time

	Checklist   PreDoseChecklist
	Weight      *SessionWeight    // nil until the day's weight is recorded before the dose
	Dose        *SessionDose      // nil until dosed
	DoseConfirm *DoseConfirmation // nil unless a prescriber confirmed a dose
	Setting     SessionSetting
	Staff       []string // user ids of the staff present
	Discharge   *SessionDischarge

	SignedBy string
	SignedAt *time.Time
	LockedAt *time.Time
}

// Locked reports whether the record is signed and can no longer change.
func (m MedicineSession) Locked() bool { return m.LockedAt != nil }

// Record is the record as the session package's rules judge it: where it
// stands, and whether it is signed.
func (m MedicineSession) Record() session.Record {
	return session.Record{State: m.State, Signed: m.Locked()}
}

func sessionBinding(clinicID, id, column string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "medicine_sessions", Column: column, RowID: id}
}

// checkText trims free text and holds it to the record's limit.
func checkText(field, s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if utf8.RuneCountInString(s) > maxSessionTextRunes {
		return "", problem.Invalidf(field, "Please keep this under %d characters.", maxSessionTextRunes)
	}
	return s, problem.Prose(field, "The text", s, maxSessionTextRunes)
}

// SessionCourse is the course a client's medicine session in appointment a
// belongs to: the course the appointment names for the client, or else (it
// names none, or that course is gone) the client's current course. ok is
// false when the client has no course.
func (t *Tx) SessionCourse(ctx context.Context, a Appointment, clientID string) (Course, bool, error) {
	for _, ac := range a.Clients {
		if ac.ClientID != clientID || ac.CourseID == "" {
			continue
		}
		c, err := t.Course(ctx, a.ClinicID, ac.CourseID)
		if err == nil {
			return c, true, nil
		}
		if problem.CodeOf(err) != problem.NotFound {
			return Course{}, false, err
		}
	}
	return t.CurrentCourse(ctx, a.ClinicID, clientID)
}

// StartMedicineSession opens the record for one client of a medicine
// appointment, in the checklist state (see OpenMedicineSession).
func (t *Tx) StartMedicineSession(ctx context.Context, m *MedicineSession) error {
	a, err := t.Appointment(ctx, m.ClinicID, m.AppointmentID)
	if err != nil {
		return err
	}
	_, err = t.OpenMedicineSession(ctx, a, m)
	return err
}

// OpenMedicineSession opens the record for one client of appointment a,
// which the caller has loaded in this transaction, in the checklist state,
// and returns it claimed for the rest of the transaction's changes. The
// client must be in the appointment, and the appointment a live medicine
// session; the course is the one the appointment names for the client, or
// else the client's current course. Starting twice is refused: the second
// clinician is told the record exists.
func (t *Tx) OpenMedicineSession(ctx context.Context, a Appointment, m *MedicineSession) (*SessionClaim, error) {
	switch {
	case a.ClinicID != m.ClinicID || a.ID != m.AppointmentID:
		return nil, problem.New(problem.NotFound, "The session was not found.")
	case a.Kind != KindMedicine:
		return nil, problem.New(problem.Invalid, "Only a medicine session has a session record.")
	case a.Status == StatusCancelled:
		return nil, problem.New(problem.Conflict, "This session was cancelled.")
	case !a.HasClient(m.ClientID):
		return nil, problem.New(problem.NotFound, "The client is not in this session.")
	}
	if m.CourseID == "" {
		course, ok, err := t.SessionCourse(ctx, a, m.ClientID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, problem.New(problem.Conflict, "This client has no course, so a medicine session cannot start.")
		}
		m.CourseID = course.ID
	}
	if m.ID == "" {
		m.ID = auth.NewID()
	}
	m.State = SessionChecklist
	_, err := t.exec(ctx, `INSERT INTO medicine_sessions (id, clinic_id, appointment_id, client_id, course_id, state, started_by, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.ClinicID, m.AppointmentID, m.ClientID, m.CourseID, string(m.State), m.StartedBy, m.StartedAt)
	if isUniqueViolation(err) {
		return nil, problem.New(problem.Conflict, "This client's session record is already started; open it from the session.")
	}
	if err != nil {
		return nil, err
	}
	return &SessionClaim{t: t, Session: *m}, nil
}

const medicineSessionCols = `id, clinic_id, appointment_id, client_id, course_id, state, state_reason, started_by, started_at,
	companion_name, companion_phone, ride_confirmed, last_food_at, no_substances, stimulants_paused, medications_reviewed, intention,
	checklist_by, checklist_at, weight_taken_tenths_kg, weight_taken_at, weight_taken_by,
	weight_tenths_kg, route, dose_mg_tenths, dose_per_kg_hundredths, dose_units, lot_number, given_by, given_at, order_id, order_version,
	dose_recorded_by, dose_confirm_mg_tenths, dose_confirm_reason, dose_confirm_by, dose_confirm_at,
	setting_music, setting_eye_mask, setting_other,
	discharged_at, released_to, alert_oriented, discharged_by, signed_by, signed_at, locked_at,
	infusion_minutes, administration_ended_at, administration_ended_by`

// sessionWithStaffCols are medicineSessionCols and the staff present, in
// one column (scanSessionWithStaff), so a record is read in one statement.
// Both engines order an aggregate's input (SQLite since 3.44).
const sessionWithStaffCols = medicineSessionCols + `,
	(SELECT string_agg(user_id, ',' ORDER BY user_id) FROM medicine_session_staff WHERE session_id = medicine_sessions.id)`

// scanMedicineSession reads medicineSessionCols, then into extra any
// columns that follow them. Sealed columns stay sealed until openSession:
// the cursor must be closed before a key is read.
func scanMedicineSession(sc interface{ Scan(...any) error }, extra ...any) (MedicineSession, error) {
	var m MedicineSession
	var state, route string
	var ride, meds, music, mask, oriented int
	var subs, stim, taken, weight, mg, perKg, units, orderVersion, confirmMg, infusion sql.NullInt64
	var lastFood, checklistAt, takenAt, givenAt, confirmAt, dischargedAt, signedAt, lockedAt, ended sql.NullTime
	var takenBy string
	var orderID sql.NullString
	var d SessionDose
	var c DoseConfirmation
	var dis SessionDischarge
	err := sc.Scan(append([]any{&m.ID, &m.ClinicID, &m.AppointmentID, &m.ClientID, &m.CourseID, &state, &m.StateReason, &m.StartedBy, &m.StartedAt,
		&m.Checklist.CompanionName, &m.Checklist.CompanionPhone, &ride, &lastFood, &subs, &stim, &meds, &m.Checklist.Intention,
		&m.Checklist.By, &checklistAt, &taken, &takenAt, &takenBy,
		&weight, &route, &mg, &perKg, &units, &d.Lot, &d.GivenBy, &givenAt, &orderID, &orderVersion,
		&d.RecordedBy, &confirmMg, &c.Reason, &c.By, &confirmAt,
		&music, &mask, &m.Setting.Other,
		&dischargedAt, &dis.ReleasedTo, &oriented, &dis.By, &m.SignedBy, &signedAt, &lockedAt,
		&infusion, &ended, &d.EndedBy}, extra...)...)
	if err != nil {
		return m, err
	}
	m.State = SessionState(state)
	m.StartedAt = m.StartedAt.UTC()
	m.Checklist.RideConfirmed, m.Checklist.MedicationsReviewed = ride == 1, meds == 1
	m.Checklist.LastFoodAt, m.Checklist.At = nullTime(lastFood), nullTime(checklistAt)
	m.Checklist.NoSubstances, m.Checklist.StimulantsPaused = nullBool(subs), nullBool(stim)
	m.Setting.Music, m.Setting.EyeMask = music == 1, mask == 1
	if takenAt.Valid {
		m.Weight = &SessionWeight{Kg: session.Kg(taken.Int64), By: takenBy, At: takenAt.Time.UTC()}
	}
	if givenAt.Valid {
		d.Route, d.Weight, d.Mg, d.PerKg = session.Route(route), session.Kg(weight.Int64), session.Mg(mg.Int64), session.MgPerKg(perKg.Int64)
		d.Units, d.GivenAt, d.OrderID, d.OrderVersion = int(units.Int64), givenAt.Time.UTC(), orderID.String, int(orderVersion.Int64)
		d.InfusionMinutes, d.EndedAt = int(infusion.Int64), nullTime(ended)
		m.Dose = &d
	}
	if confirmAt.Valid {
		c.Mg, c.At = session.Mg(confirmMg.Int64), confirmAt.Time.UTC()
		m.DoseConfirm = &c
	}
	if dischargedAt.Valid {
		dis.At, dis.AlertOriented = dischargedAt.Time.UTC(), oriented == 1
		m.Discharge = &dis
	}
	m.SignedAt, m.LockedAt = nullTime(signedAt), nullTime(lockedAt)
	return m, nil
}

// scanSessionWithStaff reads sessionWithStaffCols.
func scanSessionWithStaff(sc interface{ Scan(...any) error }) (MedicineSession, error) {
	var staff sql.NullString
	m, err := scanMedicineSession(sc, &staff)
	if err == nil && staff.String != "" {
		m.Staff = strings.Split(staff.String, ",")
	}
	return m, err
}

func nullBool(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 == 1
	return &b
}

func boolArg(b *bool) any {
	if b == nil {
		return nil
	}
	return b2i(*b)
}

// openSession opens the record's sealed text.
func (t *Tx) openSession(ctx context.Context, m *MedicineSession) error {
	var err error
	if m.StateReason, err = t.openText(ctx, sessionBinding(m.ClinicID, m.ID, "state_reason"), m.StateReason); err != nil {
		return err
	}
	if m.Checklist.Intention, err = t.openText(ctx, sessionBinding(m.ClinicID, m.ID, "intention"), m.Checklist.Intention); err != nil {
		return err
	}
	if m.DoseConfirm != nil {
		if m.DoseConfirm.Reason, err = t.openText(ctx, sessionBinding(m.ClinicID, m.ID, "dose_confirm_reason"), m.DoseConfirm.Reason); err != nil {
			return err
		}
	}
	// Sealed since migration 0020; a record signed before it keeps them in
	// clear, as the database refuses to change a signed record.
	texts := []struct {
		column string
		value  *string
	}{{"companion_name", &m.Checklist.CompanionName}, {"companion_phone", &m.Checklist.CompanionPhone}, {"setting_other", &m.Setting.Other}}
	if m.Dose != nil {
		texts = append(texts, struct {
			column string
			value  *string
		}{"lot_number", &m.Dose.Lot})
	}
	if m.Discharge != nil {
		texts = append(texts, struct {
			column string
			value  *string
		}{"released_to", &m.Discharge.ReleasedTo})
	}
	for _, f := range texts {
		if *f.value, err = t.openOrClear(ctx, sessionBinding(m.ClinicID, m.ID, f.column), *f.value); err != nil {
			return err
		}
	}
	return nil
}

// loadSession reads one record, with its staff, by the row q's WHERE (or
// RETURNING) gives, and opens it; ok is false when there is none.
func (t *Tx) loadSession(ctx context.Context, q string, args ...any) (MedicineSession, bool, error) {
	m, err := scanSessionWithStaff(t.queryRow(ctx, q, args...))
	if err == sql.ErrNoRows {
		return MedicineSession{}, false, nil
	}
	if err != nil {
		return m, false, err
	}
	return m, true, t.openSession(ctx, &m)
}

// MedicineSession loads one record of a clinic by its id.
func (t *Tx) MedicineSession(ctx context.Context, clinicID, id string) (MedicineSession, error) {
	m, ok, err := t.loadSession(ctx, `SELECT `+sessionWithStaffCols+` FROM medicine_sessions WHERE clinic_id = ? AND id = ?`, clinicID, id)
	if err == nil && !ok {
		err = problem.New(problem.NotFound, "The session record was not found.")
	}
	return m, err
}

// MedicineSessionFor loads the record of one client in one appointment; ok
// is false when it has not been started.
func (t *Tx) MedicineSessionFor(ctx context.Context, clinicID, appointmentID, clientID string) (MedicineSession, bool, error) {
	return t.loadSession(ctx, `SELECT `+sessionWithStaffCols+` FROM medicine_sessions
		WHERE clinic_id = ? AND appointment_id = ? AND client_id = ?`, clinicID, appointmentID, clientID)
}

// ClientMedicineSessions lists a client's session records, oldest first.
func (t *Tx) ClientMedicineSessions(ctx context.Context, clinicID, clientID string) ([]MedicineSession, error) {
	rows, err := t.query(ctx, `SELECT `+sessionWithStaffCols+` FROM medicine_sessions WHERE clinic_id = ? AND client_id = ?
		ORDER BY started_at, id`, clinicID, clientID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(m *MedicineSession) (err error) {
		*m, err = scanSessionWithStaff(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := t.openSession(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SessionClaim is a record taken for change in one transaction: every
// change to a record is made through its claim, so the record is read and
// locked once however many parts of it a change writes. Session is the
// record as it stood when claimed, kept up to date with the claim's own
// moves. A signed record is returned unclaimed: it no longer changes, and
// only an addendum is added to it.
type SessionClaim struct {
	t       *Tx
	Session MedicineSession
}

// claimQuery claims the record the WHERE clause names and returns it.
const claimQuery = `UPDATE medicine_sessions SET state = state WHERE clinic_id = ? AND %s AND locked_at IS NULL RETURNING ` + sessionWithStaffCols

// ClaimMedicineSessionFor claims the record of one client in one
// appointment for a change in this transaction; ok is false when it has
// not been started. One statement reads and claims it; a signed record
// takes a second to read.
func (t *Tx) ClaimMedicineSessionFor(ctx context.Context, clinicID, appointmentID, clientID string) (*SessionClaim, bool, error) {
	m, ok, err := t.loadSession(ctx, fmt.Sprintf(claimQuery, "appointment_id = ? AND client_id = ?"), clinicID, appointmentID, clientID)
	if err == nil && !ok {
		// Not started, or signed.
		m, ok, err = t.MedicineSessionFor(ctx, clinicID, appointmentID, clientID)
	}
	if err != nil || !ok {
		return nil, ok, err
	}
	return &SessionClaim{t: t, Session: m}, true, nil
}

// claimSession claims a record by its id (see ClaimMedicineSessionFor).
func (t *Tx) claimSession(ctx context.Context, clinicID, id string) (*SessionClaim, error) {
	m, ok, err := t.loadSession(ctx, fmt.Sprintf(claimQuery, "id = ?"), clinicID, id)
	if err == nil && !ok {
		m, err = t.MedicineSession(ctx, clinicID, id)
	}
	if err != nil {
		return nil, err
	}
	return &SessionClaim{t: t, Session: m}, nil
}

// errChanged refuses a change to a record someone else changed in between.
func errChanged() error {
	return problem.New(problem.Conflict, "The session changed while you were looking at it; please reload and try again.")
}

// move moves the record to a new state, with the reason why (sealed); the
// WHERE on the old state makes a move made by someone else in between fail
// rather than be overwritten.
func (c *SessionClaim) move(ctx context.Context, to SessionState, reason string) error {
	m := c.Session
	sealed, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "state_reason"), reason)
	if err != nil {
		return err
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_sessions SET state = ?, state_reason = ? WHERE clinic_id = ? AND id = ? AND state = ? AND locked_at IS NULL`,
		string(to), sealed, m.ClinicID, m.ID, string(m.State))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errChanged()
	}
	c.Session.State, c.Session.StateReason = to, reason
	return nil
}

// SaveSessionChecklist writes the day's checklist (SessionClaim.SaveChecklist).
func (t *Tx) SaveSessionChecklist(ctx context.Context, clinicID, id string, c PreDoseChecklist) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.SaveChecklist(ctx, c)
}

// SaveChecklist writes the day's checklist, replacing the earlier answers.
// It is open only before the dose.
func (c *SessionClaim) SaveChecklist(ctx context.Context, ch PreDoseChecklist) error {
	m := c.Session
	if err := m.Record().Change(session.PartChecks); err != nil {
		return err
	}
	ch.CompanionName = strings.TrimSpace(ch.CompanionName)
	ch.CompanionPhone = strings.TrimSpace(ch.CompanionPhone)
	switch {
	case utf8.RuneCountInString(ch.CompanionName) > maxCompanionRunes:
		return problem.Invalidf("companion_name", "That name is too long.")
	case ch.CompanionPhone != "" && !plausiblePhone(ch.CompanionPhone):
		return problem.Invalidf("companion_phone", "Enter a phone number with at least 7 digits, such as (541) 555-0100.")
	case ch.RideConfirmed && (ch.CompanionName == "" || ch.CompanionPhone == ""):
		return problem.Invalidf("companion_name", "Name the companion and their phone number before confirming the ride.")
	case ch.At == nil || ch.By == "":
		return problem.Invalidf("checklist", "Say who is saving the checklist and when.")
	}
	if ch.LastFoodAt != nil && ch.LastFoodAt.After(ch.At.Add(time.Minute)) {
		return problem.Invalidf("last_food", "The time the client last ate is later than now; check it.")
	}
	var err error
	if ch.Intention, err = checkText("intention", ch.Intention); err != nil {
		return err
	}
	intention, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "intention"), ch.Intention)
	if err != nil {
		return err
	}
	companion, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "companion_name"), ch.CompanionName)
	if err != nil {
		return err
	}
	phone, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "companion_phone"), ch.CompanionPhone)
	if err != nil {
		return err
	}
	_, err = c.t.exec(ctx, `UPDATE medicine_sessions SET companion_name = ?, companion_phone = ?, ride_confirmed = ?, last_food_at = ?,
		no_substances = ?, stimulants_paused = ?, medications_reviewed = ?, intention = ?, checklist_by = ?, checklist_at = ?
		WHERE clinic_id = ? AND id = ?`,
		companion, phone, b2i(ch.RideConfirmed), ch.LastFoodAt, boolArg(ch.NoSubstances), boolArg(ch.StimulantsPaused),
		b2i(ch.MedicationsReviewed), intention, ch.By, ch.At, m.ClinicID, m.ID)
	if err == nil {
		c.Session.Checklist = ch
	}
	return err
}

// RecordSessionWeight records the day's weight (SessionClaim.RecordWeight).
func (t *Tx) RecordSessionWeight(ctx context.Context, clinicID, id string, w session.Kg, by string, at time.Time) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.RecordWeight(ctx, w, by, at)
}

// RecordWeight records the day's weight, taken before the dose, so that
// the dose form starts from it. It is open only while the pre-dose checks
// are under way; a second weighing then replaces the first, as the
// checklist's answers are replaced. Once the dose is recorded the day's
// weight is the one the dose was worked out from and cannot change. The
// caller writes the audit entry in the same transaction.
func (c *SessionClaim) RecordWeight(ctx context.Context, w session.Kg, by string, at time.Time) error {
	m := c.Session
	if m.Dose != nil && !m.Locked() {
		return problem.New(problem.Conflict, "The dose was worked out from %s; the day's weight cannot change after the dose.", m.Dose.Weight)
	}
	if err := m.Record().Change(session.PartWeight); err != nil {
		return err
	}
	if err := session.ValidateWeight(w); err != nil {
		return err
	}
	if by == "" || at.IsZero() {
		return problem.Invalidf("weighed_at", "Say who weighed the client and when.")
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_sessions SET weight_taken_tenths_kg = ?, weight_taken_at = ?, weight_taken_by = ?
		WHERE clinic_id = ? AND id = ? AND state = 'checklist' AND locked_at IS NULL`, int64(w), at, by, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errChanged()
	}
	c.Session.Weight = &SessionWeight{Kg: w, By: by, At: at.UTC().Truncate(time.Microsecond)}
	return nil
}

// HoldMedicineSession holds the session (SessionClaim.Hold).
func (t *Tx) HoldMedicineSession(ctx context.Context, clinicID, id, reason string) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.Hold(ctx, reason)
}

// Hold ends the session before the dose: the pre-dose blood pressure is
// above the hold line, so there is no dose today. reason says what was
// found.
func (c *SessionClaim) Hold(ctx context.Context, reason string) error {
	return c.end(ctx, SessionHeld, reason, "Say why there is no dose today.")
}

// StopMedicineSession stops the session (SessionClaim.Stop).
func (t *Tx) StopMedicineSession(ctx context.Context, clinicID, id, reason string) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.Stop(ctx, reason)
}

// Stop ends the session early, before or after the dose (the client chose
// not to go on, or was transferred to other care).
func (c *SessionClaim) Stop(ctx context.Context, reason string) error {
	return c.end(ctx, SessionStopped, reason, "Say why the session is stopped.")
}

// end moves the record to an ended state with the reason, which must be
// given (missing says so otherwise).
func (c *SessionClaim) end(ctx context.Context, to SessionState, reason, missing string) error {
	if err := c.Session.Record().Move(to); err != nil {
		return err
	}
	reason, err := checkText("reason", reason)
	if err != nil {
		return err
	}
	if reason == "" {
		return problem.Invalidf("reason", "%s", missing)
	}
	return c.move(ctx, to, reason)
}

// ConfirmSessionDose records a prescriber's confirmation of a dose
// (SessionClaim.ConfirmDose).
func (t *Tx) ConfirmSessionDose(ctx context.Context, clinicID, id string, dc DoseConfirmation) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.ConfirmDose(ctx, dc)
}

// ConfirmDose records a prescriber's confirmation of a dose before it is
// given. The caller has asked access that the confirmer is a prescriber on
// the care team; the store checks the role itself as well, as the dosing
// order does.
func (c *SessionClaim) ConfirmDose(ctx context.Context, dc DoseConfirmation) error {
	m := c.Session
	if err := m.Record().Change(session.PartDoseConfirmation); err != nil {
		return err
	}
	if err := c.t.mustBePrescriber(ctx, m.ClinicID, dc.By, "Only a prescriber can confirm a dose."); err != nil {
		return err
	}
	var err error
	if dc.Reason, err = checkText("confirm_reason", dc.Reason); err != nil {
		return err
	}
	switch {
	case dc.Mg <= 0:
		return problem.Invalidf("mg", "Give the dose being confirmed, in mg.")
	case dc.Reason == "":
		return problem.Invalidf("confirm_reason", "Write why this dose is right for today; it is shown on the record.")
	}
	sealed, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "dose_confirm_reason"), dc.Reason)
	if err != nil {
		return err
	}
	_, err = c.t.exec(ctx, `UPDATE medicine_sessions SET dose_confirm_mg_tenths = ?, dose_confirm_reason = ?, dose_confirm_by = ?, dose_confirm_at = ?
		WHERE clinic_id = ? AND id = ?`, int64(dc.Mg), sealed, dc.By, dc.At, m.ClinicID, m.ID)
	if err == nil {
		c.Session.DoseConfirm = &dc
	}
	return err
}

func (t *Tx) mustBePrescriber(ctx context.Context, clinicID, userID, message string) error {
	u, err := t.User(ctx, userID)
	if problem.CodeOf(err) == problem.NotFound || (err == nil && (!u.HasRole(RolePrescriber) || u.ClinicID != clinicID || u.DisabledAt != nil)) {
		return problem.Invalidf("by", "%s", message)
	}
	return err
}

// RecordSessionDose records the dose against the course's current dosing
// order (SessionClaim.RecordDose).
func (t *Tx) RecordSessionDose(ctx context.Context, clinicID, id string, d SessionDose, needsConfirm bool) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	if err := claim.Session.Record().Move(SessionDosed); err != nil {
		return err
	}
	order, ok, err := t.CurrentDosingOrder(ctx, clinicID, claim.Session.CourseID)
	if err != nil {
		return err
	}
	if !ok {
		return problem.New(problem.Conflict, "This course has no dosing order; a prescriber must write one first.")
	}
	return claim.RecordDose(ctx, order, d, needsConfirm)
}

// RecordDose records the dose and moves the session to dosed. order is the
// course's current dosing order, read in this transaction. The caller has
// put the dose to session.CheckDose against it and the gates to
// care.Ready; the store holds what must be true whatever the caller did:
// the record is in its checklist, the dose was checked against that order
// and is not above its maximum, and a dose that needed confirming was
// confirmed at exactly this mg.
func (c *SessionClaim) RecordDose(ctx context.Context, order DosingOrder, d SessionDose, needsConfirm bool) error {
	m := c.Session
	if err := m.Record().Move(SessionDosed); err != nil {
		return err
	}
	switch {
	case order.CourseID != m.CourseID || order.ID != d.OrderID:
		return problem.New(problem.Conflict, "The dosing order changed while you were entering the dose; check the dose against the new order.")
	case d.Mg > order.Order.MaxMg:
		return problem.Invalidf("mg", "%s is above this order's maximum of %s per session. It cannot be recorded.", d.Mg, order.Order.MaxMg)
	case needsConfirm && (m.DoseConfirm == nil || m.DoseConfirm.Mg != d.Mg):
		return problem.Invalidf("mg", "A dose of %s needs a prescriber's confirmation before it is given.", d.Mg)
	case d.GivenAt.IsZero():
		return problem.Invalidf("given_at", "Record when the dose was given.")
	case d.GivenBy == "":
		return problem.Invalidf("given_by", "Record who gave the dose.")
	}
	if err := session.ValidateWeight(d.Weight); err != nil {
		return err
	}
	var err error
	if d.Lot, err = checkText("lot", d.Lot); err != nil {
		return err
	}
	if d.Lot == "" || utf8.RuneCountInString(d.Lot) > maxLotRunes {
		return problem.Invalidf("lot", "Record the lot number from the package (up to %d characters).", maxLotRunes)
	}
	d.OrderVersion = order.Version
	d.PerKg = session.PerKg(d.Mg, d.Weight)
	if (d.Route == session.IV) != (d.InfusionMinutes > 0) {
		return problem.Invalidf("infusion_minutes", "An IV dose records how long the infusion runs; no other route has a duration.")
	}
	var infusion any
	if d.InfusionMinutes > 0 {
		infusion = d.InfusionMinutes
	}
	d.EndedAt, d.EndedBy = nil, ""
	lot, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "lot_number"), d.Lot)
	if err != nil {
		return err
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_sessions SET state = 'dosed', weight_tenths_kg = ?, route = ?, dose_mg_tenths = ?,
		dose_per_kg_hundredths = ?, dose_units = ?, lot_number = ?, given_by = ?, given_at = ?, order_id = ?, order_version = ?, dose_recorded_by = ?,
		infusion_minutes = ?
		WHERE clinic_id = ? AND id = ? AND state = 'checklist'`,
		int64(d.Weight), string(d.Route), int64(d.Mg), int64(d.PerKg), d.Units, lot, d.GivenBy, d.GivenAt, d.OrderID, d.OrderVersion,
		d.RecordedBy, infusion, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errChanged()
	}
	c.Session.State, c.Session.Dose = SessionDosed, &d
	return nil
}

// RecordAdministrationEnd records when administration ended: the end of
// an IV infusion, the last esketamine device, the moment a lozenge or
// tablet was spat out. The minimum observation counts from it. The caller
// has checked the time (session.Administration.CheckEnd); it may be
// corrected while the client is watched, and the record keeps who
// recorded it last.
func (c *SessionClaim) RecordAdministrationEnd(ctx context.Context, at time.Time, by string) error {
	m := c.Session
	if err := m.Record().Change(session.PartAdministrationEnd); err != nil {
		return err
	}
	if m.Dose == nil {
		return problem.Invalidf("ended_at", "The dose is not recorded yet.")
	}
	if by == "" || at.IsZero() {
		return problem.Invalidf("ended_at", "Say when administration ended and who records it.")
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_sessions SET administration_ended_at = ?, administration_ended_by = ?
		WHERE clinic_id = ? AND id = ? AND state = 'dosed' AND locked_at IS NULL`, at, by, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errChanged()
	}
	at = at.UTC().Truncate(time.Microsecond)
	d := *m.Dose
	d.EndedAt, d.EndedBy = &at, by
	c.Session.Dose = &d
	return nil
}

// SaveSessionSetting records the setting and the staff present
// (SessionClaim.SaveSetting).
func (t *Tx) SaveSessionSetting(ctx context.Context, clinicID, id string, set SessionSetting, staff []string) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.SaveSetting(ctx, set, staff)
}

// SaveSetting records the setting and the staff present. It may be saved
// until the record is signed, since who was in the room is often settled
// as the session goes on.
func (c *SessionClaim) SaveSetting(ctx context.Context, set SessionSetting, staff []string) error {
	m := c.Session
	if err := m.Record().Change(session.PartSetting); err != nil {
		return err
	}
	var err error
	if set.Other, err = checkText("setting_other", set.Other); err != nil {
		return err
	}
	if utf8.RuneCountInString(set.Other) > 500 {
		return problem.Invalidf("setting_other", "Please keep this under 500 characters.")
	}
	other, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "setting_other"), set.Other)
	if err != nil {
		return err
	}
	if _, err := c.t.exec(ctx, `UPDATE medicine_sessions SET setting_music = ?, setting_eye_mask = ?, setting_other = ? WHERE clinic_id = ? AND id = ?`,
		b2i(set.Music), b2i(set.EyeMask), other, m.ClinicID, m.ID); err != nil {
		return err
	}
	if _, err := c.t.exec(ctx, `DELETE FROM medicine_session_staff WHERE session_id = ?`, m.ID); err != nil {
		return err
	}
	staff = dedupe(staff)
	for _, uid := range staff {
		u, err := c.t.User(ctx, uid)
		if problem.CodeOf(err) == problem.NotFound || (err == nil && (u.ClinicID != m.ClinicID || u.Kind != "staff")) {
			return problem.Invalidf("staff", "Choose the staff present from the list.")
		}
		if err != nil {
			return err
		}
		if _, err := c.t.exec(ctx, `INSERT INTO medicine_session_staff (session_id, user_id) VALUES (?, ?)`, m.ID, uid); err != nil {
			return err
		}
	}
	c.Session.Setting, c.Session.Staff = set, slices.Sorted(slices.Values(staff))
	return nil
}

// DischargeMedicineSession records the discharge
// (SessionClaim.Discharge).
func (t *Tx) DischargeMedicineSession(ctx context.Context, clinicID, id string, d SessionDischarge) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.Discharge(ctx, d)
}

// Discharge records the discharge. The caller has put it to
// session.CheckDischarge and every criterion passed.
func (c *SessionClaim) Discharge(ctx context.Context, d SessionDischarge) error {
	m := c.Session
	if err := m.Record().Move(SessionDischarged); err != nil {
		return err
	}
	d.ReleasedTo = strings.TrimSpace(d.ReleasedTo)
	switch {
	case d.ReleasedTo == "" || utf8.RuneCountInString(d.ReleasedTo) > maxCompanionRunes:
		return problem.Invalidf("released_to", "Record who the client is leaving with.")
	case !d.AlertOriented:
		return problem.Invalidf("alert_oriented", "Discharge needs the client to be alert and oriented.")
	case d.At.IsZero() || d.By == "":
		return problem.Invalidf("discharge", "Say who is discharging the client and when.")
	}
	releasedTo, err := c.t.sealText(ctx, sessionBinding(m.ClinicID, m.ID, "released_to"), d.ReleasedTo)
	if err != nil {
		return err
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_sessions SET state = 'discharged', discharged_at = ?, released_to = ?, alert_oriented = 1, discharged_by = ?
		WHERE clinic_id = ? AND id = ? AND state = 'dosed'`, d.At, releasedTo, d.By, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errChanged()
	}
	c.Session.State, c.Session.Discharge = SessionDischarged, &d
	return nil
}

// SignMedicineSession signs the record and locks it (SessionClaim.Sign).
func (t *Tx) SignMedicineSession(ctx context.Context, clinicID, id, by string, at time.Time) error {
	claim, err := t.claimSession(ctx, clinicID, id)
	if err != nil {
		return err
	}
	return claim.Sign(ctx, by, at)
}

// Sign signs the record and locks it. Only a session that has ended
// (discharged, held or stopped) can be signed, and only by a prescriber
// (DEMO.md: the prescriber signs sessions).
func (c *SessionClaim) Sign(ctx context.Context, by string, at time.Time) error {
	m := c.Session
	if err := m.Record().Sign(); err != nil {
		return err
	}
	if err := c.t.mustBePrescriber(ctx, m.ClinicID, by, "Only a prescriber can sign a session record."); err != nil {
		return err
	}
	res, err := c.t.exec(ctx, `UPDATE medicine_sessions SET signed_by = ?, signed_at = ?, locked_at = ? WHERE clinic_id = ? AND id = ? AND locked_at IS NULL`,
		by, at, at, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "The record was signed by someone else at the same moment.")
	}
	c.Session.SignedBy, c.Session.SignedAt, c.Session.LockedAt = by, &at, &at
	return nil
}

// PreDose is the record's checklist and pre-dose reading as care.Gates
// reads them. pre is the latest pre-dose reading that is not struck
// through, or nil.
func (m MedicineSession) PreDose(pre *SessionVitals) *care.PreDose {
	c := m.Checklist
	p := &care.PreDose{Companion: c.CompanionName, CompanionPhone: c.CompanionPhone, RideConfirmed: c.RideConfirmed,
		NoAlcoholOrDrugs: c.NoSubstances, StimulantsPaused: c.StimulantsPaused, MedicationsReviewed: c.MedicationsReviewed,
		IntentionRecorded: strings.TrimSpace(c.Intention) != ""}
	if c.LastFoodAt != nil {
		p.LastFood = *c.LastFoodAt
	}
	if pre != nil {
		p.Vitals = &care.Vitals{BP: screening.BP{Systolic: pre.Systolic, Diastolic: pre.Diastolic},
			HeartRate: pre.HeartRate, SpO2: pre.SpO2, At: pre.TakenAt}
	}
	if m.Dose != nil {
		// The reading counts within the window before the dose as given,
		// not before whenever the record is read.
		p.DosedAt = m.Dose.GivenAt
	}
	return p
}

// SessionGateInput loads what care.Gates needs for a session: the course's
// facts and overrides and the client's safety facts (DayGateInput), the record's checklist and pre-dose
// reading, and the overrides prescribers made for this session. course is
// the record's course and rec the whole record, both already loaded.
func (t *Tx) SessionGateInput(ctx context.Context, course Course, rec SessionRecord) (care.GateInput, error) {
	m := rec.Session
	in, err := t.DayGateInput(ctx, course)
	if err != nil {
		return in, err
	}
	in.PreDose = m.PreDose(LatestPreDose(rec.Vitals))
	for _, o := range rec.Overrides {
		in.Overrides = append(in.Overrides, o.Care())
	}
	return in, nil
}

// AddSessionOverride stores a prescriber's override of a gate for the
// session m (SessionClaim.AddOverride).
func (t *Tx) AddSessionOverride(ctx context.Context, m MedicineSession, o *GateOverride) error {
	claim, err := t.claimSession(ctx, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	return claim.AddOverride(ctx, o)
}

// AddOverride stores a prescriber's override of a gate (course or day-of)
// for this session only. It is refused once the dose is recorded: an
// override is a decision to let the dose go ahead.
func (c *SessionClaim) AddOverride(ctx context.Context, o *GateOverride) error {
	m := c.Session
	if err := m.Record().Change(session.PartOverride); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = auth.NewID()
	}
	o.ClinicID, o.ClientID, o.CourseID, o.SessionID = m.ClinicID, m.ClientID, m.CourseID, m.ID
	return c.t.AddGateOverride(ctx, o)
}
