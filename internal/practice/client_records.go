package practice

import (
	"context"
	"time"

	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// A client's records, as the API serves them: a read, a search and
// Patient/$everything all load them here, part by part, so the three can
// only ever agree.

// Parts says which of a client's records to load.
type Parts uint8

const (
	PartCourses Parts = 1 << iota
	PartGoals
	PartConsents // each signature with the document signed
	PartDosingOrders
	PartResponses
	// PartSessions are every booked session, cancelled ones too, the
	// record of each medicine session, and the clinic's staff by name.
	PartSessions
	// PartNotes are the signed preparation and integration session notes
	// and their addenda, and the clinic's staff by name. Psychotherapy
	// notes are not a part: they are not the client's record, and nothing
	// here can read them.
	PartNotes

	AllParts = PartCourses | PartGoals | PartConsents | PartDosingOrders | PartResponses | PartSessions | PartNotes
)

// ClientRecords are one client's records, as far as the Parts asked for.
type ClientRecords struct {
	Client       store.Client
	Courses      []store.Course
	Goals        []store.Goal
	Consents     []SignedConsent
	DosingOrders []store.DosingOrder // every version of every order, oldest first
	Responses    []store.Response
	Appointments []store.Appointment
	// SessionRecords are the records of the client's medicine sessions, by
	// appointment id.
	SessionRecords map[string]store.SessionRecord
	// StaffNames are the clinic's staff, disabled accounts too, by user
	// id: who booked, gave a dose, took a reading, wrote a note.
	StaffNames map[string]string
	// PrepNotes and IntegrationNotes are the client's signed session
	// notes over all their courses, addenda included, oldest first.
	PrepNotes        []store.PrepNote
	IntegrationNotes []store.IntegrationNote
	// SessionAppointments map the client's medicine session records to
	// their appointments, for the encounter a note integrates.
	SessionAppointments map[string]string
}

// SignedConsent is a client's signature on one version of a consent
// document, with the document.
type SignedConsent struct {
	Signature store.ConsentSignature
	Document  store.ConsentDocument
}

// RecordKind is a kind of record a read starts from, to find whose it is.
type RecordKind int

const (
	KindClient RecordKind = iota
	KindCourse
	KindConsentSignature
	KindGoal
	KindDosingOrder
	// KindAppointment is one client's part in an appointment: Ref.ClientID
	// names the client.
	KindAppointment
	KindMedicineSession
	KindSessionVitals // one set of readings of a medicine session
	KindAdverseEvent
	// KindSessionNote is a signed preparation or integration session note
	// (or an addendum): their ids are drawn from one random space.
	KindSessionNote
)

// Ref names one record by its kind and id.
type Ref struct {
	Kind RecordKind
	ID   string
	// ClientID is the client of a KindAppointment.
	ClientID string
}

// RecordsOf loads the records of the client whose record ref is, once
// access allows the actor to read that client's record: the client alone,
// or with the parts asked for. Absent, of another clinic and refused are
// the same refusal, recorded under q (what the caller asked for, which may
// be ref or a resource made from it).
func (s *Service) RecordsOf(ctx context.Context, a Actor, q Asked, ref Ref, parts Parts) (ClientRecords, error) {
	var out ClientRecords
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if !auth.ValidID(ref.ID) || (ref.Kind == KindAppointment && !auth.ValidID(ref.ClientID)) {
			return s.refuseAsked(a, q, "malformed id")
		}
		clientID, err := whose(ctx, tx, a.P.ClinicID, ref)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuseAsked(a, q, "no such record")
		}
		if err != nil {
			return err
		}
		ch, err := s.chartAsked(ctx, tx, a, q, clientID)
		if err != nil {
			return err
		}
		out, err = s.loadRecords(ctx, tx, ch.Client, parts, newPartCache())
		return err
	})
	return out, err
}

