package practice

import (
	"context"
	"errors"
	"testing"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/store"
)

// A read refused is recorded once, named as it was asked for: the record
// and why, never whose it is; an id the adapter did not find well formed
// goes into the log as nothing.
func TestReadRefusalNamedAsAsked(t *testing.T) {
	f := newAPIFixture(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	a := f.p.Clients["A"]
	course := auth.NewID() // no such course
	for _, tc := range []struct {
		who    string
		q      Asked
		ref    Ref
		detail string
	}{
		{"unassigned", Asked{"Patient", "read", a.ID}, Ref{Kind: KindClient, ID: a.ID}, "out of scope"},
		{"clientB", Asked{"Patient", "everything", a.ID}, Ref{Kind: KindClient, ID: a.ID}, "out of scope"},
		{"admin", Asked{"CarePlan", "read", "plan-" + course}, Ref{Kind: KindCourse, ID: course}, "no such record"},
		{"admin", Asked{"EpisodeOfCare", "read", "plan-" + course}, Ref{Kind: KindCourse, ID: "plan-" + course}, "no such record"},
		{"admin", Asked{"Goal", "read", ""}, Ref{Kind: KindGoal, ID: "../etc"}, "malformed id"},
		{"foreignAdmin", Asked{"Encounter", "read", course + "-" + a.ID}, Ref{Kind: KindAppointment, ID: course, ClientID: a.ID}, "no such record"},
	} {
		act := f.actor(t, tc.who)
		_, err := f.s.RecordsOf(ctx, act, tc.q, tc.ref, AllParts)
		if problem.CodeOf(err) != problem.NotFound || !Recorded(err) {
			t.Errorf("%s %+v: %v", tc.who, tc.q, err)
			continue
		}
		es := f.entries(t, act.P.ClinicID, FHIRAction(tc.q.Type, tc.q.Verb))
		if len(es) != 1 {
			t.Errorf("%s %+v: %d entries", tc.who, tc.q, len(es))
			continue
		}
		e := es[0]
		if e.Outcome != audit.Denied || e.ResourceType != tc.q.Type || e.ResourceID != tc.q.ID || e.Detail != tc.detail ||
			e.ClientID != "" || e.ActorID != act.P.UserID {
			t.Errorf("%s %+v: %+v", tc.who, tc.q, e)
		}
	}
	// The one that may: the client's record, nothing of it refused.
	rec, err := f.s.RecordsOf(ctx, f.actor(t, "assigned"), Asked{"Patient", "everything", a.ID}, Ref{Kind: KindClient, ID: a.ID}, AllParts)
	if err != nil || rec.Client.ID != a.ID || rec.SessionRecords == nil || rec.StaffNames[f.p.Users["assigned"].ID] == "" {
		t.Errorf("assigned therapist's $everything: %v %+v", err, rec)
	}
}

// A principal who may not list clients is refused every search, once, and
// a search run without its scope serves nothing.
func TestSearchScope(t *testing.T) {
	f := newAPIFixture(t, store.Config{DataDir: t.TempDir()})
	ctx := context.Background()
	norole := NewActor(access.Principal{Kind: access.Staff, UserID: auth.NewID(), ClinicID: f.p.Clinic.ID}, "No Role", f.p.Clinic, "r", "", API)
	if _, err := f.s.SearchScope(ctx, norole, Asked{Type: "Observation", Verb: "search"}); !errors.Is(err, ErrMayNotSearch) || !Recorded(err) {
		t.Fatalf("no role: %v", err)
	}
	es := f.entries(t, f.p.Clinic.ID, "fhir.observation.search")
	if len(es) != 1 || es[0].Outcome != audit.Denied || es[0].Detail != "may not search" || es[0].ResourceType != "Observation" {
		t.Errorf("refusal: %+v", es)
	}
	if _, _, err := f.s.SearchClients(ctx, f.actor(t, "admin"), Scope{}, store.ClientQuery{Limit: 10}); !errors.Is(err, errScope) {
		t.Errorf("a search without its scope: %v", err)
	}
	for who, want := range map[string]int{"clientA": 1, "assigned": 1, "unassigned": 1, "admin": 2, "foreignAdmin": 1} {
		act := f.actor(t, who)
		sc, err := f.s.SearchScope(ctx, act, Asked{Type: "Patient", Verb: "search"})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := f.s.RecordsInScope(ctx, act, sc, store.ClientQuery{Limit: 10}, PartCourses)
		if err != nil || len(recs) != want {
			t.Errorf("%s: %d clients in scope (%v), want %d", who, len(recs), err, want)
		}
	}
}
