package practice

import (
	"context"
	"slices"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

// Before the dose: the day's checks with the pre-dose reading, which open
// the record; a prescriber's override of a gate; a prescriber's
// confirmation of a dose outside the usual range.

var (
	opSessionStart     = op{action: "medicine_session.start"}
	opSessionChecklist = op{action: "medicine_session.checklist"}
	opSessionHold      = op{action: "medicine_session.hold"}
	opSessionOverride  = op{action: "medicine_session.override"}
	opDoseConfirm      = op{action: "medicine_session.dose_confirm"}
)

// ChecklistInput is the day's pre-dose checks (CLINICAL.md §3). A nil
// answer is a question not asked yet.
type ChecklistInput struct {
	SessionTarget
	CompanionName       string
	CompanionPhone      string
	RideConfirmed       bool
	LastFoodAt          *time.Time
	NoSubstances        *bool // no alcohol or other drugs for 24 hours
	StimulantsPaused    *bool // no stimulant taken today
	MedicationsReviewed bool
	Intention           string
	// Reading is the pre-dose reading; nil when none was taken with the checks.
	Reading *session.Vitals
}

// empty reports whether the checks say nothing at all.
func (in ChecklistInput) empty() bool {
	return in.Reading == nil && in.CompanionName == "" && in.CompanionPhone == "" && !in.RideConfirmed && in.LastFoodAt == nil &&
		in.NoSubstances == nil && in.StimulantsPaused == nil && !in.MedicationsReviewed && strings.TrimSpace(in.Intention) == ""
}

// SaveChecklist saves the day's checks, replacing the earlier answers, and
// the pre-dose reading taken with them; the first save opens the record. A
// reading above the hold line holds the session: no dose today, and the
// record says so (held is true). A clinician on the care team saves them.
func (s *Service) SavePreDoseChecks(ctx context.Context, a Actor, in ChecklistInput) (held bool, err error) {
	now := s.Now()
	err = s.changeSession(ctx, a, opSessionChecklist, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		var appt store.Appointment
		var course store.Course
		if c.Started {
			if err := c.rules().Change(session.PartChecks); err != nil {
				return err
			}
		} else {
			var err error
			if appt, err = s.medicineAppointment(ctx, tx, a, opSessionChecklist, c.chart, in.AppointmentID); err != nil {
				return err
			}
			var has bool
			if course, has, err = tx.SessionCourse(ctx, appt, c.Client.ID); err != nil {
				return err
			}
			if !has {
				return errSessionNoCourse()
			}
		}
		if in.empty() {
			// An empty form would start a record that says nothing.
			return problem.Invalidf(FieldChecklist, "Nothing was filled in: record at least one of the checks before saving.")
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		if in.Reading != nil {
			// The pre-dose reading must hold blood pressure, heart rate and
			// SpO2 (CLINICAL.md §3); the gates then judge it.
			if _, err := session.CheckPreDose(*in.Reading, st.Session.Settings.PreDose); err != nil {
				return err
			}
		}
		if !c.Started {
			m := store.MedicineSession{ClinicID: c.Client.ClinicID, AppointmentID: appt.ID, ClientID: c.Client.ID, CourseID: course.ID,
				StartedBy: a.P.UserID, StartedAt: now}
			if c.claim, err = tx.OpenMedicineSession(ctx, appt, &m); err != nil {
				return err
			}
			c.Started, c.Session = true, m
			c.log(a, opSessionStart, "appointment "+appt.ID, false)
		}
		checks := store.PreDoseChecklist{CompanionName: in.CompanionName, CompanionPhone: in.CompanionPhone, RideConfirmed: in.RideConfirmed,
			LastFoodAt: in.LastFoodAt, NoSubstances: in.NoSubstances, StimulantsPaused: in.StimulantsPaused,
			MedicationsReviewed: in.MedicationsReviewed, Intention: in.Intention, By: a.P.UserID, At: &now}
		if err := c.claim.SaveChecklist(ctx, checks); err != nil {
			return err
		}
		detail := "checklist"
		if in.Reading != nil {
			v := store.SessionVitals{PreDose: true, TakenAt: in.Reading.At, Vitals: *in.Reading, EnteredBy: a.P.UserID, EnteredAt: now}
			if err := c.claim.AddVitals(ctx, &v); err != nil {
				return err
			}
			detail += "; pre-dose reading" // its values are in the record, not the log
		}
		c.log(a, opSessionChecklist, detail, false)
		if in.Reading == nil {
			return nil
		}
		held, err = s.holdAboveLine(ctx, tx, a, c, st, now)
		return err
	})
	return held, err
}

// holdAboveLine judges the record's pre-dose reading as the blood-pressure
// gate does, after a new reading: above the hold line the gate fails and
// cannot be overridden, so there is no dose today, and the record is held
// with the gate's reason.
func (s *Service) holdAboveLine(ctx context.Context, tx *store.Tx, a Actor, c *claimedSession, st *Settings, now time.Time) (bool, error) {
	m := c.record()
	vitals, err := tx.SessionVitals(ctx, m.ClinicID, m.ID)
	if err != nil {
		return false, err
	}
	pre := m.PreDose(store.LatestPreDose(vitals))
	if !care.AboveHoldLine(pre, st.Gates) {
		return false, nil
	}
	g := care.FindGate(care.DayOfGates(care.GateInput{PreDose: pre}, st.Gates, now), care.GateBP)
	if err := c.claim.Hold(ctx, g.Why); err != nil {
		return false, err
	}
	c.log(a, opSessionHold, g.ID, true) // the gate, not what it found
	return true, nil
}

// sessionGates works out every gate of a started record now: the course's,
// and the day's from the record's checks, pre-dose reading and overrides.
// It reads only what the gates need, for a change that must clear them.
func (s *Service) sessionGates(ctx context.Context, tx *store.Tx, st *Settings, m store.MedicineSession, now time.Time) ([]care.Gate, error) {
	course, err := tx.Course(ctx, m.ClinicID, m.CourseID)
	if err != nil {
		return nil, err
	}
	rec := store.SessionRecord{Session: m}
	if rec.Vitals, err = tx.SessionVitals(ctx, m.ClinicID, m.ID); err != nil {
		return nil, err
	}
	if rec.Overrides, err = tx.SessionOverrides(ctx, m.ClinicID, m.ID); err != nil {
		return nil, err
	}
	in, err := tx.SessionGateInput(ctx, course, rec)
	if err != nil {
		return nil, err
	}
	return care.Gates(in, st.Gates, now), nil
}

// OverrideInput is a prescriber's override of one gate for this session.
type OverrideInput struct {
	SessionTarget
	GateID string
	Reason string
}

// OverrideGate records a prescriber's override of a gate (course or
// day-of) for this session only, before the dose. A prescriber on the care
// team overrides; care.CheckOverride says whether the gate may be
// overridden as it stands (a hold may not), and with what reason.
func (s *Service) OverrideSessionGate(ctx context.Context, a Actor, in OverrideInput) error {
	now := s.Now()
	return s.changeSession(ctx, a, opSessionOverride, in.SessionTarget, access.PrescriberOrder, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartOverride); err != nil {
			return err
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		gates, err := s.sessionGates(ctx, tx, st, c.record(), now)
		if err != nil {
			return err
		}
		gate := care.FindGate(gates, in.GateID)
		if gate == nil {
			return problem.Invalidf(FieldGate, "Choose one of the gates.")
		}
		// Access has said this is a prescriber on the care team; the gate
		// for a recent high C-SSRS result asks for both, so say so from
		// the chart rather than assume it.
		o := care.Override{GateID: gate.ID, Reason: in.Reason, By: a.Name, ByPrescriber: true,
			OnCareTeam: slices.Contains(c.chart.Team, a.P.UserID), At: now}
		if err := care.CheckOverride(*gate, o); err != nil {
			return err
		}
		stored := store.GateOverride{GateID: gate.ID, Reason: in.Reason, By: a.P.UserID, At: now}
		if err := c.claim.AddOverride(ctx, &stored); err != nil {
			return err
		}
		c.log(a, opSessionOverride, gate.ID, true)
		return nil
	})
}

