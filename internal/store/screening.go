package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/screening"
	"doorway/internal/seal"
)

// Screening decisions and the clinic's screening thresholds.

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

func decisionBinding(clinicID, id, column string) seal.Binding {
	return seal.Binding{ClinicID: clinicID, Table: "screening_decisions", Column: column, RowID: id}
}

// RecordScreeningDecision stores a decision. The caller has checked it with
// screening.CheckDecision and moves the course.
func (t *Tx) RecordScreeningDecision(ctx context.Context, d *ScreeningDecision) error {
	if !d.Tier.Valid() {
		return problem.Invalidf("tier", "Unknown screening tier %q.", d.Tier)
	}
	note, err := t.sealText(ctx, decisionBinding(d.ClinicID, d.ID, "note"), d.Note)
	if err != nil {
		return err
	}
	// The rules that fired name what was found ("psychosis history",
	// "uncontrolled hypertension"): sealed like the note.
	rules, err := t.sealText(ctx, decisionBinding(d.ClinicID, d.ID, "rules"), strings.Join(d.Rules, ","))
	if err != nil {
		return err
	}
	if !d.Kind.Approves() {
		d.ExpiresAt = nil
	}
	_, err = t.exec(ctx, `INSERT INTO screening_decisions (id, clinic_id, client_id, course_id, kind, tier, rules, note, decided_by, decided_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.ClinicID, d.ClientID, d.CourseID, string(d.Kind), string(d.Tier), rules, note, d.DecidedBy, d.DecidedAt, d.ExpiresAt)
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
	if rules, err = t.openOrClear(ctx, decisionBinding(d.ClinicID, d.ID, "rules"), rules); err != nil {
		return d, false, err
	}
	if rules != "" {
		d.Rules = strings.Split(rules, ",")
	}
	d.DecidedAt, d.ExpiresAt = d.DecidedAt.UTC(), nullTime(expires)
	if d.Note, err = t.openText(ctx, decisionBinding(d.ClinicID, d.ID, "note"), d.Note); err != nil {
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
	SettingScreeningReviewBPSys = "screening.review_bp_systolic"
	SettingScreeningReviewBPDia = "screening.review_bp_diastolic"
	SettingScreeningMinAge      = "screening.min_age"
	SettingScreeningHeartWeeks  = "screening.heart_attack_weeks"
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

// ScreeningSettingsOf types the screening settings of m as they are, for
// a save to check them together before storing (ScreeningSettingsFrom
// falls back to the defaults instead).
func ScreeningSettingsOf(m map[string]string) screening.Settings {
	s := screening.Settings{
		RestingBPLimit:   screening.BP{Systolic: SettingInt(m, SettingScreeningBPSystolic, 0), Diastolic: SettingInt(m, SettingScreeningBPDiastolic, 0)},
		ReviewBPAbove:    screening.BP{Systolic: SettingInt(m, SettingScreeningReviewBPSys, 0), Diastolic: SettingInt(m, SettingScreeningReviewBPDia, 0)},
		MinAge:           SettingInt(m, SettingScreeningMinAge, 0),
		HeartAttackWeeks: SettingInt(m, SettingScreeningHeartWeeks, 0),
		StopBangFrom:     SettingInt(m, SettingScreeningStopBang, 0),
		AgeFrom:          SettingInt(m, SettingScreeningAgeFrom, 0),
		ApprovalDays:     SettingInt(m, SettingScreeningApproval, 0),
	}
	s.BenzodiazepineLimitMG, _ = SettingFloat(m, SettingScreeningBenzoMG)
	s.BMILimit, _ = SettingFloat(m, SettingScreeningBMI)
	return s
}

// ScreeningSettingsFrom is ScreeningSettings read from the clinic's
// settings as ClinicSettings returns them.
func ScreeningSettingsFrom(m map[string]string) screening.Settings {
	s := ScreeningSettingsOf(m)
	if s.Validate() != nil {
		return screening.Settings{} // an unreadable row falls back to the defaults rather than breaking screening
	}
	return s
}
