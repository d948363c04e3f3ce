package practice

import (
	"context"
	"slices"
	"strings"
	"time"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// Couples work (CLINICAL.md §5). A couple links two clients of one clinic;
// each partner stays a client in their own right, with their own intake,
// screening, consent, dosing order and vitals. What the couple adds: the
// couples consent, which both sign before any joint session; the joint
// gates (care.JointGates), so neither partner is dosed in a joint session
// until both are ready; and a shared reflection space (couple_space.go).
// Either partner may leave couples work; the couple then ends for both.

var (
	opCoupleRead  = op{action: "couple.read", fhirType: "Group", fhirVerb: "read"}
	opCoupleLink  = op{action: "couple.create"}
	opCoupleEnd   = op{action: "couple.end"}
	opCoupleLeave = op{action: "couple.leave"}
)

// FieldPartner (appointment_book.go) names the partner on the couples
// page's form too.

// CoupleOf is a couple with its two partners.
type CoupleOf struct {
	store.Couple
	// A and B are the partners ClientA and ClientB.
	A, B store.Client
}

// PartnerOf is the other partner than clientID.
func (c CoupleOf) PartnerOf(clientID string) store.Client {
	if c.A.ID == clientID {
		return c.B
	}
	return c.A
}

// coupleChart is a couple with both partners' charts, for the access
// decision.
type coupleChart struct {
	CoupleOf
	teamA, teamB []string
}

func (c coupleChart) resource(t access.Type) access.Resource {
	return access.Resource{Type: t, ClinicID: c.ClinicID, ClientID: c.A.ID, CareTeam: c.teamA, PartnerID: c.B.ID, PartnerTeam: c.teamB}
}

func (c coupleChart) may(a Actor, act access.Action, t access.Type) bool {
	return access.Allow(a.P, act, c.resource(t))
}

// notFoundCouple is what a person is told of a couple they may not see.
const notFoundCouple = "That couple was not found."

// loadCouple loads both partners and their care teams of a stored couple.
func (s *Service) loadCouple(ctx context.Context, tx *store.Tx, c store.Couple) (coupleChart, error) {
	cc := coupleChart{CoupleOf: CoupleOf{Couple: c}}
	var err error
	if cc.A, err = tx.Client(ctx, c.ClinicID, c.ClientA); err != nil {
		return cc, err
	}
	if cc.B, err = tx.Client(ctx, c.ClinicID, c.ClientB); err != nil {
		return cc, err
	}
	teams, err := tx.CareTeams(ctx, c.Clients())
	cc.teamA, cc.teamB = teams[c.ClientA], teams[c.ClientB]
	return cc, err
}

// coupleFor loads one of the clinic's couples by id and asks access whether
// the actor may act on it as t; absent and refused are the same refusal.
func (s *Service) coupleFor(ctx context.Context, tx *store.Tx, a Actor, o op, id string, t access.Type, act access.Action) (coupleChart, error) {
	if !auth.ValidID(id) {
		return coupleChart{}, s.refuse(a, o, "couple", "", "malformed id", notFoundCouple)
	}
	c, err := tx.Couple(ctx, a.P.ClinicID, id)
	if problem.CodeOf(err) == problem.NotFound {
		return coupleChart{}, s.refuse(a, o, "couple", id, "no such record", notFoundCouple)
	}
	if err != nil {
		return coupleChart{}, err
	}
	cc, err := s.loadCouple(ctx, tx, c)
	if err != nil {
		return cc, err
	}
	if !cc.may(a, act, t) {
		return coupleChart{}, s.refuse(a, o, "couple", id, "out of scope", notFoundCouple)
	}
	return cc, nil
}

// Couple reads one couple, as q asked for it (the FHIR Group); the caller
// records the read (RecordRead), as for every resource the API serves.
func (s *Service) Couple(ctx context.Context, a Actor, q Asked, id string) (CoupleOf, error) {
	var out CoupleOf
	err := s.read(ctx, a, func(tx *store.Tx) error {
		if !auth.ValidID(id) {
			return s.refuseAsked(a, q, "malformed id")
		}
		c, err := tx.Couple(ctx, a.P.ClinicID, id)
		if problem.CodeOf(err) == problem.NotFound {
			return s.refuseAsked(a, q, "no such record")
		}
		if err != nil {
			return err
		}
		cc, err := s.loadCouple(ctx, tx, c)
		if err != nil {
			return err
		}
		if !cc.may(a, access.Read, access.Couple) {
			return s.refuseAsked(a, q, "out of scope")
		}
		out = cc.CoupleOf
		return nil
	})
	return out, err
}

// SearchCouples lists the couples the actor may read, of the members given
// (client ids; none: every couple of the clinic in scope), newest first, a
// page at a time with the total. Each couple is put to the access decision,
// so a therapist on one partner's care team finds that partner's couples.
func (s *Service) SearchCouples(ctx context.Context, a Actor, sc Scope, members []string, ids []string, limit, offset int) ([]CoupleOf, int, error) {
	if !sc.made {
		return nil, 0, errScope
	}
	if sc.none {
		return nil, 0, nil
	}
	var found []CoupleOf
	err := s.read(ctx, a, func(tx *store.Tx) error {
		var cs []store.Couple
		var err error
		switch {
		case len(members) > 0:
			seen := map[string]bool{}
			for _, m := range members {
				of, err := tx.CouplesOf(ctx, sc.clinicID, m)
				if err != nil {
					return err
				}
				for _, c := range of {
					if !seen[c.ID] {
						seen[c.ID] = true
						cs = append(cs, c)
					}
				}
			}
		case sc.self != "":
			cs, err = tx.CouplesOf(ctx, sc.clinicID, sc.self)
		default:
			cs, err = tx.ClinicCouples(ctx, sc.clinicID)
		}
		if err != nil {
			return err
		}
		for _, c := range cs {
			if ids != nil && !slices.Contains(ids, c.ID) {
				continue
			}
			cc, err := s.loadCouple(ctx, tx, c)
			if err != nil {
				return err
			}
			if cc.may(a, access.Read, access.Couple) {
				found = append(found, cc.CoupleOf)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	total := len(found)
	if offset > len(found) {
		offset = len(found)
	}
	found = found[offset:]
	if limit > 0 && limit < len(found) {
		found = found[:limit]
	}
	return found, total, nil
}

// CouplesPage is what the couples page of a client shows the care team.
type CouplesPage struct {
	Client store.Client
	// Live is the couple the client is in now, if any.
	Live *CoupleOf
	// Consents are both partners' couples consent, as the joint gates
	// judge it, for a live couple.
	Consents []care.Gate
	// Past are the couples that have ended, newest first.
	Past []CoupleOf
	// Choices are the clients the reader may link the client with, when
	// the client is in no couple; CanLink says whether the reader may link.
	Choices []store.Client
	CanLink bool
	// CanEnd is whether the reader may end the live couple.
	CanEnd bool
}

// CouplesPageOf loads a client's couples page, and records the read.
func (s *Service) CouplesPageOf(ctx context.Context, a Actor, clientID string) (CouplesPage, error) {
	var p CouplesPage
	err := s.read(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opCoupleRead, clientID, access.ClientRecord, access.Read)
		if err != nil {
			return err
		}
		p.Client = ch.Client
		cs, err := tx.CouplesOf(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			cc, err := s.loadCouple(ctx, tx, c)
			if err != nil {
				return err
			}
			if c.Ended() {
				p.Past = append(p.Past, cc.CoupleOf)
				continue
			}
			p.Live, p.CanEnd = &cc.CoupleOf, cc.may(a, access.Write, access.Couple)
			if p.Consents, err = s.couplesConsents(ctx, tx, a, cc.CoupleOf, ch.Client.ID); err != nil {
				return err
			}
		}
		p.CanLink = p.Live == nil && ch.may(a, access.Write, access.ClientRecord) && (a.P.Has(access.Admin) || a.P.Has(access.Therapist) || a.P.Has(access.Prescriber))
		if !p.CanLink {
			return nil
		}
		filter := store.ClientFilter{ClinicID: a.P.ClinicID}
		if !a.P.Has(access.Admin) {
			filter.CareTeamOf = a.P.UserID
		}
		clients, _, err := tx.Clients(ctx, filter)
		for _, c := range clients {
			if c.ID != ch.Client.ID {
				p.Choices = append(p.Choices, c)
			}
		}
		return err
	})
	if err != nil {
		return p, err
	}
	return p, s.Record(ctx, a, audit.Entry{Action: opCoupleRead.action, ResourceType: "couple", ResourceID: clientID, ClientID: clientID})
}

// couplesConsents are the two partners' couples consent gates, the
// reader's client first.
func (s *Service) couplesConsents(ctx context.Context, tx *store.Tx, a Actor, c CoupleOf, selfID string) ([]care.Gate, error) {
	in, err := s.jointInput(ctx, tx, c.ClinicID, c.Couple, true, c.A, c.B, selfID)
	if err != nil {
		return nil, err
	}
	st, err := s.settings(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	var out []care.Gate
	for _, g := range care.JointGates(in, st.Gates, s.Now()) {
		if strings.HasPrefix(g.ID, care.GateJointConsent) {
			out = append(out, g)
		}
	}
	return out, nil
}

// jointInput is what the joint gates of selfID's page need, but the
// partner's own gates, which the caller adds.
func (s *Service) jointInput(ctx context.Context, tx *store.Tx, clinicID string, c store.Couple, linked bool, x, y store.Client, selfID string) (care.JointInput, error) {
	self, partner := x, y
	if y.ID == selfID {
		self, partner = y, x
	}
	doc, sigs, err := tx.CouplesConsent(ctx, clinicID, self.ID, partner.ID)
	if err != nil {
		return care.JointInput{}, err
	}
	return care.JointInput{Linked: linked, Couples: doc,
		Self:    care.JointPartner{ClientID: self.ID, Name: self.DisplayName(), Signatures: sigs[self.ID]},
		Partner: care.JointPartner{ClientID: partner.ID, Name: partner.DisplayName(), Signatures: sigs[partner.ID]}}, nil
}

// LinkCouple links a client with a partner in couples work. The actor must
// be able to change both records and to link them (an admin, or a
// clinician on both care teams); anyone else is refused as absent.
func (s *Service) LinkCouple(ctx context.Context, a Actor, clientID, partnerID string) (store.Couple, error) {
	var out store.Couple
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opCoupleLink, clientID, access.ClientRecord, access.Write)
		if err != nil {
			return err
		}
		if partnerID == "" {
			return problem.Invalidf(FieldPartner, "Choose the partner.")
		}
		if partnerID == clientID {
			return problem.Invalidf(FieldPartner, "Choose a different person as the partner.")
		}
		pch, err := s.chartFor(ctx, tx, a, opCoupleLink, partnerID, access.ClientRecord, access.Write)
		if err != nil {
			return err
		}
		c := store.Couple{ClinicID: ch.Client.ClinicID, ClientA: ch.Client.ID, ClientB: pch.Client.ID, CreatedBy: a.P.UserID, CreatedAt: s.Now()}
		cc := coupleChart{CoupleOf: CoupleOf{Couple: c, A: ch.Client, B: pch.Client}, teamA: ch.Team, teamB: pch.Team}
		if !cc.may(a, access.Write, access.Couple) {
			return s.refuse(a, opCoupleLink, "client", partnerID, "out of scope", notFoundClient)
		}
		if err := tx.CreateCouple(ctx, &c); err != nil {
			return err
		}
		out = c
		return s.appendTx(ctx, tx, a,
			audit.Entry{Action: opCoupleLink.action, ResourceType: "couple", ResourceID: c.ID, ClientID: ch.Client.ID},
			audit.Entry{Action: opCoupleLink.action, ResourceType: "couple", ResourceID: c.ID, ClientID: pch.Client.ID})
	})
	return out, err
}

// EndCouple ends a live couple from the care team's side (an admin, or a
// clinician on both care teams). Each partner's own care goes on.
func (s *Service) EndCouple(ctx context.Context, a Actor, coupleID string) error {
	return s.write(ctx, a, func(tx *store.Tx) error {
		cc, err := s.coupleFor(ctx, tx, a, opCoupleEnd, coupleID, access.Couple, access.Write)
		if err != nil {
			return err
		}
		return s.endCouple(ctx, tx, a, opCoupleEnd, cc.Couple)
	})
}

// endCouple ends c in tx and records it against both partners.
func (s *Service) endCouple(ctx context.Context, tx *store.Tx, a Actor, o op, c store.Couple) error {
	if err := tx.EndCouple(ctx, c.ClinicID, c.ID, a.P.UserID, s.Now()); err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			return problem.New(problem.Conflict, "This couple has already ended.")
		}
		return err
	}
	return s.appendTx(ctx, tx, a,
		audit.Entry{Action: o.action, ResourceType: "couple", ResourceID: c.ID, ClientID: c.ClientA, Severity: audit.High},
		audit.Entry{Action: o.action, ResourceType: "couple", ResourceID: c.ID, ClientID: c.ClientB, Severity: audit.High})
}

