package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The portal home shows the clinic's crisis resources: the US defaults
// while the clinic has set none, and once an admin sets its own, its text
// and only the numbers it set.
func TestCrisisResourcesAreTheClinics(t *testing.T) {
	f := newFixture(t, sqliteConfig(t))
	home := f.do("clientA", "GET", "/portal", nil).Body.String()
	for _, want := range []string{"If you are in crisis", "call or text 988", `href="tel:988"`, `href="sms:988"`, `href="tel:911"`} {
		if !strings.Contains(home, want) {
			t.Errorf("the default portal home does not show %q", want)
		}
	}
	form := url.Values{"pcl5_cutoff": {"33"}, "crisis_text": {"In the UK, call Samaritans on 116 123, free, any time. In an emergency call 999."},
		"crisis_call": {"116 123"}, "crisis_emergency": {"call 999"}}
	rec := f.do("admin", "POST", "/admin/measures", form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Write the number in digits") {
		t.Fatalf("a number in words: %d", rec.Code)
	}
	form.Set("crisis_emergency", "999")
	if rec := f.do("admin", "POST", "/admin/measures", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	home = f.do("clientA", "GET", "/portal", nil).Body.String()
	for _, want := range []string{"call Samaritans on 116 123", `href="tel:116123"`, "Call 116 123", `href="tel:999"`} {
		if !strings.Contains(home, want) {
			t.Errorf("the portal home does not show %q", want)
		}
	}
	// Not the bare digits: the stylesheet's address carries a content
	// hash, which may hold any three digits.
	for _, not := range []string{"tel:988", "tel:911", "sms:", "call or text 988"} {
		if strings.Contains(home, not) {
			t.Errorf("the portal home shows %q, which the clinic did not set", not)
		}
	}
}
