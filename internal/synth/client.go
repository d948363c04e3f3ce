package synth

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/screening"
	"doorway/internal/session"
	"doorway/internal/store"
)

// client writes the i-th client with their history: a course in its phase,
// the screening decision and dosing order a course past screening has,
// measures every two weeks, preparation notes, medicine sessions with their
// readings, and journal entries after them.
func (p *practice) client(ctx context.Context, tx *store.Tx, i int) error {
	r := p.rng
	therapist := p.therapists[i%len(p.therapists)]
	prescriber := p.prescribers[i%len(p.prescribers)]
	state := p.phaseFor()
	if i == 0 {
		state = care.Active // the first client is the one the benchmark watches
	}
	// A course began between two weeks and ten months ago.
	started := p.now.Add(-days(14 + r.IntN(290))).Add(-time.Duration(r.IntN(600)) * time.Minute)
	c := store.Client{ID: auth.NewID(), ClinicID: p.clinic.ID, GivenName: pick(r, givenNames), FamilyName: pick(r, familyNames),
		DateOfBirth: fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(52), 1+r.IntN(12), 1+r.IntN(28)),
		Email:       fmt.Sprintf("client%d.%s@synthetic.example", i+1, p.run), Phone: fmt.Sprintf("555-%04d", r.IntN(10000)), CreatedAt: started}
	if err := tx.CreateClient(ctx, &c); err != nil {
		return err
	}
	// The first few clients have portal accounts, for the portal's pages.
	if i < 10 {
		u := store.User{ID: auth.NewID(), ClinicID: p.clinic.ID, Email: c.Email, Name: c.DisplayName(), Kind: "client",
			PasswordHash: p.cfg.PasswordHash, CreatedAt: started}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.LinkClientUser(ctx, c.ID, u.ID); err != nil {
			return err
		}
		if i == 0 {
			p.res.Client, p.res.ClientID = c.Email, c.ID
		}
	}
	for _, u := range []store.User{therapist, prescriber} {
		if err := tx.AddToCareTeam(ctx, c.ID, u.ID, started); err != nil {
			return err
		}
	}
	course := store.Course{ID: auth.NewID(), ClinicID: p.clinic.ID, ClientID: c.ID, State: state, StartedAt: started, CreatedAt: started}
	if state.Closed() {
		ended := p.now.Add(-days(r.IntN(10)))
		course.EndedAt = &ended
	}
	if err := tx.CreateCourse(ctx, &course); err != nil {
		return err
	}
	if !pastScreening(state) {
		return nil
	}
	decided := started.Add(days(5))
	expires := decided.Add(days(180))
	if err := tx.RecordScreeningDecision(ctx, &store.ScreeningDecision{ID: auth.NewID(), ClinicID: p.clinic.ID, ClientID: c.ID, CourseID: course.ID,
		Kind: screening.Approve, Tier: screening.Info, DecidedBy: prescriber.ID, DecidedAt: decided, ExpiresAt: &expires}); err != nil {
		return err
	}
	order := store.DosingOrder{ID: auth.NewID(), ClinicID: p.clinic.ID, ClientID: c.ID, CourseID: course.ID, WrittenBy: prescriber.ID,
		WrittenAt: decided.Add(time.Hour), Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}}
	if err := tx.WriteDosingOrder(ctx, &order, session.DefaultSettings()); err != nil {
		return err
	}
	for n := range 1 + r.IntN(3) {
		note := store.PrepNote{ClinicID: p.clinic.ID, ClientID: c.ID, CourseID: course.ID, OccurredAt: decided.Add(days(2 + 3*n)),
			Body: pick(r, prepNotes), AuthorID: therapist.ID, SignedAt: decided.Add(days(2 + 3*n)).Add(time.Hour)}
		if err := tx.AddPrepNote(ctx, &note); err != nil {
			return err
		}
	}
	if err := p.measures(ctx, tx, c, course); err != nil {
		return err
	}
	for n := range p.sessionsIn(state) {
		if err := p.medicineSession(ctx, tx, c, course, order, therapist, prescriber, n); err != nil {
			return err
		}
	}
	if i == 0 {
		return p.sessionUnderWay(ctx, tx, c, course, order, therapist)
	}
	return nil
}

