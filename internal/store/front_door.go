package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"doorway/internal/intake"
	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/seal"
)

// The front door: inquiries, intake answers and screening decisions.

// Inquiry statuses.
const (
	InquiryNew       = "new"
	InquiryContacted = "contacted"
	InquiryConverted = "converted"
	InquiryClosed    = "closed"
)

// Inquiry is a message sent from the public inquiry form. It is not a client
// record: a person becomes a client only when staff convert the inquiry.
type Inquiry struct {
	ID          string
	ClinicID    string
	Name        string
	Email       string
	Phone       string
	Message     string // sealed at rest
	Consent     bool
	Status      string
	CloseReason string
	ClientID    string
	ReceivedAt  time.Time
	UpdatedAt   time.Time
	UpdatedBy   string
}

func inquiryBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "inquiries", Column: "message", RowID: id}
}

// CreateInquiry stores a new inquiry with its message sealed.
func (t *Tx) CreateInquiry(ctx context.Context, q *Inquiry) error {
	msg, err := t.sealText(ctx, inquiryBinding(q.ClinicID, q.ID), q.Message)
	if err != nil {
		return err
	}
	if q.Status == "" {
		q.Status = InquiryNew
	}
	_, err = t.exec(ctx, `INSERT INTO inquiries (id, clinic_id, name, email, phone, message, consent, status, received_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, q.ClinicID, q.Name, q.Email, q.Phone, msg, b2i(q.Consent), q.Status, q.ReceivedAt, q.ReceivedAt)
	return err
}

const inquiryCols = `id, clinic_id, name, email, phone, message, consent, status, close_reason, client_id, received_at, updated_at, updated_by`

// scanInquiry reads a row with the message still sealed: opening it may
// query the key table, which SQLite's one writer connection cannot do while
// a result set is open.
func scanInquiry(sc interface{ Scan(...any) error }) (Inquiry, error) {
	var q Inquiry
	var client sql.NullString
	err := sc.Scan(&q.ID, &q.ClinicID, &q.Name, &q.Email, &q.Phone, &q.Message, &q.Consent, &q.Status, &q.CloseReason, &client,
		&q.ReceivedAt, &q.UpdatedAt, &q.UpdatedBy)
	q.ClientID = client.String
	q.ReceivedAt, q.UpdatedAt = q.ReceivedAt.UTC(), q.UpdatedAt.UTC()
	return q, err
}

func (t *Tx) openInquiry(ctx context.Context, q *Inquiry) (err error) {
	q.Message, err = t.openText(ctx, inquiryBinding(q.ClinicID, q.ID), q.Message)
	return err
}

// Inquiries lists a clinic's inquiries, newest first; status "" means all.
func (t *Tx) Inquiries(ctx context.Context, clinicID, status string) ([]Inquiry, error) {
	q := `SELECT ` + inquiryCols + ` FROM inquiries WHERE clinic_id = ?`
	args := []any{clinicID}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	rows, err := t.query(ctx, q+` ORDER BY received_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(q *Inquiry) (err error) {
		*q, err = scanInquiry(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range list {
		if err := t.openInquiry(ctx, &list[i]); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Inquiry loads one inquiry of a clinic.
func (t *Tx) Inquiry(ctx context.Context, clinicID, id string) (Inquiry, error) {
	q, err := scanInquiry(t.queryRow(ctx, `SELECT `+inquiryCols+` FROM inquiries WHERE clinic_id = ? AND id = ?`, clinicID, id))
	if err != nil {
		return q, notFound(err, "The inquiry")
	}
	return q, t.openInquiry(ctx, &q)
}

// SetInquiryStatus moves an inquiry on. Converted and closed inquiries are
// finished and do not move again; a close needs a reason, and a conversion
// names the client it became.
func (t *Tx) SetInquiryStatus(ctx context.Context, q Inquiry, status, reason, clientID, by string, at time.Time) error {
	switch status {
	case InquiryContacted, InquiryConverted:
	case InquiryClosed:
		if strings.TrimSpace(reason) == "" {
			return problem.Invalidf("reason", "Please say why the inquiry is closed.")
		}
	default:
		return problem.Invalidf("status", "Unknown inquiry status %q.", status)
	}
	if status == InquiryConverted && clientID == "" {
		return problem.Invalidf("status", "A converted inquiry needs its client.")
	}
	var client any
	if clientID != "" {
		client = clientID
	}
	res, err := t.exec(ctx, `UPDATE inquiries SET status = ?, close_reason = ?, client_id = COALESCE(?, client_id), updated_at = ?, updated_by = ?
		WHERE clinic_id = ? AND id = ? AND status IN ('new', 'contacted')`,
		status, strings.TrimSpace(reason), client, at, by, q.ClinicID, q.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "This inquiry is already converted or closed.")
	}
	return nil
}

// RecordInquiryAttempt counts one submission of the inquiry form from an
// address; InquiryAttempts counts them since a time. They are in the
// database so the limit holds across instances.
func (t *Tx) RecordInquiryAttempt(ctx context.Context, id, ip string, at time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM inquiry_attempts WHERE at < ?`, at.Add(-24*time.Hour)); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO inquiry_attempts (id, ip, at) VALUES (?, ?, ?)`, id, ip, at)
	return err
}

// InquiryAttempts counts an address's submissions since a time.
func (t *Tx) InquiryAttempts(ctx context.Context, ip string, since time.Time) (n int, err error) {
	err = t.queryRow(ctx, `SELECT COUNT(*) FROM inquiry_attempts WHERE ip = ? AND at >= ?`, ip, since).Scan(&n)
	return n, err
}

// --- intake ---

// Intake is a course's intake answers with when they were last saved and
// completed.
type Intake struct {
	CourseID    string
	ClinicID    string
	ClientID    string
	Answers     intake.Answers
	UpdatedAt   time.Time
	CompletedAt *time.Time
}

func intakeBinding(clinicID, courseID string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "intake_answers", Column: "answers", RowID: courseID}
}

// CourseIntake loads a course's intake; ok is false when nothing is saved yet.
func (t *Tx) CourseIntake(ctx context.Context, clinicID, courseID string) (in Intake, ok bool, err error) {
	var sealed string
	var done sql.NullTime
	err = t.queryRow(ctx, `SELECT course_id, clinic_id, client_id, answers, updated_at, completed_at FROM intake_answers
		WHERE clinic_id = ? AND course_id = ?`, clinicID, courseID).Scan(&in.CourseID, &in.ClinicID, &in.ClientID, &sealed, &in.UpdatedAt, &done)
	if err == sql.ErrNoRows {
		return Intake{}, false, nil
	}
	if err != nil {
		return in, false, err
	}
	in.UpdatedAt, in.CompletedAt = in.UpdatedAt.UTC(), nullTime(done)
	plain, err := t.openText(ctx, intakeBinding(clinicID, courseID), sealed)
	if err != nil {
		return in, false, err
	}
	if err := json.Unmarshal([]byte(plain), &in.Answers); err != nil {
		return in, false, err
	}
	return in, true, nil
}

// SaveIntake writes a course's intake answers, sealed, replacing what was
// there. A completed intake is not changed by the client any more.
func (t *Tx) SaveIntake(ctx context.Context, in Intake) error {
	doc, err := json.Marshal(in.Answers)
	if err != nil {
		return err
	}
	sealed, err := t.sealText(ctx, intakeBinding(in.ClinicID, in.CourseID), string(doc))
	if err != nil {
		return err
	}
	sections := strings.Join(in.Answers.Saved, ",")
	res, err := t.exec(ctx, `UPDATE intake_answers SET answers = ?, sections = ?, updated_at = ?, completed_at = ?
		WHERE clinic_id = ? AND course_id = ? AND completed_at IS NULL`, sealed, sections, in.UpdatedAt, in.CompletedAt, in.ClinicID, in.CourseID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var exists int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM intake_answers WHERE clinic_id = ? AND course_id = ?`, in.ClinicID, in.CourseID).Scan(&exists); err != nil {
		return err
	}
	if exists > 0 {
		return problem.New(problem.Conflict, "This intake is already finished; your care team can help with any changes.")
	}
	_, err = t.exec(ctx, `INSERT INTO intake_answers (course_id, clinic_id, client_id, answers, sections, updated_at, completed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, in.CourseID, in.ClinicID, in.ClientID, sealed, sections, in.UpdatedAt, in.CompletedAt)
	return err
}

// --- screening decisions ---

// ScreeningDecision is a prescriber's decision on a course's screening.
type ScreeningDecision struct {
	ID        string
	ClinicID  string
	ClientID  string
	CourseID  string
	Kind      screening.DecisionKind
	Tier      screening.Tier // the overall tier when decided
	Rules     []string       // ids of the rules that fired
	Note      string         // sealed at rest
	DecidedBy string
	DecidedAt time.Time
	ExpiresAt *time.Time // nil for a decline
}

func decisionBinding(clinicID, id string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "screening_decisions", Column: "note", RowID: id}
}

// RecordScreeningDecision stores a decision. The caller has checked it with
// screening.CheckDecision and moves the course.
func (t *Tx) RecordScreeningDecision(ctx context.Context, d *ScreeningDecision) error {
	if !d.Tier.Valid() {
		return problem.Invalidf("tier", "Unknown screening tier %q.", d.Tier)
	}
	note, err := t.sealText(ctx, decisionBinding(d.ClinicID, d.ID), d.Note)
	if err != nil {
		return err
	}
	if !d.Kind.Approves() {
		d.ExpiresAt = nil
	}
	_, err = t.exec(ctx, `INSERT INTO screening_decisions (id, clinic_id, client_id, course_id, kind, tier, rules, note, decided_by, decided_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.ClinicID, d.ClientID, d.CourseID, string(d.Kind), string(d.Tier), strings.Join(d.Rules, ","), note, d.DecidedBy, d.DecidedAt, d.ExpiresAt)
	return err
}

// LatestScreeningDecision is the course's most recent decision; ok is false
// when the prescriber has not decided yet.
func (t *Tx) LatestScreeningDecision(ctx context.Context, clinicID, courseID string) (ScreeningDecision, bool, error) {
	var d ScreeningDecision
	var kind, tier, rules string
	var expires sql.NullTime
	err := t.queryRow(ctx, `SELECT id, clinic_id, client_id, course_id, kind, tier, rules, note, decided_by, decided_at, expires_at
		FROM screening_decisions WHERE clinic_id = ? AND course_id = ? ORDER BY decided_at DESC, id DESC LIMIT 1`, clinicID, courseID).
		Scan(&d.ID, &d.ClinicID, &d.ClientID, &d.CourseID, &kind, &tier, &rules, &d.Note, &d.DecidedBy, &d.DecidedAt, &expires)
	if err == sql.ErrNoRows {
		return ScreeningDecision{}, false, nil
	}
	if err != nil {
		return d, false, err
	}
	d.Kind, d.Tier = screening.DecisionKind(kind), screening.Tier(tier)
	if rules != "" {
		d.Rules = strings.Split(rules, ",")
	}
	d.DecidedAt, d.ExpiresAt = d.DecidedAt.UTC(), nullTime(expires)
	if d.Note, err = t.openText(ctx, decisionBinding(d.ClinicID, d.ID), d.Note); err != nil {
		return d, false, err
	}
	return d, true, nil
}

// Screening settings keys; absent keys take screening's defaults.
const (
	SettingScreeningBPSystolic  = "screening.bp_limit_systolic"
	SettingScreeningBPDiastolic = "screening.bp_limit_diastolic"
	SettingScreeningBenzoMG     = "screening.benzodiazepine_limit_mg"
	SettingScreeningBMI         = "screening.bmi_limit"
	SettingScreeningStopBang    = "screening.stop_bang_from"
	SettingScreeningAgeFrom     = "screening.age_from"
	SettingScreeningApproval    = "screening.approval_days"
)

// ScreeningSettings reads the clinic's screening thresholds; zero fields mean
// screening's defaults.
func (t *Tx) ScreeningSettings(ctx context.Context, clinicID string) (screening.Settings, error) {
	m, err := t.ClinicSettings(ctx, clinicID)
	if err != nil {
		return screening.Settings{}, err
	}
	return ScreeningSettingsFrom(m), nil
}

// ScreeningSettingsFrom is ScreeningSettings read from the clinic's settings
// as ClinicSettings returns them.
func ScreeningSettingsFrom(m map[string]string) screening.Settings {
	s := screening.Settings{
		RestingBPLimit: screening.BP{Systolic: SettingInt(m, SettingScreeningBPSystolic, 0), Diastolic: SettingInt(m, SettingScreeningBPDiastolic, 0)},
		StopBangFrom:   SettingInt(m, SettingScreeningStopBang, 0),
		AgeFrom:        SettingInt(m, SettingScreeningAgeFrom, 0),
		ApprovalDays:   SettingInt(m, SettingScreeningApproval, 0),
	}
	s.BenzodiazepineLimitMG, _ = SettingFloat(m, SettingScreeningBenzoMG)
	s.BMILimit, _ = SettingFloat(m, SettingScreeningBMI)
	if s.Validate() != nil {
		return screening.Settings{} // an unreadable row falls back to the defaults rather than breaking screening
	}
	return s
}

// PurposeKey derives a key for one purpose (such as signing a form's start
// time) from the master key, so every instance sharing the master key derives
// the same one and the master key itself is never used for two things.
func (s *Store) PurposeKey(purpose string) ([]byte, error) {
	master, err := s.keys.masterKey()
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, master)
	m.Write([]byte("doorway purpose key: " + purpose))
	return m.Sum(nil), nil
}