// leaveCouplesTx ends the client's live couple, if any, in tx: what
// withdrawing the couples consent does, for either partner.
func (s *Service) leaveCouplesTx(ctx context.Context, tx *store.Tx, a Actor, ch chart) error {
	c, ok, err := tx.LiveCoupleOf(ctx, ch.Client.ClinicID, ch.Client.ID)
	if err != nil || !ok {
		return err
	}
	return s.endCouple(ctx, tx, a, opCoupleLeave, c)
}

// LeaveCouples is a partner leaving couples work from their portal: the
// couple ends for both, and the partner's couples consent is withdrawn
// (with reason, their own words), so no joint session can go ahead.
func (s *Service) LeaveCouples(ctx context.Context, a Actor, reason string) error {
	now := s.Now()
	return s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opCoupleLeave, a.P.ClientID, access.ClientPortal, access.Write)
		if err != nil {
			return err
		}
		c, ok, err := tx.LiveCoupleOf(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil {
			return err
		}
		if !ok {
			return problem.New(problem.Conflict, "You are not in couples work now.")
		}
		if err := s.endCouple(ctx, tx, a, opCoupleLeave, c); err != nil {
			return err
		}
		sigs, err := tx.ConsentSignatures(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil {
			return err
		}
		sig, signed := activeSignature(sigs, care.ConsentCouples)
		if !signed {
			return nil
		}
		if _, err := tx.WithdrawConsent(ctx, ch.Client.ClinicID, ch.Client.ID, sig.ID, reason, now); err != nil {
			return err
		}
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opConsentWithdraw.action, ResourceType: "consent_signature", ResourceID: sig.ID,
			ClientID: ch.Client.ID, Severity: audit.High, Detail: care.ConsentCouples + " version " + itoa(sig.Version) + "; left couples work"})
	})
}

