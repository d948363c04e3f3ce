package practice

import (
	"context"
	"maps"
	"slices"
	"strings"

	"doorway/internal/audit"
	"doorway/internal/store"
)

// saveSettings stores each of values that differs from current (the
// clinic's stored settings), in key order, and appends one clinic.settings
// entry naming the changes ("what: a, b", each as show words it); when
// nothing changed, nothing is recorded. The settings pages save their
// forms through it.
func (s *Service) saveSettings(ctx context.Context, tx *store.Tx, a Actor, current, values map[string]string,
	what string, show func(key, value string) string) error {
	now := s.Now()
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if current[k] == values[k] {
			continue
		}
		if err := tx.SetClinicSetting(ctx, a.P.ClinicID, k, values[k], a.P.UserID, now); err != nil {
			return err
		}
		changed = append(changed, show(k, values[k]))
	}
	if len(changed) == 0 {
		return nil
	}
	// What this request reads of the settings from now on is what it saved.
	if a.memo != nil {
		a.memo.settings = nil
	}
	return s.appendTx(ctx, tx, a, audit.Entry{Action: "clinic.settings", ResourceType: "clinic", ResourceID: a.P.ClinicID,
		Detail: what + ": " + strings.Join(changed, ", "), Severity: audit.High})
}
