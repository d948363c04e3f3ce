package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

// sessionView builds the record page's view model from what was loaded;
// viewerID is who reads it.
func (s *Server) sessionView(p *practice.SessionPage, form view.SessionForm, viewerID string, tf timefmt.Format) view.MedicineSessionView {
	m := p.Session()
	// Times of day are on the 24-hour clock, as on the schedule and in the
	// alerts' own messages.
	clock := func(t time.Time) string { return tf.Time(t) }
	name := func(id string) string {
		if n := p.Staff[id].Name; n != "" {
			return n
		}
		return "someone no longer on staff"
	}
	appt := p.Appointment
	sv := view.MedicineSessionView{ClientID: p.Client.ID, ClientName: p.Client.DisplayName(), ApptID: appt.ID,
		Base: sessionPath(p.Client.ID, appt.ID), Room: p.RoomName,
		When:    tf.Date(appt.StartsAt) + ", " + span(appt, tf),
		Started: p.Started, State: string(m.State), StateLabel: "Not started", StateReason: m.StateReason,
		Locked: m.Locked(), CanWrite: p.CanWrite, CanPrescribe: p.CanPrescribe}
	if p.Started {
		sv.StateLabel = m.State.Label()
	}
	if m.Locked() {
		sv.StateLabel += ", signed"
		sv.Signed = name(m.SignedBy) + ", " + view.When(*m.SignedAt, tf)
	}
	for _, c := range p.Partners {
		sv.Partner = &view.ClientLink{ID: c.ID, Name: c.DisplayName()}
	}

	// The gates and the forms before the dose.
	// The safety gates come first, and any that holds the dose back is
	// also the first thing on the page (CLINICAL.md §3).
	sv.Gates = gateRows(care.SafetyFirst(p.Gates), tf)
	for _, g := range sv.Gates {
		if g.Safety && !g.Cleared() {
			sv.SafetyHolds = append(sv.SafetyHolds, g)
		}
	}
	sv.Ready, _ = p.Ready()
	for _, g := range p.Gates {
		if !g.Cleared() && g.Overridable {
			sv.OverrideChoices = append(sv.OverrideChoices, view.GateRow{ID: g.ID, Title: g.Title})
		}
	}
	if p.HasOrder {
		o := p.Order.Order
		rs := p.Rules.Settings.Route(o.Route)
		sv.Order = view.OrderSummary{Has: true, Text: o.String(), Version: p.Order.Version, Route: string(o.Route),
			WeightBased: o.WeightBased(), Counted: o.Route.Counted(), UnitNoun: o.Route.UnitNoun(), UnitMg: rs.UnitMg.String(),
			UsualRange: rs.UsualRange(), Onset: o.Route.Onset(), IV: o.Route == session.IV, Invalid: invalidOrder(o, p.Rules.Settings)}
		if o.OverMinutes > 0 {
			sv.Order.OverMinutes = itoa(o.OverMinutes) + " min"
		}
	}
	if c := m.DoseConfirm; c != nil {
		sv.Dose.Confirmed = fmt.Sprintf("%s by %s, %s: %s", c.Mg, name(c.By), view.When(c.At, tf), c.Reason)
	}
	if wt := m.Weight; p.Started && wt != nil && m.Dose == nil {
		sv.Dose.Weighed = fmt.Sprintf("Weighed at %s by %s: %s. Change it if the client is weighed again.", clock(wt.At), name(wt.By), wt.Kg)
	}
	form = withDefaults(form, s.defaultForm(p, viewerID, tf))
	sv.Dose.Clinicians = clinicianOptions(p.Staff, form.GivenBy)
	for _, u := range sortedStaff(p.Staff) {
		if isClinician(u) && u.DisabledAt == nil {
			sv.Dose.Staff = append(sv.Dose.Staff, view.StaffCheck{ID: u.ID, Name: u.Name, Roles: roleList(u.Roles), Checked: slices.Contains(form.Staff, u.ID)})
		}
	}
	sv.Form = form

	// The record as it stands.
	if p.Started {
		c := m.Checklist
		yesNo := func(b *bool, yes, no string) string {
			switch {
			case b == nil:
				return "not asked"
			case *b:
				return yes
			}
			return no
		}
		companion := c.CompanionName
		if c.CompanionPhone != "" {
			companion += ", " + c.CompanionPhone
		}
		if c.RideConfirmed {
			companion += " (confirmed)"
		}
		lastFood := "not recorded"
		if c.LastFoodAt != nil {
			lastFood = view.When(*c.LastFoodAt, tf)
		}
		if c.At != nil {
			sv.Checklist.Saved = "Last saved by " + name(c.By) + ", " + view.When(*c.At, tf) + "."
			sv.Checklist.Facts = []view.Fact{
				{Label: "Companion", Value: companion},
				{Label: "Last ate", Value: lastFood},
				{Label: "Alcohol or drugs, 24 h", Value: yesNo(c.NoSubstances, "none", "yes, some")},
				{Label: "Stimulants today", Value: yesNo(c.StimulantsPaused, "none", "one was taken")},
				{Label: "Medications reviewed", Value: map[bool]string{true: "yes", false: "no"}[c.MedicationsReviewed]},
				{Label: "Intention", Value: c.Intention},
			}
		}
		for _, o := range p.Record.Overrides {
			title := o.GateID
			for _, g := range p.Gates {
				if g.ID == o.GateID {
					title = g.Title
				}
			}
			sv.Overrides = append(sv.Overrides, fmt.Sprintf("%s: overridden by %s, %s: %s", title, o.ByName, view.When(o.At, tf), o.Reason))
		}
		if c := m.DoseConfirm; c != nil {
			sv.Overrides = append(sv.Overrides, fmt.Sprintf("Dose of %s confirmed by %s, %s: %s", c.Mg, name(c.By), view.When(c.At, tf), c.Reason))
		}
		if d := m.Dose; d != nil {
			dose := d.Mg.String()
			if d.Units > 0 {
				noun := d.Route.UnitNoun()
				if d.Units != 1 {
					noun += "s"
				}
				dose += fmt.Sprintf(" (%d × %s %s)", d.Units, p.Rules.Settings.Route(d.Route).UnitMg, noun)
			}
			sv.DoseGiven = []view.Fact{
				{Label: "Route", Value: d.Route.Label()},
				{Label: "Dose", Value: dose},
				{Label: "Weight today", Value: d.Weight.String()},
				{Label: "mg/kg", Value: d.PerKg.String()},
				{Label: "Lot", Value: d.Lot},
				{Label: "Given by", Value: name(d.GivenBy) + " at " + view.When(d.GivenAt, tf)},
				{Label: "Checked against", Value: fmt.Sprintf("dosing order version %d", d.OrderVersion)},
			}
			adm := d.Administration()
			if d.InfusionMinutes > 0 {
				sv.DoseGiven = append(sv.DoseGiven, view.Fact{Label: "Infused over",
					Value: fmt.Sprintf("%d min, %s", d.InfusionMinutes, adm.Rate())})
			}
			if d.EndedAt != nil {
				sv.DoseGiven = append(sv.DoseGiven, view.Fact{Label: "Administration ended",
					Value: clock(*d.EndedAt) + ", recorded by " + name(d.EndedBy)})
			}
			if wt := m.Weight; wt != nil && wt.Kg != d.Weight {
				// The weight was changed on the dose form: the earlier
				// weighing stays on the record.
				sv.DoseGiven = append(sv.DoseGiven, view.Fact{Label: "Weighed before the dose",
					Value: wt.Kg.String() + " by " + name(wt.By) + " at " + clock(wt.At)})
			}
		}
		var setting []string
		if m.Setting.Music {
			setting = append(setting, "music")
		}
		if m.Setting.EyeMask {
			setting = append(setting, "eye mask")
		}
		if m.Setting.Other != "" {
			setting = append(setting, m.Setting.Other)
		}
		sv.Setting = strings.Join(setting, ", ")
		var present []string
		for _, id := range m.Staff {
			present = append(present, name(id))
		}
		sv.StaffPresent = strings.Join(present, ", ")
		for _, r := range p.Record.Vitals {
			row := view.VitalsRow{ID: r.ID, At: clock(r.TakenAt), Minute: minutesAfter(r.TakenAt, m.Dose), BP: r.BPText(), By: name(r.EnteredBy)}
			if r.HeartRate > 0 {
				row.HR = itoa(r.HeartRate)
			}
			if r.SpO2 > 0 {
				row.SpO2 = itoa(r.SpO2) + "%"
			}
			if r.Sedation != nil {
				row.Sedation = itoa(int(*r.Sedation))
			}
			if r.Struck() {
				row.Struck = fmt.Sprintf("Struck through by %s, %s: %s", name(r.StruckBy), view.When(*r.StruckAt, tf), r.StruckReason)
			}
			sv.Vitals = append(sv.Vitals, row)
		}
		states := p.Alerts()
		for _, a := range p.Record.Acks {
			sv.Acks = append(sv.Acks, view.AckRow{Message: store.AckMessage(a, states), Note: a.Note, By: a.ByName, At: clock(a.At)})
		}
		for _, o := range p.Record.Observations {
			row := view.ObservationRow{At: clock(o.At), Dissociation: o.Dissociation, Note: o.Note, By: name(o.EnteredBy)}
			if o.Sedation != nil {
				row.Sedation = itoa(int(*o.Sedation))
			}
			sv.Observations = append(sv.Observations, row)
		}
		for _, e := range p.Record.AdverseEvents {
			outcome := "not known yet"
			if e.Outcome != "" {
				outcome = e.Outcome.Label()
			}
			sv.AdverseEvents = append(sv.AdverseEvents, view.AdverseRow{At: clock(e.At), Kind: e.Kind.Label(), Severity: string(e.Severity),
				Description: e.Description, Action: e.Action, Outcome: outcome, By: name(e.EnteredBy)})
		}
		if d := m.Discharge; d != nil {
			sv.DischargeView.Done = []view.Fact{
				{Label: "Discharged", Value: view.When(d.At, tf) + " by " + name(d.By)},
				{Label: "Released to", Value: d.ReleasedTo},
				{Label: "Alert and oriented", Value: "yes"},
				{Label: "Instructions", Value: session.NoDrivingInstruction},
			}
		}
		for _, a := range p.Record.Addenda {
			sv.Addenda = append(sv.Addenda, view.AddendumRow{By: a.ByName, At: view.When(a.At, tf), Body: a.Body})
		}
	}
	if m.State == store.SessionDosed && !m.Locked() {
		d := p.Discharge(form.AlertOriented, form.ReleasedTo)
		sv.DischargeView.Ready, sv.DischargeView.Instructions = d.Ready, d.Instructions
		sv.DischargeView.Companion = m.Checklist.CompanionName
		for _, c := range d.Criteria {
			sv.DischargeView.Criteria = append(sv.DischargeView.Criteria, view.CriterionRow{Label: c.Label, Passed: c.Passed, Reason: c.Reason})
		}
	}
	sv.Live = s.liveView(&p.SessionLive, form, tf)
	sv.Ended = endedView(m, tf)
	for _, sd := range session.SedationScale() {
		sv.Sedation = append(sv.Sedation, view.Option{Value: itoa(int(sd)), Label: fmt.Sprintf("%d: %s", sd, sd.Label())})
	}
	for _, k := range session.AdverseKinds() {
		sv.Adverse = append(sv.Adverse, view.Option{Value: string(k), Label: k.Label()})
	}
	for _, sev := range []session.Severity{session.Mild, session.Moderate, session.Severe} {
		sv.Severity = append(sv.Severity, view.Option{Value: string(sev), Label: strings.ToUpper(string(sev[:1])) + string(sev[1:])})
	}
	for _, o := range []session.Outcome{session.Resolved, session.Improving, session.NotResolved, session.Transferred} {
		sv.Outcomes = append(sv.Outcomes, view.Option{Value: string(o), Label: o.Label()})
	}
	return sv
}

