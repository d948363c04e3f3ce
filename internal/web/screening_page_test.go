package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The screening page says what the rules could not decide (no date of
// birth: the age limit), which medicines it did not recognise by name and
// what each medicine was recognised as, and where Doorway's tier departs
// from a source's; an approval is refused until the date of birth is
// added on the chart, and then goes through.
func TestScreeningSaysWhatItCannotDecideAndDoesNotRecognise(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	f.intakeForB()
	b := f.clients["B"]
	// Client B's date of birth is taken away: a client added without one.
	if rec := f.do("unassigned", "POST", "/clients/"+b.ID+"/details", url.Values{"given_name": {"Blake"}, "family_name": {"Other"},
		"date_of_birth": {""}, "email": {b.Email}}); rec.Code != http.StatusOK {
		t.Fatalf("clear the date of birth: %d", rec.Code)
	}
	// The intake asks the review's new questions.
	for sec, wants := range map[string][]string{
		"medical":    {"Have you ever had a stroke?", "Have you ever had a heart attack?", "If you have: when was your most recent heart attack?", "bladder pain, cystitis"},
		"substances": {"At any time in your life, has drinking or drug use caused you problems", "have you used ketamine in a way you could not control"},
	} {
		page := f.do("clientB", "GET", "/portal/intake/"+sec, nil).Body.String()
		for _, w := range wants {
			if !strings.Contains(page, htmlEscape(w)) {
				t.Errorf("the %s section does not ask %q", sec, w)
			}
		}
	}
	sections := cleanIntake(nil)
	sections["medications"] = url.Values{"med_name": {"Nardil 15 mg", "Zoloft", ""}, "med_dose": {"15", "50", ""}, "med_times": {"3", "1", ""},
		"med_class": {"other", "other", "other"}}
	f.completeIntake(sections)
	path := "/clients/" + b.ID + "/screening"
	page := f.do("prescriber", "GET", path, nil).Body.String()
	for _, want := range []string{
		"Cannot be approved yet", "Under 18 years of age: ", // the undecided rule, by title
		"Recognised: phenelzine (MAOI).", "Not recognised: Zoloft", "Not recognised: Zoloft. Screening knows interacting medicines by name",
		"MAOI or stimulant medicine", // fired by name, though filed under other
		"Every screening rule, with its source", "Not as the source has it:</strong> R16 lists this as an exclusion; Doorway defaults to review.",
		"Previous stroke", "Heart attack in the past 6 weeks", "Bladder pain, cystitis or urinary tract disease",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the screening page does not say %q", want)
		}
	}
	rec := f.do("prescriber", "POST", path, url.Values{"kind": {"approve"}, "note": {"MAOI paused by the GP."}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "This client cannot be approved yet") {
		t.Fatalf("approval without a date of birth: %d", rec.Code)
	}
	if rec := f.do("unassigned", "POST", "/clients/"+b.ID+"/details", url.Values{"given_name": {"Blake"}, "family_name": {"Other"},
		"date_of_birth": {"1975-04-12"}, "email": {b.Email}}); rec.Code != http.StatusOK {
		t.Fatalf("add the date of birth: %d", rec.Code)
	}
	rec = f.do("prescriber", "POST", path, url.Values{"kind": {"approve"}, "note": {"MAOI paused by the GP."}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "The decision is recorded: approved.") {
		t.Fatalf("approval with a date of birth: %d", rec.Code)
	}
}
