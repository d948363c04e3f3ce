package practice

import (
	"context"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// What the medicine session record page shows: one page per (appointment,
// client), reached from the session on the schedule and from the client's
// course. Before the dose it shows every gate and the day's forms; from the
// dose until discharge it is the live view, whose panel refreshes itself;
// then the record is signed, and exported as a PDF for the chart.

var (
	opSessionRead   = op{action: "medicine_session.read"}
	opSessionLive   = op{action: "medicine_session.live"}
	opSessionExport = op{action: "client.export"}
)

// SessionLive is what the live panel shows: the record's session with its
// readings and acknowledgements, and the session rules it is judged by.
type SessionLive struct {
	Client        store.Client
	AppointmentID string
	// Started is false before the pre-dose checks are first saved.
	Started bool
	// Record is the record; the live panel's loader fills only its session,
	// readings and acknowledgements.
	Record store.SessionRecord
	Rules  store.SessionRules
	// Now is when the record was read; Time writes times as the clinic
	// does (its zone and clock).
	Now  time.Time
	Time timefmt.Format
	// CanWrite is whether the reader documents the session (a clinician on
	// the care team), so the forms are offered.
	CanWrite bool
}

// Session is the record's session (zero before it is started).
func (l *SessionLive) Session() store.MedicineSession { return l.Record.Session }

// Alerts are the record's alerts now, with their acknowledgements, their
// messages on the clinic's clock.
func (l *SessionLive) Alerts() []session.AlertState {
	if !l.Started {
		return nil
	}
	return sessionAlerts(l.Record, l.Rules, l.Time)
}

// SessionPage is everything the record page shows.
type SessionPage struct {
	SessionLive
	Appointment store.Appointment
	Course      store.Course
	// Order is the course's current dosing order (HasOrder false without
	// one); on the export, the version the dose was checked against.
	Order    store.DosingOrder
	HasOrder bool
	Gates    []care.Gate
	// Staff is the clinic's staff, disabled ones too, by id: the names on
	// the record, and the clinicians the dose form offers.
	Staff    map[string]store.User
	RoomName string
	// Partners are the other clients of a joint session.
	Partners []store.Client
	// Prep is the client's own preparation checklist for the course, which
	// names the companion ahead of the day; read only before the record is
	// started, when the day's checks start from it.
	Prep         store.Checklist
	CanPrescribe bool
}

// Ready reports whether the gates let the dose go ahead, and if not which
// gates hold it back.
func (p *SessionPage) Ready() (bool, []string) { return care.Ready(p.Gates), blocking(p.Gates) }

// Discharge puts the record to session.CheckDischarge with what the form
// says of alertness and who the client leaves with.
func (p *SessionPage) Discharge(alertOriented bool, releasedTo string) session.Discharge {
	return dischargeCheck(p.Record, p.Rules, p.Now, p.Time, alertOriented, releasedTo)
}

// SessionPageFor is whom the record page is loaded for: a reader, or the
// writer of one of its forms whose form was refused and who sees the page
// again. A person who may not use the form is refused as the form refuses
// them, whatever was wrong with what they sent.
type SessionPageFor int

const (
	ForReading        SessionPageFor = iota // the page itself
	ForClinicianForm                        // a form a clinician on the care team writes
	ForPrescriberForm                       // a form only a prescriber on the care team writes
)

// access is what the page asks of the reader.
func (f SessionPageFor) access() (access.Type, access.Action) {
	switch f {
	case ForClinicianForm:
		return access.ClinicalCare, access.Write
	case ForPrescriberForm:
		return access.PrescriberOrder, access.Write
	}
	return access.ClientRecord, access.Read
}

// entry is the audit entry of reading the record as o.
func (l *SessionLive) entry(a Actor, o op, detail string) audit.Entry {
	return audit.Entry{Action: a.actionOf(o), ResourceType: "medicine_session", ResourceID: l.Session().ID, ClientID: l.Client.ID, Detail: detail}
}

// SessionRecordPage loads the record page of a client's session, for a
// reader or for the writer of a refused form (SessionPageFor), and
// records the read. A client out of scope, or an appointment that is not
// a medicine session of theirs, is a refusal; a client with no course is
// a Conflict.
func (s *Service) SessionRecordPage(ctx context.Context, a Actor, at SessionTarget, use SessionPageFor) (*SessionPage, error) {
	t, act := use.access()
	var p *SessionPage
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		p, err = s.sessionPage(ctx, tx, a, opSessionRead, at, t, act)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, s.Record(ctx, a, p.entry(a, opSessionRead, "appointment "+at.AppointmentID))
}

// SessionRecordExport loads a session's record for its PDF, with the
// dosing order the dose was checked against (which a later version may
// since have replaced), and records the export. The care team and admins
// export it, as the measures report; a session with no record yet has
// nothing to export.
func (s *Service) SessionRecordExport(ctx context.Context, a Actor, at SessionTarget) (*SessionPage, error) {
	var p *SessionPage
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		if p, err = s.sessionPage(ctx, tx, a, opSessionExport, at, access.ClientRecord, access.Export); err != nil {
			return err
		}
		if !p.Started {
			return s.refuse(a, opSessionExport, "medicine_session", at.AppointmentID, "no record yet", "This session has no record yet.")
		}
		if d := p.Session().Dose; d != nil && d.OrderID != "" {
			if p.Order, err = tx.DosingOrderByID(ctx, p.Client.ClinicID, d.OrderID); err != nil {
				return err
			}
			p.HasOrder = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, s.Record(ctx, a, p.entry(a, opSessionExport, "medicine session record PDF"))
}

// sessionPage loads the record page in tx, after asking access whether the
// actor may act on the client's record as t.
func (s *Service) sessionPage(ctx context.Context, tx *store.Tx, a Actor, o op, at SessionTarget, t access.Type, act access.Action) (*SessionPage, error) {
	ch, err := s.chartFor(ctx, tx, a, o, at.ClientID, t, act)
	if err != nil {
		return nil, err
	}
	appt, err := s.medicineAppointment(ctx, tx, a, o, ch, at.AppointmentID)
	if err != nil {
		return nil, err
	}
	clinicID := ch.Client.ClinicID
	p := &SessionPage{SessionLive: SessionLive{Client: ch.Client, AppointmentID: appt.ID, Now: s.Now(),
		CanWrite: ch.may(a, access.Write, access.ClinicalCare)},
		Appointment: appt, CanPrescribe: ch.may(a, access.Write, access.PrescriberOrder)}
	st, err := s.settings(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	p.Rules, p.Time = st.Session, st.Time
	m, ok, err := tx.MedicineSessionFor(ctx, clinicID, appt.ID, ch.Client.ID)
	if err != nil {
		return nil, err
	}
	var in care.GateInput
	if p.Started = ok; ok {
		if p.Record, err = tx.SessionRecordFrom(ctx, m); err != nil {
			return nil, err
		}
		if p.Course, err = tx.Course(ctx, clinicID, m.CourseID); err != nil {
			return nil, err
		}
		in, err = tx.SessionGateInput(ctx, p.Course, p.Record)
	} else {
		var has bool
		if p.Course, has, err = tx.SessionCourse(ctx, appt, ch.Client.ID); err != nil {
			return nil, err
		}
		if !has {
			return nil, errSessionNoCourse()
		}
		if p.Prep, _, err = tx.CourseChecklist(ctx, clinicID, p.Course.ID); err != nil {
			return nil, err
		}
		in, err = tx.DayGateInput(ctx, p.Course)
	}
	if err != nil {
		return nil, err
	}
	p.Gates = care.Gates(in, st.Gates, p.Now)
	// A couple's joint session: neither partner's dose starts until both
	// are ready (couples.go).
	joint, err := s.jointGates(ctx, tx, st, appt, ch.Client.ID, p.Now)
	if err != nil {
		return nil, err
	}
	p.Gates = append(p.Gates, joint...)
	if p.Order, p.HasOrder, err = tx.CurrentDosingOrder(ctx, clinicID, p.Course.ID); err != nil {
		return nil, err
	}
	staff, err := tx.Staff(ctx, clinicID)
	if err != nil {
		return nil, err
	}
	p.Staff = map[string]store.User{}
	for _, u := range staff {
		p.Staff[u.ID] = u
	}
	if appt.RoomID != "" {
		room, err := tx.Room(ctx, clinicID, appt.RoomID)
		if err != nil && problem.CodeOf(err) != problem.NotFound {
			return nil, err
		}
		p.RoomName = room.Name
	}
	for _, id := range appt.ClientIDs() {
		if id == ch.Client.ID {
			continue
		}
		c, err := tx.Client(ctx, clinicID, id)
		if err != nil {
			return nil, err
		}
		p.Partners = append(p.Partners, c)
	}
	return p, nil
}

// SessionLivePanel loads what the live panel shows, which the page's
// script asks for every ten seconds, and records the look: a light read of
// the session, its readings and acknowledgements, and the session rules.
// Access and refusals are as the page's.
func (s *Service) SessionLivePanel(ctx context.Context, a Actor, at SessionTarget) (*SessionLive, error) {
	l := &SessionLive{AppointmentID: at.AppointmentID, Now: s.Now()}
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opSessionLive, at.ClientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		l.Client, l.CanWrite = ch.Client, ch.may(a, access.Write, access.ClinicalCare)
		m, ok, err := tx.MedicineSessionFor(ctx, ch.Client.ClinicID, at.AppointmentID, ch.Client.ID)
		if err != nil {
			return err
		}
		if l.Started = ok; !ok {
			// No panel before the dose; the page answers for the
			// appointment as the page does.
			appt, err := s.medicineAppointment(ctx, tx, a, opSessionLive, ch, at.AppointmentID)
			if err != nil {
				return err
			}
			if _, has, err := tx.SessionCourse(ctx, appt, ch.Client.ID); err != nil || !has {
				if err == nil {
					err = errSessionNoCourse()
				}
				return err
			}
			return nil
		}
		rec, st, err := s.readingsOf(ctx, tx, a, m)
		l.Record = rec
		if st != nil {
			l.Rules, l.Time = st.Session, st.Time
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, s.Record(ctx, a, l.entry(a, opSessionLive, ""))
}
