package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/seal"
	"doorway/internal/session"
)

// TestScheduleTextIsSealed proves that the calendar's and the dosing order's
// free text (notes for the client, a cancellation's reason, the prescriber's
// notes) is stored sealed and reads back whole. The engines' shared behaviour
// is in schedule_test.go and dosing_test.go; sealing is the store's own.
func TestScheduleTextIsSealed(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMasterKey(seal.NewKey()); err != nil {
		t.Fatal(err)
	}
	const marker = "Larkspur-Sealed-Marker-8812"
	now := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	a := Appointment{ID: "a1", ClinicID: "c1", Kind: KindMedicine, StartsAt: now, EndsAt: now.Add(3 * time.Hour),
		NotesForClient: "Bring socks. " + marker, CreatedBy: "u1", CreatedAt: now,
		Clients: []AppointmentClient{{ClientID: "k1", CourseID: "co1"}}, Staff: []string{"u1"}}
	o := DosingOrder{ID: "o1", ClinicID: "c1", ClientID: "k1", CourseID: "co1", WrittenBy: "u1", WrittenAt: now,
		Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300), Notes: "Hold if BP high. " + marker}}
	err = s.Write(ctx, func(tx *Tx) error {
		if err := tx.CreateClinic(ctx, &Clinic{ID: "c1", ShortName: "c1", Name: "C", TimeZone: "UTC", CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, &User{ID: "u1", ClinicID: "c1", Email: "p@example.org", Name: "P", Kind: "staff",
			Roles: []Role{RolePrescriber}, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &Client{ID: "k1", ClinicID: "c1", GivenName: "K", FamilyName: "L", CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateCourse(ctx, &Course{ID: "co1", ClinicID: "c1", ClientID: "k1", State: "active", StartedAt: now, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.BookAppointment(ctx, &a); err != nil {
			return err
		}
		if err := tx.CancelAppointment(ctx, "c1", "a1", "u1", "Unwell. "+marker, now); err != nil {
			return err
		}
		return tx.WriteDosingOrder(ctx, &o, session.DefaultSettings())
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Read(ctx, func(tx *Tx) error {
		var notes, reason, orderNotes string
		if err := tx.queryRow(ctx, `SELECT notes_for_client, cancel_reason FROM appointments WHERE id = 'a1'`).Scan(&notes, &reason); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT notes FROM dosing_orders WHERE id = 'o1'`).Scan(&orderNotes); err != nil {
			return err
		}
		for _, v := range []string{notes, reason, orderNotes} {
			if v == "" || strings.Contains(v, marker) {
				t.Errorf("stored in the clear: %q", v)
			}
		}
		got, err := tx.Appointment(ctx, "c1", "a1")
		if err != nil {
			return err
		}
		cur, ok, err := tx.CurrentDosingOrder(ctx, "c1", "co1")
		if err != nil || !ok {
			t.Fatalf("current order: %v %v", ok, err)
		}
		if got.NotesForClient != a.NotesForClient || got.CancelReason != "Unwell. "+marker || cur.Order.Notes != o.Order.Notes {
			t.Errorf("read back: %q, %q, %q", got.NotesForClient, got.CancelReason, cur.Order.Notes)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