// jointGates are the joint gates of clientID's part in a couple's joint
// session (care.JointGates): none for a session of one client. The
// partner's own gates are worked out as their own page does.
func (s *Service) jointGates(ctx context.Context, tx *store.Tx, st *Settings, appt store.Appointment, clientID string, now time.Time) ([]care.Gate, error) {
	ids := appt.ClientIDs()
	if len(ids) != 2 {
		return nil, nil
	}
	partnerID := ids[0]
	if partnerID == clientID {
		partnerID = ids[1]
	}
	self, err := tx.Client(ctx, appt.ClinicID, clientID)
	if err != nil {
		return nil, err
	}
	partner, err := tx.Client(ctx, appt.ClinicID, partnerID)
	if err != nil {
		return nil, err
	}
	live, ok, err := tx.LiveCoupleOf(ctx, appt.ClinicID, clientID)
	if err != nil {
		return nil, err
	}
	in, err := s.jointInput(ctx, tx, appt.ClinicID, live, ok && live.Has(partnerID), self, partner, clientID)
	if err != nil {
		return nil, err
	}
	if in.PartnerGates, err = s.ownGates(ctx, tx, st, appt, partnerID, now); err != nil {
		return nil, err
	}
	return care.JointGates(in, st.Gates, now), nil
}

