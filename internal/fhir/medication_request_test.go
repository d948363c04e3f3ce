package fhir

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/session"
	"doorway/internal/store"
)

// seedDosing gives client A an active course with three versions of a
// dosing order: 200 mg RDT (20 days ago, with the marker in its notes),
// 0.5 mg/kg IM (10 days ago) and 0.5 mg/kg IV over 40 min (2 days ago, in
// force). Client B gets none. f.dosing holds the versions' ids, oldest first.
func (f *fixture) seedDosing() {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	co := store.Course{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, ClientID: a.ID, State: care.Active, StartedAt: f.now.AddDate(0, 0, -30), CreatedAt: f.now}
	orders := []struct {
		order   session.Order
		daysAgo int
	}{
		{session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300), Notes: "Start low " + marker}, 20},
		{session.Order{Route: session.IM, MgPerKg: 50, MaxMg: session.MgOf(60)}, 10},
		{session.Order{Route: session.IV, MgPerKg: 50, MaxMg: session.MgOf(60), OverMinutes: 40}, 2},
	}
	f.dosing = nil
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &co); err != nil {
			return err
		}
		for _, spec := range orders {
			o := store.DosingOrder{ID: auth.NewID(), ClinicID: co.ClinicID, ClientID: a.ID, CourseID: co.ID, Order: spec.order,
				WrittenBy: f.p.Users["prescriber"].ID, WrittenAt: f.now.AddDate(0, 0, -spec.daysAgo)}
			if err := tx.WriteDosingOrder(ctx, &o, session.DefaultSettings()); err != nil {
				return err
			}
			f.dosing = append(f.dosing, o.ID)
		}
		return nil
	})
	if err != nil {
		f.t.Fatalf("dosing fixture: %v", err)
	}
	f.dosingCourse = co.ID
}

