package web

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"doorway/internal/store"
)

// smallTables hold a clinic's configuration, not its clients' records: a
// few rows each, whatever the size of the practice, so reading one whole is
// not a cost that grows.
var smallTables = map[string]bool{
	"clinics": true, "clinic_settings": true, "settings": true, "rooms": true, "consent_documents": true,
	"user_roles": true, "schema_migrations": true, "article_versions": true, "article_visibility": true,
}

// partialIndexes hold only a few rows of a large table by design (a
// partial index), so reading one whole is reading those few.
var partialIndexes = map[string]bool{
	"jobs_failed": true, // the jobs that failed, for the outbox page
}

var (
	// fullScan is SQLite reading a whole table (or a whole index of it).
	fullScan = regexp.MustCompile(`^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?`)
	// derivedRows names a subquery's rows.
	derivedRows = regexp.MustCompile(`^(?:CO-ROUTINE|MATERIALIZE) (\w+)`)
	// clinicSearch is a search led by the clinic, with what else narrows it.
	clinicSearch = regexp.MustCompile(`^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(clinic_id=\?(.*)\)$`)
	// personal are the columns that narrow a search to one person's rows
	// (or one course's, session's, appointment's).
	personal = regexp.MustCompile(`\b(client_id|course_id|session_id|appointment_id|user_id|id)=`)
	// window is a range bounded on both sides, as a calendar's week is.
	window = regexp.MustCompile(`(\w+)>\? AND (\w+)<\?`)
	// narrower is a condition on one row or one person's rows, which the
	// plan ought to use instead of the clinic's.
	narrower = regexp.MustCompile(`\b(client_id|course_id|session_id|appointment_id|user_id|id) (= \?|IN \(\?)`)
	// headOfLog is the one statement allowed to walk an index: it reads
	// the audit log's last entry by its key, from the end, one row.
	headOfLog = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
)

// TestPagesUseIndexes asks every page route of every principal, as
// TestNoPageServedWithoutItsEntry does, keeps every statement the store
// sends, and reads how SQLite would run each. No page may read a whole
// table of clients' records, nor a whole clinic's rows when it asked for
// one person's: at a practice of 100,000 clients either turns a page of
// milliseconds into one of seconds. SQLite plans without statistics, so the
// plans are the same on this small fixture as on a large practice.
// (PostgreSQL plans from statistics, so an empty database says little about
// a large one; bench/run measures it instead.)
func TestPagesUseIndexes(t *testing.T) {
	counter := store.QueryCounter{Keep: true}
	cfg := sqliteConfig(t)
	cfg.Counter = &counter
	f := newFixture(t, cfg)
	counter.Reset()
	for _, rt := range f.srv.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		for _, p := range principals {
			f.do(p, rt.Method, f.pathFor(rt.Pattern), nil)
		}
	}
	seen := map[string]bool{}
	for _, q := range counter.Statements() {
		if !strings.HasPrefix(q, "SELECT") || q == headOfLog {
			continue
		}
		seen[q] = true
	}
	if len(seen) < 50 {
		t.Fatalf("only %d distinct reads: the pages were not reached", len(seen))
	}
	var qs []string
	for q := range seen {
		qs = append(qs, q)
	}
	sort.Strings(qs)
	for _, q := range qs {
		plan, err := f.st.QueryPlan(context.Background(), q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		// A subquery's rows (a co-routine, or materialised) are read whole
		// by design: they are what the subquery's own search found.
		derived := map[string]bool{}
		for _, step := range plan {
			if m := derivedRows.FindStringSubmatch(step); m != nil {
				derived[m[1]] = true
			}
		}
		for _, step := range plan {
			if m := fullScan.FindStringSubmatch(step); m != nil && !smallTables[m[1]] && !derived[m[1]] && !partialIndexes[m[2]] {
				t.Errorf("reads the whole of %s:\n%s\n  %s", m[1], q, strings.Join(plan, "\n  "))
			}
			if m := clinicSearch.FindStringSubmatch(step); m != nil && !smallTables[m[1]] && narrower.MatchString(q) &&
				!personal.MatchString(m[2]) && !window.MatchString(m[2]) {
				t.Errorf("reads every row of the clinic in %s for one person's:\n%s\n  %s", m[1], q, strings.Join(plan, "\n  "))
			}
		}
	}
	t.Logf("%d distinct reads planned", len(qs))
}
