package fhir

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/store"
)

// noteIDs are client A's signed notes in the fixture.
type noteIDs struct {
	prep, integration, addendum string
}

// processMarker is in the assigned therapist's psychotherapy note about
// client A: no response of the API may ever hold it, decoded or not.
const processMarker = "Process-Marker-Unserved-7Q"

// seedNotes gives client A a signed preparation note (on the preparation
// course), a SOAP integration note of the signed medicine session a week
// ago with an addendum, each holding the marker, and a psychotherapy note
// by the assigned therapist. Call after seedPreparation and
// seedMedicineSessions.
func (f *fixture) seedNotes() {
	f.t.Helper()
	ctx := context.Background()
	a, clinic, therapist := f.clients["A"], f.p.Clinic.ID, f.p.Users["assigned"].ID
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		prep := store.PrepNote{ClinicID: clinic, ClientID: a.ID, CourseID: f.prep.courseID, OccurredAt: f.now.AddDate(0, 0, -20),
			Body: "Preparation: intentions explored. " + marker, AuthorID: therapist, SignedAt: f.now.AddDate(0, 0, -20)}
		if err := tx.AddPrepNote(ctx, &prep); err != nil {
			return err
		}
		m, err := tx.MedicineSession(ctx, clinic, f.sessions.done)
		if err != nil {
			return err
		}
		n := store.IntegrationNote{ClinicID: clinic, ClientID: a.ID, CourseID: f.sessions.course, MedicineSessionID: m.ID, Template: "soap",
			OccurredAt: f.now.AddDate(0, 0, -5), Sections: map[string]string{"subjective": "Felt lighter. " + marker, "plan": "Walk daily."},
			AuthorID: therapist, SignedAt: f.now.AddDate(0, 0, -5).Add(time.Hour)}
		if err := tx.AddIntegrationNote(ctx, &n); err != nil {
			return err
		}
		add := store.IntegrationNote{ClinicID: clinic, ClientID: a.ID, Template: "addendum", OccurredAt: f.now.AddDate(0, 0, -4),
			Sections: map[string]string{"addendum": "It was a river, not a lake."}, AuthorID: f.p.Users["prescriber"].ID,
			SignedAt: f.now.AddDate(0, 0, -4), AddendumTo: n.ID}
		if err := tx.AddIntegrationNote(ctx, &add); err != nil {
			return err
		}
		f.notes = noteIDs{prep: prep.ID, integration: n.ID, addendum: add.ID}
		return tx.AddPsychotherapyNote(ctx, &store.PsychotherapyNote{ClinicID: clinic, ClientID: a.ID, AuthorID: therapist,
			Body: processMarker + " countertransference", CreatedAt: f.now, UpdatedAt: f.now})
	})
	if err != nil {
		f.t.Fatalf("notes fixture: %v", err)
	}
}

