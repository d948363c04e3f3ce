package practice

import (
	"context"
	"doorway/internal/timefmt"
	"strings"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// ClinicDetails are the clinic's name, zone and contact, as the admin edits
// them.
type ClinicDetails struct {
	Name, TimeZone, ContactEmail, ContactPhone, Address string
	// Clock is "24h" or "12h": how every time is written (timefmt).
	Clock string
}

// ClinicSettings loads the clinic's details for the admin.
func (s *Service) ClinicSettings(ctx context.Context, a Actor) (store.Clinic, error) {
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Read); err != nil {
		return store.Clinic{}, err
	}
	var c store.Clinic
	err := s.st.Read(ctx, func(tx *store.Tx) (err error) { c, err = tx.Clinic(ctx, a.P.ClinicID); return err })
	return c, err
}

// SaveClinicSettings saves the clinic's details.
func (s *Service) SaveClinicSettings(ctx context.Context, a Actor, d ClinicDetails) (store.Clinic, error) {
	if err := s.allowClinic(ctx, a, op{}, access.ClinicSettings, access.Write); err != nil {
		return store.Clinic{}, err
	}
	var c store.Clinic
	err := s.st.Write(ctx, func(tx *store.Tx) (err error) {
		if c, err = tx.Clinic(ctx, a.P.ClinicID); err != nil {
			return err
		}
		c.Name, c.TimeZone = strings.TrimSpace(d.Name), strings.TrimSpace(d.TimeZone)
		c.ContactEmail, c.ContactPhone, c.Address = strings.TrimSpace(d.ContactEmail), strings.TrimSpace(d.ContactPhone), strings.TrimSpace(d.Address)
		if c.ContactEmail != "" {
			if err := store.ValidateEmail(c.ContactEmail); err != nil {
				return problem.Invalidf("contact_email", "%s", problem.MessageOf(err))
			}
		}
		if err := tx.UpdateClinic(ctx, &c); err != nil {
			return err
		}
		if d.Clock != "" {
			if !timefmt.ValidClock(d.Clock) {
				return problem.Invalidf("clock", "Choose the 24-hour or the 12-hour clock.")
			}
			current, err := tx.ClinicSettings(ctx, c.ID)
			if err != nil {
				return err
			}
			// The default needs no row.
			value := d.Clock
			if value == timefmt.Clock24 {
				value = ""
			}
			if err := s.saveSettings(ctx, tx, a, current, map[string]string{store.SettingClock: value}, "clock", func(_, v string) string { return v }); err != nil {
				return err
			}
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: "clinic.settings", ResourceType: "clinic", ResourceID: c.ID})
	})
	return c, err
}
