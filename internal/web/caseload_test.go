package web

import (
	"context"
	"strings"
	"testing"

	"doorway/internal/access"
	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/store"
	"doorway/internal/web/view"
)

// The caseload board counts what a client has due as their chart and portal
// do, the questionnaires asked before a booked medicine session included.
func TestCaseloadCountsBeforeSessionMeasures(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.WithValue(context.Background(), keyViewer,
		&viewer{P: access.Principal{Kind: access.Staff, UserID: f.users["assigned"].ID, ClinicID: f.clinic.ID}, Clinic: f.clinic})
	a := f.clients["A"]
	// Client A answered everything five days ago: the baseline is done and
	// nothing repeats yet, so what is due is what the booked session asks.
	at := f.now.AddDate(0, 0, -5)
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for _, in := range measures.All() {
			asg := store.Assignment{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, InstrumentID: in.ID,
				Occasion: string(measures.OccasionBaseline), DueAt: at, CreatedAt: at}
			if err := tx.CreateAssignment(ctx, &asg); err != nil {
				return err
			}
			r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID,
				InstrumentID: in.ID, Answers: measures.Answers{}, EnteredBy: f.users["clientA"].ID, CompletedAt: at, RecordedAt: at}
			if err := tx.SaveResponse(ctx, &r, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// What the chart counts for client A (loadClientMeasures).
	var wantDue, wantOverdue, before int
	err = f.st.Read(ctx, func(tx *store.Tx) error {
		mc, err := loadMeasureConfig(ctx, tx, f.clinic.ID)
		if err != nil {
			return err
		}
		cm, err := loadClientMeasures(ctx, tx, f.clinic.ID, a.ID, f.now)
		if err != nil {
			return err
		}
		for _, d := range mc.due(cm, f.now) {
			if strings.HasPrefix(d.Reason, "before session") {
				before++
			}
			if d.Overdue {
				wantOverdue++
			} else {
				wantDue++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if before == 0 {
		t.Fatalf("the fixture's booked session asks for nothing before it: %d due, %d overdue", wantDue, wantOverdue)
	}
	cv := view.CaseloadView{Clients: []view.ClientRow{{ID: a.ID}}}
	err = f.st.Read(ctx, func(tx *store.Tx) error {
		courses, err := tx.CurrentCourses(ctx, f.clinic.ID)
		if err != nil {
			return err
		}
		return f.srv.caseloadMeasures(ctx, tx, []store.Client{a}, courses, &cv)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := cv.Clients[0]; got.Due != wantDue || got.Overdue != wantOverdue {
		t.Errorf("the board counts %d due and %d overdue for client A, the chart %d and %d (%d before the session)",
			got.Due, got.Overdue, wantDue, wantOverdue, before)
	}
}
