package fhir

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/session"
	"doorway/internal/store"
)

// weighingSession books client A a medicine session after the one under
// way and opens its record (pre-dose checks, no dose yet) at start; it
// returns the record and its Encounter id.
func (f *fixture) weighingSession(start time.Time) (store.MedicineSession, string) {
	f.t.Helper()
	ctx := context.Background()
	a, therapist := f.clients["A"], f.p.Users["assigned"].ID
	appt := store.Appointment{ID: auth.NewID(), ClinicID: f.p.Clinic.ID, Kind: store.KindMedicine, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		CreatedBy: therapist, CreatedAt: f.now, Staff: []string{therapist},
		Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: f.sessions.course}}}
	m := store.MedicineSession{ClinicID: f.p.Clinic.ID, AppointmentID: appt.ID, ClientID: a.ID, StartedBy: therapist, StartedAt: start}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.BookAppointment(ctx, &appt); err != nil {
			return err
		}
		return tx.StartMedicineSession(ctx, &m)
	})
	if err != nil {
		f.t.Fatalf("weighing session: %v", err)
	}
	return m, encounterID(appt.ID, a.ID)
}

func (f *fixture) medicineSession(id string) store.MedicineSession {
	f.t.Helper()
	var m store.MedicineSession
	if err := f.st.Read(context.Background(), func(tx *store.Tx) (err error) {
		m, err = tx.MedicineSession(context.Background(), f.p.Clinic.ID, id)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func weightBody(clientID, encounter string, value any, code string, extra ...map[string]any) []byte {
	q := map[string]any{"value": value, "unit": code, "system": "http://unitsofmeasure.org", "code": code}
	if code == "" {
		q = map[string]any{"value": value}
	}
	return vitalBody("29463-7", clientID, encounter, append([]map[string]any{{"valueQuantity": q}}, extra...)...)
}

// TestCreateBodyWeight records the day's weight through the API before the
// dose, reads it back and finds it in search, and is refused once the dose
// is given, for weights that cannot be real, for a unit that is not a
// weight, and for callers who may not document the session.
func TestCreateBodyWeight(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedMedicineSessions()
		a := f.clients["A"]
		loc := f.p.Clinic.Location()
		liveDose := f.now.Add(-35 * time.Minute) // the session under way was dosed at 70 kg then
		live := f.sessions.encounter(f.sessions.liveAppt, a)
		// A session after the one under way, opened three hours on; the
		// clock is then ten minutes into it.
		start := f.now.Add(3 * time.Hour)
		m, enc := f.weighingSession(start)
		f.now = start.Add(10 * time.Minute)
		weightID := "vs-weight-" + m.ID

		for _, tc := range []struct {
			name, principal string
			body            []byte
			at, says        string
		}{
			{"half a kilogram", "assigned", weightBody(a.ID, enc, 0.5, "kg"), "Observation.valueQuantity", "A weight of 0.5 kg is outside 25 kg–350 kg"},
			{"700 kg", "assigned", weightBody(a.ID, enc, 700, "kg"), "Observation.valueQuantity", "A weight of 700 kg is outside 25 kg–350 kg"},
			{"pounds not in UCUM", "assigned", weightBody(a.ID, enc, 176, "lb"), "Observation.valueQuantity.code", "The unit must be kg"},
			{"grams", "assigned", weightBody(a.ID, enc, 80000, "g"), "Observation.valueQuantity.code", "The unit must be kg"},
			{"no unit", "assigned", weightBody(a.ID, enc, 80, ""), "Observation.valueQuantity.code", "not taken without its unit"},
			{"kg from another system", "assigned", vitalBody("29463-7", a.ID, enc, map[string]any{"valueQuantity": map[string]any{
				"value": 80, "system": "http://example.org/units", "code": "kg"}}), "Observation.valueQuantity.code", "The unit must be kg"},
			{"hundredths of a kilogram", "assigned", weightBody(a.ID, enc, 80.25, "kg"), "Observation.valueQuantity", "at most one decimal place"},
			{"no value", "assigned", vitalBody("29463-7", a.ID, enc), "Observation.valueQuantity", "Give the weight"},
			{"components", "assigned", weightBody(a.ID, enc, 80, "kg", map[string]any{"component": []any{bpPart("8480-6", 120)}}), "Observation.component", "no components"},
			{"weighed the day before", "assigned", weightBody(a.ID, enc, 80, "kg", map[string]any{"effectiveDateTime": fhirInstant(start.Add(-13 * time.Hour))}),
				"Observation.effectiveDateTime", "more than 12 hours before"},
			{"in the future", "assigned", weightBody(a.ID, enc, 80, "kg", map[string]any{"effectiveDateTime": fhirInstant(f.now.Add(time.Hour))}),
				"Observation.effectiveDateTime", "in the future"},
			{"after the dose", "assigned", weightBody(a.ID, live, 72, "kg"), "Observation.encounter",
				"The dose was worked out from 70 kg at " + liveDose.In(loc).Format("15:04") + "; the day's weight cannot change after the dose."},
			{"signed session", "assigned", weightBody(a.ID, f.sessions.encounter(f.sessions.doneAppt, a), 72, "kg"), "Observation.encounter", "record not signed"},
			{"another client's encounter", "assigned", weightBody(f.clients["casey"].ID, enc, 80, "kg"), "Observation.encounter", "this client's medicine session"},
			{"admin", "admin", weightBody(a.ID, enc, 80, "kg"), "Observation.subject", "care team"},
			{"the client", "clientA", weightBody(a.ID, enc, 80, "kg"), "Observation.subject", "care team"},
			{"off the team", "unassigned", weightBody(a.ID, enc, 80, "kg"), "Observation.subject", "care team"},
		} {
			rec := f.post(tc.principal, "/fhir/r4/Observation", tc.body)
			body := mustFHIR(t, rec.Body.Bytes())
			if rec.Code != http.StatusUnprocessableEntity || dig(body, "issue", 0, "expression", 0) != tc.at ||
				!strings.Contains(dig(body, "issue", 0, "diagnostics").(string), tc.says) {
				t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body)
			}
		}
		// Nothing was stored: no day's weight on either session, and the
		// dose under way keeps its 70 kg.
		if got := f.medicineSession(m.ID); got.Weight != nil {
			t.Fatalf("refused creates recorded a weight: %+v", got.Weight)
		}
		if got := f.medicineSession(f.sessions.live); got.Weight != nil || got.Dose.Weight != session.KgOf(70) {
			t.Fatalf("the session under way after a refused weight: %+v, dose %+v", got.Weight, got.Dose)
		}
		if rec := f.do("assigned", "GET", "/fhir/r4/Observation/"+weightID); rec.Code != http.StatusNotFound {
			t.Errorf("a weight Observation before any weighing: %d", rec.Code)
		}

		// 81.4 kg, weighed five minutes into the session by the therapist.
		weighed := start.Add(5 * time.Minute)
		rec := f.post("assigned", "/fhir/r4/Observation", weightBody(a.ID, enc, 81.4, "kg", map[string]any{"effectiveDateTime": fhirInstant(weighed)}))
		if rec.Code != http.StatusCreated {
			t.Fatalf("create weight: %d %s", rec.Code, rec.Body)
		}
		o := mustFHIR(t, rec.Body.Bytes())
		if o["id"] != weightID || !strings.HasSuffix(rec.Header().Get("Location"), "/fhir/r4/Observation/"+weightID) ||
			o["status"] != "final" || dig(o, "code", "coding", 0, "code") != "29463-7" || dig(o, "category", 0, "coding", 0, "code") != "vital-signs" ||
			dig(o, "valueQuantity", "value") != 81.4 || dig(o, "valueQuantity", "code") != "kg" || o["effectiveDateTime"] != fhirInstant(weighed) ||
			dig(o, "performer", 0, "display") != "Staff assigned" || dig(o, "encounter", "reference") != "Encounter/"+enc ||
			dig(o, "subject", "reference") != "Patient/"+a.ID {
			t.Errorf("created: %v (Location %q)", o, rec.Header().Get("Location"))
		}
		if got := f.medicineSession(m.ID); got.Weight == nil || got.Weight.Kg != 814 || got.Weight.By != f.p.Users["assigned"].ID ||
			!got.Weight.At.Equal(weighed) || got.Dose != nil || got.State != store.SessionChecklist {
			t.Errorf("stored: weight %+v, dose %+v, state %s", got.Weight, got.Dose, got.State)
		}
		back := f.do("prescriber", "GET", "/fhir/r4/Observation/"+weightID)
		if b := mustFHIR(t, back.Body.Bytes()); back.Code != http.StatusOK || dig(b, "valueQuantity", "value") != 81.4 ||
			b["effectiveDateTime"] != fhirInstant(weighed) || dig(b, "performer", 0, "display") != "Staff assigned" {
			t.Errorf("read back: %d %v", back.Code, b)
		}
		// Search by code: the two dosed sessions' weights and this one,
		// newest first.
		b := mustFHIR(t, f.do("assigned", "GET", "/fhir/r4/Observation?patient="+a.ID+"&code=http://loinc.org|29463-7&_sort=-date").Body.Bytes())
		if b["total"] != 3.0 || dig(b, "entry", 0, "resource", "id") != weightID || dig(b, "entry", 0, "resource", "valueQuantity", "value") != 81.4 {
			t.Errorf("weight search: total %v, first %v", b["total"], dig(b, "entry", 0, "resource"))
		}
		// Off the care team it is as if absent.
		if rec := f.do("unassigned", "GET", "/fhir/r4/Observation/"+weightID); rec.Code != http.StatusNotFound {
			t.Errorf("read off the team: %d", rec.Code)
		}

		// Weighed again, by the prescriber, in pounds: 176.4 [lb_av] ×
		// 0.45359237 = 80.0137 kg, recorded as 80.0 kg, replacing 81.4.
		rec = f.post("prescriber", "/fhir/r4/Observation", weightBody(a.ID, enc, 176.4, "[lb_av]"))
		if rec.Code != http.StatusCreated {
			t.Fatalf("create weight in pounds: %d %s", rec.Code, rec.Body)
		}
		o = mustFHIR(t, rec.Body.Bytes())
		if o["id"] != weightID || dig(o, "valueQuantity", "value") != 80.0 || dig(o, "valueQuantity", "code") != "kg" ||
			o["effectiveDateTime"] != fhirInstant(f.now) || dig(o, "performer", 0, "display") != "Staff prescriber" {
			t.Errorf("created in pounds: %v", o)
		}
		if got := f.medicineSession(m.ID); got.Weight == nil || got.Weight.Kg != 800 || got.Weight.By != f.p.Users["prescriber"].ID {
			t.Errorf("stored from pounds: %+v", got.Weight)
		}

		// Each weighing is audited against the client; the three refused
		// callers as denied.
		var es []audit.Entry
		if err := f.st.Read(context.Background(), func(tx *store.Tx) (err error) {
			es, err = tx.AuditEntries(context.Background(), store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.observation.create", Limit: 100})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ok, denied := 0, 0
		for _, e := range es {
			switch {
			case e.Outcome == audit.OK && e.ResourceID == weightID && e.ClientID == a.ID && strings.HasPrefix(e.Detail, "Body weight "):
				ok++
			case e.Outcome == audit.Denied:
				denied++
			}
		}
		if ok != 2 || denied != 3 {
			t.Errorf("audit: %d weighings, %d denied; want 2 and 3", ok, denied)
		}

		// The dose is given at the weighed 80.0 kg: the Observation is now
		// the weight the dose was worked out from, still dated and signed
		// by the weighing, and a later weight is refused with nothing
		// changed.
		dosedAt := f.now.Add(5 * time.Minute)
		f.now = dosedAt.Add(time.Minute)
		if err := f.st.Write(context.Background(), func(tx *store.Tx) error {
			return tx.RecordSessionDose(context.Background(), f.p.Clinic.ID, m.ID, store.SessionDose{Route: session.RDT, Weight: session.KgOf(80),
				Mg: session.MgOf(200), Units: 2, Lot: "RDT-0425", GivenBy: f.p.Users["assigned"].ID, GivenAt: dosedAt, OrderID: f.sessions.order}, false)
		}); err != nil {
			t.Fatal(err)
		}
		weighedLb := f.medicineSession(m.ID).Weight.At
		rec = f.post("assigned", "/fhir/r4/Observation", weightBody(a.ID, enc, 82, "kg"))
		body := mustFHIR(t, rec.Body.Bytes())
		if rec.Code != http.StatusUnprocessableEntity || dig(body, "issue", 0, "expression", 0) != "Observation.encounter" ||
			dig(body, "issue", 0, "diagnostics") != "The dose was worked out from 80 kg at "+dosedAt.In(loc).Format("15:04")+"; the day's weight cannot change after the dose." {
			t.Errorf("weight after this dose: %d %s", rec.Code, rec.Body)
		}
		if got := f.medicineSession(m.ID); got.Weight.Kg != 800 || got.Dose.Weight != session.KgOf(80) {
			t.Errorf("after a refused weight: %+v, dose %+v", got.Weight, got.Dose)
		}
		w := mustFHIR(t, f.do("assigned", "GET", "/fhir/r4/Observation/"+weightID).Body.Bytes())
		if dig(w, "valueQuantity", "value") != 80.0 || w["effectiveDateTime"] != fhirInstant(weighedLb) || dig(w, "performer", 0, "display") != "Staff prescriber" ||
			dig(w, "note", 0, "text") != "The weight the dose was worked out from." {
			t.Errorf("weight after the dose: %v", w)
		}
		// The session under way had no weighing: its weight is the dose's,
		// dated and signed by the dose.
		w = mustFHIR(t, f.do("assigned", "GET", "/fhir/r4/Observation/vs-weight-"+f.sessions.live).Body.Bytes())
		if dig(w, "valueQuantity", "value") != 70.0 || w["effectiveDateTime"] != fhirInstant(liveDose) || dig(w, "performer", 0, "display") != "Staff assigned" {
			t.Errorf("weight that came with the dose: %v", w)
		}
	})
}

// TestWeightValue works pounds into kilograms by hand: 1 [lb_av] is exactly
// 0.45359237 kg, rounded half up to a tenth.
func TestWeightValue(t *testing.T) {
	for _, tc := range []struct {
		value float64
		code  string
		want  session.Kg
	}{
		{80.1, "kg", 801},
		{80, "kg", 800},
		{176.4, "[lb_av]", 800},  // 80.0137 kg
		{180, "[lb_av]", 816},    // 81.6466 kg
		{150.5, "[lb_av]", 683},  // 68.2656 kg
		{220.4, "[lb_av]", 1000}, // 99.9718 kg
		{110.1, "[lb_av]", 499},  // 49.9405 kg
	} {
		v := tc.value
		got, err := weightValue(&quantityInput{Value: &v, Code: tc.code, System: ucumSystem})
		if err != nil || got != tc.want {
			t.Errorf("%v %s = %v, %v; want %v", tc.value, tc.code, got, err, tc.want)
		}
	}
}
