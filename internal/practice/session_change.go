package practice

import (
	"context"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

// How every change to a medicine session record is made: access first, as
// the change needs it; then the record claimed, once, in the change's one
// write transaction (store.SessionClaim), and its state put to the session
// package's rules before the input is checked; then the change, written
// through the claim, and its audit entries in the same transaction. Each
// change reads only what its own checks need.

// SessionTarget names a client's medicine session: the client, and the
// appointment (the pages' URL; the FHIR Encounter id is the same pair).
type SessionTarget struct {
	ClientID      string
	AppointmentID string
}

// Fields the session's changes name in their problems, besides FieldSession
// and FieldAt and those the session package and the store name.
const (
	FieldChecklist = "checklist" // the checks as a whole
	FieldMg        = "mg"        // a dose in mg
	FieldDose      = "dose"      // the dose as a whole
	FieldGivenBy   = "given_by"  // who gave the dose
	FieldDischarge = "discharge" // the discharge as a whole
)

// claimedSession is a client's medicine session claimed for a change, once
// access has allowed it. Before the pre-dose checks are first saved there
// is no record yet: Started is false and claim nil.
type claimedSession struct {
	sessionRecord
	claim *store.SessionClaim
	// entries are the audit entries of the change, appended when it is done.
	entries []audit.Entry
}

// claimSessionFor asks access whether the actor may act on the client's
// record as t, then claims the client's session in the appointment.
func (s *Service) claimSessionFor(ctx context.Context, tx *store.Tx, a Actor, o op, at SessionTarget, t access.Type, act access.Action) (*claimedSession, error) {
	ch, err := s.chartFor(ctx, tx, a, o, at.ClientID, t, act)
	if err != nil {
		return nil, err
	}
	c, ok, err := tx.ClaimMedicineSessionFor(ctx, ch.Client.ClinicID, at.AppointmentID, ch.Client.ID)
	if err != nil {
		return nil, err
	}
	cs := &claimedSession{sessionRecord: sessionRecord{chart: ch, Started: ok}, claim: c}
	if ok {
		cs.Session = c.Session
	}
	return cs, nil
}

// record is the claimed record as it now stands; zero before it is started.
func (c *claimedSession) record() store.MedicineSession {
	if c.claim == nil {
		return store.MedicineSession{}
	}
	return c.claim.Session
}

// rules are the record's state as the session package's rules judge it.
func (c *claimedSession) rules() session.Record { return c.record().Record() }

// change refuses a change to part of the record its state does not allow,
// or one to a record not yet started.
func (c *claimedSession) change(p session.Part) error {
	if err := c.mustBeStarted(); err != nil {
		return err
	}
	return c.rules().Change(p)
}

// log adds the change's audit entry of action o about the record; high
// marks what a reviewer must see (an override, a signature, a severe event).
func (c *claimedSession) log(a Actor, o op, detail string, high bool) {
	e := audit.Entry{Action: a.actionOf(o), ResourceType: "medicine_session", ResourceID: c.record().ID, ClientID: c.Client.ID, Detail: detail}
	if high {
		e.Severity = audit.High
	}
	c.entries = append(c.entries, e)
}

// changeSession runs one change to a client's session record: access as t
// to write, the record claimed, fn, and the entries fn logged, all in one
// write transaction.
func (s *Service) changeSession(ctx context.Context, a Actor, o op, at SessionTarget, t access.Type, fn func(tx *store.Tx, c *claimedSession) error) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		c, err := s.claimSessionFor(ctx, tx, a, o, at, t, access.Write)
		if err != nil {
			return err
		}
		if err := fn(tx, c); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, c.entries...)
	})
}

// sessionNotFound is what a person is told of a session that is not a
// medicine session of this client, or that they may not see.
const sessionNotFound = "The session was not found."

// medicineAppointment loads the appointment of a session not yet started
// and refuses, as absent, one that is not a medicine session of this
// client. A started record needs no such check: it was opened for a
// medicine appointment of its client.
func (s *Service) medicineAppointment(ctx context.Context, tx *store.Tx, a Actor, o op, ch chart, apptID string) (store.Appointment, error) {
	appt, err := tx.Appointment(ctx, ch.Client.ClinicID, apptID)
	if problem.CodeOf(err) == problem.NotFound {
		return appt, s.refuse(a, o, "medicine_session", apptID, "no such session", sessionNotFound)
	}
	if err != nil {
		return appt, err
	}
	if appt.Kind != store.KindMedicine || !appt.HasClient(ch.Client.ID) {
		return appt, s.refuse(a, o, "medicine_session", apptID, "not a medicine session of this client", sessionNotFound)
	}
	return appt, nil
}

// errSessionNoCourse refuses a session whose client has no course.
func errSessionNoCourse() error {
	return problem.New(problem.Conflict, "This client has no course, so a medicine session cannot start. Open a course first.")
}