// sessionUnderWay gives the first client a medicine session under way now:
// dosed 35 minutes ago, readings at the dose and at 15 minutes, as a chair's
// live view shows it.
func (p *practice) sessionUnderWay(ctx context.Context, tx *store.Tx, c store.Client, course store.Course, order store.DosingOrder, therapist store.User) error {
	start := p.now.Add(-time.Hour)
	a := store.Appointment{ID: auth.NewID(), ClinicID: p.clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Status: store.StatusScheduled, CreatedBy: therapist.ID, CreatedAt: start.Add(-days(7)),
		Clients: []store.AppointmentClient{{ClientID: c.ID, CourseID: course.ID}}, Staff: []string{therapist.ID}}
	if err := tx.BookAppointment(ctx, &a); err != nil {
		return err
	}
	dose := p.now.Add(-35 * time.Minute)
	m := store.MedicineSession{ClinicID: p.clinic.ID, AppointmentID: a.ID, ClientID: c.ID, StartedBy: therapist.ID, StartedAt: dose.Add(-20 * time.Minute)}
	claim, err := tx.OpenMedicineSession(ctx, a, &m)
	if err != nil {
		return err
	}
	yes, ate, checked := true, dose.Add(-5*time.Hour), dose.Add(-15*time.Minute)
	if err := claim.SaveChecklist(ctx, store.PreDoseChecklist{CompanionName: "Jo " + c.FamilyName, CompanionPhone: "(541) 555-0100", RideConfirmed: true,
		LastFoodAt: &ate, NoSubstances: &yes, StimulantsPaused: &yes, MedicationsReviewed: true, Intention: intentions[0], By: therapist.ID, At: &checked}); err != nil {
		return err
	}
	reading := func(at time.Time, pre bool, sys int) error {
		return claim.AddVitals(ctx, &store.SessionVitals{ClinicID: p.clinic.ID, SessionID: m.ID, PreDose: pre, TakenAt: at, EnteredBy: therapist.ID, EnteredAt: at,
			Vitals: session.Vitals{Systolic: sys, Diastolic: 78, HeartRate: 70, SpO2: 98}})
	}
	if err := reading(dose.Add(-10*time.Minute), true, 122); err != nil {
		return err
	}
	if err := claim.RecordDose(ctx, order, store.SessionDose{Route: session.RDT, Weight: 700, Mg: session.MgOf(200), Units: 4, Lot: "LT-0001",
		GivenBy: therapist.ID, GivenAt: dose, OrderID: order.ID}, false); err != nil {
		return err
	}
	for _, min := range []int{0, 15} {
		if err := reading(dose.Add(time.Duration(min)*time.Minute), false, 130+min); err != nil {
			return err
		}
	}
	p.res.SessionAppointment = a.ID
	return nil
}

// pastScreening reports whether a course in state has been approved.
func pastScreening(state care.State) bool {
	switch state {
	case care.Preparation, care.Active, care.Paused, care.Completed, care.Maintenance:
		return true
	}
	return false
}

// measures writes a PHQ-9 and a GAD-7 every two weeks from the course's
// start: a responder's scores fall over the weeks, a slow responder's
// drift, as the outcomes a practice reports would.
func (p *practice) measures(ctx context.Context, tx *store.Tx, c store.Client, course store.Course) error {
	r := p.rng
	end := p.now
	if course.EndedAt != nil {
		end = *course.EndedAt
	}
	responder := r.IntN(3) > 0
	week := 0
	for at := course.StartedAt.Add(days(1)); at.Before(end); at = at.Add(days(14)) {
		for _, id := range []string{measures.PHQ9, measures.GAD7} {
			in, _ := measures.ByID(id)
			// Each answer starts high and, for a responder, falls by a step
			// every few weeks; item 9 of the PHQ-9 stays at 0 so the
			// synthetic practice raises no safety flags.
			level := 2
			if responder {
				level = max(0, 2-week/3)
			}
			answers := measures.Answers{}
			for _, it := range in.Items {
				v := max(0, min(3, level+r.IntN(2)-r.IntN(2)))
				if it.Optional || it.Number == "9" && id == measures.PHQ9 {
					v = 0
				}
				answers[it.Key] = v
			}
			res, err := measures.ScoreWith(in, answers, measures.Settings{PCL5Cutoff: measures.DefaultPCL5Cutoff})
			if err != nil {
				return err
			}
			asg := store.Assignment{ID: auth.NewID(), ClinicID: p.clinic.ID, ClientID: c.ID, CourseID: course.ID, InstrumentID: id,
				Occasion: string(measures.OccasionRepeat), DueAt: at, CreatedAt: at}
			if week == 0 {
				asg.Occasion = string(measures.OccasionBaseline)
			}
			if err := tx.CreateAssignment(ctx, &asg); err != nil {
				return err
			}
			resp := store.Response{AssignmentID: asg.ID, ClinicID: p.clinic.ID, ClientID: c.ID, CourseID: course.ID, InstrumentID: id,
				Answers: answers, EnteredBy: c.ID, CompletedAt: at}
			if _, err := tx.SaveScored(ctx, &resp, res, at); err != nil {
				return err
			}
		}
		week += 2
	}
	return nil
}

