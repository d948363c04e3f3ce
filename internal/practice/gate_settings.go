package practice

import (
	"doorway/internal/care"
	"doorway/internal/store"
)

// GateSettings are a clinic's gate thresholds from its stored settings and
// session rules, as Settings.Gates holds them, for the pages that read the
// rows themselves until they move here.
func GateSettings(clinic store.Clinic, raw map[string]string, rules store.SessionRules) care.Settings {
	return gateSettings(clinic, raw, store.ScreeningSettingsFrom(raw), rules)
}