// noteText decodes a DocumentReference's attachment.
func noteText(t *testing.T, d map[string]any) string {
	t.Helper()
	att := asList(d["content"])[0].(map[string]any)["attachment"].(map[string]any)
	if att["contentType"] != "text/plain; charset=utf-8" || att["title"] == "" {
		t.Errorf("attachment: %v", att)
	}
	b, err := base64.StdEncoding.DecodeString(att["data"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocumentReferences(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedPreparation()
		f.seedMedicineSessions()
		f.seedNotes()
		a := f.clients["A"]
		d := f.get(t, "assigned", "/fhir/r4/DocumentReference/"+f.notes.integration, http.StatusOK)
		typ := asList(d["type"].(map[string]any)["coding"])
		first := typ[0].(map[string]any)
		cat := asList(d["category"])[0].(map[string]any)["coding"].([]any)[0].(map[string]any)
		ctxt := d["context"].(map[string]any)
		enc := asList(ctxt["encounter"])[0].(map[string]any)["reference"]
		author := asList(d["author"])[0].(map[string]any)["display"]
		if d["status"] != "current" || d["docStatus"] != "final" || first["system"] != loincSystem || first["code"] != "11506-3" ||
			cat["code"] != "clinical-note" || d["subject"].(map[string]any)["reference"] != "Patient/"+a.ID ||
			enc != "Encounter/"+encounterID(f.sessions.doneAppt, a.ID) || author != "Staff assigned" || d["date"] == "" {
			t.Errorf("DocumentReference: %v", d)
		}
		if text := noteText(t, d); text != "Subjective:\nFelt lighter. "+marker+"\n\nPlan:\nWalk daily." {
			t.Errorf("the note's text: %q", text)
		}
		add := f.get(t, "admin", "/fhir/r4/DocumentReference/"+f.notes.addendum, http.StatusOK)
		rel := asList(add["relatesTo"])[0].(map[string]any)
		if rel["code"] != "appends" || rel["target"].(map[string]any)["reference"] != "DocumentReference/"+f.notes.integration {
			t.Errorf("addendum: %v", add)
		}
		prep := f.get(t, "clientA", "/fhir/r4/DocumentReference/"+f.notes.prep, http.StatusOK)
		if !strings.Contains(noteText(t, prep), "intentions explored") || prep["context"].(map[string]any)["encounter"] != nil {
			t.Errorf("preparation note: %v", prep)
		}
		for _, p := range []string{"clientB", "unassigned", "foreignAdmin"} {
			f.get(t, p, "/fhir/r4/DocumentReference/"+f.notes.integration, http.StatusNotFound)
		}

		ids := func(b map[string]any) []string {
			var out []string
			for _, e := range asList(b["entry"]) {
				out = append(out, e.(map[string]any)["resource"].(map[string]any)["id"].(string))
			}
			return out
		}
		all := f.get(t, "assigned", "/fhir/r4/DocumentReference?patient="+a.ID+"&_sort=date", http.StatusOK)
		if got := ids(all); len(got) != 3 || got[0] != f.notes.prep || got[2] != f.notes.addendum {
			t.Errorf("search by patient, by date: %v", got)
		}
		if got := ids(f.get(t, "assigned", "/fhir/r4/DocumentReference?subject=Patient/"+a.ID+"&_sort=-date&_count=1", http.StatusOK)); len(got) != 1 || got[0] != f.notes.addendum {
			t.Errorf("newest first, one: %v", got)
		}
		integ := f.get(t, "assigned", "/fhir/r4/DocumentReference?patient="+a.ID+"&type="+noteKindSystem+"|integration", http.StatusOK)
		if got := ids(integ); len(got) != 2 {
			t.Errorf("integration notes: %v", got)
		}
		since := f.now.AddDate(0, 0, -6).In(f.p.Clinic.Location()).Format(time.DateOnly)
		if got := ids(f.get(t, "prescriber", "/fhir/r4/DocumentReference?patient="+a.ID+"&date=ge"+since+"&type=11506-3", http.StatusOK)); len(got) != 2 {
			t.Errorf("since %s: %v", since, got)
		}
		if got := ids(f.get(t, "clientB", "/fhir/r4/DocumentReference?patient="+a.ID, http.StatusOK)); len(got) != 0 {
			t.Errorf("client B's search found A's notes: %v", got)
		}
		f.get(t, "assigned", "/fhir/r4/DocumentReference?patient="+a.ID+"&author=x", http.StatusBadRequest)
	})
}

// TestPsychotherapyNotesNeverServed asks the API everything it answers
// about client A, as every principal, the note's author included: its
// words are in no body, nor in any attachment once decoded.
func TestPsychotherapyNotesNeverServed(t *testing.T) {
	f := newFixture(t, store.Config{DataDir: t.TempDir()})
	f.seedPreparation()
	f.seedMedicineSessions()
	f.seedNotes()
	a := f.clients["A"].ID
	paths := []string{"/fhir/r4/Patient/" + a + "/$everything", "/fhir/r4/DocumentReference?patient=" + a, "/fhir/r4/DocumentReference"}
	for _, rt := range f.api.Routes() {
		if rt.Method == http.MethodGet && !strings.Contains(rt.Pattern, "{id}") && !strings.HasSuffix(rt.Pattern, "/metadata") {
			paths = append(paths, rt.Pattern+"?patient="+a)
		}
	}
	served := 0
	for _, p := range principals {
		for _, path := range paths {
			rec := f.do(p, http.MethodGet, path)
			body := rec.Body.String()
			if strings.Contains(body, processMarker) {
				t.Errorf("%s as %s holds the psychotherapy note", path, p)
			}
			if rec.Code != http.StatusOK {
				continue
			}
			m := mustFHIR(t, rec.Body.Bytes())
			for _, e := range asList(m["entry"]) {
				r := e.(map[string]any)["resource"].(map[string]any)
				if r["resourceType"] != "DocumentReference" {
					continue
				}
				served++
				if strings.Contains(noteText(t, r), processMarker) {
					t.Errorf("%s as %s serves the psychotherapy note as a DocumentReference", path, p)
				}
			}
		}
	}
	if served == 0 {
		t.Error("no DocumentReference was served at all: the test proves nothing")
	}
}
