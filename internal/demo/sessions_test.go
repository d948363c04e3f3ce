package demo_test

import (
	"testing"
	"time"

	"doorway/internal/care"
	"doorway/internal/demo"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
	"doorway/internal/timefmt"
)

// TestSessionsTellTheStories reads back the medicine sessions of DEMO.md,
// on every engine.
func TestSessionsTellTheStories(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st, now := seeded(t, e)
			err := st.Read(ctx, func(tx *store.Tx) error {
				clinic, err := tx.ClinicByRef(ctx, demo.ShortName)
				if err != nil {
					return err
				}
				clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: clinic.ID})
				if err != nil {
					return err
				}
				records := map[string][]store.SessionRecord{}
				for _, c := range clients {
					ms, err := tx.ClientMedicineSessions(ctx, clinic.ID, c.ID)
					if err != nil {
						return err
					}
					for _, m := range ms {
						r, err := tx.SessionRecordOf(ctx, clinic.ID, m.ID)
						if err != nil {
							return err
						}
						records[c.GivenName] = append(records[c.GivenName], r)
					}
				}
				rules, err := tx.SessionRules(ctx, clinic.ID)
				if err != nil {
					return err
				}
				limits := rules.Settings.Alerts

				// Every finished session is discharged, signed by Dr. Lee
				// and locked, with its readings at the protocol's points.
				for name, n := range map[string]int{"Maya": 4, "Daniel": 3, "Noah": 6} {
					if len(records[name]) != n {
						t.Errorf("%s has %d session records, want %d", name, len(records[name]), n)
					}
					for i, r := range records[name] {
						m := r.Session
						if m.State != store.SessionDischarged || !m.Locked() || m.Discharge == nil || m.Dose == nil {
							t.Errorf("%s session %d: state %s, locked %v", name, i+1, m.State, m.Locked())
							continue
						}
						if got := m.Discharge.At.Sub(m.Dose.GivenAt); got < 120*time.Minute {
							t.Errorf("%s session %d discharged %v after the dose", name, i+1, got)
						}
						if len(r.Vitals) < 8 || len(r.Observations) == 0 {
							t.Errorf("%s session %d: %d readings, %d observations", name, i+1, len(r.Vitals), len(r.Observations))
						}
						for _, a := range r.Alerts(limits) {
							if a.Open() {
								t.Errorf("%s session %d has an open alert: %s", name, i+1, a.Message)
							}
						}
						// The discharge written is one the rules allow at
						// that moment: the minimum observation from the end
						// of administration, back to the client's own level.
						if d := dischargeAt(r, rules, m.Discharge.At); !d.Ready {
							for _, c := range d.Criteria {
								if !c.Passed {
									t.Errorf("%s session %d discharged before %s: %s", name, i+1, c.Label, c.Reason)
								}
							}
						}
					}
				}
				// Maya's third session: a deep-sedation alert (MOAA/S 1),
				// acknowledged by Sam with a note.
				if len(records["Maya"]) == 4 {
					alerts := records["Maya"][2].Alerts(limits)
					if len(alerts) != 1 || alerts[0].Kind != session.AlertSedation || alerts[0].Open() || alerts[0].Ack.By != "Sam Okafor" {
						t.Errorf("Maya's sedation alert: %+v", alerts)
					}
					for _, i := range []int{0, 1, 3} {
						if n := len(records["Maya"][i].Alerts(limits)); n != 0 {
							t.Errorf("Maya's session %d has %d alerts", i+1, n)
						}
					}
				}
				if len(records["Lena"]) != 0 || len(records["Ruth"]) != 0 {
					t.Error("a client without a medicine session in the past has a record")
				}

				// Maya: sublingual RDT 200, 200, 300, 300 mg (4 and 6 tablets
				// of 50 mg), each against the order in force that day.
				for i, want := range []struct {
					mg      int64
					units   int
					version int
				}{{200, 4, 1}, {200, 4, 1}, {300, 6, 2}, {300, 6, 2}} {
					if i >= len(records["Maya"]) {
						break
					}
					d := records["Maya"][i].Session.Dose
					if d.Route != session.RDT || d.Mg != session.MgOf(want.mg) || d.Units != want.units || d.OrderVersion != want.version {
						t.Errorf("Maya's dose %d: %s, %d units, order version %d; want %d mg, %d, version %d", i+1, d.Mg, d.Units, d.OrderVersion,
							want.mg, want.units, want.version)
					}
				}

				// Daniel: IM 0.50 mg/kg at 84.0 kg = 42 mg. His second session
				// has the alert: 186/112 at 40 minutes, acknowledged by Sam
				// with a note, settled by 75 minutes.
				for i, r := range records["Daniel"] {
					if d := r.Session.Dose; d.Route != session.IM || d.Mg != session.MgOf(42) || d.PerKg != 50 {
						t.Errorf("Daniel's dose %d: %s %s (%s)", i+1, d.Route, d.Mg, d.PerKg)
					}
				}
				if len(records["Daniel"]) == 3 {
					r := records["Daniel"][1]
					dose := r.Session.Dose.GivenAt
					alerts := r.Alerts(limits)
					if len(alerts) != 1 || alerts[0].Kind != session.AlertBPSustained || alerts[0].Open() ||
						alerts[0].Ack.By != "Sam Okafor" || alerts[0].Ack.Note == "" {
						t.Fatalf("Daniel's alert: %+v", alerts)
					}
					at40 := alerts[0].Readings[0]
					if at40.At.Sub(dose) != 40*time.Minute || at40.Systolic != 186 || at40.Diastolic != 112 {
						t.Errorf("the alert's first reading: %s at %v", at40.BPText(), at40.At.Sub(dose))
					}
					for _, v := range r.Vitals {
						if after := v.TakenAt.Sub(dose); after >= 75*time.Minute && limits.BPSustained.Reached(v.Systolic, v.Diastolic) {
							t.Errorf("Daniel's pressure %s at %v is still at the alert line", v.BPText(), after)
						}
					}
					if len(r.AdverseEvents) != 1 || r.AdverseEvents[0].Kind != session.Hypertension || r.AdverseEvents[0].Outcome != session.Resolved {
						t.Errorf("Daniel's adverse events: %+v", r.AdverseEvents)
					}
					for _, other := range []store.SessionRecord{records["Daniel"][0], records["Daniel"][2]} {
						if len(other.Alerts(limits)) != 0 {
							t.Errorf("another of Daniel's sessions has an alert")
						}
					}
				}

				// Tom: dosed 35 minutes before now, his baseline and
				// 15-minute readings in, the 30-minute reading due.
				if len(records["Tom"]) != 1 {
					t.Fatalf("Tom has %d session records", len(records["Tom"]))
				}
				tom := records["Tom"][0].Session
				if tom.State != store.SessionDosed || tom.Locked() || tom.Dose == nil || !tom.Dose.GivenAt.Equal(now.Add(-35*time.Minute)) {
					t.Fatalf("Tom's session: %s, dose %+v", tom.State, tom.Dose)
				}
				tt, err := session.Schedule(rules.Protocol, tom.Dose.GivenAt, now, store.Readings(records["Tom"][0].Vitals))
				if err != nil {
					return err
				}
				status := map[int]session.Status{}
				for _, sl := range tt.Slots {
					status[sl.Minute] = sl.Status
				}
				if status[0] != session.Done || status[15] != session.Done || status[30] != session.Due || len(tt.Overdue()) != 0 {
					t.Errorf("Tom's timetable: %v", status)
				}
				if next, ok := tt.Next(); !ok || next.Minute != 30 {
					t.Errorf("Tom's next reading: %+v", next)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// dischargeAt puts a finished record to the discharge rules at the moment
// it was discharged, with what the record says of it.
func dischargeAt(r store.SessionRecord, rules store.SessionRules, at time.Time) session.Discharge {
	m := r.Session
	adm := m.Dose.Administration()
	in := session.DischargeInput{Protocol: rules.Protocol, Limits: rules.Settings.Discharge, DoseTime: m.Dose.GivenAt, Administration: &adm,
		Now: at, LastVitals: store.LatestReading(r.Vitals), AlertAndOriented: true, Companion: m.Checklist.CompanionName,
		ReleasedTo: m.Discharge.ReleasedTo, OpenAlerts: session.OpenAlerts(r.Alerts(rules.Settings.Alerts))}
	if pre := store.LatestPreDose(r.Vitals); pre != nil {
		in.PreDose = &pre.Vitals
	}
	return session.CheckDischarge(in)
}

// TestLenasSessionLeadsWithHerOpenFlag: Lena's first medicine session is
// booked after Tom's, and its gates lead with her open PHQ-9 flag, failing.
func TestLenasSessionLeadsWithHerOpenFlag(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st, now := seeded(t, e)
			err := st.Read(ctx, func(tx *store.Tx) error {
				clinic, err := tx.ClinicByRef(ctx, demo.ShortName)
				if err != nil {
					return err
				}
				clients, _, err := tx.Clients(ctx, store.ClientFilter{ClinicID: clinic.ID})
				if err != nil {
					return err
				}
				var lena store.Client
				for _, c := range clients {
					if c.GivenName == "Lena" {
						lena = c
					}
				}
				appts, err := tx.Appointments(ctx, store.AppointmentFilter{ClinicID: clinic.ID, ClientID: lena.ID, From: now, To: now.Add(24 * time.Hour)})
				if err != nil {
					return err
				}
				if len(appts) != 1 || appts[0].Kind != store.KindMedicine || appts[0].StartsAt.After(now.Add(4*time.Hour)) {
					t.Fatalf("Lena's appointments in the next day: %+v", appts)
				}
				course, _, err := tx.SessionCourse(ctx, appts[0], lena.ID)
				if err != nil {
					return err
				}
				in, err := tx.DayGateInput(ctx, course)
				if err != nil {
					return err
				}
				gates := care.SafetyFirst(care.Gates(in, care.Settings{Time: timefmt.New(clinic.Location(), "")}, now))
				if gates[0].ID != care.GateSafetyFlags || gates[0].Pass || gates[0].Cleared() {
					t.Errorf("Lena's first gate: %+v", gates[0])
				}
				for _, g := range gates {
					if g.Scope == care.CourseScope && !g.Cleared() {
						t.Errorf("Lena's course gate %s fails: %s", g.Title, g.Why)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
