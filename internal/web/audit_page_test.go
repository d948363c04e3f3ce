package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/audit"
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
	if !strings.Contains(body, "client "+a.DisplayName()+` <span class="muted small id">`+a.ID+"</span>") {
		t.Errorf("the client is not named beside the id")
	}
	for _, want := range []string{`<option value="` + therapist.ID + `" selected>`, `<option value="` + a.ID + `" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the filter does not keep its choice %q", want)
		}
	}
	// A client filter keeps other clients out.
	other := f.do("admin", "GET", "/admin/audit?client="+f.clients["B"].ID, nil).Body.String()
	if strings.Contains(other, `id">`+a.ID+"<") {
		t.Error("filtering by client B shows entries about client A")
	}
}

// A client acting through the portal is named, as a client, and offered in
// the person filter; the server's own work is the clinic's system.
func TestAuditLogNamesClientsAndTheSystem(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	a, portal := f.clients["A"], f.users["clientA"]
	if rec := f.do("clientA", "POST", "/portal/journal", url.Values{"body": {"A first entry."}, "draft": {"new"}}); rec.Code >= 400 {
		t.Fatalf("journal: %d", rec.Code)
	}
	body := f.do("admin", "GET", "/admin/audit?person="+portal.ID, nil).Body.String()
	name := a.DisplayName() + " (client)"
	if !strings.Contains(body, "<td>"+name+"</td>") || !strings.Contains(body, `<option value="`+portal.ID+`" selected>`+name+"</option>") {
		t.Errorf("the client's own entries are not under their name %q:\n%s", name, body)
	}
	if strings.Contains(body, "<td>client "+portal.ID) {
		t.Error("a client is shown by kind and id")
	}
	if got := actorLabel(audit.Entry{ActorKind: audit.ActorSystem}, nil); got != "the clinic's system" {
		t.Errorf("the system is %q", got)
	}
}
