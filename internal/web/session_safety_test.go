package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doorway/internal/auth"
	"doorway/internal/care"
	"doorway/internal/measures"
	"doorway/internal/store"
)

// raiseFlagged saves a response of client A to in with these answers,
// completed at at, with the flags its score raises; it returns the flag's
// id ("" when none was raised).
func (f *fixture) raiseFlagged(in string, answers measures.Answers, at time.Time) string {
	f.t.Helper()
	ctx := context.Background()
	a := f.clients["A"]
	res, err := measures.Score(mustInstrument(in), answers)
	if err != nil {
		f.t.Fatal(err)
	}
	var flagID string
	err = f.st.Write(ctx, func(tx *store.Tx) error {
		asg := store.Assignment{ID: auth.NewID(), ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID, InstrumentID: in,
			Occasion: string(measures.OccasionRepeat), DueAt: at, CreatedAt: at}
		if err := tx.CreateAssignment(ctx, &asg); err != nil {
			return err
		}
		r := store.Response{ID: auth.NewID(), AssignmentID: asg.ID, ClinicID: f.clinic.ID, ClientID: a.ID, CourseID: f.measures.courseID,
			InstrumentID: in, Answers: answers, Total: res.Total, HasTotal: in == measures.PHQ9, BandKey: res.Band.Key, Tier: string(res.Tier),
			EnteredBy: f.users["clientA"].ID, CompletedAt: at, RecordedAt: at}
		var flags []store.SafetyFlag
		for _, fl := range res.Flags {
			flagID = auth.NewID()
			flags = append(flags, store.SafetyFlag{ID: flagID, Kind: string(fl.Kind), Severity: string(fl.Severity), Reason: fl.Reason, RaisedAt: at})
		}
		return tx.SaveResponse(ctx, &r, flags)
	})
	if err != nil {
		f.t.Fatalf("raise a flag: %v", err)
	}
	return flagID
}

// ackFlag acknowledges a flag of client A from the chart, as p.
func (f *fixture) ackFlag(p, flagID string) {
	f.t.Helper()
	rec := f.do(p, "POST", "/clients/"+f.clients["A"].ID+"/flags/"+flagID+"/acknowledge", url.Values{"note": {"Called the client; safety plan reviewed."}})
	if rec.Code != http.StatusOK {
		f.t.Fatalf("acknowledge: %d %s", rec.Code, rec.Body.String())
	}
}

// A client flagged yesterday cannot be dosed today until a clinician
// acknowledges the flag: the safety gate fails, is the first thing the
// page shows, cannot be overridden, and the dose form is not offered.
func TestSessionOpenFlagBlocksTheDose(t *testing.T) {
	f := readyFixture(t)
	if r := f.post("assigned", "/checklist", f.checks("128", "82")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d %s", r.code, r.body)
	}
	mustSee(t, "ready", f.page("assigned"), http.StatusOK, "Every gate is cleared: the dose may be given.")

	phq := measures.Answers{"44250-9": 1, "44255-8": 1, "44259-0": 1, "44254-1": 1, "44251-7": 0, "44258-2": 1, "44252-5": 0, "44253-3": 0, "44260-8": 1}
	flag := f.raiseFlagged(measures.PHQ9, phq, f.now.Add(-26*time.Hour))
	page := f.page("assigned")
	mustSee(t, "flagged", page, http.StatusOK, "Safety first: no dose today until this is cleared",
		"There is a suicide-risk flag from the PHQ-9, open since", "No dose until a clinician acknowledges it with a note.",
		"The dose cannot be given until every gate below is passed")
	first, gates := strings.Index(page.body, "Safety first"), strings.Index(page.body, "Gates before the dose")
	if first < 0 || gates < 0 || first > gates {
		t.Error("the safety notice is not shown before the gates")
	}
	if i, j := strings.Index(page.body, `id="gate-safety.flags"`), strings.Index(page.body, `id="gate-screening"`); i < 0 || j < 0 || i > j {
		t.Error("the safety gate is not the first of the gates")
	}
	if strings.Contains(page.body, `action="`+f.sessionURL()+`/dose"`) {
		t.Error("the dose form is offered while a flag is open")
	}
	if strings.Contains(page.body, `<option value="`+care.GateSafetyFlags+`"`) {
		t.Error("the open-flag gate is offered for an override")
	}
	r := f.post("assigned", "/dose", f.doseForm("80.0", ""))
	mustSee(t, "dose refused", r, http.StatusBadRequest, "The dose is blocked until every gate is cleared. Not cleared: No open safety flag.")
	r = f.post("prescriber", "/overrides", url.Values{"gate": {care.GateSafetyFlags}, "reason": {"Seen her this morning."}})
	mustSee(t, "override refused", r, http.StatusBadRequest, "No open safety flag cannot be overridden")

	f.ackFlag("assigned", flag)
	mustSee(t, "acknowledged", f.page("assigned"), http.StatusOK, "Every gate is cleared: the dose may be given.",
		"No safety flag is waiting for a clinician.")
}

// A high C-SSRS result in the past month holds the dose back even once its
// flag is acknowledged, until a prescriber on the care team overrides.
func TestSessionHighCSSRSNeedsThePrescribersOverride(t *testing.T) {
	f := readyFixture(t)
	if r := f.post("assigned", "/checklist", f.checks("128", "82")); r.code != http.StatusSeeOther {
		t.Fatalf("checklist: %d %s", r.code, r.body)
	}
	high := measures.Answers{"93246-7": measures.Yes, "93247-5": measures.Yes, "93248-3": measures.No, "93249-1": measures.Yes,
		"93250-9": measures.No, "93267-3": measures.No}
	flag := f.raiseFlagged(measures.CSSRSScreen, high, f.now.AddDate(0, 0, -3))
	f.ackFlag("assigned", flag)
	page := f.page("assigned")
	mustSee(t, "high C-SSRS", page, http.StatusOK, "Safety first", "No high C-SSRS result in the past month",
		"No dose until a prescriber on the care team overrides with a written reason, even once its flag is acknowledged")
	if strings.Contains(page.body, `action="`+f.sessionURL()+`/dose"`) {
		t.Error("the dose form is offered after a high C-SSRS result")
	}
	// A therapist cannot override it; the prescriber on the care team can.
	if r := f.post("assigned", "/overrides", url.Values{"gate": {care.GateCSSRSHigh}, "reason": {"fine"}}); r.code != http.StatusNotFound {
		t.Fatalf("a therapist's override: %d", r.code)
	}
	r := f.post("prescriber", "/overrides", url.Values{"gate": {care.GateCSSRSHigh}, "reason": {"Assessed today with the client and her partner; safety plan in place."}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("override: %d %s", r.code, r.body)
	}
	mustSee(t, "overridden", f.page("assigned"), http.StatusOK, "Every gate is cleared: the dose may be given.",
		"Assessed today with the client and her partner")
}