// DoseConfirmationInput is a prescriber's confirmation of a dose that
// session.CheckDose says needs one.
type DoseConfirmationInput struct {
	SessionTarget
	Mg     session.Mg
	Reason string
}

// ConfirmDose records a prescriber's confirmation of a dose before it is
// given; it covers exactly that dose. No confirmation allows a dose above
// the order's maximum. A prescriber on the care team confirms.
func (s *Service) ConfirmDose(ctx context.Context, a Actor, in DoseConfirmationInput) error {
	now := s.Now()
	return s.changeSession(ctx, a, opDoseConfirm, in.SessionTarget, access.PrescriberOrder, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartDoseConfirmation); err != nil {
			return err
		}
		m := c.record()
		order, has, err := tx.CurrentDosingOrder(ctx, m.ClinicID, m.CourseID)
		if err != nil {
			return err
		}
		if has && in.Mg > order.Order.MaxMg {
			return problem.Invalidf(FieldMg, "%s is above this order's maximum of %s per session; no confirmation can allow it. Change the order instead.",
				in.Mg, order.Order.MaxMg)
		}
		return s.confirmDose(ctx, a, c, in.Mg, in.Reason, now)
	})
}

// confirmDose writes a prescriber's confirmation of mg with its entry.
func (s *Service) confirmDose(ctx context.Context, a Actor, c *claimedSession, mg session.Mg, reason string, now time.Time) error {
	if err := c.claim.ConfirmDose(ctx, store.DoseConfirmation{Mg: mg, Reason: reason, By: a.P.UserID, At: now}); err != nil {
		return err
	}
	c.log(a, opDoseConfirm, "", true)
	return nil
}
