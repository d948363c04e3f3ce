package fhir

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/session"
	"doorway/internal/store"
)

// sessionIDs are client A's medicine session records in the fixture.
type sessionIDs struct {
	course, order string
	// done is a session a week ago, signed and locked: an RDT of 200 mg,
	// a sustained BP alert acknowledged, a mild nausea resolved.
	done, doneAppt string
	doneVitals     []string // reading ids, in time order (pre-dose first)
	adverseEvent   string
	// live is a session under way: dosed 35 minutes ago, readings at 0
	// and 15 minutes.
	live, liveAppt string
	// prep is a preparation session booked three days ahead.
	prep string
}

func (s sessionIDs) encounter(appt string, client store.Client) string {
	return encounterID(appt, client.ID)
}

// seedMedicineSessions gives client A a course with an RDT order of 200 mg
// (at most 300 mg), a completed session a week ago and one under way now,
// written with the store calls the session pages use.
func (f *fixture) seedMedicineSessions() {
	f.t.Helper()
	ctx := context.Background()
	a, clinic := f.clients["A"], f.p.Clinic.ID
	therapist, prescriber := f.p.Users["assigned"].ID, f.p.Users["prescriber"].ID
	co := store.Course{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, State: care.Active, StartedAt: f.now.AddDate(0, 0, -40), CreatedAt: f.now}
	order := store.DosingOrder{ID: auth.NewID(), ClinicID: clinic, ClientID: a.ID, CourseID: co.ID, WrittenBy: prescriber, WrittenAt: f.now.AddDate(0, 0, -30),
		Order: session.Order{Route: session.RDT, Mg: session.MgOf(200), MaxMg: session.MgOf(300)}}
	yes := true
	start := func(tx *store.Tx, appt *store.Appointment, at time.Time) (store.MedicineSession, error) {
		if err := tx.BookAppointment(ctx, appt); err != nil {
			return store.MedicineSession{}, err
		}
		m := store.MedicineSession{ClinicID: clinic, AppointmentID: appt.ID, ClientID: a.ID, StartedBy: therapist, StartedAt: at}
		if err := tx.StartMedicineSession(ctx, &m); err != nil {
			return m, err
		}
		ate, checked := at.Add(-5*time.Hour), at.Add(5*time.Minute)
		if err := tx.SaveSessionChecklist(ctx, clinic, m.ID, store.PreDoseChecklist{CompanionName: "Jo Rivera", CompanionPhone: "(541) 555-0100",
			RideConfirmed: true, LastFoodAt: &ate, NoSubstances: &yes, StimulantsPaused: &yes, MedicationsReviewed: true,
			Intention: "To listen " + marker, By: therapist, At: &checked}); err != nil {
			return m, err
		}
		if err := tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: clinic, SessionID: m.ID, PreDose: true, TakenAt: checked,
			Vitals: session.Vitals{Systolic: 128, Diastolic: 82, HeartRate: 72, SpO2: 98}, EnteredBy: therapist, EnteredAt: checked}); err != nil {
			return m, err
		}
		return m, nil
	}
	dose := func(tx *store.Tx, m store.MedicineSession, at time.Time) error {
		if err := tx.RecordSessionDose(ctx, clinic, m.ID, store.SessionDose{Route: session.RDT, Weight: session.KgOf(70), Mg: session.MgOf(200),
			Units: 2, Lot: "RDT-0425", GivenBy: therapist, GivenAt: at, OrderID: order.ID}, false); err != nil {
			return err
		}
		return tx.SaveSessionSetting(ctx, clinic, m.ID, store.SessionSetting{Music: true, EyeMask: true}, []string{therapist})
	}
	reading := func(tx *store.Tx, m store.MedicineSession, at time.Time, sys, dia, hr, spo2 int) error {
		return tx.AddSessionVitals(ctx, &store.SessionVitals{ClinicID: clinic, SessionID: m.ID, TakenAt: at,
			Vitals: session.Vitals{Systolic: sys, Diastolic: dia, HeartRate: hr, SpO2: spo2}, EnteredBy: therapist, EnteredAt: at})
	}
	err := f.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCourse(ctx, &co); err != nil {
			return err
		}
		if err := tx.WriteDosingOrder(ctx, &order, session.DefaultSettings()); err != nil {
			return err
		}
		// A week ago.
		begin := f.now.AddDate(0, 0, -7)
		appt := store.Appointment{ID: auth.NewID(), ClinicID: clinic, Kind: store.KindMedicine, StartsAt: begin, EndsAt: begin.Add(3 * time.Hour),
			CreatedBy: therapist, CreatedAt: begin.AddDate(0, 0, -7), Staff: []string{therapist},
			Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: co.ID}}}
		m, err := start(tx, &appt, begin)
		if err != nil {
			return err
		}
		d0 := begin.Add(20 * time.Minute)
		if err := dose(tx, m, d0); err != nil {
			return err
		}
		for _, r := range []struct{ min, sys, dia, hr, spo2 int }{
			{15, 150, 95, 88, 97}, {40, 186, 112, 96, 96}, {45, 184, 110, 94, 97}, {75, 142, 88, 80, 98}, {120, 128, 80, 74, 98},
		} {
			if err := reading(tx, m, d0.Add(time.Duration(r.min)*time.Minute), r.sys, r.dia, r.hr, r.spo2); err != nil {
				return err
			}
		}
		rec, err := tx.SessionRecordOf(ctx, clinic, m.ID)
		if err != nil {
			return err
		}
		alerts := rec.Alerts(session.DefaultAlertLimits())
		if len(alerts) != 1 {
			return fmt.Errorf("want one alert, got %+v", alerts)
		}
		if err := tx.AckSessionAlert(ctx, &store.SessionAlertAck{ClinicID: clinic, SessionID: m.ID, AlertKey: alerts[0].Key, Message: alerts[0].Message,
			Note: "Rechecked, client calm " + marker, By: therapist, At: d0.Add(46 * time.Minute)}); err != nil {
			return err
		}
		ae := store.SessionAdverseEvent{ClinicID: clinic, SessionID: m.ID, EnteredBy: therapist, EnteredAt: d0.Add(31 * time.Minute),
			AdverseEvent: session.AdverseEvent{At: d0.Add(30 * time.Minute), Kind: session.Nausea, Description: "Queasy " + marker,
				Severity: session.Mild, Outcome: session.Resolved}}
		if err := tx.AddSessionAdverseEvent(ctx, &ae); err != nil {
			return err
		}
		if err := tx.DischargeMedicineSession(ctx, clinic, m.ID, store.SessionDischarge{At: d0.Add(125 * time.Minute), ReleasedTo: "Jo Rivera",
			AlertOriented: true, By: therapist}); err != nil {
			return err
		}
		if err := tx.SignMedicineSession(ctx, clinic, m.ID, prescriber, d0.Add(130*time.Minute)); err != nil {
			return err
		}
		vs, err := tx.SessionVitals(ctx, clinic, m.ID)
		if err != nil {
			return err
		}
		f.sessions.doneVitals = nil
		for _, v := range vs {
			f.sessions.doneVitals = append(f.sessions.doneVitals, v.ID)
		}
		f.sessions.done, f.sessions.doneAppt, f.sessions.adverseEvent = m.ID, appt.ID, ae.ID

		// Under way: dosed 35 minutes ago.
		d0 = f.now.Add(-35 * time.Minute)
		live := store.Appointment{ID: auth.NewID(), ClinicID: clinic, Kind: store.KindMedicine, StartsAt: d0.Add(-20 * time.Minute),
			EndsAt: d0.Add(160 * time.Minute), CreatedBy: therapist, CreatedAt: begin, Staff: []string{therapist},
			Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: co.ID}}}
		if m, err = start(tx, &live, d0.Add(-20*time.Minute)); err != nil {
			return err
		}
		if err := dose(tx, m, d0); err != nil {
			return err
		}
		if err := reading(tx, m, d0, 132, 84, 76, 98); err != nil {
			return err
		}
		if err := reading(tx, m, d0.Add(15*time.Minute), 146, 92, 84, 97); err != nil {
			return err
		}
		f.sessions.live, f.sessions.liveAppt = m.ID, live.ID

		ahead := f.now.AddDate(0, 0, 3)
		prep := store.Appointment{ID: auth.NewID(), ClinicID: clinic, Kind: store.KindPreparation, StartsAt: ahead, EndsAt: ahead.Add(time.Hour),
			CreatedBy: therapist, CreatedAt: f.now, Staff: []string{therapist}, Clients: []store.AppointmentClient{{ClientID: a.ID, CourseID: co.ID}}}
		f.sessions.prep = prep.ID
		return tx.BookAppointment(ctx, &prep)
	})
	if err != nil {
		f.t.Fatalf("medicine session fixture: %v", err)
	}
	f.sessions.course, f.sessions.order = co.ID, order.ID
}

