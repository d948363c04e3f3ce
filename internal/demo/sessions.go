package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"doorway/internal/audit"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
)

// The medicine sessions part: a record for every medicine session the
// schedule put in the past, and Tom's under way, written with the store
// calls the session pages make, in the order they make them. Maya's four go
// 200 → 300 mg, the second version of her order written between her second
// and third sessions, and the third has a deep-sedation alert (MOAA/S 1 at
// 32 minutes) acknowledged by Sam; Daniel's second session has the blood-pressure alert
// of DEMO.md, 186/112 at 40 minutes, acknowledged by Sam and settled by 75;
// Noah's six span his completed course. The tablets and lozenges are spat
// out at 10 minutes, recorded as the end of administration. Every finished
// record is discharged to the companion two hours after that, signed by
// Dr. Lee and locked. Tom was dosed 35 minutes
// before the demo starts, his baseline and 15-minute readings are in, and
// the 30-minute reading is due.

// laterOrders are versions of an order written between a client's session
// records, at daysAgo: a dose is recorded against the order in force.
var laterOrders = []orderSpec{
	{"maya", 35, session.Order{Route: session.RDT, Mg: session.MgOf(300), MaxMg: session.MgOf(300),
		Notes: "Little effect at 200 mg over two sessions, well tolerated; increase to 300 mg."}},
}

// person is what stays the same across a client's sessions.
type person struct {
	weight           session.Kg
	companion, phone string
	lot              string
	// sys, dia, hr, spo2 are the client's resting readings.
	sys, dia, hr, spo2 int
	intentions         []string // one per session, in order; the last repeats
	// therapist runs the session and gives the dose: "" is Sam.
	therapist string
}

var sessionPeople = map[string]person{
	"maya": {weight: session.KgOf(62), companion: "Wen Chen", phone: "(503) 555-0117", lot: "RDT-2409-118",
		sys: 118, dia: 76, hr: 68, spo2: 98, intentions: []string{
			"To see the heaviness from a little distance.",
			"To let the fog lift, even for an afternoon.",
			"To meet the part of me that stopped trying.",
			"To remember what I want my days to feel like."}},
	"daniel": {weight: session.KgOf(84), companion: "Erin Brooks", phone: "(541) 555-0177", lot: "KIM-2410-552",
		sys: 132, dia: 84, hr: 74, spo2: 97, intentions: []string{
			"To stop bracing for the next thing.",
			"To look at the grief about Dad without running.",
			"To rest."}},
	"noah": {weight: session.KgOf(77), companion: "Ava Williams", phone: "(541) 555-0163", lot: "RDT-2406-071",
		sys: 122, dia: 78, hr: 66, spo2: 98, intentions: []string{
			"To loosen the knot in my chest.",
			"To be curious instead of afraid.",
			"To say goodbye to the old story.",
			"To notice what is already good.",
			"To practise coming back to my breath.",
			"To close this chapter with gratitude."}},
	// Priya and Ben's joint medicine session: each their own record, dose
	// and readings, with Robin.
	"priya": {weight: session.KgOf(58), companion: "Asha Sharma", phone: "(503) 555-0133", lot: "RDT-2410-204", therapist: "robin",
		sys: 116, dia: 74, hr: 70, spo2: 99, intentions: []string{"To listen to Ben without preparing my answer."}},
	"ben": {weight: session.KgOf(81), companion: "Asha Sharma", phone: "(503) 555-0133", lot: "RDT-2410-204", therapist: "robin",
		sys: 124, dia: 80, hr: 66, spo2: 98, intentions: []string{"To let Priya see the part of me I keep busy."}},
	"tom": {weight: session.KgOf(70), companion: "Folake Adeyemi", phone: "(541) 555-0119", lot: "LZ-2411-036",
		sys: 126, dia: 80, hr: 72, spo2: 98, intentions: []string{"To let go of having to get it right."}},
}

