package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"doorway/internal/problem"
	"doorway/internal/timefmt"
)

// Clinic settings are key/value rows per clinic. A key that has no row takes
// its default, so a new clinic needs no settings at all.
const (
	SettingCrisisText = "measures.crisis_text"
	// The numbers behind the crisis resources' buttons (practice.Crisis).
	SettingCrisisCall      = "measures.crisis_call"
	SettingCrisisSMS       = "measures.crisis_sms"
	SettingCrisisEmergency = "measures.crisis_emergency"
	SettingPCL5Cutoff      = "measures.pcl5_cutoff"
	SettingQIDSEnabled     = "measures.qids_sr16.enabled"
	SettingCSSRSEnabled    = "measures.cssrs.enabled"
	SettingCSSRSLicence    = "measures.cssrs.licence"
	settingRCIPrefix       = "measures.rci."
	// SettingClock is the clinic's clock on every page and PDF: "24h" (the
	// default, no row) or "12h" (timefmt).
	SettingClock         = "display.clock"
	maxSettingValueBytes = 4000
)

// SettingRCI are the keys of an instrument's reliable-change reference: its
// reference-group standard deviation and its reliability.
func SettingRCI(instrumentID string) (sd, reliability string) {
	return settingRCIPrefix + instrumentID + ".sd", settingRCIPrefix + instrumentID + ".reliability"
}

// ClinicSettings loads every setting row of a clinic.
func (t *Tx) ClinicSettings(ctx context.Context, clinicID string) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT key, value FROM clinic_settings WHERE clinic_id = ?`, clinicID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	err = eachRow(rows, func() error {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	return out, err
}

// clinicTimeFormat is how a clinic writes times, its zone and its clock, for
// the few refusals the store words itself (a booking's clash names the other
// session's times).
func (t *Tx) clinicTimeFormat(ctx context.Context, clinic Clinic) (timefmt.Format, error) {
	var clock string
	err := t.queryRow(ctx, `SELECT value FROM clinic_settings WHERE clinic_id = ? AND key = ?`, clinic.ID, SettingClock).Scan(&clock)
	if err != nil && err != sql.ErrNoRows {
		return timefmt.Format{}, err
	}
	return timefmt.New(clinic.Location(), clock), nil
}

// SetClinicSetting saves one setting; an empty value removes the row, so
// the setting falls back to its default.
func (t *Tx) SetClinicSetting(ctx context.Context, clinicID, key, value, by string, at time.Time) error {
	if len(value) > maxSettingValueBytes {
		return problem.Invalidf(key, "That is too long: keep it under %d characters.", maxSettingValueBytes)
	}
	if _, err := t.exec(ctx, `DELETE FROM clinic_settings WHERE clinic_id = ? AND key = ?`, clinicID, key); err != nil {
		return err
	}
	if value == "" {
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO clinic_settings (clinic_id, key, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
		clinicID, key, value, by, at)
	return err
}

// SettingInt reads an integer setting, def when absent or unreadable.
func SettingInt(m map[string]string, key string, def int) int {
	if v, err := strconv.Atoi(strings.TrimSpace(m[key])); err == nil {
		return v
	}
	return def
}

// SettingFloat reads a number setting; ok is false when absent or unreadable.
func SettingFloat(m map[string]string, key string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(m[key]), 64)
	return v, err == nil
}

// SettingBool reads a flag setting stored as "1".
func SettingBool(m map[string]string, key string) bool { return m[key] == "1" }
