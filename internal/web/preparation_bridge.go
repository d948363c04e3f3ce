package web

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// Helpers that pages outside the front door and preparation still call
// from their own transactions (the portal's home, its sessions, the
// medicine session, the schedule, the measures settings). The front door
// and preparation pages go through practice; each helper here goes when
// its last caller does.

// gateSettings are the clinic's gate thresholds (practice.GateSettings).
func gateSettings(ctx context.Context, tx *store.Tx, clinicID string) (care.Settings, error) {
	raw, err := tx.ClinicSettings(ctx, clinicID)
	if err != nil {
		return care.Settings{}, err
	}
	return gateSettingsFrom(ctx, tx, clinicID, raw, store.SessionRulesFrom(clinicID, raw))
}

// gateSettingsFrom is gateSettings with the clinic's settings and session
// rules already read.
func gateSettingsFrom(ctx context.Context, tx *store.Tx, clinicID string, raw map[string]string, rules store.SessionRules) (care.Settings, error) {
	clinic, err := tx.Clinic(ctx, clinicID)
	if err != nil {
		return care.Settings{}, err
	}
	return practice.GateSettings(clinic, raw, rules), nil
}

// staffNames maps a clinic's staff ids to names.
func staffNames(ctx context.Context, tx *store.Tx, clinicID string) (map[string]string, error) {
	staff, err := tx.Staff(ctx, clinicID)
	names := map[string]string{}
	for _, u := range staff {
		names[u.ID] = u.Name
	}
	return names, err
}

// saveClinicSettings stores each of values that differs from current, in
// key order, and records one audit entry naming the changes ("what: a, b"),
// each as show words it; when nothing changed, nothing is recorded.
func (s *Server) saveClinicSettings(ctx context.Context, tx *store.Tx, r *http.Request, current, values map[string]string, now time.Time,
	what string, show func(key, value string) string) error {
	v := viewerOf(r.Context())
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if current[k] == values[k] {
			continue
		}
		if err := tx.SetClinicSetting(ctx, v.P.ClinicID, k, values[k], v.P.UserID, now); err != nil {
			return err
		}
		changed = append(changed, show(k, values[k]))
	}
	if len(changed) == 0 {
		return nil
	}
	return s.recordTx(ctx, tx, r, audit.Entry{Action: "clinic.settings", ResourceType: "clinic", ResourceID: v.P.ClinicID,
		Detail: what + ": " + strings.Join(changed, ", "), Severity: audit.High})
}

// portalPrep is what the portal's home says about preparation: the required
// documents the client has yet to sign at their current version.
func (s *Server) portalPrep(ctx context.Context, c store.Client) (view.PortalPrep, error) {
	var docs []store.ConsentDocument
	var sigs []store.ConsentSignature
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		if docs, err = tx.CurrentConsentDocuments(ctx, c.ClinicID); err != nil {
			return err
		}
		sigs, err = tx.ConsentSignatures(ctx, c.ClinicID, c.ID)
		return err
	})
	var out view.PortalPrep
	for _, st := range consentStatuses(docs, sigs, time.UTC) {
		if st.Required && st.Status != "signed" {
			out.ToSign = append(out.ToSign, st.Title)
		}
	}
	return out, err
}

// portalIntakeReturn is the note that sent the client's current course
// back to intake, while the course is in intake again; nil otherwise (and
// for the zero course, when the client has none).
func (s *Server) portalIntakeReturn(ctx context.Context, course store.Course) (*view.ReturnLine, error) {
	if course.State != care.Intake {
		return nil, nil
	}
	var ret store.IntakeReturn
	var ok bool
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) {
		ret, ok, err = tx.LatestIntakeReturn(ctx, course.ClinicID, course.ID)
		return err
	})
	if err != nil || !ok {
		return nil, err
	}
	return returnLine(ret, viewerOf(ctx).Clinic.Location()), nil
}