// rise is how far blood pressure and heart rate climb above resting, by
// minutes after the dose: up to the usual peak near 40 minutes, settled by
// two hours (CLINICAL.md §3).
var rise = map[int][3]int{15: {10, 5, 6}, 30: {16, 8, 8}, 40: {18, 9, 8}, 45: {16, 8, 7}, 60: {10, 5, 4}, 90: {5, 2, 2}, 120: {2, 1, 0}}

// reading is one set of readings after the dose; sedation is MOAA/S, -1
// for not scored.
type reading struct {
	minute             int
	sys, dia, hr, spo2 int
	sedation           int
}

// timeline is the protocol's readings for a client, with the discharge
// reading at 120 minutes scoring alertness.
func (p person) timeline() []reading {
	var out []reading
	for _, m := range []int{15, 30, 40, 45, 60, 90, 120} {
		r := rise[m]
		// SpO2 at every point, as the protocol asks (CLINICAL.md §3).
		rd := reading{minute: m, sys: p.sys + r[0], dia: p.dia + r[1], hr: p.hr + r[2], spo2: p.spo2 - min(r[2]/4, 1), sedation: -1}
		if m == 120 {
			rd.sedation = 5
		}
		out = append(out, rd)
	}
	return out
}

// danielAlert is Daniel's second session: 186/112 at 40 minutes and
// 182/110 five minutes later raise the sustained alert (≥ 180/110 on two
// readings 5 minutes apart), the pressure comes down by 60 and is back
// near his resting level at 75.
var danielAlert = []reading{
	{15, 152, 94, 84, 97, -1}, {30, 170, 104, 92, 96, -1}, {40, 186, 112, 98, 96, -1}, {45, 182, 110, 96, 96, -1},
	{60, 164, 100, 88, 97, -1}, {75, 138, 86, 78, 97, -1}, {90, 134, 84, 76, 97, -1}, {120, 130, 82, 74, 98, 5},
}

func seedSessions(ctx context.Context, s *seeder) error {
	clinic := s.clinics[ShortName]
	rules, err := s.tx.SessionRules(ctx, clinic.ID)
	if err != nil {
		return err
	}
	for _, key := range []string{"maya", "daniel", "noah", "tom", "priya", "ben"} {
		cl := s.clients[key]
		appts, err := s.tx.Appointments(ctx, store.AppointmentFilter{ClinicID: clinic.ID, ClientID: cl.ID,
			From: s.now.Add(-days(365)), To: s.now, Limit: 100})
		if err != nil {
			return err
		}
		appts = slices.DeleteFunc(appts, func(a store.Appointment) bool { return a.Kind != store.KindMedicine })
		for i, a := range appts {
			if err := s.writeLaterOrders(ctx, key, a.StartsAt, rules.Settings); err != nil {
				return err
			}
			if err := s.medicineSession(ctx, key, i, a, rules); err != nil {
				return fmt.Errorf("demo medicine session %d for %s: %w", i+1, key, err)
			}
		}
	}
	return nil
}

// writeLaterOrders writes the client's later order versions dated before t.
func (s *seeder) writeLaterOrders(ctx context.Context, key string, t time.Time, settings session.Settings) error {
	clinic := s.clinics[ShortName]
	for _, spec := range laterOrders {
		at := s.now.Add(-days(spec.daysAgo))
		if spec.client != key || !at.Before(t) {
			continue
		}
		course, ok, err := s.tx.CurrentCourse(ctx, clinic.ID, s.clients[key].ID)
		if err != nil || !ok {
			return fmt.Errorf("demo: %s has no course (%v)", key, err)
		}
		cur, _, err := s.tx.CurrentDosingOrder(ctx, clinic.ID, course.ID)
		if err != nil {
			return err
		}
		if !cur.WrittenAt.Before(at) {
			continue // written already
		}
		if err := s.dosingOrder(ctx, spec, course, settings); err != nil {
			return err
		}
	}
	return nil
}

