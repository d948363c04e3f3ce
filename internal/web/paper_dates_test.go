package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doorway/internal/calendar"
	"doorway/internal/measures"
	"doorway/internal/store/storetest"
)

// TestPaperFormDatedBeforeTheCourse: a paper PHQ-9 dated 1999 (or the day
// before the course began) is refused with the course's first day, and
// nothing is stored: it cannot become the course's baseline. The course's
// first day is accepted.
func TestPaperFormDatedBeforeTheCourse(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Config(t))
			loc := f.clinic.Location()
			began := calendar.Of(f.now.AddDate(0, 0, -30), loc) // the measures fixture's course
			path := "/clients/" + f.clients["A"].ID + "/measures/phq9/paper"
			form := url.Values{}
			in, _ := measures.ByID(measures.PHQ9)
			for _, it := range in.Items {
				form.Set("a."+it.Key, "3")
			}
			before := len(f.responses("A", measures.PHQ9))
			for _, day := range []string{"1999-03-02", began.AddDays(-1).String()} {
				form.Set("completed_on", day)
				rec := f.do("assigned", http.MethodPost, path, form)
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "before the client&#39;s course began, on "+began.String()) {
					t.Errorf("dated %s: %d", day, rec.Code)
				}
			}
			if n := len(f.responses("A", measures.PHQ9)); n != before {
				t.Fatalf("%d responses stored, want %d", n, before)
			}
			form.Set("completed_on", began.String())
			if rec := f.do("assigned", http.MethodPost, path, form); rec.Code != http.StatusOK {
				t.Errorf("dated the course's first day: %d", rec.Code)
			}
		})
	}
}
