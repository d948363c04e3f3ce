package fhir

import (
	"encoding/json"
	"testing"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
)

// An IV dose says its rate in mg/kg/h, and a dose whose end of
// administration is recorded runs from the dose to that end; both are
// schema-valid resources.
func TestAdministrationRateAndPeriod(t *testing.T) {
	given := time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)
	ended := given.Add(42 * time.Minute)
	cs := clientSessions{client: store.Client{ID: "c1", GivenName: "Avery", FamilyName: "Rivera"}, names: map[string]string{"u1": "Sam Okafor"}}
	for _, tc := range []struct {
		name     string
		dose     store.SessionDose
		rate     any
		period   bool
		textTail string
	}{
		// 40 mg at 80 kg over 40 min: 0.50 mg/kg in 2/3 h = 0.75 mg/kg/h.
		{"IV, end not recorded", store.SessionDose{Route: session.IV, Mg: session.MgOf(40), Weight: session.KgOf(80), PerKg: 50, InfusionMinutes: 40,
			GivenAt: given, GivenBy: "u1", Lot: "IV-1"}, 0.75, false, "; infused over 40 min, 0.75 mg/kg/h"},
		{"IV, end recorded", store.SessionDose{Route: session.IV, Mg: session.MgOf(40), Weight: session.KgOf(80), PerKg: 50, InfusionMinutes: 40,
			GivenAt: given, GivenBy: "u1", Lot: "IV-1", EndedAt: &ended, EndedBy: "u1"}, 0.75, true, "; infused over 40 min, 0.75 mg/kg/h"},
		{"RDT, spat out", store.SessionDose{Route: session.RDT, Mg: session.MgOf(200), Weight: session.KgOf(70), PerKg: 286, Units: 2,
			GivenAt: given, GivenBy: "u1", Lot: "RDT-1", EndedAt: &ended, EndedBy: "u1"}, nil, true, "2.86 mg/kg at 70 kg"},
	} {
		d := tc.dose
		ma := cs.toAdministration(store.SessionRecord{Session: store.MedicineSession{ID: "m1", ClientID: "c1", AppointmentID: "a1", Dose: &d}})
		body, err := json.Marshal(ma)
		if err != nil {
			t.Fatal(err)
		}
		if loadSchema(t) != nil {
			if err := validateFHIR(body); err != nil {
				t.Errorf("%s: not schema-valid: %v", tc.name, err)
			}
		}
		var got map[string]any
		json.Unmarshal(body, &got)
		if r := dig(got, "dosage", "rateQuantity", "value"); r != tc.rate {
			t.Errorf("%s: rate %v, want %v", tc.name, r, tc.rate)
		}
		if tc.rate != nil && dig(got, "dosage", "rateQuantity", "code") != "mg/kg/h" {
			t.Errorf("%s: rate unit %v", tc.name, dig(got, "dosage", "rateQuantity"))
		}
		switch {
		case tc.period && (dig(got, "effectivePeriod", "start") != fhirInstant(given) || dig(got, "effectivePeriod", "end") != fhirInstant(ended) || got["effectiveDateTime"] != nil):
			t.Errorf("%s: effective %v %v", tc.name, got["effectivePeriod"], got["effectiveDateTime"])
		case !tc.period && (got["effectiveDateTime"] != fhirInstant(given) || got["effectivePeriod"] != nil):
			t.Errorf("%s: effective %v %v", tc.name, got["effectivePeriod"], got["effectiveDateTime"])
		}
		if text, _ := dig(got, "dosage", "text").(string); len(text) < len(tc.textTail) || text[len(text)-len(tc.textTail):] != tc.textTail {
			t.Errorf("%s: dosage text %q", tc.name, text)
		}
	}
}