// medicineSession writes the record of the nth medicine session of a
// client: the checks, the dose, the readings, and unless it is Tom's
// session under way, discharge and Dr. Lee's signature.
func (s *seeder) medicineSession(ctx context.Context, key string, n int, a store.Appointment, rules store.SessionRules) error {
	clinic := s.clinics[ShortName]
	cl, p := s.clients[key], sessionPeople[key]
	// The couple's therapist is Robin; everyone else's is Sam.
	therapist := "sam"
	if p.therapist != "" {
		therapist = p.therapist
	}
	clinician, jordan := s.staff[therapist].ID, s.staff["jordan"].ID
	live := !a.EndsAt.Before(s.now)
	// The dose 20 minutes into a booking; Tom's was 35 minutes ago, his
	// checks in the 20 minutes before.
	d0 := a.StartsAt.Add(20 * time.Minute)
	if live {
		d0 = s.now.Add(-35 * time.Minute)
	}
	at := func(min int) time.Time { return d0.Add(time.Duration(min) * time.Minute) }
	byClinician, byJordan := s.staffMember(therapist), s.staffMember("jordan")
	audited := func(m store.MedicineSession, by actor, when time.Time, action, detail string, high bool) {
		e := audit.Entry{Action: "medicine_session." + action, ResourceType: "medicine_session", ResourceID: m.ID, ClientID: cl.ID, Detail: detail}
		if high {
			e.Severity = audit.High
		}
		s.record(clinic.ID, by, when, e)
	}

	m := store.MedicineSession{ClinicID: clinic.ID, AppointmentID: a.ID, ClientID: cl.ID, StartedBy: clinician, StartedAt: at(-20)}
	if err := s.tx.StartMedicineSession(ctx, &m); err != nil {
		return err
	}
	audited(m, byClinician, m.StartedAt, "start", "appointment "+a.ID, false)
	yes, checked, ate := true, at(-15), at(-5*60)
	intention := p.intentions[min(n, len(p.intentions)-1)]
	if err := s.tx.SaveSessionChecklist(ctx, clinic.ID, m.ID, store.PreDoseChecklist{CompanionName: p.companion, CompanionPhone: p.phone,
		RideConfirmed: true, LastFoodAt: &ate, NoSubstances: &yes, StimulantsPaused: &yes, MedicationsReviewed: true,
		Intention: intention, By: clinician, At: &checked}); err != nil {
		return err
	}
	if err := s.tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: clinic.ID, SessionID: m.ID, PreDose: true, TakenAt: at(-10),
		Vitals: session.Vitals{Systolic: p.sys, Diastolic: p.dia, HeartRate: p.hr, SpO2: p.spo2}, EnteredBy: clinician, EnteredAt: at(-10)}); err != nil {
		return err
	}

	// The dose the order works out to, checked as the dose form checks it.
	order, ok, err := s.tx.CurrentDosingOrder(ctx, clinic.ID, m.CourseID)
	if err != nil || !ok {
		return fmt.Errorf("no dosing order (%v)", err)
	}
	dose, err := session.Calculate(order.Order, p.weight, rules.Settings)
	if err != nil {
		return err
	}
	check, err := session.CheckDose(order.Order, order.Order.Route, dose.Mg, p.weight, rules.Settings)
	if err != nil {
		return err
	}
	if check.NeedsConfirmation() {
		return fmt.Errorf("the demo dose %s would need a prescriber's confirmation: %v", dose.Mg, check.Reasons)
	}
	d := store.SessionDose{Route: order.Order.Route, Weight: p.weight, Mg: check.Mg, Units: check.Units, Lot: p.lot, GivenBy: clinician,
		GivenAt: d0, OrderID: order.ID}
	if err := s.tx.RecordSessionDose(ctx, clinic.ID, m.ID, d, false); err != nil {
		return err
	}
	audited(m, byClinician, d.GivenAt, "dose", d.Route.Label()+" "+d.Mg.String()+" at "+d.Weight.String(), false)
	if err := s.tx.SaveSessionSetting(ctx, clinic.ID, m.ID, store.SessionSetting{Music: true, EyeMask: true}, a.Staff); err != nil {
		return err
	}
	if d.Route.Counted() && d.Route != session.Intranasal {
		// The tablets or lozenges held for 10 minutes, then spat out: the
		// minimum observation counts from then.
		claim, _, err := s.tx.ClaimMedicineSessionFor(ctx, clinic.ID, a.ID, cl.ID)
		if err != nil {
			return err
		}
		if err := claim.RecordAdministrationEnd(ctx, at(10), clinician); err != nil {
			return err
		}
		audited(m, byClinician, at(10), "administration_end", at(10).In(clinic.Location()).Format("15:04"), false)
	}

	readings := p.timeline()
	alert := key == "daniel" && n == 1
	if alert {
		readings = danielAlert
	}
	if live {
		readings = readings[:1] // 15 minutes; the 30-minute reading is due
	}
	for _, r := range readings {
		v := store.SessionVitals{ClinicID: clinic.ID, SessionID: m.ID, TakenAt: at(r.minute), EnteredBy: clinician, EnteredAt: at(r.minute).Add(time.Minute),
			Vitals: session.Vitals{Systolic: r.sys, Diastolic: r.dia, HeartRate: r.hr, SpO2: r.spo2}}
		if r.sedation >= 0 {
			sed := session.Sedation(r.sedation)
			v.Sedation = &sed
		}
		if err := s.tx.AddSessionVitals(ctx, &v); err != nil {
			return err
		}
		audited(m, byClinician, v.EnteredAt, "vitals", v.ID, false)
	}
	if live {
		return nil
	}
	type observation struct {
		minute   int
		sedation int
		dis      string
		note     string
	}
	observations := []observation{
		{25, 4, "Eyes closed under the mask; says the room feels far away, and that this is fine.", "Calm, breathing slow and even."},
		{70, 5, "Coming back; describes colours and a sense of space.", "Sitting up, sipping water, oriented."},
	}
	sedated := key == "maya" && n == 2
	if sedated {
		// Maya's first session at 300 mg: deeply sedated for a while at
		// 32 minutes, which raises the sedation alert (MOAA/S 1).
		observations = []observation{observations[0],
			{32, 1, "No answer to her name or a touch on the shoulder.", "Responds only to a firm squeeze of the shoulder. Airway open, breathing even."},
			{45, 3, "Answers to her name, slowly.", "Rousable to voice; SpO2 steady."},
			observations[1]}
	}
	for _, o := range observations {
		sed := session.Sedation(o.sedation)
		obs := store.SessionObservation{ClinicID: clinic.ID, SessionID: m.ID, EnteredBy: clinician, EnteredAt: at(o.minute),
			Observation: session.Observation{At: at(o.minute), Sedation: &sed, Dissociation: o.dis, Note: o.note}}
		if err := s.tx.AddSessionObservation(ctx, &obs); err != nil {
			return err
		}
		audited(m, byClinician, obs.EnteredAt, "observation", obs.ID, false)
	}
	// The demo clinic keeps the default clock; its acknowledgements quote
	// the alerts as its pages write them.
	tf := timefmt.New(clinic.Location(), timefmt.Clock24)
	if alert {
		if err := s.handleAlert(ctx, m, at, rules.Settings.Alerts, tf, danielsAlert(at)); err != nil {
			return err
		}
	}
	if sedated {
		if err := s.handleAlert(ctx, m, at, rules.Settings.Alerts, tf, mayasSedation(at)); err != nil {
			return err
		}
	}
	// Discharge two hours after the tablets were spat out (135 minutes
	// after the dose), the 120-minute reading the last.
	if err := s.tx.DischargeMedicineSession(ctx, clinic.ID, m.ID, store.SessionDischarge{At: at(135), ReleasedTo: p.companion,
		AlertOriented: true, By: clinician}); err != nil {
		return err
	}
	audited(m, byClinician, at(135), "discharge", "", false)
	if err := s.tx.SignMedicineSession(ctx, clinic.ID, m.ID, jordan, at(150)); err != nil {
		return err
	}
	audited(m, byJordan, at(150), "sign", string(store.SessionDischarged), true)
	return nil
}