// defaultForm is what the forms start with: the saved checklist, the day's
// weight if it was recorded before the dose, the dose given by the viewer
// with the session's clinicians present, the ordered dose for a fixed order.
func (s *Server) defaultForm(p *practice.SessionPage, viewerID string, tf timefmt.Format) view.SessionForm {
	m := p.Session()
	c := m.Checklist
	form := view.SessionForm{CompanionName: c.CompanionName, CompanionPhone: c.CompanionPhone, RideConfirmed: c.RideConfirmed,
		MedicationsReviewed: c.MedicationsReviewed, Intention: c.Intention, Music: true, EyeMask: true,
		Staff: activeStaffIDs(p.Appointment.Staff, p.Staff)}
	if !p.Started {
		// The client's own preparation checklist names the companion
		// ahead of time; the day's checks start from it.
		form.CompanionName, form.CompanionPhone = p.Prep.CompanionName, p.Prep.CompanionPhone
	}
	if c.LastFoodAt != nil {
		form.LastFood = c.LastFoodAt.In(tf.Loc).Format("15:04") // the value of an <input type=time>, not a time shown
	}
	answer := func(b *bool) string {
		if b == nil {
			return ""
		}
		return map[bool]string{true: "yes", false: "no"}[*b]
	}
	form.NoSubstances, form.StimulantsPaused = answer(c.NoSubstances), answer(c.StimulantsPaused)
	if m.Weight != nil {
		form.WeightKg = m.Weight.Kg.Number()
	}
	if p.HasOrder && !p.Order.Order.WeightBased() {
		form.Mg = p.Order.Order.Mg.Number()
	}
	if p.HasOrder && p.Order.Order.OverMinutes > 0 {
		form.InfusionMinutes = itoa(p.Order.Order.OverMinutes)
	}
	v := viewerID
	if u, ok := p.Staff[v]; ok && isClinician(u) {
		form.GivenBy = v
		if !slices.Contains(form.Staff, v) {
			form.Staff = append(form.Staff, v)
		}
	}
	return form
}

