package practice

import (
	"testing"
	"time"

	"doorway/internal/measures"
	"doorway/internal/store"
)

// TestInstrumentEnabled: the licensed instruments are off until the
// clinic switches them on (with "1" exactly); the rest are on.
func TestInstrumentEnabled(t *testing.T) {
	for _, tc := range []struct {
		settings map[string]string
		id       string
		want     bool
	}{
		{nil, measures.PHQ9, true},
		{nil, measures.PCL5, true},
		{nil, measures.QIDSSR16, false},
		{nil, measures.CSSRSScreen, false},
		{map[string]string{store.SettingQIDSEnabled: "1"}, measures.QIDSSR16, true},
		{map[string]string{store.SettingCSSRSEnabled: "1"}, measures.CSSRSScreenSLC, true},
		{map[string]string{store.SettingCSSRSEnabled: "yes"}, measures.CSSRSScreen, false}, // only "1" switches it on
	} {
		in, _ := measures.ByID(tc.id)
		st := typedSettings(store.Clinic{ID: "c", TimeZone: "UTC", CreatedAt: time.Now()}, tc.settings)
		if got := st.InstrumentEnabled(in); got != tc.want {
			t.Errorf("%s with %v: %v, want %v", tc.id, tc.settings, got, tc.want)
		}
		if _, err := st.Instrument(tc.id); (err == nil) != tc.want {
			t.Errorf("Instrument(%s) with %v: %v", tc.id, tc.settings, err)
		}
	}
}

// The pre-dose readings count within the protocol's pre-dose window: one
// setting, read by the gates and the timetable alike.
func TestGatesReadThePreDoseWindowFromTheProtocol(t *testing.T) {
	clinic := store.Clinic{ID: "c", TimeZone: "UTC", CreatedAt: time.Now()}
	if got := typedSettings(clinic, map[string]string{}).Gates.PreDoseVitalsMinutes; got != 60 {
		t.Errorf("default window: %d minutes, want 60", got)
	}
	st := typedSettings(clinic, map[string]string{"session.protocol.pre_dose_window": "30"})
	if st.Gates.PreDoseVitalsMinutes != 30 || st.Session.Protocol.PreDoseWindow != 30 {
		t.Errorf("window of 30: gates %d, protocol %d", st.Gates.PreDoseVitalsMinutes, st.Session.Protocol.PreDoseWindow)
	}
}
