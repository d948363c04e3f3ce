package practice

import (
	"context"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// How a session ends: stopped early, or the client discharged; then the
// record is signed and locked, and corrections follow as addenda.

var (
	opSessionStop      = op{action: "medicine_session.stop"}
	opSessionDischarge = op{action: "medicine_session.discharge"}
	opSessionSign      = op{action: "medicine_session.sign"}
	opSessionAddendum  = op{action: "medicine_session.addendum"}
)

// StopInput ends a session early.
type StopInput struct {
	SessionTarget
	Reason string
}

// StopSession ends the session early, before or after the dose (the client
// chose not to go on, or was transferred to other care), with the reason.
// A clinician on the care team stops it.
func (s *Service) StopSession(ctx context.Context, a Actor, in StopInput) error {
	return s.changeSession(ctx, a, opSessionStop, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.mustBeStarted(); err != nil {
			return err
		}
		if err := c.rules().Move(session.Stopped); err != nil {
			return err
		}
		if err := c.claim.Stop(ctx, in.Reason); err != nil {
			return err
		}
		c.log(a, opSessionStop, "", true)
		return nil
	})
}

// DischargeInput is what the clinician says of the client leaving.
type DischargeInput struct {
	SessionTarget
	ReleasedTo    string // who the client leaves with
	AlertOriented bool
}

// Discharge discharges the client of a dosed session once every criterion
// of session.CheckDischarge passes, judged now from the record's readings
// and alerts. A clinician on the care team discharges.
func (s *Service) Discharge(ctx context.Context, a Actor, in DischargeInput) error {
	now := s.Now()
	return s.changeSession(ctx, a, opSessionDischarge, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		m := c.record()
		if !c.Started || m.State != session.Dosed {
			return problem.New(problem.Conflict, "Only a dosed session can be discharged; the page shows where it stands now.")
		}
		if err := c.rules().Move(session.Discharged); err != nil {
			return err
		}
		rec, st, err := s.readingsOf(ctx, tx, a, m)
		if err != nil {
			return err
		}
		d := dischargeCheck(rec, st.Session, now, st.Time, in.AlertOriented, in.ReleasedTo)
		if !d.Ready {
			var not []string
			for _, cr := range d.Criteria {
				if !cr.Passed {
					not = append(not, cr.Label+": "+cr.Reason)
				}
			}
			return problem.Invalidf(FieldDischarge, "Not ready for discharge yet. %s", strings.Join(not, " "))
		}
		if err := c.claim.Discharge(ctx, store.SessionDischarge{At: now, ReleasedTo: in.ReleasedTo, AlertOriented: true, By: a.P.UserID}); err != nil {
			return err
		}
		c.log(a, opSessionDischarge, "", false)
		return nil
	})
}

// dischargeCheck puts the record to session.CheckDischarge with what is
// said of alertness and who the client leaves with. rec holds the record's
// readings (the pre-dose one too), observations' sedation scores and
// acknowledgements; the criteria's reasons write times as tf does, on the
// clinic's clock.
func dischargeCheck(rec store.SessionRecord, rules store.SessionRules, now time.Time, tf timefmt.Format, alertOriented bool, releasedTo string) session.Discharge {
	m := rec.Session
	in := session.DischargeInput{Protocol: rules.Protocol, Limits: rules.Settings.Discharge, Now: now, Time: tf,
		LastVitals: store.LatestReading(rec.Vitals), AlertAndOriented: alertOriented, Companion: m.Checklist.CompanionName, ReleasedTo: releasedTo,
		OpenAlerts: session.OpenAlerts(sessionAlerts(rec, rules, tf))}
	if m.Dose != nil {
		// The minimum observation counts from the end of administration,
		// whatever the route.
		in.DoseTime = m.Dose.GivenAt
		adm := m.Dose.Administration()
		in.Administration = &adm
	}
	if pre := store.LatestPreDose(rec.Vitals); pre != nil {
		// The last reading is compared with the client's own level.
		v := pre.Vitals
		in.PreDose = &v
	}
	return session.CheckDischarge(in)
}

// SignSession signs the record of a session that has ended and locks it.
// A prescriber on the care team signs (DEMO.md: the prescriber signs
// sessions).
func (s *Service) SignSession(ctx context.Context, a Actor, at SessionTarget) error {
	return s.changeSession(ctx, a, opSessionSign, at, access.PrescriberOrder, func(tx *store.Tx, c *claimedSession) error {
		if err := c.mustBeStarted(); err != nil {
			return err
		}
		if err := c.rules().Sign(); err != nil {
			return err
		}
		state := c.record().State
		if err := c.claim.Sign(ctx, a.P.UserID, s.Now()); err != nil {
			return err
		}
		c.log(a, opSessionSign, string(state), true)
		return nil
	})
}

// AddendumInput is a correction or addition to a signed record.
type AddendumInput struct {
	SessionTarget
	Body string
}

// AddAddendum adds an addendum to a signed record; before the signature
// the record itself is still open to change. A clinician on the care team
// adds it.
func (s *Service) AddAddendum(ctx context.Context, a Actor, in AddendumInput) error {
	return s.changeSession(ctx, a, opSessionAddendum, in.SessionTarget, access.ClinicalCare, func(tx *store.Tx, c *claimedSession) error {
		if err := c.change(session.PartAddendum); err != nil {
			return err
		}
		add := store.SessionAddendum{Body: in.Body, By: a.P.UserID, At: s.Now()}
		if err := c.claim.AddAddendum(ctx, &add); err != nil {
			return err
		}
		c.log(a, opSessionAddendum, add.ID, false)
		return nil
	})
}
