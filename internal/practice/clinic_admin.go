package practice

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/store"
)

// What the use cases on the clinic as a whole share: its settings, its
// outcomes, its staff are nobody's record but the clinic's.

// notFoundPage is what a person is told of a clinic-wide page they may not
// use.
const notFoundPage = "There is nothing here, or you do not have access to it."

// allowClinic asks access whether the actor may act as act on t, a
// resource of their clinic as a whole. A refusal is recorded at once, as a
// denial of t, and answered as a NotFound already recorded.
func (s *Service) allowClinic(ctx context.Context, a Actor, o op, t access.Type, act access.Action) error {
	if access.Allow(a.P, act, access.Resource{Type: t, ClinicID: a.P.ClinicID}) {
		return nil
	}
	return s.settle(ctx, a, s.refuse(a, o, string(t), "", "out of scope", notFoundPage))
}

// saveClinicSettings stores each of values that differs from current, in
// key order, and appends one audit entry naming the changes ("what: a,
// b"), each as show words it; when nothing changed, nothing is recorded.
// The request's settings are read afresh afterwards.
func (s *Service) saveClinicSettings(ctx context.Context, tx *store.Tx, a Actor, current, values map[string]string, now time.Time,
	what string, show func(key, value string) string) error {
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
	if a.memo != nil {
		a.memo.settings = nil
	}
	return s.appendTx(ctx, tx, a, audit.Entry{Action: "clinic.settings", ResourceType: "clinic", ResourceID: a.P.ClinicID,
		Detail: what + ": " + strings.Join(changed, ", "), Severity: audit.High})
}