// liveView builds the monitoring panel, shown from the dose until the
// session ends.
func (s *Server) liveView(p *practice.SessionLive, form view.SessionForm, tf timefmt.Format) view.LiveView {
	m := p.Session()
	if !p.Started || m.State != store.SessionDosed || m.Locked() || m.Dose == nil {
		return view.LiveView{}
	}
	base := sessionPath(p.Client.ID, p.AppointmentID)
	l := view.LiveView{Show: true, URL: base + "/live", Base: base,
		DoseAt: tf.Time(m.Dose.GivenAt), CanAck: p.CanWrite, Protocol: p.Rules.Protocol.Name,
		Updated: "As of " + tf.Seconds(p.Now) + "; this panel refreshes by itself.",
		AckKey:  form.AckKey, AckNote: form.AckNote, Errors: form.Errors}
	l.Elapsed = hoursMinutes(max(0, p.Now.Sub(m.Dose.GivenAt)))
	for _, a := range p.Alerts() {
		if a.Open() {
			l.Alerts = append(l.Alerts, view.AlertRow{Key: a.Key, Message: a.Message, Since: tf.Time(a.At)})
		}
	}
	// The timetable reads the clock of the clinic, so a reading's minute
	// and the slot it counts for agree with what the page shows.
	var readings []session.Vitals
	for _, r := range store.Readings(p.Record.Vitals) {
		r.At = r.At.In(tf.Loc)
		readings = append(readings, r)
	}
	tt, err := session.Schedule(p.Rules.Protocol, m.Dose.GivenAt.In(tf.Loc), p.Now.In(tf.Loc), readings)
	if err != nil {
		return l
	}
	slot := func(sl session.Slot) view.SlotRow {
		missing := measureList(sl.Missing)
		return view.SlotRow{Minute: sl.Minute, At: tf.Time(sl.At), Measures: measureList(sl.Measures),
			Status: string(sl.Status), Missing: missing, Late: sl.Late}
	}
	for _, sl := range tt.Slots {
		row := slot(sl)
		l.Slots = append(l.Slots, row)
		switch sl.Status {
		case session.Due:
			l.DueNow = append(l.DueNow, row)
		case session.Overdue:
			l.Overdue = append(l.Overdue, row)
		}
	}
	if next, ok := tt.Next(); ok && next.Status == session.Upcoming {
		row := slot(next)
		l.Next = &row
	}
	return l
}

