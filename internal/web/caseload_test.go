package web

import (
	"context"
	"strings"
	"testing"

	"doorway/internal/access"
	"doorway/internal/auth"
	"doorway/internal/measures"
	"doorway/internal/practice"
	"doorway/internal/store"
)

// The caseload board counts what a client has due as their chart and portal
// do, the questionnaires asked before a booked medicine session included.
func TestCaseloadCountsBeforeSessionMeasures(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	actor := practice.NewActor(access.Principal{Kind: access.Staff, UserID: f.users["assigned"].ID, ClinicID: f.clinic.ID, Roles: []access.Role{access.Therapist}}, "Staff assigned",
		f.clinic, "", "", practice.Pages)
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
	// What the chart counts for client A.
	var wantDue, wantOverdue, before int
	chart, err := f.srv.app.Chart(ctx, actor, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range chart.Measures.Due {
		if strings.HasPrefix(d.Reason, "before session") {
			before++
		}
		if d.Overdue {
			wantOverdue++
		} else {
			wantDue++
		}
	}
	if before == 0 {
		t.Fatalf("the fixture's booked session asks for nothing before it: %d due, %d overdue", wantDue, wantOverdue)
	}
	board, err := f.srv.app.Caseload(ctx, actor, "")
	if err != nil {
		t.Fatal(err)
	}
	got := struct{ Due, Overdue int }{board.Measures.Due[a.ID], board.Measures.Overdue[a.ID]}
	if got.Due != wantDue || got.Overdue != wantOverdue {
		t.Errorf("the board counts %d due and %d overdue for client A, the chart %d and %d (%d before the session)",
			got.Due, got.Overdue, wantDue, wantOverdue, before)
	}
}
