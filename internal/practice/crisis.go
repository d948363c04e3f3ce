package practice

import (
	"strings"
	"unicode"

	"doorway/internal/problem"
	"doorway/internal/store"
)

// Crisis resources are a clinic setting (CLINICAL.md §3): the text a
// client reads when their answers raise a safety flag, on the portal home
// and after a flagged questionnaire, and the numbers behind the call and
// text buttons. Until a clinic sets any of them it has Doorway's US
// defaults, text and numbers together (988 to call or text, 911). Once it
// sets its text or any number, a button shows only a number the clinic
// set itself: a clinic outside the US that rewrote the text must never
// show a US number it did not choose.

// The US defaults [CLINICAL.md §3].
const (
	DefaultCrisisCall      = "988"
	DefaultCrisisSMS       = "988"
	DefaultCrisisEmergency = "911"
)

// DefaultCrisisText is shown to a client whose answers raised a safety
// flag, with the US numbers, until the clinic sets its crisis resources.
const DefaultCrisisText = "If you are thinking about ending your life or hurting yourself, please reach out now. " +
	"In the US, call or text 988 to reach the 988 Suicide & Crisis Lifeline, any time of day or night. " +
	"If you are in immediate danger, call 911 or go to your nearest emergency department."

// NeutralCrisisText is shown when a clinic set crisis numbers but no text
// of its own: the default text names US numbers, which may not be theirs.
const NeutralCrisisText = "If you are thinking about ending your life or hurting yourself, please reach out now to a crisis line, " +
	"any time of day or night. If you are in immediate danger, call your emergency number or go to your nearest emergency department."

// Crisis is a clinic's crisis resources as a client sees them.
type Crisis struct {
	Text string
	// Call and SMS are the crisis line's numbers to call and to text;
	// Emergency the emergency number. "" shows no button.
	Call, SMS, Emergency string
	// Default: the clinic has set none of them; these are the US defaults.
	Default bool
}

// CrisisButton is one button of the crisis resources: "Call 988", tel:988.
type CrisisButton struct {
	Label, Href string
	Primary     bool
}

// Buttons are the call and text buttons, only for the numbers set.
func (c Crisis) Buttons() []CrisisButton {
	var out []CrisisButton
	if c.Call != "" {
		out = append(out, CrisisButton{Label: "Call " + c.Call, Href: "tel:" + dialable(c.Call)})
	}
	if c.SMS != "" {
		out = append(out, CrisisButton{Label: "Text " + c.SMS, Href: "sms:" + dialable(c.SMS)})
	}
	if c.Emergency != "" {
		out = append(out, CrisisButton{Label: "Call " + c.Emergency, Href: "tel:" + dialable(c.Emergency)})
	}
	if len(out) > 0 {
		out[0].Primary = true
	}
	return out
}

// crisisOf reads the clinic's crisis resources from its settings.
func crisisOf(raw map[string]string) Crisis {
	c := Crisis{Text: strings.TrimSpace(raw[store.SettingCrisisText]), Call: strings.TrimSpace(raw[store.SettingCrisisCall]),
		SMS: strings.TrimSpace(raw[store.SettingCrisisSMS]), Emergency: strings.TrimSpace(raw[store.SettingCrisisEmergency])}
	if c == (Crisis{}) {
		return Crisis{Text: DefaultCrisisText, Call: DefaultCrisisCall, SMS: DefaultCrisisSMS, Emergency: DefaultCrisisEmergency, Default: true}
	}
	if c.Text == "" {
		c.Text = NeutralCrisisText
	}
	return c
}

// dialable is a number as a tel: or sms: link takes it: digits, and a
// leading plus.
func dialable(n string) string {
	var b strings.Builder
	for i, r := range n {
		if unicode.IsDigit(r) || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkCrisisNumber reads a crisis number as an admin typed it: "" for
// none; otherwise 2 to 15 digits, with spaces, hyphens, brackets and a
// leading plus allowed ("116 123", "+44 116 123"), nothing else.
func checkCrisisNumber(field, s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", nil
	}
	digits := 0
	for i, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')' || (r == '+' && i == 0):
		default:
			return "", problem.Invalidf(field, "Write the number in digits, such as 988 or 116 123; a plus sign may start it.")
		}
	}
	if digits < 2 || digits > 15 || len(s) > 30 {
		return "", problem.Invalidf(field, "A phone number has 2 to 15 digits.")
	}
	return s, nil
}