// withDefaults fills the forms other than the one that was sent (all of
// them, on a plain visit) with what the record holds and the defaults.
func withDefaults(form, def view.SessionForm) view.SessionForm {
	if form.Which == "" {
		return def
	}
	if form.Which != checklistFields.form {
		form.CompanionName, form.CompanionPhone, form.RideConfirmed, form.LastFood = def.CompanionName, def.CompanionPhone, def.RideConfirmed, def.LastFood
		form.NoSubstances, form.StimulantsPaused, form.MedicationsReviewed, form.Intention = def.NoSubstances, def.StimulantsPaused, def.MedicationsReviewed, def.Intention
	}
	if form.Which != doseFields.form {
		form.WeightKg, form.Mg, form.GivenBy, form.Staff, form.Music, form.EyeMask = def.WeightKg, def.Mg, def.GivenBy, def.Staff, def.Music, def.EyeMask
		form.InfusionMinutes = def.InfusionMinutes
	}
	return form
}

// endedView says, while the client is watched, when administration ended
// or is taken to have ended, from which the minimum observation counts.
func endedView(m store.MedicineSession, tf timefmt.Format) view.EndedView {
	d := m.Dose
	if d == nil || m.State != store.SessionDosed || m.Locked() {
		return view.EndedView{}
	}
	_, text := d.Administration().Ended(tf)
	noun := "Administration ended"
	switch d.Route {
	case session.IV:
		noun = "The infusion ended"
	case session.Intranasal:
		noun = "The last device was given"
	case session.Lozenge, session.RDT:
		noun = "The " + d.Route.UnitNoun() + " was spat out"
	}
	return view.EndedView{Show: true, Text: text, Recorded: d.EndedAt != nil, Noun: noun}
}
