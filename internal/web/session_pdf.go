package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"doorway/internal/export"
	"doorway/internal/practice"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/timefmt"
	"doorway/internal/web/view"
)

func (s *Server) sessionPDFRoutes() []Route {
	return []Route{{"GET", "/clients/{id}/sessions/{appt}/record.pdf", StaffOnly, s.showSessionPDF}}
}

// showSessionPDF sends a medicine session record as a PDF: everything the
// record holds, in the order the session went, for the chart or an
// auditor. The care team and admins may export it, as the measures report;
// the use case records the export.
func (s *Server) showSessionPDF(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	p, err := s.app.SessionRecordExport(r.Context(), s.actor(r), sessionTarget(r))
	if err != nil {
		s.failSession(w, r, err)
		return
	}
	pdf, err := export.RecordPDF(sessionRecordDoc(p, v.Clinic, s.timeFormat(r), s.now(), s.cfg.Demo || v.Clinic.Demo))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	// The file name says what it is, not who: names stay out of downloads' metadata.
	w.Header().Set("Content-Disposition", `attachment; filename="medicine-session-record.pdf"`)
	w.WriteHeader(http.StatusOK)
	w.Write(pdf) // #nosec G104 -- the response is complete; if the reader has gone there is no one left to tell
}

// sessionRecordDoc words a record for the PDF; p.Order is the order the
// dose was checked against.
func sessionRecordDoc(p *practice.SessionPage, clinic store.Clinic, tf timefmt.Format, now time.Time, demo bool) export.Record {
	rec, m := p.Record, p.Session()
	order, hasOrder := p.Order, p.HasOrder
	clock := func(t time.Time) string { return tf.Time(t) }
	when := func(t time.Time) string { return view.When(t, tf) }
	name := func(id string) string {
		if n := p.Staff[id].Name; n != "" {
			return n
		}
		if id == "" {
			return "—"
		}
		return "someone no longer on staff"
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	asked := func(b *bool) string {
		if b == nil {
			return "not asked"
		}
		return yes(*b)
	}
	fig := func(label, value string) export.Figure { return export.Figure{Label: label, Value: value} }
	vitalsText := func(v session.Vitals) string {
		var parts []string
		if v.Has(session.BP) {
			parts = append(parts, v.BPText()+" mmHg")
		}
		if v.Has(session.HR) {
			parts = append(parts, fmt.Sprintf("heart rate %d", v.HeartRate))
		}
		if v.Has(session.SpO2) {
			parts = append(parts, fmt.Sprintf("SpO2 %d%%", v.SpO2))
		}
		return strings.Join(parts, ", ")
	}

	doc := export.Record{Title: "Medicine session record", ClinicName: clinic.Name, ClientName: p.Client.DisplayName(), Generated: now, Demo: demo, Draft: !m.Locked()}
	if p.Client.DateOfBirth != "" {
		doc.Facts = append(doc.Facts, "Date of birth "+p.Client.DateOfBirth)
	}
	doc.Facts = append(doc.Facts, clinic.Name, "Generated "+when(now))

	// The session and where the record stands.
	state := m.State.Label()
	if m.StateReason != "" {
		state += ": " + m.StateReason
	}
	signed := "Not signed: the record is still open to change."
	if m.Locked() {
		signed = "Signed by " + name(m.SignedBy) + ", " + when(*m.SignedAt) + "; locked " + when(*m.LockedAt) + "."
	}
	doc.Sections = append(doc.Sections, export.Section{Title: "Session", Pairs: []export.Figure{
		fig("Date", tf.Date(p.Appointment.StartsAt)+", booked "+span(p.Appointment, tf)),
		fig("Course", "Started "+dateText(p.Course.StartedAt, tf)+"; now "+strings.ToLower(p.Course.State.Label())),
		fig("Record opened", when(m.StartedAt)+" by "+name(m.StartedBy)),
		fig("State", state),
		fig("Signature", signed),
	}})

	// The order the dose was checked against.
	os := export.Section{Title: "Dosing order", Empty: "The course has no dosing order."}
	if hasOrder {
		by := order.WrittenByName
		if by == "" {
			by = name(order.WrittenBy)
		}
		os.Pairs = append(os.Pairs, fig(fmt.Sprintf("Version %d", order.Version), order.Order.String()),
			fig("Written", when(order.WrittenAt)+" by "+by))
		if order.SupersededAt != nil {
			os.Pairs = append(os.Pairs, fig("Replaced", when(*order.SupersededAt)+" by a later version"))
		}
		if order.Order.Notes != "" {
			os.Pairs = append(os.Pairs, fig("Notes", order.Order.Notes))
		}
	}
	doc.Sections = append(doc.Sections, os)

	// Before the dose.
	c := m.Checklist
	companion := strings.TrimSpace(c.CompanionName + ", " + c.CompanionPhone)
	if c.CompanionName == "" {
		companion = "not named"
	}
	lastFood := "not recorded"
	if c.LastFoodAt != nil {
		lastFood = clock(*c.LastFoodAt)
		if d := m.Dose; d != nil && d.GivenAt.After(*c.LastFoodAt) {
			lastFood += fmt.Sprintf(" (%s before the dose)", hoursMinutes(d.GivenAt.Sub(*c.LastFoodAt)))
		}
	}
	pre := export.Section{Title: "Before the dose", Pairs: []export.Figure{
		fig("Companion", companion),
		fig("Ride home confirmed", yes(c.RideConfirmed)),
		fig("Last ate", lastFood),
		fig("No alcohol or drugs, 24 h", asked(c.NoSubstances)),
		fig("Stimulants paused today", asked(c.StimulantsPaused)),
		fig("Medications reviewed", yes(c.MedicationsReviewed)),
		fig("Intention", orDashText(c.Intention)),
	}}
	if c.At != nil {
		pre.Pairs = append(pre.Pairs, fig("Checks saved", when(*c.At)+" by "+name(c.By)))
	}
	if p := store.LatestPreDose(rec.Vitals); p != nil {
		pre.Pairs = append(pre.Pairs, fig("Pre-dose vital signs", vitalsText(p.Vitals)+" at "+clock(p.TakenAt)))
	} else {
		pre.Pairs = append(pre.Pairs, fig("Pre-dose vital signs", "none recorded"))
	}
	doc.Sections = append(doc.Sections, pre)

	// What prescribers decided before the dose.
	ov := export.Section{Title: "Gate overrides and prescriber confirmations",
		Empty: "No gate was overridden, and no dose needed a prescriber's confirmation."}
	titles := map[string]string{}
	for _, g := range p.Gates {
		titles[g.ID] = g.Title
	}
	seen := map[string]bool{}
	for _, o := range rec.Overrides {
		title := titles[o.GateID]
		if title == "" {
			title = o.GateID
		}
		seen[o.GateID+"\x00"+o.Reason] = true
		ov.Pairs = append(ov.Pairs, fig("Override: "+title, o.Reason+" ("+o.ByName+", "+when(o.At)+")"))
	}
	// Overrides made for the whole course that clear a gate of this session.
	for _, g := range p.Gates {
		if o := g.Override; o != nil && !seen[o.GateID+"\x00"+o.Reason] {
			ov.Pairs = append(ov.Pairs, fig("Override: "+g.Title, o.Reason+" ("+o.By+", "+when(o.At)+"; for the course)"))
		}
	}
	if dc := m.DoseConfirm; dc != nil {
		ov.Pairs = append(ov.Pairs, fig("Dose confirmed", fmt.Sprintf("%s by %s, %s: %s", dc.Mg, name(dc.By), when(dc.At), dc.Reason)))
	}
	doc.Sections = append(doc.Sections, ov)

	// The dose.
	ds := export.Section{Title: "The dose", Empty: "No dose was given."}
	if d := m.Dose; d != nil {
		amount := d.Mg.String()
		if d.Route.Counted() && d.Units > 0 {
			noun := d.Route.UnitNoun()
			if d.Units != 1 {
				noun += "s"
			}
			amount += fmt.Sprintf(" (%d %s)", d.Units, noun)
		}
		ds.Pairs = []export.Figure{
			fig("Route", d.Route.Label()+" ("+d.Route.Drug()+")"),
			fig("Dose", amount),
			fig("By weight", d.PerKg.String()+" at "+d.Weight.String()+", weighed today"),
			fig("Lot number", d.Lot),
			fig("Given", when(d.GivenAt)+" by "+name(d.GivenBy)),
		}
		if d.RecordedBy != "" && d.RecordedBy != d.GivenBy {
			ds.Pairs = append(ds.Pairs, fig("Entered by", name(d.RecordedBy)))
		}
		if d.InfusionMinutes > 0 {
			ds.Pairs = append(ds.Pairs, fig("Infused over", fmt.Sprintf("%d min, %s", d.InfusionMinutes, d.Administration().Rate())))
		}
		if d.EndedAt != nil {
			ds.Pairs = append(ds.Pairs, fig("Administration ended", when(*d.EndedAt)+", recorded by "+name(d.EndedBy)))
		}
		if hasOrder {
			ds.Pairs = append(ds.Pairs, fig("Checked against", fmt.Sprintf("dosing order version %d", d.OrderVersion)))
		}
	}
	doc.Sections = append(doc.Sections, ds)

	// The room.
	var staff []string
	for _, id := range m.Staff {
		staff = append(staff, name(id))
	}
	doc.Sections = append(doc.Sections, export.Section{Title: "Setting and staff present", Pairs: []export.Figure{
		fig("Music", yes(m.Setting.Music)),
		fig("Eye mask", yes(m.Setting.EyeMask)),
		fig("Other", orDashText(m.Setting.Other)),
		fig("Staff present", orDashText(strings.Join(staff, ", "))),
	}})

	// Vital signs: the chart, then every reading, struck ones too.
	doc.Sections = append(doc.Sections, vitalsSection(rec, p.Rules.Settings.Alerts.BPSustained.Systolic, name, clock, when))

	// Observations.
	obs := export.Section{Title: "Observations", Empty: "No observations were recorded.",
		Table: &export.Table{Head: []string{"Time", "MOAA/S", "Dissociation", "Note", "By"}, Cols: []float64{0, 55, 175, 330, 450}}}
	for _, o := range rec.Observations {
		sed := "—"
		if o.Sedation != nil {
			sed = fmt.Sprintf("%d %s", int(*o.Sedation), o.Sedation.Label())
		}
		obs.Table.Rows = append(obs.Table.Rows, export.TableRow{Cells: []string{clock(o.At), sed, orDashText(o.Dissociation), orDashText(o.Note), name(o.EnteredBy)}})
	}
	doc.Sections = append(doc.Sections, obs)

	// Alerts and their acknowledgements.
	al := export.Section{Title: "Alerts", Empty: "No alert was raised.",
		Table: &export.Table{Head: []string{"Alert", "Acknowledgement"}, Cols: []float64{0, 250}}}
	states := p.Alerts()
	for _, a := range states {
		ack := "NOT ACKNOWLEDGED"
		if a.Ack != nil {
			ack = a.Ack.By + ", " + when(a.Ack.At) + ": " + a.Ack.Note
		}
		al.Table.Rows = append(al.Table.Rows, export.TableRow{Cells: []string{a.Message, ack}})
	}
	for _, a := range rec.OrphanAcks(states) {
		al.Table.Rows = append(al.Table.Rows, export.TableRow{Cells: []string{store.AckMessage(a, states),
			a.ByName + ", " + when(a.At) + ": " + a.Note}})
	}
	doc.Sections = append(doc.Sections, al)

	// Adverse events.
	ae := export.Section{Title: "Adverse events", Empty: "No adverse event was recorded.",
		Table: &export.Table{Head: []string{"Time", "Event", "Severity", "Description and action", "Outcome"}, Cols: []float64{0, 62, 170, 230, 430}}}
	for _, e := range rec.AdverseEvents {
		text := e.Description
		if e.Action != "" {
			text = strings.TrimSpace(text + " Action: " + e.Action)
		}
		outcome := "not yet known"
		if e.Outcome != "" {
			outcome = e.Outcome.Label()
		}
		ae.Table.Rows = append(ae.Table.Rows, export.TableRow{Cells: []string{clock(e.At), e.Kind.Label(), string(e.Severity), orDashText(text), outcome}})
	}
	doc.Sections = append(doc.Sections, ae)

	// Discharge.
	dis := export.Section{Title: "Discharge", Empty: "The client has not been discharged."}
	if d := m.Discharge; d != nil {
		at := when(d.At)
		if m.Dose != nil {
			at += fmt.Sprintf(", %d minutes after the dose (minimum %d)", int(d.At.Sub(m.Dose.GivenAt)/time.Minute), p.Rules.Protocol.MinObservation)
		}
		dis.Pairs = []export.Figure{fig("Discharged", at), fig("Released to", d.ReleasedTo), fig("Alert and oriented", yes(d.AlertOriented)),
			fig("By", name(d.By)), fig("Advice", session.NoDrivingInstruction)}
	}
	doc.Sections = append(doc.Sections, dis)

	// Addenda.
	add := export.Section{Title: "Addenda", Empty: "None.",
		Table: &export.Table{Head: []string{"When", "By", "Addendum"}, Cols: []float64{0, 130, 230}}}
	for _, a := range rec.Addenda {
		add.Table.Rows = append(add.Table.Rows, export.TableRow{Cells: []string{when(a.At), orDashText(a.ByName), a.Body}})
	}
	doc.Sections = append(doc.Sections, add)
	return doc
}

// vitalsSection is a session record's vital signs: the chart, with the
// alert line at alertSystolic, then every reading, struck ones too. name
// names staff; clock and when write times.
func vitalsSection(rec store.SessionRecord, alertSystolic int, name func(string) string, clock, when func(time.Time) string) export.Section {
	m := rec.Session
	vs := export.Section{Title: "Vital signs", Empty: "No readings were taken.",
		Table: &export.Table{Head: []string{"Time", "After dose", "BP", "HR", "SpO2", "MOAA/S", "Entered by"}, Cols: []float64{0, 62, 130, 200, 240, 285, 335}}}
	if d := m.Dose; d != nil {
		vs.Vitals = &export.VitalsChart{Dose: d.GivenAt, AlertSystolic: alertSystolic}
	}
	for _, r := range rec.Vitals {
		dash := func(n int, suffix string) string {
			if n == 0 {
				return "—"
			}
			return fmt.Sprint(n) + suffix
		}
		sed := "—"
		if r.Sedation != nil {
			sed = fmt.Sprint(int(*r.Sedation))
		}
		by := name(r.EnteredBy)
		if r.Struck() {
			by += "; struck through by " + name(r.StruckBy) + ", " + when(*r.StruckAt) + ": " + r.StruckReason
		}
		vs.Table.Rows = append(vs.Table.Rows, export.TableRow{Struck: r.Struck(), Cells: []string{clock(r.TakenAt), minutesAfter(r.TakenAt, m.Dose),
			orDashText(r.BPText()), dash(r.HeartRate, ""), dash(r.SpO2, "%"), sed, by}})
		if vs.Vitals != nil && !r.Struck() {
			vs.Vitals.Readings = append(vs.Vitals.Readings, export.VitalsPoint{At: r.TakenAt, Systolic: r.Systolic, Diastolic: r.Diastolic,
				HeartRate: r.HeartRate, SpO2: r.SpO2})
		}
	}
	return vs
}

// hoursMinutes is "4 h 50 min".
func hoursMinutes(d time.Duration) string {
	m := int(d / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
