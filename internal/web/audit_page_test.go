package web

import (
	"net/http"
	"strings"
	"testing"
)

// The audit log names people and clients beside their ids, and filters by
// the person who acted and by the client whose record it was.
func TestAuditLogFiltersByPersonAndClient(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a := f.clients["A"]
	// The assigned therapist opens client A's chart: one entry by them
	// about A.
	if rec := f.do("assigned", "GET", "/clients/"+a.ID, nil); rec.Code != http.StatusOK {
		t.Fatalf("chart: %d", rec.Code)
	}
	therapist := f.users["assigned"]
	rec := f.do("admin", "GET", "/admin/audit?person="+therapist.ID+"&client="+a.ID, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("filtered audit: %d", rec.Code)
	}
	rows := strings.Count(body, "<tr>") - 1 // less the head
	if rows < 1 {
		t.Fatalf("the filter finds nothing:\n%s", body)
	}
	if n := strings.Count(body, "<td>"+therapist.Name+"</td>"); n != rows {
		t.Errorf("%d of %d rows are by %s: the person filter lets others through", n, rows, therapist.Name)
	}
	if !strings.Contains(body, a.DisplayName()+" ("+a.ID+")") {
		t.Errorf("the client is not named beside the id")
	}
	for _, want := range []string{`<option value="` + therapist.ID + `" selected>`, `<option value="` + a.ID + `" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the filter does not keep its choice %q", want)
		}
	}
	// A client filter keeps other clients out.
	other := f.do("admin", "GET", "/admin/audit?client="+f.clients["B"].ID, nil).Body.String()
	if strings.Contains(other, "("+a.ID+")") {
		t.Error("filtering by client B shows entries about client A")
	}
}