func TestMedicationRequest(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedDosing()
		get := func(principal, path string) map[string]any {
			t.Helper()
			rec := f.do(principal, "GET", path)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s as %s: %d %s", path, principal, rec.Code, rec.Body)
			}
			return mustFHIR(t, rec.Body.Bytes())
		}
		obj := func(v any, keys ...any) any {
			for _, k := range keys {
				switch k := k.(type) {
				case string:
					v = v.(map[string]any)[k]
				case int:
					v = v.([]any)[k]
				}
			}
			return v
		}

		// The order in force: IV, 0.5 mg/kg over 40 minutes, at most 60 mg.
		cur := get("assigned", "/fhir/r4/MedicationRequest/"+f.dosing[2])
		checks := []struct {
			got, want any
			what      string
		}{
			{cur["status"], "active", "status"},
			{cur["intent"], "order", "intent"},
			{obj(cur, "medicationCodeableConcept", "coding", 0, "system"), "http://www.nlm.nih.gov/research/umls/rxnorm", "medication system"},
			{obj(cur, "medicationCodeableConcept", "coding", 0, "code"), "6130", "ketamine"},
			{obj(cur, "medicationCodeableConcept", "text"), "Ketamine: Intravenous", "medication text"},
			{obj(cur, "subject", "reference"), "Patient/" + f.clients["A"].ID, "subject"},
			{obj(cur, "dosageInstruction", 0, "route", "coding", 0, "code"), "47625008", "intravenous route"},
			{obj(cur, "dosageInstruction", 0, "route", "coding", 0, "system"), "http://snomed.info/sct", "route system"},
			{obj(cur, "dosageInstruction", 0, "doseAndRate", 0, "doseQuantity", "value"), 0.5, "dose"},
			{obj(cur, "dosageInstruction", 0, "doseAndRate", 0, "doseQuantity", "code"), "mg/kg", "dose unit"},
			{obj(cur, "dosageInstruction", 0, "maxDosePerAdministration", "value"), 60.0, "maximum"},
			{obj(cur, "dosageInstruction", 0, "maxDosePerAdministration", "code"), "mg", "maximum unit"},
			{obj(cur, "dosageInstruction", 0, "timing", "repeat", "duration"), 40.0, "infusion minutes"},
			{obj(cur, "dosageInstruction", 0, "text"), "0.50 mg/kg, Intravenous over 40 min, at most 60 mg per session", "text"},
			{obj(cur, "requester", "display"), "Staff prescriber", "requester"},
			{obj(cur, "priorPrescription", "reference"), "MedicationRequest/" + f.dosing[1], "prior"},
			{obj(cur, "supportingInformation", 0, "reference"), "EpisodeOfCare/" + f.dosingCourse, "course"},
			{cur["authoredOn"], fhirInstant(f.now.AddDate(0, 0, -2)), "authoredOn"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
			}
		}
		// The first version: replaced, a fixed 200 mg under the tongue.
		first := get("prescriber", "/fhir/r4/MedicationRequest/"+f.dosing[0])
		if first["status"] != "stopped" || first["statusReason"] == nil || first["priorPrescription"] != nil ||
			obj(first, "dosageInstruction", 0, "doseAndRate", 0, "doseQuantity", "value") != 200.0 ||
			obj(first, "dosageInstruction", 0, "route", "coding", 0, "code") != "37839007" ||
			obj(first, "note", 0, "text") != "Start low "+marker {
			t.Errorf("first version: %v", first)
		}
		if own := get("clientA", "/fhir/r4/MedicationRequest/"+f.dosing[1]); own["status"] != "stopped" {
			t.Errorf("client A reading their own order: %v", own)
		}

		// Searches.
		base := "/fhir/r4/MedicationRequest?patient=" + f.clients["A"].ID
		day := func(daysAgo int) string {
			return f.now.AddDate(0, 0, -daysAgo).In(f.p.Clinic.Location()).Format(time.DateOnly)
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", f.dosing},
			{"&_sort=-date", []string{f.dosing[2], f.dosing[1], f.dosing[0]}},
			{"&status=active", f.dosing[2:]},
			{"&status=stopped", f.dosing[:2]},
			{"&date=ge" + day(15), f.dosing[1:]},
			{"&date=le" + day(15), f.dosing[:1]},
			{"&date=ge" + day(15) + "&date=le" + day(5), f.dosing[1:2]},
			{"&code=" + url.QueryEscape("http://www.nlm.nih.gov/research/umls/rxnorm|6130"), f.dosing},
			{"&code=" + url.QueryEscape("http://snomed.info/sct|6130"), nil},
		} {
			got, total, _ := bundleIDs(t, get("assigned", base+c.query))
			if total != len(c.want) || !slices.Equal(got, c.want) {
				t.Errorf("search %q: %v (total %d), want %v", c.query, got, total, c.want)
			}
		}
		got, total, links := bundleIDs(t, get("assigned", base+"&_count=1&_sort=date"))
		if total != 3 || !slices.Equal(got, f.dosing[:1]) || links["next"] == "" {
			t.Errorf("paging: %v of %d, links %v", got, total, links)
		}
		if rec := f.do("assigned", "GET", base+"&status=superseded"); rec.Code != http.StatusOK || mustFHIR(t, rec.Body.Bytes())["total"] != 0.0 {
			t.Errorf("a status no order has: %d", rec.Code)
		}
		if rec := f.do("assigned", "GET", base+"&date=soon"); rec.Code != http.StatusBadRequest {
			t.Errorf("a malformed date: %d", rec.Code)
		}

		// Outside scope: absent.
		if rec := f.do("unassigned", "GET", "/fhir/r4/MedicationRequest/"+f.dosing[2]); rec.Code != http.StatusNotFound {
			t.Errorf("unassigned read: %d", rec.Code)
		}
		if b := get("unassigned", base); b["total"] != 0.0 {
			t.Errorf("unassigned search found %v", b["total"])
		}
		if b := get("clientB", "/fhir/r4/MedicationRequest"); b["total"] != 0.0 {
			t.Errorf("client B found %v", b["total"])
		}

		// $everything carries every version.
		ev := get("clientA", "/fhir/r4/Patient/"+f.clients["A"].ID+"/$everything")
		n := 0
		for _, e := range ev["entry"].([]any) {
			if obj(e, "resource", "resourceType") == "MedicationRequest" {
				n++
			}
		}
		if n != 3 {
			t.Errorf("$everything holds %d MedicationRequests, want 3", n)
		}
		// The CapabilityStatement lists it with its search parameters.
		cs := get("anonymous", "/fhir/r4/metadata")
		found := false
		for _, r := range obj(cs, "rest", 0, "resource").([]any) {
			if obj(r, "type") == "MedicationRequest" {
				found = len(obj(r, "searchParam").([]any)) == 5
			}
		}
		if !found {
			t.Error("the CapabilityStatement does not list MedicationRequest with patient, subject, date, status and code")
		}
	})
}
