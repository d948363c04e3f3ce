package practice

import (
	"testing"

	"doorway/internal/problem"
	"doorway/internal/store"
)

// The crisis buttons show Doorway's US defaults only while the clinic has
// set none of its crisis resources; once it sets any, only the numbers it
// set, so no button shows a number the clinic did not choose.
func TestCrisisButtons(t *testing.T) {
	type button struct{ label, href string }
	for _, tc := range []struct {
		name string
		raw  map[string]string
		text string
		want []button
	}{
		{"nothing set: the US defaults", map[string]string{}, DefaultCrisisText,
			[]button{{"Call 988", "tel:988"}, {"Text 988", "sms:988"}, {"Call 911", "tel:911"}}},
		{"own text, no numbers: no buttons", map[string]string{store.SettingCrisisText: "Ring the clinic's line."}, "Ring the clinic's line.", nil},
		{"UK numbers, no text: the neutral text", map[string]string{store.SettingCrisisCall: "116 123", store.SettingCrisisEmergency: "999"},
			NeutralCrisisText, []button{{"Call 116 123", "tel:116123"}, {"Call 999", "tel:999"}}},
		{"international form", map[string]string{store.SettingCrisisSMS: "+44 (0)7700 900123"}, NeutralCrisisText,
			[]button{{"Text +44 (0)7700 900123", "sms:+4407700900123"}}},
	} {
		c := crisisOf(tc.raw)
		var got []button
		for _, b := range c.Buttons() {
			got = append(got, button{b.Label, b.Href})
		}
		if c.Text != tc.text || len(got) != len(tc.want) {
			t.Errorf("%s: text %q, buttons %v; want %q, %v", tc.name, c.Text, got, tc.text, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: button %d %v, want %v", tc.name, i, got[i], tc.want[i])
			}
		}
		if bs := c.Buttons(); len(bs) > 0 && (!bs[0].Primary || (len(bs) > 1 && bs[1].Primary)) {
			t.Errorf("%s: only the first button is primary: %+v", tc.name, bs)
		}
	}
}

func TestCheckCrisisNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true}, {"988", "988", true}, {" 116  123 ", "116 123", true}, {"+1 (800) 273-8255", "+1 (800) 273-8255", true},
		{"1", "", false}, {"call 988", "", false}, {"98+8", "", false}, {"1234567890123456", "", false},
	} {
		got, err := checkCrisisNumber("crisis_call", tc.in)
		if (err == nil) != tc.ok || got != tc.want || (err != nil && problem.FieldOf(err) != "crisis_call") {
			t.Errorf("%q: %q, %v; want %q (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
