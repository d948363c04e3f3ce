package web

import (
	"fmt"
	"strings"
	"testing"

	"doorway/internal/care"
	"doorway/internal/session"
	"doorway/internal/web/view"
)

// What the public page and the default consent promise about going home is
// what discharge checks by default: the minimum observation counted from
// the end of administration, the client's own level (within 20%) or
// 140/90 with a heart rate of 50 to 100, the companion, and no driving
// until the next day. If a default changes, so must the words.
func TestTheDischargePromiseIsWhatIsChecked(t *testing.T) {
	l, p := session.DefaultDischargeLimits(), session.DefaultProtocol()
	if l.WithinPercent != 20 || p.MinObservation != 120 {
		t.Fatalf("the defaults moved (within %d%%, %d min): change the words below to match", l.WithinPercent, p.MinObservation)
	}
	promises := []string{
		"at least two hours", "within a fifth of them",
		fmt.Sprintf("no higher than %s", l.ReturnBP), fmt.Sprintf("between %d and %d", l.ReturnHRMin, l.ReturnHRMax),
		"the infusion ended", "the companion you named", "until the next day, after a night's sleep",
	}
	page, _ := view.PublicPageFor("/medicine-sessions")
	var public strings.Builder
	for _, sec := range page.Sections {
		public.WriteString(strings.Join(sec.Paras, " ") + " " + strings.Join(sec.Points, " ") + " ")
	}
	var consent string
	for _, c := range care.DefaultConsents() {
		if c.Kind == care.ConsentKAP {
			consent = c.Body
		}
	}
	for name, text := range map[string]string{"the public page": public.String(), "the default consent": consent} {
		for _, want := range promises {
			if !strings.Contains(text, want) {
				t.Errorf("%s does not say %q", name, want)
			}
		}
		if strings.Contains(text, "back to normal") || strings.Contains(text, "readings are settled") {
			t.Errorf("%s still promises vague vital signs", name)
		}
	}
}