// alertHandled is how Sam met an alert at the chair: the one alert the
// session's readings raise (of kind, when one is named), acknowledged at
// ackAt minutes after the dose with a note, and the adverse event behind
// it, entered at enterAt.
type alertHandled struct {
	kind    session.AlertKind
	ackAt   int
	note    string
	enterAt int
	event   session.AdverseEvent
}

// danielsAlert: 186/112 at the 40-minute peak, acknowledged two minutes
// after the 45-minute reading, and the hypertension it was, resolved.
func danielsAlert(at func(int) time.Time) alertHandled {
	return alertHandled{ackAt: 47, enterAt: 48,
		note: "Rechecked at 45 min: 182/110. Daniel calm, no headache, chest pain or vision change. Lights dimmed, music lowered; " +
			"Dr. Lee informed by phone and agreed to recheck every 15 minutes.",
		event: session.AdverseEvent{At: at(40), Kind: session.Hypertension, Severity: session.Mild,
			Description: "Blood pressure 186/112 at the 40-minute peak, without symptoms.",
			Action:      "Rechecked every 15 minutes; Dr. Lee informed. 138/86 by 75 minutes.", Outcome: session.Resolved}}
}

// mayasSedation: the deep sedation Maya's observation at 32 minutes
// raised, met by Sam at her side, and resolved.
func mayasSedation(at func(int) time.Time) alertHandled {
	return alertHandled{kind: session.AlertSedation, ackAt: 34, enterAt: 36,
		note: "Stayed at her side; airway open, breathing even, SpO2 97%. Turned her on her side, music off; Dr. Lee came in. " +
			"Rousable to voice by 45 minutes (MOAA/S 3), alert by 70.",
		event: session.AdverseEvent{At: at(32), Kind: session.Oversedation, Severity: session.Moderate,
			Description: "Deep sedation at 32 minutes: responded only to a firm squeeze of the shoulder.",
			Action:      "Recovery position, airway and SpO2 watched, Dr. Lee at the chair. Rousable to voice by 45 minutes.", Outcome: session.Resolved}}
}