// ownGates are a client's own gates for a medicine session: from their
// record once started, otherwise the course's and the day's so far. None
// (never ready) without a course.
func (s *Service) ownGates(ctx context.Context, tx *store.Tx, st *Settings, appt store.Appointment, clientID string, now time.Time) ([]care.Gate, error) {
	m, ok, err := tx.MedicineSessionFor(ctx, appt.ClinicID, appt.ID, clientID)
	if err != nil {
		return nil, err
	}
	if ok {
		return s.sessionGates(ctx, tx, st, m, now)
	}
	course, has, err := tx.SessionCourse(ctx, appt, clientID)
	if err != nil || !has {
		return nil, err
	}
	in, err := tx.DayGateInput(ctx, course)
	if err != nil {
		return nil, err
	}
	return care.Gates(in, st.Gates, now), nil
}

// mayBookJoint refuses a joint session of two clients who are not a couple
// in couples work, or of whom either has not signed the couples consent:
// the consent comes before any joint session (CLINICAL.md §5).
func (s *Service) mayBookJoint(ctx context.Context, tx *store.Tx, a Actor, x, y store.Client) error {
	live, ok, err := tx.LiveCoupleOf(ctx, x.ClinicID, x.ID)
	if err != nil {
		return err
	}
	if !ok || !live.Has(y.ID) {
		return problem.Invalidf(FieldPartner, "%s and %s are not linked as a couple; link them on the couples work page first.", x.DisplayName(), y.DisplayName())
	}
	consents, err := s.couplesConsents(ctx, tx, a, CoupleOf{Couple: live, A: x, B: y}, x.ID)
	if err != nil {
		return err
	}
	var unsigned []string
	for _, g := range consents {
		if !g.Pass {
			unsigned = append(unsigned, strings.TrimPrefix(g.Title, "Couples consent: "))
		}
	}
	if len(unsigned) > 0 {
		return problem.Invalidf(FieldPartner, "Both partners sign the couples consent before a joint session is booked; not signed yet by %s.", strings.Join(unsigned, " and "))
	}
	return nil
}

