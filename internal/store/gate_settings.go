package store

import (
	"context"
	"strings"
)

// Clinic settings of the course gates (DESIGN.md §3). A missing row takes
// care's default. The pre-dose blood pressure lines and the heart-rate and
// SpO2 limits are not here: they are the medicine-session rules
// (SessionRules), so a clinic sets each number in one place.
const (
	// SettingBaselineInstruments lists the instrument ids that must be done
	// before a medicine session, comma-separated; BaselineNone means none.
	SettingBaselineInstruments = "care.baseline_instruments"
	// SettingBaselineDays is how recent a baseline measure must be.
	SettingBaselineDays = "care.baseline_days"
	// SettingMinPrepSessions is how many preparation sessions must be
	// documented before the first dose.
	SettingMinPrepSessions = "care.min_preparation_sessions"

	// BaselineNone is the stored value of "no baseline measures required",
	// which an empty value cannot say (it removes the row: the default).
	BaselineNone = "none"
)

// GateSettings are the course-gate settings as stored; zero fields mean the
// defaults. BaselineInstruments is nil for the default and empty, not nil,
// when the clinic requires none.
type GateSettings struct {
	BaselineInstruments    []string
	BaselineDays           int
	MinPreparationSessions int
	FastingHours           float64
}

// GateSettings reads the clinic's course-gate settings. A value that cannot
// be read counts as absent, so a damaged row falls back to the default
// rather than stopping every course page.
func (t *Tx) GateSettings(ctx context.Context, clinicID string) (GateSettings, error) {
	m, err := t.ClinicSettings(ctx, clinicID)
	if err != nil {
		return GateSettings{}, err
	}
	return GateSettingsFrom(m), nil
}

// GateSettingsFrom is GateSettings read from the clinic's settings as
// ClinicSettings returns them.
func GateSettingsFrom(m map[string]string) GateSettings {
	g := GateSettings{
		BaselineDays:           max(SettingInt(m, SettingBaselineDays, 0), 0),
		MinPreparationSessions: max(SettingInt(m, SettingMinPrepSessions, 0), 0),
	}
	if h, ok := SettingFloat(m, SettingFastingHours); ok && h > 0 && h <= 24 {
		g.FastingHours = h
	}
	switch v := strings.TrimSpace(m[SettingBaselineInstruments]); v {
	case "":
	case BaselineNone:
		g.BaselineInstruments = []string{}
	default:
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				g.BaselineInstruments = append(g.BaselineInstruments, id)
			}
		}
	}
	return g
}
