package web

import (
	"context"
	"fmt"
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
	board, err := f.srv.app.Caseload(ctx, actor, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	got := struct{ Due, Overdue int }{board.Measures.Due[a.ID], board.Measures.Overdue[a.ID]}
	if got.Due != wantDue || got.Overdue != wantOverdue {
		t.Errorf("the board counts %d due and %d overdue for client A, the chart %d and %d (%d before the session)",
			got.Due, got.Overdue, wantDue, wantOverdue, before)
	}
}

// A clinic larger than a page lists its clients a page at a time, in name
// order, with links either side, and a page that is not one shows the first.
func TestCaseloadPages(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	ctx := context.Background()
	// The fixture's clinic has clients A and B; 53 more make 55: pages of
	// 50 and 5.
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		for i := range 53 {
			c := store.Client{ID: auth.NewID(), ClinicID: f.clinic.ID, GivenName: "Paged", FamilyName: fmt.Sprintf("Zz%03d", i), CreatedAt: f.now}
			if err := tx.CreateClient(ctx, &c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first := f.do("admin", "GET", "/caseload", nil).Body.String()
	for _, want := range []string{"Clients 1–50 of 55 clients", `href="/caseload?page=2"`, "Zz047"} {
		if !strings.Contains(first, want) {
			t.Errorf("first page lacks %q", want)
		}
	}
	if strings.Contains(first, "Zz048") || strings.Contains(first, "Previous clients") {
		t.Error("the first page shows the second's clients or a link back")
	}
	second := f.do("admin", "GET", "/caseload?page=2", nil).Body.String()
	for _, want := range []string{"Clients 51–55 of 55 clients", "Zz048", "Zz052", `href="/caseload"`} {
		if !strings.Contains(second, want) {
			t.Errorf("second page lacks %q", want)
		}
	}
	if strings.Contains(second, "Zz047") || strings.Contains(second, "Next clients") {
		t.Error("the second page shows the first's clients or a link onward")
	}
	if rec := f.do("admin", "GET", "/caseload?page=x", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Clients 1–50 of 55") {
		t.Errorf("page=x: %d", rec.Code)
	}
	// A search pages too, and its links keep the search.
	if body := f.do("admin", "GET", "/caseload?q=paged", nil).Body.String(); !strings.Contains(body, `href="/caseload?page=2&amp;q=paged"`) {
		t.Error("a search's next page drops the search")
	}
}
