package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/store"
)

// stored counts what the refused input below could have written: client
// A's clinic's clients, A's goals and preparation notes, dosing orders,
// and the readings of the medicine session under way.
type stored struct{ clients, goals, notes, orders, readings int }

func (f *fixture) stored() stored {
	f.t.Helper()
	ctx := context.Background()
	var s stored
	err := f.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if _, s.clients, err = tx.Clients(ctx, store.ClientFilter{ClinicID: f.clinic.ID}); err != nil {
			return err
		}
		goals, err := tx.Goals(ctx, f.clinic.ID, f.measures.courseID)
		if err != nil {
			return err
		}
		notes, err := tx.PrepNotes(ctx, f.clinic.ID, f.measures.courseID)
		if err != nil {
			return err
		}
		s.goals, s.notes = len(goals), len(notes)
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	s.orders = len(f.dosingHistory())
	s.readings = len(f.sessionRecord().Vitals)
	return s
}

// TestInputThatShouldNotBeAccepted sends, through the pages, each kind of
// input that was once accepted when it should not have been: a vital sign
// of 0 (which would be kept as "not measured"), a date of birth in the
// future or in 1800, NUL, ESC and bytes that are not UTF-8 in names, goals
// and notes, a name of 10,000 characters, and a field sent twice. Each is
// refused (400) with a plain message saying what is wrong, no server error,
// and nothing is stored.
func TestInputThatShouldNotBeAccepted(t *testing.T) {
	f := readyFixture(t)
	f.dosed(t)
	a := "/clients/" + f.clients["A"].ID
	client := func(edit func(url.Values)) url.Values {
		v := url.Values{"given_name": {"Robin"}, "family_name": {"Hale"}, "date_of_birth": {"1980-04-23"}}
		edit(v)
		return v
	}
	order := validOrderForm()
	order["route"] = []string{"rdt", "iv"}
	cases := []struct {
		name, who, path string
		form            url.Values
		says            string
	}{
		{"heart rate 0", "assigned", f.sessionURL() + "/vitals", url.Values{"systolic": {"120"}, "diastolic": {"80"}, "heart_rate": {"0"}}, "A reading of 0 cannot be recorded"},
		{"SpO2 0 alone", "assigned", f.sessionURL() + "/vitals", url.Values{"spo2": {"0"}}, "A reading of 0 cannot be recorded"},
		{"born in the future", "assigned", "/clients", client(func(v url.Values) { v.Set("date_of_birth", "2099-01-01") }), "after today"},
		{"born in 1800", "assigned", "/clients", client(func(v url.Values) { v.Set("date_of_birth", "1800-01-01") }), "more than 130 years ago"},
		{"details: born in 1800", "assigned", a + "/details", client(func(v url.Values) { v.Set("date_of_birth", "1800-01-01") }), "more than 130 years ago"},
		{"an inquiry born in the future", "assigned", "/inquiries/" + f.frontDoor.inquiryID + "/convert", client(func(v url.Values) { v.Set("date_of_birth", "2099-01-01") }), "after today"},
		{"NUL in a name", "assigned", "/clients", client(func(v url.Values) { v.Set("given_name", "Rob\x00in") }), "control character"},
		{"ESC in a name", "assigned", "/clients", client(func(v url.Values) { v.Set("family_name", "Hale\x1b[31m") }), "control character"},
		{"not UTF-8 in a name", "assigned", "/clients", client(func(v url.Values) { v.Set("given_name", "Rob\xffin") }), "not UTF-8"},
		{"a name of 10,000 characters", "assigned", "/clients", client(func(v url.Values) { v.Set("given_name", strings.Repeat("a", 10000)) }), "at most 200 characters"},
		{"ESC in a goal", "assigned", a + "/course/goals", url.Values{"text": {"Sleep\x1b[2J through"}}, "control character"},
		{"not UTF-8 in a goal", "assigned", a + "/course/goals", url.Values{"text": {"Sleep \xc3\x28"}}, "not UTF-8"},
		{"NUL in a note", "assigned", a + "/course/notes", url.Values{"occurred_on": {"2026-03-01"}, "body": {"Talked\x00 about sleep."}}, "control character"},
		{"two routes on a dosing order", "prescriber", a + "/dosing-order", order, `the field &#34;route&#34; more than once`},
		{"two names for a client", "assigned", "/clients", client(func(v url.Values) { v["given_name"] = []string{"Robin", "Robyn"} }), "more than once"},
	}
	before := f.stored()
	for _, c := range cases {
		rec := f.do(c.who, "POST", c.path, c.form)
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", c.name, rec.Code)
		}
		if !strings.Contains(body, c.says) {
			t.Errorf("%s: the page does not say %q", c.name, c.says)
		}
		for _, leak := range []string{"sql", "SQL", "goroutine", ".go:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the page mentions %q", c.name, leak)
			}
		}
	}
	if after := f.stored(); after != before {
		t.Errorf("refused input changed what is stored: %+v, then %+v", before, after)
	}
	// The same forms, put right, are taken: the refusals above were for
	// what they held, not for the form.
	if rec := f.do("assigned", "POST", "/clients", client(func(url.Values) {})); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
		t.Errorf("a good client: %d", rec.Code)
	}
	if rec := f.do("assigned", "POST", f.sessionURL()+"/vitals", url.Values{"heart_rate": {"72"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("a good reading: %d %s", rec.Code, rec.Body.String())
	}
	if after := f.stored(); after.clients != before.clients+1 || after.readings != before.readings+1 {
		t.Errorf("the good input: %+v, then %+v", before, after)
	}
}
