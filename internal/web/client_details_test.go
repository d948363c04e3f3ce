package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/store"
)

// A clinician on the care team or an admin adds or corrects a client's
// details on the chart (screening needs the date of birth); the change is
// logged by the fields it changed; bad input changes nothing; anyone else
// is answered as if the client did not exist.
func TestClientDetailsOnTheChart(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	b := f.clients["B"]
	path := "/clients/" + b.ID + "/details"
	form := func(dob string) url.Values {
		return url.Values{"given_name": {"Blake"}, "family_name": {"Other"}, "preferred_name": {"B"}, "date_of_birth": {dob},
			"email": {"blake@example.org"}, "phone": {"(541) 555-0199"}}
	}
	client := func() store.Client {
		var c store.Client
		f.st.Read(context.Background(), func(tx *store.Tx) (err error) {
			c, err = tx.Client(context.Background(), f.clinic.ID, b.ID)
			return err
		})
		return c
	}
	for _, tc := range []struct{ dob, says string }{
		{"2199-01-01", "The date of birth is after today; check the year."},
		{"1850-01-01", "The date of birth is more than 130 years ago; check the year."},
		{"12/03/1980", "The date of birth must be a date such as 1980-04-23."},
	} {
		rec := f.do("unassigned", "POST", path, form(tc.dob))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.says) {
			t.Errorf("date of birth %q: %d, want 400 saying %q", tc.dob, rec.Code, tc.says)
		}
	}
	if c := client(); c.DateOfBirth != b.DateOfBirth || c.PreferredName != "" {
		t.Fatalf("refused forms changed the client: %+v", c)
	}
	for _, p := range []string{"assigned", "prescriber", "clientB", "foreignAdmin"} {
		if rec := f.do(p, "POST", path, form("1975-04-12")); rec.Code != http.StatusNotFound {
			t.Errorf("%s off the care team: %d, want 404", p, rec.Code)
		}
	}
	rec := f.do("unassigned", "POST", path, form("1976-05-13"))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "The client&#39;s details are saved.") {
		t.Fatalf("save: %d", rec.Code)
	}
	if c := client(); c.DateOfBirth != "1976-05-13" || c.PreferredName != "B" || c.Phone != "(541) 555-0199" {
		t.Errorf("after the save: %+v", c)
	}
	if rec := f.do("admin", "POST", path, form("1976-05-13")); rec.Code != http.StatusOK {
		t.Errorf("an admin: %d", rec.Code)
	}
	var details []string
	f.st.Read(context.Background(), func(tx *store.Tx) error {
		es, err := tx.AuditEntries(context.Background(), store.AuditFilter{ClinicID: f.clinic.ID, Action: "client.update"})
		for _, e := range es {
			if e.ClientID == b.ID && e.Outcome == "ok" {
				details = append(details, e.Detail)
			}
		}
		return err
	})
	if len(details) != 2 || !strings.Contains(strings.Join(details, "|"), "changed: preferred name, date of birth, email, phone") ||
		!strings.Contains(strings.Join(details, "|"), "no change") || strings.Contains(strings.Join(details, "|"), "1976") {
		t.Errorf("audit details: %q", details)
	}
}
