package practice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"doorway/internal/access"
	"doorway/internal/auth"
	"doorway/internal/calendar"
	"doorway/internal/care"
	"doorway/internal/practice"
	"doorway/internal/problem"
	"doorway/internal/store"
	"doorway/internal/store/storetest"
)

// prep is a practice whose client A has a course in preparation, with the
// use cases over it.
type prep struct {
	t      testing.TB
	st     *store.Store
	app    *practice.Service
	p      *storetest.Practice
	course store.Course
	now    time.Time
}

func newPrep(t testing.TB, cfg store.Config) *prep {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenConfig(t, cfg)
	now := storetest.Now
	p := storetest.NewPractice(t, st, now)
	f := &prep{t: t, st: st, p: p, now: now, app: practice.New(practice.Config{Store: st, Now: func() time.Time { return now }})}
	f.course = store.Course{ID: auth.NewID(), ClinicID: p.Clinic.ID, ClientID: p.Clients["A"].ID, State: care.Preparation, StartedAt: now, CreatedAt: now}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.CreateCourse(ctx, &f.course) }); err != nil {
		t.Fatal(err)
	}
	return f
}

// as is the Actor of a principal of the practice, on the pages.
func (f *prep) as(who string) practice.Actor {
	u := f.p.Users[who]
	clinic := f.p.Clinic
	if u.ClinicID != clinic.ID {
		clinic = f.p.Other
	}
	clientID := ""
	switch who {
	case "clientA":
		clientID = f.p.Clients["A"].ID
	case "clientB":
		clientID = f.p.Clients["B"].ID
	}
	return practice.NewActor(u.Principal(clientID), u.Name, clinic, "req-"+who, "192.0.2.7", practice.Pages)
}

func (f *prep) audit(action string) []string {
	f.t.Helper()
	ctx := context.Background()
	var out []string
	err := f.st.Read(ctx, func(tx *store.Tx) error {
		es, err := tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: action, Limit: 100})
		for _, e := range es {
			out = append(out, e.Action+" "+e.ResourceType+" "+string(e.Outcome))
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// A write refused by access is recorded once, as a denial, and changes
// nothing; the adapter sees that it is recorded.
func TestCourseWriteOutOfScopeIsRecordedOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { courseWriteOutOfScopeIsRecordedOnce(t, newPrep(t, e.Config(t))) })
	}
}

func courseWriteOutOfScopeIsRecordedOnce(t *testing.T, f *prep) {
	ctx := context.Background()
	a := f.p.Clients["A"].ID
	_, err := f.app.MoveCourse(ctx, f.as("unassigned"), a, care.Paused)
	if problem.CodeOf(err) != problem.NotFound || !practice.Recorded(err) {
		t.Fatalf("move by a therapist off the team: %v", err)
	}
	_, err = f.app.WritePrepNote(ctx, f.as("unassigned"), practice.PrepNoteInput{ClientID: a, Body: "x"})
	if problem.CodeOf(err) != problem.NotFound || !practice.Recorded(err) {
		t.Fatalf("note by a therapist off the team, with no date: %v", err)
	}
	if got := f.audit("access.denied"); len(got) != 2 || got[0] != "access.denied client denied" {
		t.Errorf("denials recorded: %q, want two", got)
	}
	if got := f.audit("course.state"); len(got) != 0 {
		t.Errorf("a refused move was recorded as a change: %q", got)
	}
}

// A browser sends a text area's lines ended by CRLF: a note that is still
// the template as the form showed it is refused all the same.
func TestPrepNoteStillTheTemplateFromABrowser(t *testing.T) {
	f := newPrep(t, store.Config{DataDir: t.TempDir()})
	body := strings.ReplaceAll(practice.PrepNoteTemplate, "\n", "\r\n") + "\r\n"
	_, err := f.app.WritePrepNote(context.Background(), f.as("assigned"), practice.PrepNoteInput{ClientID: f.p.Clients["A"].ID,
		Day: calendar.Of(f.now, f.p.Clinic.Location()), Body: body})
	if problem.CodeOf(err) != problem.Invalid || problem.FieldOf(err) != "body" {
		t.Fatalf("the untouched template from a browser: %v", err)
	}
}

// Saving the checklist reads only what its checks need: the client and
// their care team, the course, and the audit log's head.
func TestSaveChecklistStatements(t *testing.T) {
	counter := store.QueryCounter{Keep: true}
	f := newPrep(t, store.Config{DataDir: t.TempDir(), Counter: &counter})
	ctx := context.Background()
	a := f.as("clientA")
	counter.Reset()
	if err := f.app.SaveChecklist(ctx, a, store.Checklist{FastingUnderstood: true}); err != nil {
		t.Fatal(err)
	}
	n := counter.Count()
	for _, q := range counter.Statements() {
		t.Log(q)
	}
	if n > maxChecklistStatements {
		t.Errorf("saving the checklist took %d statements; at most %d", n, maxChecklistStatements)
	}
}

// maxChecklistStatements: the client, their care team, the current course,
// the update (and, the first time, the insert), and the audit entry with
// the log's head.
const maxChecklistStatements = 7

// Every inquiry form counts against its address's hourly limit, a robot's
// too; the staff's list says how many it holds in words.
func TestInquiriesCountEveryFormAndAreListed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { inquiriesCountEveryFormAndAreListed(t, newPrep(t, e.Config(t))) })
	}
}

func inquiriesCountEveryFormAndAreListed(t *testing.T, f *prep) {
	ctx := context.Background()
	visitor := practice.NewActor(access.Principal{Kind: access.Anonymous}, "", store.Clinic{}, "req-visitor", "198.51.100.9", practice.Pages)
	form := func(name string) practice.InquiryInput {
		return practice.InquiryInput{Name: name, Email: "robin@example.org", Consent: true, Stamp: f.app.InquiryStamp(f.now.Add(-time.Minute))}
	}
	for _, name := range []string{"Robin", "Sam"} {
		if _, err := f.app.SendInquiry(ctx, visitor, form(name)); err != nil {
			t.Fatalf("inquiry from %s: %v", name, err)
		}
	}
	robot := form("Bot")
	robot.Honeypot = "http://spam.example"
	for range practice.InquiriesPerHour - 2 {
		if _, err := f.app.SendInquiry(ctx, visitor, robot); err != nil {
			t.Fatalf("a robot is answered as a person: %v", err)
		}
	}
	if _, err := f.app.SendInquiry(ctx, visitor, form("Kim")); problem.CodeOf(err) != problem.TooMany {
		t.Fatalf("over the hourly limit: %v", err)
	}
	list, err := f.app.Inquiries(ctx, f.as("assigned"), "nonesuch")
	if err != nil || list.Status != "" || len(list.Inquiries) != 2 {
		t.Fatalf("inquiries: %+v %v", list, err)
	}
	var detail string
	f.st.Read(ctx, func(tx *store.Tx) error {
		es, err := tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "inquiry.list", Limit: 1})
		if len(es) == 1 {
			detail = es[0].Detail
		}
		return err
	})
	if detail != "2 inquiries" {
		t.Errorf("the listing is recorded as %q", detail)
	}
}
