package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"doorway/internal/session"
	"doorway/internal/store"
)

// weightField is the dose form's weight input holding value.
func weightField(value string) string {
	return `id="weight_kg" name="weight_kg" type="text" inputmode="decimal" autocomplete="off" value="` + value + `"`
}

// TestSessionDoseFormStartsFromTheDayWeight: the day's weight recorded
// before the dose (as the API records it) fills the dose form's weight; the
// clinician may change it, and the dose keeps the weight it was worked out
// from while the weighing stays on the record.
func TestSessionDoseFormStartsFromTheDayWeight(t *testing.T) {
	f := readyFixture(t)
	if r := f.post("assigned", "/checklist", f.checks("128", "82")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d", r.code)
	}
	before := f.page("assigned")
	if before.code != http.StatusOK || !strings.Contains(before.body, weightField("")) || strings.Contains(before.body, "Weighed at") {
		t.Fatalf("before the weighing the weight field should be empty: %d", before.code)
	}

	weighed := f.now.Add(-2 * time.Minute)
	ctx := context.Background()
	m := f.sessionRecord().Session
	if err := f.st.Write(ctx, func(tx *store.Tx) error {
		return tx.RecordSessionWeight(ctx, f.clinic.ID, m.ID, session.Kg(814), f.users["prescriber"].ID, weighed)
	}); err != nil {
		t.Fatal(err)
	}
	page := f.page("assigned")
	mustSee(t, "after the weighing", page, http.StatusOK,
		"Weighed at "+weighed.In(f.clinic.Location()).Format("15:04")+" by Staff prescriber: 81.4 kg. Change it if the client is weighed again.")
	if !strings.Contains(page.body, weightField("81.4")) {
		t.Errorf("the dose form does not start from the day's weight of 81.4 kg")
	}
	// A refused form of another kind keeps the day's weight in the dose
	// form; a refused dose form keeps what was typed.
	if r := f.post("assigned", "/checklist", f.checks("1400", "82")); r.code != http.StatusBadRequest || !strings.Contains(r.body, weightField("81.4")) {
		t.Errorf("a refused checklist: %d, or the dose form lost the day's weight", r.code)
	}
	if r := f.post("assigned", "/dose", f.doseForm("400", "")); r.code != http.StatusBadRequest || !strings.Contains(r.body, weightField("400")) {
		t.Errorf("a refused dose: %d, or the typed weight is lost", r.code)
	}

	// The clinician weighs again on the day and enters 80.0 kg with the
	// dose: 0.50 mg/kg × 80.0 kg = 40 mg.
	if r := f.post("assigned", "/dose", f.doseForm("80.0", "")); r.code != http.StatusSeeOther {
		t.Fatalf("dose: %d %s", r.code, r.body)
	}
	rec := f.sessionRecord().Session
	if d := rec.Dose; d == nil || d.Weight != session.KgOf(80) || d.Mg != session.MgOf(40) || d.PerKg != 50 {
		t.Errorf("dose = %+v, want 40 mg at 80 kg", rec.Dose)
	}
	if w := rec.Weight; w == nil || w.Kg != 814 || w.By != f.users["prescriber"].ID || !w.At.Equal(weighed) {
		t.Errorf("the day's weighing after the dose: %+v", rec.Weight)
	}
	after := f.page("assigned")
	mustSee(t, "after the dose", after, http.StatusOK, "Weight today", "80 kg", "Weighed before the dose",
		"81.4 kg by Staff prescriber at "+weighed.In(f.clinic.Location()).Format("15:04"))
	if strings.Contains(after.body, "Weighed at") {
		t.Error("the weighing hint is still shown after the dose")
	}
}
