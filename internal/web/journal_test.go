package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/audit"
	"doorway/internal/store"
)

// TestJournalPrivateUntilShared: client A writes two entries and shares
// one; their therapist reads exactly that one, and the private entry's words
// appear on no page the care team or the admin can open, nor in the audit
// log. Taking the share back hides it again.
func TestJournalPrivateUntilShared(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	const private, shared = "Private-Words-Q7 about my mother", "Shared-Words-K4 about the music"
	write := func(body string) string {
		rec := f.do("clientA", "POST", "/portal/journal", url.Values{"body": {body}, "draft": {"new"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("write: %d %s", rec.Code, rec.Body)
		}
		loc := rec.Header().Get("Location")
		id := strings.TrimPrefix(strings.TrimSuffix(loc, "?saved=1"), "/portal/journal/")
		return id
	}
	write(private)
	sharedID := write(shared)
	if rec := f.do("clientA", "POST", "/portal/journal/"+sharedID+"/share", url.Values{"share": {"1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("share: %d", rec.Code)
	}
	if b := f.do("clientA", "GET", "/portal/journal", nil).Body.String(); !strings.Contains(b, "Private-Words-Q7") || !strings.Contains(b, "shared with your care team") {
		t.Error("the client's own journal does not list both entries")
	}
	a := f.clients["A"].ID
	page := f.do("assigned", "GET", "/clients/"+a+"/journal", nil).Body.String()
	if !strings.Contains(page, "Shared-Words-K4") || strings.Contains(page, "Private-Words-Q7") {
		t.Errorf("the therapist's view of the journal:\n%s", page)
	}
	// Off the care team, the same page is refused; the client B's own
	// journal is empty of A's words; an admin sees no entry.
	if rec := f.do("unassigned", "GET", "/clients/"+a+"/journal", nil); rec.Code != http.StatusNotFound {
		t.Errorf("a therapist off the team: %d", rec.Code)
	}
	if b := f.do("admin", "GET", "/clients/"+a+"/journal", nil).Body.String(); strings.Contains(b, "Words-") {
		t.Error("an admin off the care team reads a journal entry")
	}
	if b := f.do("clientB", "GET", "/portal/journal", nil).Body.String(); strings.Contains(b, "Words-") {
		t.Error("client B sees client A's journal")
	}
	for _, p := range []string{"/clients/" + a, "/caseload", "/admin/audit", "/admin/audit.csv", "/clients/" + a + "/course"} {
		for _, who := range []string{"assigned", "admin"} {
			if b := f.do(who, "GET", p, nil).Body.String(); strings.Contains(b, "Private-Words-Q7") {
				t.Errorf("%s as %s shows the private entry", p, who)
			}
		}
	}
	// Another client cannot share or read A's entry by its id.
	if rec := f.do("clientB", "GET", "/portal/journal/"+sharedID, nil); rec.Code != http.StatusNotFound {
		t.Errorf("client B opening A's entry: %d", rec.Code)
	}
	if rec := f.do("clientB", "POST", "/portal/journal/"+sharedID+"/share", url.Values{"share": {"0"}}); rec.Code != http.StatusNotFound {
		t.Errorf("client B unsharing A's entry: %d", rec.Code)
	}
	// Taking the share back hides it from the team.
	if rec := f.do("clientA", "POST", "/portal/journal/"+sharedID+"/share", url.Values{"share": {"0"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("unshare: %d", rec.Code)
	}
	if b := f.do("assigned", "GET", "/clients/"+a+"/journal", nil).Body.String(); strings.Contains(b, "Words-") {
		t.Error("an entry taken back is still shown to the therapist")
	}
	// The audit log names entries by id, never by their words.
	ctx := context.Background()
	f.st.Read(ctx, func(tx *store.Tx) error {
		es, err := tx.AuditEntries(ctx, store.AuditFilter{ClinicID: f.clinic.ID, Action: "journal", Limit: 100})
		if len(es) < 4 {
			t.Errorf("journal audit entries: %d", len(es))
		}
		for _, e := range es {
			if strings.Contains(e.Detail, "Words") || (e.Outcome == audit.OK && e.ClientID != a) {
				t.Errorf("audit entry: %+v", e)
			}
		}
		return err
	})
}

// TestJournalDraftComesBack: a draft kept as the client types is there
// after a sign-out, and saving the entry clears it.
func TestJournalDraftComesBack(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	if rec := f.do("clientA", "POST", "/portal/journal/draft", url.Values{"draft": {"new"}, "body": {"Half a thought-Z9"}}); rec.Code != http.StatusNoContent {
		t.Fatalf("draft: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do("clientA", "POST", "/portal/journal/draft", url.Values{"draft": {"../../etc"}, "body": {"x"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("a draft under a bogus key: %d", rec.Code)
	}
	// A new session (as after signing out and in) finds the words again.
	b := f.do("clientA", "GET", "/portal/journal/write", nil).Body.String()
	if !strings.Contains(b, "Half a thought-Z9") || !strings.Contains(b, "are back") {
		t.Errorf("the write page does not bring the draft back:\n%s", b)
	}
	if b := f.do("clientA", "GET", "/portal/journal", nil).Body.String(); !strings.Contains(b, "Not saved yet") {
		t.Error("the journal does not mention the draft")
	}
	if rec := f.do("clientA", "POST", "/portal/journal", url.Values{"body": {"Half a thought-Z9, finished."}, "draft": {"new"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}
	if b := f.do("clientA", "GET", "/portal/journal", nil).Body.String(); strings.Contains(b, "Not saved yet") {
		t.Error("the draft is still listed after the entry was saved")
	}
	// An empty entry is refused with a message, and nothing is saved.
	rec := f.do("clientA", "POST", "/portal/journal", url.Values{"body": {"   "}, "draft": {"new"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Write something first") {
		t.Errorf("empty entry: %d", rec.Code)
	}
}