// vitalBody is a vital-sign Observation to create for a client in an
// encounter; extra replaces or (nil) removes fields.
func vitalBody(code, clientID, encounter string, extra ...map[string]any) []byte {
	m := map[string]any{
		"resourceType": "Observation",
		"status":       "final",
		"category": []any{map[string]any{"coding": []any{map[string]any{
			"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}}}},
		"code":      map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": code}}},
		"subject":   map[string]any{"reference": "Patient/" + clientID},
		"encounter": map[string]any{"reference": "Encounter/" + encounter},
	}
	switch code {
	case "85354-9":
		m["component"] = []any{bpPart("8480-6", 150), bpPart("8462-4", 96)}
	case "8867-4":
		m["valueQuantity"] = map[string]any{"value": 88, "unit": "beats/minute", "system": "http://unitsofmeasure.org", "code": "/min"}
	case "59408-5":
		m["valueQuantity"] = map[string]any{"value": 97, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}
	}
	for _, e := range extra {
		for k, v := range e {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func bpPart(code string, value any) map[string]any {
	return map[string]any{"code": map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": code}}},
		"valueQuantity": map[string]any{"value": value, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestMedicineSessionResources(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedMedicineSessions()
		a := f.clients["A"]
		ids := f.sessions
		get := func(principal, path string) map[string]any {
			t.Helper()
			rec := f.do(principal, "GET", path)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s as %s: %d %s", path, principal, rec.Code, rec.Body)
			}
			return mustFHIR(t, rec.Body.Bytes())
		}
		doneEnc := ids.encounter(ids.doneAppt, a)
		begin := f.now.AddDate(0, 0, -7)
		d0 := begin.Add(20 * time.Minute)

		// The finished session: AMB, finished, from the record's opening
		// to the discharge 125 minutes after the dose.
		enc := get("assigned", "/fhir/r4/Encounter/"+doneEnc)
		if enc["status"] != "finished" || dig(enc, "class", "code") != "AMB" || dig(enc, "type", 0, "coding", 0, "code") != "medicine" ||
			dig(enc, "period", "start") != fhirInstant(begin) || dig(enc, "period", "end") != fhirInstant(d0.Add(125*time.Minute)) ||
			dig(enc, "episodeOfCare", 0, "reference") != "EpisodeOfCare/"+ids.course || dig(enc, "participant", 0, "individual", "display") != "Staff assigned" {
			t.Errorf("finished Encounter: %v", enc)
		}
		if live := get("clientA", "/fhir/r4/Encounter/"+ids.encounter(ids.liveAppt, a)); live["status"] != "in-progress" || dig(live, "period", "end") != nil {
			t.Errorf("live Encounter: %v", live)
		}

		// The dose: 200 mg RDT, 2 tablets, 2.86 mg/kg at 70 kg (200 ÷ 70 =
		// 2.857), lot RDT-0425, given by the therapist, against the order.
		ma := get("prescriber", "/fhir/r4/MedicationAdministration/"+ids.done)
		want := map[string]any{
			"status":            "completed",
			"effectiveDateTime": fhirInstant(d0),
			"dosage.text":       "Rapid-dissolving tablet (RDT): 200 mg (2 tablets); 2.86 mg/kg at 70 kg",
			"dosage.dose.value": 200.0,
			"dosage.route":      "37839007",
			"lot":               "RDT-0425",
			"medication":        "6130",
			"context":           "Encounter/" + doneEnc,
			"request":           "MedicationRequest/" + ids.order,
			"performer":         "Staff assigned",
			"supporting":        "Observation/vs-weight-" + ids.done,
		}
		got := map[string]any{
			"status":            ma["status"],
			"effectiveDateTime": ma["effectiveDateTime"],
			"dosage.text":       dig(ma, "dosage", "text"),
			"dosage.dose.value": dig(ma, "dosage", "dose", "value"),
			"dosage.route":      dig(ma, "dosage", "route", "coding", 0, "code"),
			"lot":               dig(ma, "contained", 0, "batch", "lotNumber"),
			"medication":        dig(ma, "contained", 0, "code", "coding", 0, "code"),
			"context":           dig(ma, "context", "reference"),
			"request":           dig(ma, "request", "reference"),
			"performer":         dig(ma, "performer", 0, "actor", "display"),
			"supporting":        dig(ma, "supportingInformation", 0, "reference"),
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("MedicationAdministration %s = %v, want %v", k, got[k], w)
			}
		}

		// The adverse event names the dose as its suspect.
		ae := get("assigned", "/fhir/r4/AdverseEvent/"+ids.adverseEvent)
		if ae["actuality"] != "actual" || dig(ae, "event", "coding", 0, "code") != "nausea" || dig(ae, "severity", "coding", 0, "code") != "mild" ||
			dig(ae, "outcome", "coding", 0, "code") != "resolved" || dig(ae, "suspectEntity", 0, "instance", "reference") != "MedicationAdministration/"+ids.done ||
			ae["date"] != fhirInstant(d0.Add(30*time.Minute)) {
			t.Errorf("AdverseEvent: %v", ae)
		}

		// The 40-minute reading as a BP panel with its two components, and
		// the weight the dose was worked out from.
		bp := get("assigned", "/fhir/r4/Observation/vs-bp-"+ids.doneVitals[2])
		if dig(bp, "code", "coding", 0, "code") != "85354-9" || dig(bp, "category", 0, "coding", 0, "code") != "vital-signs" ||
			dig(bp, "component", 0, "code", "coding", 0, "code") != "8480-6" || dig(bp, "component", 0, "valueQuantity", "value") != 186.0 ||
			dig(bp, "component", 1, "code", "coding", 0, "code") != "8462-4" || dig(bp, "component", 1, "valueQuantity", "value") != 112.0 ||
			dig(bp, "effectiveDateTime") != fhirInstant(d0.Add(40*time.Minute)) || dig(bp, "encounter", "reference") != "Encounter/"+doneEnc {
			t.Errorf("BP Observation: %v", bp)
		}
		w := get("clientA", "/fhir/r4/Observation/vs-weight-"+ids.done)
		if dig(w, "valueQuantity", "value") != 70.0 || dig(w, "valueQuantity", "code") != "kg" || dig(w, "code", "coding", 0, "code") != "29463-7" {
			t.Errorf("weight Observation: %v", w)
		}

		// Searches: by code, by category alongside the survey scores, by
		// date, sorted, paged.
		b := get("assigned", "/fhir/r4/Observation?patient="+a.ID+"&code=http://loinc.org|8867-4&_sort=-date")
		// Heart rate: 6 readings in the finished session (pre-dose and 5
		// after), 3 in the live one (pre-dose, 0 and 15 min).
		if b["total"] != 9.0 || dig(b, "entry", 0, "resource", "valueQuantity", "value") != 84.0 {
			t.Errorf("heart-rate search: total %v, first %v", b["total"], dig(b, "entry", 0, "resource"))
		}
		// Each of the 9 readings has BP, HR and SpO2, and each dosed
		// session a weight: 9×3 + 2 = 29 vital signs.
		if b := get("assigned", "/fhir/r4/Observation?category=vital-signs&_count=5"); b["total"] != 29.0 || len(b["entry"].([]any)) != 5 {
			t.Errorf("vital-signs search: total %v", b["total"])
		}
		week := begin.In(f.p.Clinic.Location()).Format(time.DateOnly)
		if b := get("assigned", "/fhir/r4/MedicationAdministration?subject=Patient/"+a.ID+"&date=le"+week); b["total"] != 1.0 ||
			dig(b, "entry", 0, "resource", "id") != ids.done {
			t.Errorf("dose search by date: %v", b)
		}
		if b := get("assigned", "/fhir/r4/MedicationAdministration?code=6130&_sort=-date"); b["total"] != 2.0 || dig(b, "entry", 0, "resource", "id") != ids.live {
			t.Errorf("dose search by code, newest first: %v", b)
		}
		if b := get("assigned", "/fhir/r4/Encounter?patient="+a.ID+"&status=in-progress"); b["total"] != 1.0 {
			t.Errorf("Encounter search by status: %v", b["total"])
		}
		// A preparation session ahead: planned, over its booked hour.
		ahead := f.now.AddDate(0, 0, 3)
		if b := get("assigned", "/fhir/r4/Encounter?subject="+a.ID+"&type=preparation&date=ge"+ahead.In(f.p.Clinic.Location()).Format(time.DateOnly)); b["total"] != 1.0 ||
			dig(b, "entry", 0, "resource", "status") != "planned" || dig(b, "entry", 0, "resource", "period", "end") != fhirInstant(ahead.Add(time.Hour)) ||
			dig(b, "entry", 0, "resource", "id") != ids.encounter(ids.prep, a) {
			t.Errorf("preparation Encounter: %v", b)
		}
		if b := get("assigned", "/fhir/r4/AdverseEvent?event=hypertension"); b["total"] != 0.0 {
			t.Errorf("AdverseEvent search by another kind: %v", b["total"])
		}

		// Outside the care team, another clinic: as if absent.
		for _, path := range []string{"/fhir/r4/Encounter/" + doneEnc, "/fhir/r4/MedicationAdministration/" + ids.done,
			"/fhir/r4/AdverseEvent/" + ids.adverseEvent, "/fhir/r4/Observation/vs-hr-" + ids.doneVitals[1], "/fhir/r4/Observation/vs-weight-nonsense"} {
			for _, p := range []string{"unassigned", "clientB", "foreignAdmin"} {
				if rec := f.do(p, "GET", path); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), marker) {
					t.Errorf("%s as %s: %d", path, p, rec.Code)
				}
			}
		}
		if b := get("unassigned", "/fhir/r4/AdverseEvent"); b["total"] != 0.0 {
			t.Errorf("AdverseEvent search outside the care team: %v", b["total"])
		}

		// The CapabilityStatement lists them, and the create of vital signs.
		caps := map[string][]string{}
		for _, r := range dig(get("anonymous", "/fhir/r4/metadata"), "rest", 0, "resource").([]any) {
			for _, in := range dig(r, "interaction").([]any) {
				caps[dig(r, "type").(string)] = append(caps[dig(r, "type").(string)], dig(in, "code").(string))
			}
		}
		for typ, want := range map[string]string{"Encounter": "read search-type", "MedicationAdministration": "read search-type",
			"AdverseEvent": "read search-type", "Observation": "read create search-type"} {
			if got := strings.Join(caps[typ], " "); got != want {
				t.Errorf("CapabilityStatement %s: %q, want %q", typ, got, want)
			}
		}

		// $everything carries them all.
		ev := get("assigned", "/fhir/r4/Patient/"+a.ID+"/$everything")
		kinds := map[string]int{}
		for _, e := range ev["entry"].([]any) {
			kinds[dig(e, "resource", "resourceType").(string)]++
		}
		if kinds["Encounter"] != 3 || kinds["MedicationAdministration"] != 2 || kinds["AdverseEvent"] != 1 || kinds["Observation"] != 29 {
			t.Errorf("$everything: %v", kinds)
		}
	})
}

// TestEncounterStatus works through where a session stands, from its
// record if it has one, else from the calendar and the clock.
func TestEncounterStatus(t *testing.T) {
	now := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	appt := func(status string, startsIn time.Duration) store.Appointment {
		return store.Appointment{Status: status, StartsAt: now.Add(startsIn), EndsAt: now.Add(startsIn + time.Hour)}
	}
	rec := func(s store.SessionState) *store.SessionRecord {
		return &store.SessionRecord{Session: store.MedicineSession{State: s}}
	}
	for _, tc := range []struct {
		name string
		a    store.Appointment
		r    *store.SessionRecord
		want string
	}{
		{"booked for tomorrow", appt(store.StatusScheduled, 24*time.Hour), nil, "planned"},
		{"under way by the clock", appt(store.StatusScheduled, -30*time.Minute), nil, "in-progress"},
		{"its hour is over", appt(store.StatusScheduled, -2*time.Hour), nil, "finished"},
		{"marked completed early", appt(store.StatusCompleted, 24*time.Hour), nil, "finished"},
		{"cancelled", appt(store.StatusCancelled, -2*time.Hour), nil, "cancelled"},
		{"checks under way before its booked start", appt(store.StatusScheduled, time.Hour), rec(store.SessionChecklist), "in-progress"},
		{"dosed, past its booked end", appt(store.StatusScheduled, -3*time.Hour), rec(store.SessionDosed), "in-progress"},
		{"discharged", appt(store.StatusScheduled, -3*time.Hour), rec(store.SessionDischarged), "finished"},
		{"held: no dose today", appt(store.StatusScheduled, -30*time.Minute), rec(store.SessionHeld), "finished"},
	} {
		if got := encounterStatus(tc.a, tc.r, now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCreateVitalSigns(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		f.seedMedicineSessions()
		a := f.clients["A"]
		live := f.sessions.encounter(f.sessions.liveAppt, a)
		readings := func() int {
			t.Helper()
			var n int
			f.st.Read(context.Background(), func(tx *store.Tx) error {
				vs, err := tx.SessionVitals(context.Background(), f.p.Clinic.ID, f.sessions.live)
				n = len(vs)
				return err
			})
			return n
		}
		before := readings() // pre-dose, 0 and 15 minutes

		// Refusals: 422 naming the element; nothing stored.
		for _, tc := range []struct {
			name, principal string
			body            []byte
			at              string
		}{
			{"systolic impossible", "assigned", vitalBody("85354-9", a.ID, live, map[string]any{"component": []any{bpPart("8480-6", 1400), bpPart("8462-4", 90)}}),
				"Observation.component.where(code.coding.code='8480-6').valueQuantity"},
			{"diastolic above systolic", "assigned", vitalBody("85354-9", a.ID, live, map[string]any{"component": []any{bpPart("8480-6", 90), bpPart("8462-4", 120)}}),
				"Observation.component.where(code.coding.code='8462-4').valueQuantity"},
			{"no diastolic", "assigned", vitalBody("85354-9", a.ID, live, map[string]any{"component": []any{bpPart("8480-6", 150)}}), "Observation.component"},
			{"SpO2 above 100", "assigned", vitalBody("59408-5", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 101, "code": "%"}}), "Observation.valueQuantity"},
			// Possible but far from usual: confirmed only on the live view.
			{"systolic unusual", "assigned", vitalBody("85354-9", a.ID, live, map[string]any{"component": []any{bpPart("8480-6", 55), bpPart("8462-4", 35)}}),
				"Observation.component.where(code.coding.code='8480-6').valueQuantity"},
			{"SpO2 unusual", "assigned", vitalBody("59408-5", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 40, "code": "%"}}), "Observation.valueQuantity"},
			{"fractional heart rate", "assigned", vitalBody("8867-4", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 88.5}}), "Observation.valueQuantity"},
			{"wrong unit", "assigned", vitalBody("8867-4", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 88, "code": "kg"}}), "Observation.valueQuantity"},
			{"body weight after the dose", "assigned", vitalBody("29463-7", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 70, "code": "kg"}}), "Observation.encounter"},
			{"not a vital sign", "assigned", vitalBody("44261-6", a.ID, live), "Observation.code"},
			{"status", "assigned", vitalBody("8867-4", a.ID, live, map[string]any{"status": "preliminary"}), "Observation.status"},
			{"no encounter", "assigned", vitalBody("8867-4", a.ID, live, map[string]any{"encounter": nil}), "Observation.encounter"},
			{"signed session", "assigned", vitalBody("8867-4", a.ID, f.sessions.encounter(f.sessions.doneAppt, a)), "Observation.encounter"},
			{"another client's encounter", "assigned", vitalBody("8867-4", f.clients["casey"].ID, live), "Observation.encounter"},
			{"before the dose", "assigned", vitalBody("8867-4", a.ID, live, map[string]any{"effectiveDateTime": fhirInstant(f.now.Add(-50 * time.Minute))}), "Observation.effectiveDateTime"},
			{"in the future", "assigned", vitalBody("8867-4", a.ID, live, map[string]any{"effectiveDateTime": fhirInstant(f.now.Add(time.Hour))}), "Observation.effectiveDateTime"},
			// An admin, a client and a therapist off the care team may not
			// document the session.
			{"admin", "admin", vitalBody("8867-4", a.ID, live), "Observation.subject"},
			{"the client", "clientA", vitalBody("8867-4", a.ID, live), "Observation.subject"},
			{"off the team", "unassigned", vitalBody("8867-4", a.ID, live), "Observation.subject"},
		} {
			rec := f.post(tc.principal, "/fhir/r4/Observation", tc.body)
			body := mustFHIR(t, rec.Body.Bytes())
			if rec.Code != http.StatusUnprocessableEntity || dig(body, "issue", 0, "expression", 0) != tc.at {
				t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body)
			}
		}
		rec := f.post("assigned", "/fhir/r4/Observation", vitalBody("59408-5", a.ID, live, map[string]any{"valueQuantity": map[string]any{"value": 40, "code": "%"}}))
		if msg, _ := dig(mustFHIR(t, rec.Body.Bytes()), "issue", 0, "diagnostics").(string); !strings.Contains(msg, "An SpO2 of 40% is unusual (usually 50–100%).") ||
			!strings.Contains(msg, "confirms it on the session's live view; the API does not take confirmations") {
			t.Errorf("an unusual SpO2 is not explained: %q", msg)
		}
		if rec := f.post("assigned", "/fhir/r4/Observation", []byte(`{"resourceType":"Observation","interpretation":[]}`)); rec.Code != http.StatusBadRequest {
			t.Errorf("an unknown field: %d", rec.Code)
		}
		if n := readings(); n != before {
			t.Fatalf("refused creates stored %d readings", n-before)
		}

		// A BP panel at 30 minutes, as the prescriber on the team: stored as
		// the page stores it, so it counts for the timetable and alerts.
		at := f.now.Add(-5 * time.Minute)
		rec = f.post("prescriber", "/fhir/r4/Observation", vitalBody("85354-9", a.ID, live, map[string]any{
			"effectiveDateTime": fhirInstant(at), "component": []any{bpPart("8480-6", 204), bpPart("8462-4", 118)}}))
		if rec.Code != http.StatusCreated {
			t.Fatalf("create BP: %d %s", rec.Code, rec.Body)
		}
		o := mustFHIR(t, rec.Body.Bytes())
		id, _ := o["id"].(string)
		if !strings.HasPrefix(id, "vs-bp-") || rec.Header().Get("Location") == "" || dig(o, "component", 0, "valueQuantity", "value") != 204.0 ||
			dig(o, "performer", 0, "display") != "Staff prescriber" {
			t.Errorf("created: %v", o)
		}
		if back := f.do("assigned", "GET", "/fhir/r4/Observation/"+id); back.Code != http.StatusOK {
			t.Errorf("read back: %d", back.Code)
		}
		var r store.SessionRecord
		f.st.Read(context.Background(), func(tx *store.Tx) (err error) {
			r, err = tx.SessionRecordOf(context.Background(), f.p.Clinic.ID, f.sessions.live)
			return err
		})
		if len(r.Vitals) != before+1 {
			t.Fatalf("readings after the create: %d, want %d", len(r.Vitals), before+1)
		}
		// 204/118 is at or above 200/120? No: 118 < 120, but 204 ≥ 200, so
		// the severe limit is reached once: one open alert on the live view.
		alerts := r.Alerts(session.DefaultAlertLimits())
		if len(alerts) != 1 || alerts[0].Kind != session.AlertBPSevere || !alerts[0].Open() {
			t.Errorf("alerts after the create: %+v", alerts)
		}
		es, err := func() ([]audit.Entry, error) {
			var es []audit.Entry
			err := f.st.Read(context.Background(), func(tx *store.Tx) (err error) {
				es, err = tx.AuditEntries(context.Background(), store.AuditFilter{ClinicID: f.p.Clinic.ID, Action: "fhir.observation.create", Limit: 100})
				return err
			})
			return es, err
		}()
		if err != nil {
			t.Fatal(err)
		}
		ok, denied := 0, 0
		for _, e := range es {
			if e.Outcome == audit.OK && e.ClientID == a.ID {
				ok++
			} else if e.Outcome == audit.Denied {
				denied++
			}
		}
		if ok != 1 || denied != 3 {
			t.Errorf("audit: %d created, %d denied; want 1 and 3", ok, denied)
		}
	})
}