// whose finds the client a record of the clinic is about; NotFound when
// there is no such record.
func whose(ctx context.Context, tx *store.Tx, clinicID string, ref Ref) (string, error) {
	switch ref.Kind {
	case KindClient:
		return ref.ID, nil
	case KindCourse:
		co, err := tx.Course(ctx, clinicID, ref.ID)
		return co.ClientID, err
	case KindConsentSignature:
		sg, err := tx.ConsentSignature(ctx, clinicID, ref.ID)
		return sg.ClientID, err
	case KindGoal:
		g, err := tx.GoalByID(ctx, clinicID, ref.ID)
		return g.ClientID, err
	case KindDosingOrder:
		o, err := tx.DosingOrderByID(ctx, clinicID, ref.ID)
		return o.ClientID, err
	case KindAppointment:
		appt, err := tx.Appointment(ctx, clinicID, ref.ID)
		if err == nil && !appt.HasClient(ref.ClientID) {
			err = problem.New(problem.NotFound, "That client is not booked in that appointment.")
		}
		return ref.ClientID, err
	case KindSessionNote:
		n, err := tx.IntegrationNoteByID(ctx, clinicID, ref.ID)
		if problem.CodeOf(err) != problem.NotFound {
			return n.ClientID, err
		}
		p, err := tx.PrepNoteByID(ctx, clinicID, ref.ID)
		return p.ClientID, err
	case KindMedicineSession, KindSessionVitals, KindAdverseEvent:
		sessionID := ref.ID
		if part, ok := sessionParts[ref.Kind]; ok {
			var err error
			if sessionID, err = tx.SessionOfPart(ctx, clinicID, part, ref.ID); err != nil {
				return "", err
			}
		}
		m, err := tx.MedicineSession(ctx, clinicID, sessionID)
		return m.ClientID, err
	}
	return "", problem.New(problem.NotFound, "There is no such record.")
}

// sessionParts are the kinds of record that are parts of a medicine
// session record, by the table they are kept in.
var sessionParts = map[RecordKind]store.SessionPart{
	KindSessionVitals: store.PartVitals,
	KindAdverseEvent:  store.PartAdverseEvents,
}