// handleAlert writes h into the session as Sam did: the acknowledgement,
// whose message gives its times in the clinic's zone and clock (tf) as the
// pages and the PDF do, and the adverse event, each audited by its id as the pages audit
// them (the log's text holds no clinical value).
func (s *seeder) handleAlert(ctx context.Context, m store.MedicineSession, at func(int) time.Time, limits session.AlertLimits, tf timefmt.Format, h alertHandled) error {
	sam := s.staff["sam"].ID
	rec, err := s.tx.SessionRecordOf(ctx, m.ClinicID, m.ID)
	if err != nil {
		return err
	}
	states := rec.AlertsIn(limits, tf)
	if len(states) != 1 || (h.kind != "" && states[0].Kind != h.kind) {
		return fmt.Errorf("want the one %s alert, the record raises %+v", h.event.Kind, states)
	}
	ack := store.SessionAlertAck{ClinicID: m.ClinicID, SessionID: m.ID, AlertKey: states[0].Key, Message: states[0].Message, By: sam, At: at(h.ackAt), Note: h.note}
	if err := s.tx.AckSessionAlert(ctx, &ack); err != nil {
		return err
	}
	s.record(m.ClinicID, s.staffMember("sam"), ack.At, audit.Entry{Action: "medicine_session.alert_ack", ResourceType: "medicine_session", ResourceID: m.ID,
		ClientID: m.ClientID, Severity: audit.High, Detail: ack.ID})
	e := store.SessionAdverseEvent{ClinicID: m.ClinicID, SessionID: m.ID, EnteredBy: sam, EnteredAt: at(h.enterAt), AdverseEvent: h.event}
	if err := s.tx.AddSessionAdverseEvent(ctx, &e); err != nil {
		return err
	}
	s.record(m.ClinicID, s.staffMember("sam"), e.EnteredAt, audit.Entry{Action: "medicine_session.adverse_event", ResourceType: "medicine_session", ResourceID: m.ID,
		ClientID: m.ClientID, Detail: e.ID})
	return nil
}