// medicineSession books and records the n-th medicine session of a
// client: the checks, the dose, readings every 15 then 30 minutes,
// discharge at two hours, the prescriber's signature, and a journal entry
// the morning after.
func (p *practice) medicineSession(ctx context.Context, tx *store.Tx, c store.Client, course store.Course, order store.DosingOrder,
	therapist, prescriber store.User, n int) error {
	r := p.rng
	loc := p.clinic.Location()
	// Each of the therapist's sessions has a slot of its own, working back
	// from yesterday: three a day, at 08:00, 11:00 and 14:00 clinic time.
	slot := p.slots[therapist.ID]
	p.slots[therapist.ID] = slot + 1
	day := p.now.In(loc).AddDate(0, 0, -1-slot/3)
	start := time.Date(day.Year(), day.Month(), day.Day(), 8+3*(slot%3), 0, 0, 0, loc).UTC()
	if start.Before(course.StartedAt) {
		return nil // this therapist's calendar is full that far back: fewer sessions
	}
	a := store.Appointment{ID: auth.NewID(), ClinicID: p.clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Status: store.StatusScheduled, CreatedBy: therapist.ID, CreatedAt: start.Add(-days(7)),
		Clients: []store.AppointmentClient{{ClientID: c.ID, CourseID: course.ID}}, Staff: []string{therapist.ID}}
	if err := tx.BookAppointment(ctx, &a); err != nil {
		return err
	}
	at := func(min int) time.Time { return start.Add(time.Duration(20+min) * time.Minute) }
	m := store.MedicineSession{ClinicID: p.clinic.ID, AppointmentID: a.ID, ClientID: c.ID, StartedBy: therapist.ID, StartedAt: at(-20)}
	claim, err := tx.OpenMedicineSession(ctx, a, &m)
	if err != nil {
		return err
	}
	yes, ate, checked := true, at(-5*60), at(-15)
	companion := pick(r, givenNames) + " " + c.FamilyName
	if err := claim.SaveChecklist(ctx, store.PreDoseChecklist{CompanionName: companion, CompanionPhone: "(541) 555-0100", RideConfirmed: true,
		LastFoodAt: &ate, NoSubstances: &yes, StimulantsPaused: &yes, MedicationsReviewed: true, Intention: pick(r, intentions),
		By: therapist.ID, At: &checked}); err != nil {
		return err
	}
	sys, dia, hr := 112+r.IntN(20), 70+r.IntN(12), 62+r.IntN(16)
	reading := func(min, dSys, dDia, dHR int, pre bool) error {
		v := store.SessionVitals{ClinicID: p.clinic.ID, SessionID: m.ID, PreDose: pre, TakenAt: at(min), EnteredBy: therapist.ID, EnteredAt: at(min),
			Vitals: session.Vitals{Systolic: sys + dSys, Diastolic: dia + dDia, HeartRate: hr + dHR, SpO2: 96 + r.IntN(4)}}
		return claim.AddVitals(ctx, &v)
	}
	if err := reading(-10, 0, 0, 0, true); err != nil {
		return err
	}
	weight := session.Kg(550 + r.IntN(400))
	if err := claim.RecordDose(ctx, order, store.SessionDose{Route: session.RDT, Weight: weight, Mg: session.MgOf(200), Units: 4,
		Lot: fmt.Sprintf("LT-%04d", r.IntN(10000)), GivenBy: therapist.ID, GivenAt: at(0), OrderID: order.ID}, false); err != nil {
		return err
	}
	if err := claim.SaveSetting(ctx, store.SessionSetting{Music: true, EyeMask: true}, a.Staff); err != nil {
		return err
	}
	// The usual curve: a rise that peaks around 40 minutes and settles.
	for _, pt := range []struct{ min, sys, dia, hr int }{{15, 14, 8, 6}, {30, 20, 11, 8}, {45, 18, 10, 7}, {60, 12, 7, 4}, {90, 6, 3, 2}, {120, 2, 1, 0}} {
		if err := reading(pt.min, pt.sys, pt.dia, pt.hr, false); err != nil {
			return err
		}
	}
	if err := claim.Discharge(ctx, store.SessionDischarge{At: at(135), ReleasedTo: companion, AlertOriented: true, By: therapist.ID}); err != nil {
		return err
	}
	if err := claim.Sign(ctx, prescriber.ID, at(160)); err != nil {
		return err
	}
	p.sessions++
	e := store.JournalEntry{ClinicID: p.clinic.ID, ClientID: c.ID, PromptKey: m.ID + ":day1", Body: pick(r, reflections),
		CreatedAt: at(24 * 60), UpdatedAt: at(24 * 60)}
	if err := tx.SaveJournalEntry(ctx, &e); err != nil {
		return err
	}
	if r.IntN(3) == 0 {
		shared := e.CreatedAt.Add(time.Hour)
		return tx.ShareJournalEntry(ctx, p.clinic.ID, c.ID, e.ID, &shared)
	}
	return nil
}
