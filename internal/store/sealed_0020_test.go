package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/screening"
	"doorway/internal/session"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// TestRowsWrittenInClearBefore0020StillRead: a database holding rows from
// before migration 0020, whose columns it seals were then written in clear,
// keeps working. The rows are written through the store (so sealed), then
// put back as the earlier code stored them, in clear, with raw SQL (an
// acknowledgement, which the database refuses to change, is inserted so);
// every value reads back through the store as it was, on both engines;
// SealClearText, run at start-up, seals them in place (all but the
// acknowledgement) and they read the same; and new writes are sealed.
func TestRowsWrittenInClearBefore0020StillRead(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.Config(t)
			s := storetest.OpenConfig(t, cfg)
			now := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
			p := storetest.NewPractice(t, s, now)
			a, clinic := p.Clients["A"], p.Clinic.ID
			therapist, presc := p.Users["assigned"].ID, p.Users["prescriber"].ID
			course := store.Course{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, State: care.Active, StartedAt: now.AddDate(0, -1, 0), CreatedAt: now}
			flag := store.SafetyFlag{ID: auth.NewID(), Kind: "suicide_risk", Severity: "high", Reason: "Item 9 answered Several days", RaisedAt: now}
			inquiry := store.Inquiry{ID: auth.NewID(), ClinicID: clinic, Name: "Old Inquirer", Email: "old@example.org", Phone: "555-0199",
				Message: "Hello", Consent: true, ReceivedAt: now}
			decision := store.ScreeningDecision{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, CourseID: course.ID, Kind: screening.Approve,
				Tier: screening.Review, Rules: []string{"benzodiazepine_dose", "hypertension"}, DecidedBy: presc, DecidedAt: now}
			checklist := store.Checklist{CourseID: course.ID, ClinicID: clinic, ClientID: a.ID, CompanionName: "Old Companion",
				CompanionPhone: "555-0123", RoomNote: "Old room note", UpdatedBy: therapist, UpdatedAt: now}
			var m store.MedicineSession
			err := s.Write(ctx, func(tx *store.Tx) error {
				if err := tx.CreateCourse(ctx, &course); err != nil {
					return err
				}
				asg := store.Assignment{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, InstrumentID: measures.PHQ9,
					Occasion: store.OccasionAssigned, DueAt: now, AssignedBy: therapist, CreatedAt: now}
				if err := tx.CreateAssignment(ctx, &asg); err != nil {
					return err
				}
				resp := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: clinic, ClientID: a.ID, InstrumentID: measures.PHQ9,
					Answers: measures.Answers{"44260-8": 1}, Total: 1, HasTotal: true, EnteredBy: therapist, CompletedAt: now, RecordedAt: now}
				if err := tx.SaveResponse(ctx, &resp, []store.SafetyFlag{flag}); err != nil {
					return err
				}
				if err := tx.CreateInquiry(ctx, &inquiry); err != nil {
					return err
				}
				if err := tx.SetInquiryStatus(ctx, inquiry, store.InquiryClosed, "Old close reason", "", therapist, now); err != nil {
					return err
				}
				if err := tx.RecordScreeningDecision(ctx, &decision); err != nil {
					return err
				}
				if err := tx.SaveChecklist(ctx, &checklist); err != nil {
					return err
				}
				order := store.DosingOrder{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, CourseID: course.ID, WrittenBy: presc,
					WrittenAt: now.Add(-24 * time.Hour), Order: session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}}
				if err := tx.WriteDosingOrder(ctx, &order, session.DefaultSettings()); err != nil {
					return err
				}
				appt := store.Appointment{ID: auth.NewID(), ClinicID: clinic, Kind: store.KindMedicine, StartsAt: now, EndsAt: now.Add(3 * time.Hour),
					CreatedBy: therapist, CreatedAt: now, Staff: []string{therapist}, Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: course.ID}}}
				if err := tx.BookAppointment(ctx, &appt); err != nil {
					return err
				}
				m = store.MedicineSession{ClinicID: clinic, AppointmentID: appt.ID, ClientID: a.ID, StartedBy: therapist, StartedAt: now}
				if err := tx.StartMedicineSession(ctx, &m); err != nil {
					return err
				}
				at := now.Add(10 * time.Minute)
				if err := tx.SaveSessionChecklist(ctx, clinic, m.ID, store.PreDoseChecklist{CompanionName: "Day Companion", CompanionPhone: "555-0111",
					By: therapist, At: &at}); err != nil {
					return err
				}
				if err := tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: clinic, SessionID: m.ID, PreDose: true, TakenAt: at,
					Vitals: session.Vitals{Systolic: 128, Diastolic: 82, HeartRate: 72, SpO2: 98}, EnteredBy: therapist, EnteredAt: at}); err != nil {
					return err
				}
				if err := tx.RecordSessionDose(ctx, clinic, m.ID, store.SessionDose{Route: session.IM, Weight: session.KgOf(80), Mg: session.MgOf(40),
					Lot: "OLD-LOT-1", GivenBy: therapist, GivenAt: at, OrderID: order.ID}, false); err != nil {
					return err
				}
				if err := tx.SaveSessionSetting(ctx, clinic, m.ID, store.SessionSetting{Other: "Old setting"}, []string{therapist}); err != nil {
					return err
				}
				return tx.DischargeMedicineSession(ctx, clinic, m.ID, store.SessionDischarge{ReleasedTo: "Day Companion", AlertOriented: true,
					By: therapist, At: now.Add(2 * time.Hour)})
			})
			if err != nil {
				t.Fatal(err)
			}
			// Back to the form the code before 0020 wrote.
			db := rawDB(t, e, cfg)
			exec := func(q string, args ...any) {
				t.Helper()
				if e.Name == "postgres" {
					for i := 1; strings.Contains(q, "?"); i++ {
						q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
					}
				}
				if _, err := db.Exec(q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`UPDATE safety_flags SET reason = ? WHERE id = ?`, flag.Reason, flag.ID)
			exec(`UPDATE inquiries SET name = ?, email = ?, phone = ?, close_reason = ? WHERE id = ?`,
				inquiry.Name, inquiry.Email, inquiry.Phone, "Old close reason", inquiry.ID)
			exec(`UPDATE screening_decisions SET rules = ? WHERE id = ?`, "benzodiazepine_dose,hypertension", decision.ID)
			exec(`UPDATE prep_checklist SET companion_name = ?, companion_phone = ?, room_note = ? WHERE course_id = ?`,
				checklist.CompanionName, checklist.CompanionPhone, checklist.RoomNote, course.ID)
			exec(`UPDATE medicine_sessions SET companion_name = ?, companion_phone = ?, lot_number = ?, setting_other = ?, released_to = ? WHERE id = ?`,
				"Day Companion", "555-0111", "OLD-LOT-1", "Old setting", "Day Companion", m.ID)
			exec(`INSERT INTO medicine_session_alert_acks (id, session_id, clinic_id, alert_key, message, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				auth.NewID(), m.ID, clinic, "bp_sustained:1", "Blood pressure at or above 180/110", "", therapist, now.Add(time.Hour))
			var raw string
			if err := db.QueryRow(`SELECT lot_number FROM medicine_sessions`).Scan(&raw); err != nil || raw != "OLD-LOT-1" {
				t.Fatalf("the lot was not put back in clear: %q %v", raw, err)
			}

			readBack := func(when string) {
				t.Helper()
				err = s.Read(ctx, func(tx *store.Tx) error {
					flags, err := tx.ClientFlags(ctx, clinic, a.ID)
					if err != nil {
						return err
					}
					if len(flags) != 1 || flags[0].Reason != flag.Reason {
						t.Errorf(when+": flag: %+v", flags)
					}
					facts, _, err := tx.SafetyGateFacts(ctx, clinic, a.ID)
					if err != nil {
						return err
					}
					if len(facts) != 1 || facts[0].Reason != flag.Reason {
						t.Errorf(when+": the safety gate's flag: %+v", facts)
					}
					q, err := tx.Inquiry(ctx, clinic, inquiry.ID)
					if err != nil {
						return err
					}
					if q.Name != inquiry.Name || q.Email != inquiry.Email || q.Phone != inquiry.Phone || q.CloseReason != "Old close reason" || q.Message != "Hello" {
						t.Errorf(when+": inquiry: %+v", q)
					}
					d, _, err := tx.LatestScreeningDecision(ctx, clinic, course.ID)
					if err != nil {
						return err
					}
					if strings.Join(d.Rules, ",") != "benzodiazepine_dose,hypertension" {
						t.Errorf(when+": rules: %v", d.Rules)
					}
					c, _, err := tx.CourseChecklist(ctx, clinic, course.ID)
					if err != nil {
						return err
					}
					if c.CompanionName != checklist.CompanionName || c.CompanionPhone != checklist.CompanionPhone || c.RoomNote != checklist.RoomNote {
						t.Errorf(when+": checklist: %+v", c)
					}
					rec, err := tx.SessionRecordOf(ctx, clinic, m.ID)
					if err != nil {
						return err
					}
					got := rec.Session
					if got.Checklist.CompanionName != "Day Companion" || got.Checklist.CompanionPhone != "555-0111" || got.Dose.Lot != "OLD-LOT-1" ||
						got.Setting.Other != "Old setting" || got.Discharge.ReleasedTo != "Day Companion" {
						t.Errorf(when+": session: %+v", got)
					}
					if len(rec.Acks) != 1 || rec.Acks[0].Message != "Blood pressure at or above 180/110" {
						t.Errorf(when+": acknowledgements: %+v", rec.Acks)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			readBack("in clear")
			// At start-up the server seals them in place, but for the
			// acknowledgement, which the database refuses to change.
			n, err := s.SealClearText(ctx)
			if err != nil || n != 14 {
				t.Fatalf("sealed %d values (%v), want 14", n, err)
			}
			for _, q := range []string{`SELECT reason FROM safety_flags`, `SELECT rules FROM screening_decisions`, `SELECT name FROM inquiries`,
				`SELECT close_reason FROM inquiries`, `SELECT room_note FROM prep_checklist`, `SELECT lot_number FROM medicine_sessions`,
				`SELECT released_to FROM medicine_sessions`} {
				if err := db.QueryRow(q).Scan(&raw); err != nil || !strings.HasPrefix(raw, "s1.") {
					t.Errorf("%s: %q %v", q, raw, err)
				}
			}
			if n, err := s.SealClearText(ctx); err != nil || n != 0 {
				t.Errorf("a second start sealed %d (%v), want 0", n, err)
			}
			readBack("sealed in place")
			// A new write to an old row seals it.
			checklist.RoomNote = "New room note"
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SaveChecklist(ctx, &checklist) }); err != nil {
				t.Fatal(err)
			}
			var note, name string
			if err := db.QueryRow(`SELECT room_note, companion_name FROM prep_checklist`).Scan(&note, &name); err != nil && err != sql.ErrNoRows {
				t.Fatal(err)
			}
			if !strings.HasPrefix(note, "s1.") || !strings.HasPrefix(name, "s1.") {
				t.Errorf("rewritten checklist stored as %q, %q", note, name)
			}
		})
	}
}