// jointPartner is the partner of a client in couples work, and the
// partner's current course, for a note of a joint session that goes into
// both partners' records: so the writer must be a clinician on both care
// teams, as the session was both partners'.
func (s *Service) jointPartner(ctx context.Context, tx *store.Tx, a Actor, ch chart) (store.Client, store.Course, error) {
	live, ok, err := tx.LiveCoupleOf(ctx, ch.Client.ClinicID, ch.Client.ID)
	if err != nil {
		return store.Client{}, store.Course{}, err
	}
	if !ok {
		return store.Client{}, store.Course{}, problem.Invalidf(FieldJoint, "%s is not in couples work, so there is no joint session to note.", ch.Client.DisplayName())
	}
	cc, err := s.loadCouple(ctx, tx, live)
	if err != nil {
		return store.Client{}, store.Course{}, err
	}
	partner := cc.PartnerOf(ch.Client.ID)
	if !cc.may(a, access.Write, access.Couple) || !access.Allow(a.P, access.Write, access.Resource{Type: access.ClinicalCare, ClinicID: partner.ClinicID, ClientID: partner.ID, CareTeam: cc.teamOf(partner.ID)}) {
		return partner, store.Course{}, problem.Invalidf(FieldJoint, "A joint note goes into both partners' records, so it is written by a clinician on both care teams; you are not on %s's.", partner.DisplayName())
	}
	course, has, err := tx.CurrentCourse(ctx, partner.ClinicID, partner.ID)
	if err != nil {
		return partner, course, err
	}
	if !has {
		return partner, course, problem.Invalidf(FieldJoint, "%s has no course to note the joint session in.", partner.DisplayName())
	}
	return partner, course, nil
}

