package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

var opSessionDose = op{action: "medicine_session.dose"}

// DoseInput is the dose as given, with the room and the staff present.
type DoseInput struct {
	SessionTarget
	// Weight is the weight taken today, which the dose is worked out from.
	Weight session.Kg
	// Mg is the dose given; zero leaves it to the order: mg/kg × today's
	// weight, rounded down to the route's unit and held to the order's
	// maximum (session.Calculate).
	Mg session.Mg
	// InfusionMinutes, for IV only, is how long the infusion runs; zero
	// takes the order's time (its OverMinutes).
	InfusionMinutes int
	Lot             string
	GivenBy         string // user id of the clinician who gave it
	GivenAt         time.Time
	Setting         store.SessionSetting
	Staff           []string // user ids of the staff present
	// ConfirmReason, from a prescriber on the care team, confirms in the
	// same step a dose that needs a prescriber's confirmation.
	ConfirmReason string
}

// GiveDose records the dose and starts the monitoring. Every gate must be
// cleared; the dose is checked against the course's current dosing order
// (session.CheckDose), and one outside the usual range needs a
// prescriber's confirmation of exactly that dose. A clinician on the care
// team records it.
func (s *Service) GiveDose(ctx context.Context, a Actor, in DoseInput) error {
	now := s.Now()
	return s.changeSession(ctx, a, opSessionDose, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.mustBeStarted(); err != nil {
			return err
		}
		if err := c.rules().Move(session.Dosed); err != nil {
			return err
		}
		m := c.record()
		order, has, err := tx.CurrentDosingOrder(ctx, m.ClinicID, m.CourseID)
		if err != nil {
			return err
		}
		if !has {
			return problem.New(problem.Conflict, "This course has no dosing order; a prescriber must write one first.")
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		gates, err := s.sessionGates(ctx, tx, st, m, now)
		if err != nil {
			return err
		}
		appt, err := tx.Appointment(ctx, m.ClinicID, m.AppointmentID)
		if err != nil {
			return err
		}
		joint, err := s.jointGates(ctx, tx, st, appt, m.ClientID, now)
		if err != nil {
			return err
		}
		if gates = append(gates, joint...); !care.Ready(gates) {
			return problem.Invalidf(FieldDose, "The dose is blocked until every gate is cleared. Not cleared: %s.", strings.Join(blocking(gates), "; "))
		}
		if err := session.ValidateWeight(in.Weight); err != nil {
			return err
		}
		settings, mg := st.Session.Settings, in.Mg
		if mg == 0 {
			d, err := session.Calculate(order.Order, in.Weight, settings)
			if err != nil {
				return err
			}
			mg = d.Mg
		}
		adm := session.Administration{Route: order.Order.Route, Mg: mg, Weight: in.Weight, Started: in.GivenAt, InfusionMinutes: in.InfusionMinutes}
		if adm.Route == session.IV && adm.InfusionMinutes == 0 {
			adm.InfusionMinutes = order.Order.OverMinutes
		}
		// The IV rate joins the reasons a prescriber must confirm.
		check, err := session.CheckAdministration(order.Order, adm, settings)
		if err != nil {
			return err
		}
		needs := check.NeedsConfirmation()
		if needs && (m.DoseConfirm == nil || m.DoseConfirm.Mg != mg) {
			if !c.may(a, access.Write, access.PrescriberOrder) || in.ConfirmReason == "" {
				return problem.Invalidf(FieldMg, "%s needs a prescriber's confirmation before it is given: %s A prescriber on the care team confirms it on this page.",
					mg, strings.Join(check.Reasons, " "))
			}
			if err := s.confirmDose(ctx, a, c, mg, in.ConfirmReason, now); err != nil {
				return err
			}
		}
		if err := mustBeClinician(ctx, tx, m.ClinicID, in.GivenBy); err != nil {
			return err
		}
		d := store.SessionDose{Route: order.Order.Route, Weight: in.Weight, Mg: mg, Units: check.Units, Lot: in.Lot, GivenBy: in.GivenBy,
			GivenAt: in.GivenAt, OrderID: order.ID, RecordedBy: a.P.UserID, InfusionMinutes: adm.InfusionMinutes}
		if err := c.claim.RecordDose(ctx, order, d, needs); err != nil {
			return err
		}
		if err := c.claim.SaveSetting(ctx, in.Setting, in.Staff); err != nil {
			return err
		}
		// The dose, route and weight are in the record; the log says only
		// that a dose was recorded.
		c.log(a, opSessionDose, "", false)
		return nil
	})
}

var opAdministrationEnd = op{action: "medicine_session.administration_end"}

// AdministrationEndInput is when administration ended.
type AdministrationEndInput struct {
	SessionTarget
	// At is the end of the IV infusion, the last esketamine device, or the
	// moment the lozenge or tablet was spat out; zero is now.
	At time.Time
}

// RecordAdministrationEnd records when administration ended, while the
// client is watched: the minimum observation before discharge counts from
// it, for every route (session.Administration.Ended assumes an end from
// the route until it is recorded). A clinician on the care team records
// it; a time before the dose or after now is refused.
func (s *Service) RecordAdministrationEnd(ctx context.Context, a Actor, in AdministrationEndInput) error {
	now := s.Now()
	if in.At.IsZero() {
		in.At = now
	}
	return s.changeSession(ctx, a, opAdministrationEnd, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartAdministrationEnd); err != nil {
			return err
		}
		m := c.record()
		if m.Dose == nil {
			return problem.Invalidf(FieldEndedAt, "The dose is not recorded yet.")
		}
		// The refusal names times on the clinic's clock.
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := m.Dose.Administration().CheckEnd(in.At, now, st.Time); err != nil {
			return err
		}
		if err := c.claim.RecordAdministrationEnd(ctx, in.At, a.P.UserID); err != nil {
			return err
		}
		c.log(a, opAdministrationEnd, in.At.In(a.Location()).Format("15:04"), false)
		return nil
	})
}

// FieldEndedAt names the end of administration in a problem, as
// session.Administration.CheckEnd does.
const FieldEndedAt = "ended_at"

// blocking names the gates that hold the dose back.
func blocking(gates []care.Gate) []string {
	var out []string
	for _, g := range care.Blocking(gates) {
		out = append(out, g.Title)
	}
	return out
}

// isClinician reports whether a member of staff gives care: a therapist or
// a prescriber.
func isClinician(u store.User) bool {
	return u.HasRole(store.RoleTherapist) || u.HasRole(store.RolePrescriber)
}

// mustBeClinician refuses as who gave the dose anyone who is not an active
// clinician of the clinic.
func mustBeClinician(ctx context.Context, tx *store.Tx, clinicID, userID string) error {
	refused := problem.Invalidf(FieldGivenBy, "Choose who gave the dose from the list.")
	if userID == "" {
		return refused
	}
	u, err := tx.User(ctx, userID)
	if problem.CodeOf(err) == problem.NotFound {
		return refused
	}
	if err != nil {
		return err
	}
	if u.ClinicID != clinicID || u.Kind != "staff" || !isClinician(u) || u.DisabledAt != nil {
		return refused
	}
	return nil
}
