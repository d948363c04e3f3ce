package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/calendar"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// A client's details on their record: name, preferred name, date of birth,
// email and phone. Screening needs the date of birth (a client without one
// cannot be approved: the age limit cannot be decided), so the care team
// and admins can add or correct it after the client was added.

// ClientDetails are a client's details as typed on the chart.
type ClientDetails struct {
	GivenName, FamilyName, PreferredName string
	DateOfBirth                          string // YYYY-MM-DD, or ""
	Email, Phone                         string
}

var opClientDetails = op{action: "client.update"}

// UpdateClientDetails changes a client's details. A clinician on the care
// team or an admin changes them; a date of birth in the future, or more
// than 130 years ago, is refused. The log names the fields changed, not
// their values.
func (s *Service) UpdateClientDetails(ctx context.Context, a Actor, clientID string, in ClientDetails) (store.Client, error) {
	var out store.Client
	now := s.Now()
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opClientDetails, clientID, access.ClientRecord, access.Write)
		if err != nil {
			return err
		}
		before := ch.Client
		c := before
		c.GivenName, c.FamilyName, c.PreferredName = in.GivenName, in.FamilyName, in.PreferredName
		c.DateOfBirth, c.Email, c.Phone = strings.TrimSpace(in.DateOfBirth), in.Email, in.Phone
		if err := plausibleBirth(c.DateOfBirth, calendar.Of(now, a.Location())); err != nil {
			return err
		}
		if err := tx.UpdateClientDetails(ctx, &c); err != nil {
			return err
		}
		var changed []string
		for _, f := range []struct{ name, was, is string }{
			{"name", before.GivenName + " " + before.FamilyName, c.GivenName + " " + c.FamilyName},
			{"preferred name", before.PreferredName, c.PreferredName},
			{"date of birth", before.DateOfBirth, c.DateOfBirth},
			{"email", before.Email, c.Email},
			{"phone", before.Phone, c.Phone},
		} {
			if f.was != f.is {
				changed = append(changed, f.name)
			}
		}
		out = c
		detail := "no change"
		if len(changed) > 0 {
			detail = "changed: " + strings.Join(changed, ", ")
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opClientDetails.action, ResourceType: "client", ResourceID: c.ID, ClientID: c.ID, Detail: detail})
	})
	return out, err
}

// plausibleBirth refuses a date of birth after today, or more than 130
// years before it, on the clinic's calendar; "" (not known) passes.
func plausibleBirth(dob string, today calendar.Day) error {
	if dob == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02", dob)
	if err != nil {
		return problem.Invalidf("date_of_birth", "The date of birth must be a date such as 1980-04-23.")
	}
	d := calendar.Of(t, time.UTC)
	switch {
	case today.Before(d):
		return problem.Invalidf("date_of_birth", "The date of birth is after today; check the year.")
	case d.Before(today.AddMonths(-130 * 12)):
		return problem.Invalidf("date_of_birth", "The date of birth is more than 130 years ago; check the year.")
	}
	return nil
}