// RecordsInScope loads the records of every client in scope that q
// matches (by id, name, date of birth…; q's ClinicID, Self and CareTeamOf
// are the scope's), each with the parts asked for, in q's order. Each
// client is put to the access decision as well as the scope.
func (s *Service) RecordsInScope(ctx context.Context, a Actor, sc Scope, q store.ClientQuery, parts Parts) ([]ClientRecords, error) {
	if !sc.made {
		return nil, errScope
	}
	if sc.none {
		return nil, nil
	}
	q.ClinicID, q.Self, q.CareTeamOf = sc.clinicID, sc.self, sc.careTeamOf
	var out []ClientRecords
	err := s.read(ctx, a, func(tx *store.Tx) error {
		clients, _, err := tx.SearchClients(ctx, q)
		if err != nil {
			return err
		}
		teams, err := tx.CareTeams(ctx, clientIDs(clients))
		if err != nil {
			return err
		}
		if err := inScope(a, clients, teams); err != nil {
			return err
		}
		pc := newPartCache()
		for _, cl := range clients {
			rec, err := s.loadRecords(ctx, tx, cl, parts, pc)
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// partCache keeps what the records of several clients share, read once:
// the clinic's staff and its consent documents.
type partCache struct {
	staff map[string]string // nil until read
	docs  map[string]store.ConsentDocument
}

func newPartCache() *partCache { return &partCache{docs: map[string]store.ConsentDocument{}} }

// loadRecords loads the parts of one client's records, in tx.
func (s *Service) loadRecords(ctx context.Context, tx *store.Tx, cl store.Client, parts Parts, pc *partCache) (ClientRecords, error) {
	rec := ClientRecords{Client: cl}
	var err error
	if parts&PartCourses != 0 {
		if rec.Courses, err = tx.ClientCourses(ctx, cl.ClinicID, cl.ID); err != nil {
			return rec, err
		}
	}
	if parts&PartGoals != 0 {
		if rec.Goals, err = tx.ClientGoals(ctx, cl.ClinicID, cl.ID); err != nil {
			return rec, err
		}
	}
	if parts&PartConsents != 0 {
		if rec.Consents, err = pc.consents(ctx, tx, cl); err != nil {
			return rec, err
		}
	}
	if parts&PartDosingOrders != 0 {
		if rec.DosingOrders, err = tx.ClientDosingOrders(ctx, cl.ClinicID, cl.ID); err != nil {
			return rec, err
		}
	}
	if parts&PartResponses != 0 {
		if rec.Responses, err = tx.Responses(ctx, cl.ClinicID, cl.ID, ""); err != nil {
			return rec, err
		}
	}
	if parts&PartSessions != 0 {
		if err := s.loadSessions(ctx, tx, &rec, pc); err != nil {
			return rec, err
		}
	}
	if parts&PartNotes != 0 {
		if rec.StaffNames, err = pc.staffNames(ctx, tx, cl.ClinicID); err != nil {
			return rec, err
		}
		if rec.PrepNotes, err = tx.ClientPrepNotes(ctx, cl.ClinicID, cl.ID); err != nil {
			return rec, err
		}
		if rec.IntegrationNotes, err = tx.ClientIntegrationNotes(ctx, cl.ClinicID, cl.ID); err != nil {
			return rec, err
		}
		if rec.SessionAppointments, err = tx.SessionAppointments(ctx, cl.ClinicID, cl.ID); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// staffNames are the clinic's staff by id, read once for all the clients.
func (pc *partCache) staffNames(ctx context.Context, tx *store.Tx, clinicID string) (map[string]string, error) {
	if pc.staff == nil {
		staff, err := tx.StaffNames(ctx, clinicID)
		if err != nil {
			return nil, err
		}
		pc.staff = staff
	}
	return pc.staff, nil
}

// consents are a client's signatures, each with its document.
func (pc *partCache) consents(ctx context.Context, tx *store.Tx, cl store.Client) ([]SignedConsent, error) {
	sigs, err := tx.ConsentSignatures(ctx, cl.ClinicID, cl.ID)
	if err != nil {
		return nil, err
	}
	var out []SignedConsent
	for _, sg := range sigs {
		doc, ok := pc.docs[sg.DocumentID]
		if !ok {
			if doc, err = tx.ConsentDocumentByID(ctx, cl.ClinicID, sg.DocumentID); err != nil {
				return nil, err
			}
			pc.docs[sg.DocumentID] = doc
		}
		out = append(out, SignedConsent{Signature: sg, Document: doc})
	}
	return out, nil
}

// loadSessions loads a client's appointments (cancelled ones too), the
// whole record of each medicine session, and the clinic's staff names.
func (s *Service) loadSessions(ctx context.Context, tx *store.Tx, rec *ClientRecords, pc *partCache) error {
	cl := rec.Client
	var err error
	if rec.StaffNames, err = pc.staffNames(ctx, tx, cl.ClinicID); err != nil {
		return err
	}
	// A client's sessions from the beginning of the practice to well past
	// any booking a calendar takes.
	rec.Appointments, err = tx.Appointments(ctx, store.AppointmentFilter{ClinicID: cl.ClinicID, ClientID: cl.ID,
		From: time.Unix(0, 0).UTC(), To: s.Now().AddDate(100, 0, 0), IncludeCancelled: true, Limit: 2000})
	if err != nil {
		return err
	}
	ms, err := tx.ClientMedicineSessions(ctx, cl.ClinicID, cl.ID)
	if err != nil {
		return err
	}
	recs, err := tx.SessionRecordsFrom(ctx, cl.ClinicID, ms)
	if err != nil {
		return err
	}
	rec.SessionRecords = make(map[string]store.SessionRecord, len(ms))
	for _, m := range ms {
		rec.SessionRecords[m.AppointmentID] = recs[m.ID]
	}
	return nil
}
