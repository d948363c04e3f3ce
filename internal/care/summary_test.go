package care

import (
	"testing"
)

func TestSummarize(t *testing.T) {
	unsigned := ready()
	unsigned.Signatures = unsigned.Signatures[:1] // only version 2 of the KAP consent
	unsigned.Signatures = append(unsigned.Signatures, Signature{DocumentID: "privacy", Version: 1})
	fresh := GateInput{} // a new inquiry: nothing yet

	tests := []struct {
		name    string
		state   State
		in      GateInput
		blocked string
		text    string
	}{
		{"consent missing in preparation", Preparation, unsigned, "consent:kap",
			"Preparation: waiting on Consent: KAP informed consent. Version 3 is not signed yet; the client signed version 2."},
		{"new inquiry", Inquiry, fresh, GateScreening,
			"Inquiry: waiting on Screening approved. No prescriber has reviewed the screening yet."},
		{"all course gates pass", Active, ready(), "",
			"Active (medicine sessions and integration): ready for a medicine session once the day's checks pass."},
		{"declined", Declined, fresh, "", "Declined (not a fit)."},
		{"completed", Completed, ready(), "", "Completed."},
		{"paused", Paused, unsigned, "", "Paused."},
	}
	for _, tt := range tests {
		in := tt.in
		in.PreDose = nil
		// Give it the full list: Summarize must ignore the day-of gates.
		sum := Summarize(tt.state, Gates(in, Settings{}, now))
		got := ""
		if sum.Blocked != nil {
			got = sum.Blocked.ID
		}
		if got != tt.blocked || sum.Text != tt.text || sum.Phase != tt.state.Label() {
			t.Errorf("%s: blocked %q %q; want %q %q", tt.name, got, sum.Text, tt.blocked, tt.text)
		}
	}
}
