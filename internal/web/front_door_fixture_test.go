package web

import (
	"context"

	"doorway/internal/auth"
	"doorway/internal/intake"
	"doorway/internal/store"
)

// frontDoorFixture is an inquiry to the main clinic with the marker in its
// message, and client A's intake with the marker in their hopes, saved but
// not finished.
type frontDoorFixture struct {
	inquiryID string
}

func (f *fixture) seedFrontDoor() {
	f.t.Helper()
	ctx := context.Background()
	f.frontDoor = frontDoorFixture{inquiryID: auth.NewID()}
	a := f.clients["A"]
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		q := store.Inquiry{ID: f.frontDoor.inquiryID, ClinicID: f.clinic.ID, Name: "Ivy Inquirer", Email: "ivy@example.org",
			Message: "Struggling since the winter. " + marker, Consent: true, ReceivedAt: f.now}
		if err := tx.CreateInquiry(ctx, &q); err != nil {
			return err
		}
		in := store.Intake{CourseID: f.measures.courseID, ClinicID: f.clinic.ID, ClientID: a.ID, UpdatedAt: f.now}
		sec, _ := intake.SectionByID("hopes")
		if err := in.Answers.Save(sec, map[string]string{"indication": "clinical", "hopes": "To feel " + marker}, nil); err != nil {
			return err
		}
		return tx.SaveIntake(ctx, in)
	})
	if err != nil {
		f.t.Fatalf("front door fixture: %v", err)
	}
}