// writeJointPrepNote signs the note of a couple's joint preparation
// session into both partners' current courses, each naming the other, so
// both care teams read it (CLINICAL.md §5).
func (s *Service) writeJointPrepNote(ctx context.Context, tx *store.Tx, a Actor, o op, ch chart, n *store.PrepNote) error {
	partner, course, err := s.jointPartner(ctx, tx, a, ch)
	if err != nil {
		return err
	}
	twin := *n
	twin.ID, twin.ClientID, twin.CourseID, twin.JointWith = auth.NewID(), partner.ID, course.ID, ch.Client.ID
	n.JointWith = partner.ID
	for _, note := range []*store.PrepNote{n, &twin} {
		if err := tx.AddPrepNote(ctx, note); err != nil {
			return err
		}
		if err := s.appendTx(ctx, tx, a, audit.Entry{Action: o.action, ResourceType: "prep_note", ResourceID: note.ID, ClientID: note.ClientID, Detail: "joint session"}); err != nil {
			return err
		}
	}
	return nil
}

// jointIntegrationTwin is the partner's copy of the note of a couple's
// joint integration session: in the partner's current course, integrating
// the partner's own signed record of the same joint medicine session, each
// note naming the other partner.
func (s *Service) jointIntegrationTwin(ctx context.Context, tx *store.Tx, a Actor, ch chart, n *store.IntegrationNote) (store.IntegrationNote, error) {
	partner, course, err := s.jointPartner(ctx, tx, a, ch)
	if err != nil {
		return store.IntegrationNote{}, err
	}
	m, err := tx.MedicineSession(ctx, n.ClinicID, n.MedicineSessionID)
	if err != nil {
		return store.IntegrationNote{}, err
	}
	pm, ok, err := tx.MedicineSessionFor(ctx, n.ClinicID, m.AppointmentID, partner.ID)
	if err != nil {
		return store.IntegrationNote{}, err
	}
	if !ok || !pm.Locked() || pm.CourseID != course.ID {
		return store.IntegrationNote{}, problem.Invalidf(FieldJoint, "The medicine session chosen was not a joint session with %s whose record is signed in %s's current course.",
			partner.DisplayName(), partner.DisplayName())
	}
	twin := *n
	twin.ID, twin.ClientID, twin.CourseID, twin.MedicineSessionID, twin.JointWith = auth.NewID(), partner.ID, course.ID, pm.ID, ch.Client.ID
	n.JointWith = partner.ID
	return twin, nil
}

// FieldJoint names the joint-session choice of a note's form.
const FieldJoint = "joint"

// teamOf is the care team of one partner.
func (c coupleChart) teamOf(clientID string) []string {
	if clientID == c.A.ID {
		return c.teamA
	}
	return c.teamB
}

// coupleNames are what a notes page says of couples work: the partner's
// name while the client is in it (for the joint-session choice), and the
// partners named by notes of joint sessions (jointWith, "" for none), by
// client id.
func coupleNames(ctx context.Context, tx *store.Tx, c store.Client, jointWith []string) (string, map[string]string, error) {
	names := map[string]string{}
	for _, id := range jointWith {
		if id == "" || names[id] != "" {
			continue
		}
		p, err := tx.Client(ctx, c.ClinicID, id)
		if err != nil {
			return "", nil, err
		}
		names[id] = p.DisplayName()
	}
	live, ok, err := tx.LiveCoupleOf(ctx, c.ClinicID, c.ID)
	if err != nil || !ok {
		return "", names, err
	}
	p, err := tx.Client(ctx, c.ClinicID, live.Partner(c.ID))
	return p.DisplayName(), names, err
}
